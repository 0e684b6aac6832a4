"""The checklist engine: one template being filled in for one visit or review.

A ``Checklist`` holds the exact ``Template`` it was started from (templates are immutable values,
and a visit records key, version and digest), so a later edit of the template file cannot change
a visit already begun. It checks each answer against its item's response type, keeps notes,
evidence (photo hashes) and actions per item, and answers the questions a visit screen and a
report ask: progress per section and overall, required items missing, "not met" items with no
action, and a summary. It holds no database and no Qt: storage and screens sit on top.

Items hidden by scope (e.g. a Property Only visit) or by ``show_when`` do not count towards
progress and are never "missing"; an answer given before an item was hidden is kept, not
deleted (nothing an officer typed is thrown away), and counts again if the item shows again.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from qa_desktop.domain.timescales import ConcernLevel, action_due
from qa_desktop.forms.template import Item, ResponseType, Section, Template

if TYPE_CHECKING:
    from qa_desktop.domain.framework import Framework

MET, NOT_MET, NOT_APPLICABLE = "met", "not_met", "not_applicable"
YES, NO = "yes", "no"
#: The face scale of Young Inspector and voice-of-the-child questions, always shown with its words.
FACE_WORDS = {1: "Very unhappy", 2: "Unhappy", 3: "Okay", 4: "Happy", 5: "Very happy"}
FACE_COLOURS = {1: "#c0392b", 2: "#e67e22", 3: "#f1c40f", 4: "#7dbb42", 5: "#2e9d4f"}
FLAGGED_ANSWERS = {NOT_MET, NO}


class AnswerError(ValueError):
    """An answer that does not fit its item, worded for the officer."""


@dataclass(frozen=True)
class DocumentSeen:
    """A "document seen" answer: whether it was seen, its date and when it expires."""

    seen: bool
    dated: dt.date | None = None
    expires: dt.date | None = None

    def expired_on(self, day: dt.date) -> bool:
        return self.expires is not None and self.expires < day


@dataclass(frozen=True)
class RaisedAction:
    text: str
    level: ConcernLevel
    raised_at: dt.datetime
    due_at: dt.datetime


@dataclass(frozen=True)
class Evidence:
    """A photo attached to an item: the blob's sha256 and the officer's caption."""

    blob: str
    caption: str = ""


@dataclass
class ItemRecord:
    answer: Any = None
    note: str = ""
    evidence: list[Evidence] = field(default_factory=list)
    action: RaisedAction | None = None


@dataclass(frozen=True)
class Progress:
    answered: int
    total: int

    @property
    def fraction(self) -> float:
        return self.answered / self.total if self.total else 1.0

    @property
    def complete(self) -> bool:
        return self.answered == self.total


@dataclass(frozen=True)
class Summary:
    counts: dict[str, int]
    flagged: list[Item]
    expired_documents: list[Item]
    actions: list[tuple[Item, RaisedAction]]


class Checklist:
    def __init__(self, template: Template, scope: str, on: dt.date) -> None:
        if scope not in template.scopes:
            raise ValueError(f"{template.title} is not used at {scope!r} (only {', '.join(template.scopes)})")
        self.template = template
        self.scope = scope
        self.on = on  # the visit date: documents expired before it are flagged
        self.records: dict[str, ItemRecord] = {}

    # -- what shows ---------------------------------------------------------------------------

    def sections(self) -> list[Section]:
        return [s for s in self.template.sections if s.scopes is None or self.scope in s.scopes]

    def visible_items(self, section: Section | None = None) -> list[Item]:
        sections = [section] if section is not None else self.sections()
        return [item for s in sections for item in s.items if self._shows(item)]

    def items_in_scope(self, section: Section) -> list[Item]:
        """The section's items this visit can show, in template order: those of its scope, whether a
        ``show_when`` shows them now or not (an answer may show them a moment later)."""
        return [item for item in section.items if item.scopes is None or self.scope in item.scopes]

    def _shows(self, item: Item) -> bool:
        if item.scopes is not None and self.scope not in item.scopes:
            return False
        if item.show_when is None:
            return True
        controller = self.template.item(item.show_when.item)
        if not self._shows(controller):
            return False
        answer = self.answer(controller.key)
        answers = answer if isinstance(answer, (list, tuple)) else [answer]
        return any(str(a) in item.show_when.equals for a in answers if a is not None)

    # -- changing ----------------------------------------------------------------------------

    def record(self, key: str) -> ItemRecord:
        self.template.item(key)  # KeyError for an item this template does not have
        return self.records.setdefault(key, ItemRecord())

    def answer(self, key: str) -> Any:
        record = self.records.get(key)
        return record.answer if record else None

    def set_answer(self, key: str, value: Any) -> Any:
        """Check and store an answer; returns the value as stored."""
        item = self.template.item(key)
        clean = check_answer(item, value)
        self.record(key).answer = clean
        return clean

    def clear_answer(self, key: str) -> None:
        self.record(key).answer = None

    def set_note(self, key: str, text: str) -> None:
        self.record(key).note = text

    def add_evidence(self, key: str, blob_hash: str, caption: str = "") -> None:
        evidence = self.record(key).evidence
        if all(e.blob != blob_hash for e in evidence):
            evidence.append(Evidence(blob_hash, caption.strip()))

    def raise_action(self, key: str, text: str, level: ConcernLevel, raised_at: dt.datetime,
                     figures: Framework | None = None) -> RaisedAction:
        """An action against an item, due by Figure 8 for its concern level (the council's, ``figures``)."""
        action = make_action(text, level, raised_at, figures)
        self.record(key).action = action
        return action

    # -- questions ---------------------------------------------------------------------------

    def progress(self, section: Section | None = None) -> Progress:
        items = self.visible_items(section)
        return Progress(sum(1 for i in items if self._answered(i)), len(items))

    def missing_required(self) -> list[Item]:
        return [i for i in self.visible_items() if i.required and not self._answered(i)]

    def needing_action(self) -> list[Item]:
        """Items whose answer must raise an action but have none yet."""
        return [i for i in self.visible_items() if i.action_on_not_met and self._flagged(i)
                and self.records[i.key].action is None]

    def problems_before_completion(self) -> list[str]:
        return ([f"Required: {i.label}" for i in self.missing_required()]
                + [f"Not met with no action raised: {i.label}" for i in self.needing_action()])

    def summary(self) -> Summary:
        counts: Counter[str] = Counter()
        flagged, expired, actions = [], [], []
        for item in self.visible_items():
            answer = self.answer(item.key)
            if answer is None:
                counts["unanswered"] += 1
                continue
            if item.response in (ResponseType.MET_NOT_MET, ResponseType.YES_NO):
                counts[answer] += 1
            elif item.response is ResponseType.DOCUMENT:
                counts["document_seen" if answer.seen else "document_not_seen"] += 1
            else:
                counts["answered"] += 1
            if self._flagged(item):
                flagged.append(item)
            if item.response is ResponseType.DOCUMENT and answer.expired_on(self.on):
                expired.append(item)
            record = self.records[item.key]
            if record.action is not None:
                actions.append((item, record.action))
        return Summary(dict(counts), flagged, expired, actions)

    def is_answered(self, item: Item) -> bool:
        """Whether the item has an answer (a photo item: a photo); what progress counts."""
        return self._answered(item)

    def _answered(self, item: Item) -> bool:
        answer = self.answer(item.key)
        if item.response is ResponseType.PHOTO:
            return bool(self.records.get(item.key) and self.records[item.key].evidence)
        return answer not in (None, "", [])

    def _flagged(self, item: Item) -> bool:
        answer = self.answer(item.key)
        if item.response is ResponseType.DOCUMENT:
            return answer is not None and (not answer.seen or answer.expired_on(self.on))
        return answer in FLAGGED_ANSWERS


def make_action(text: str, level: ConcernLevel, raised_at: dt.datetime,
                figures: Framework | None = None) -> RaisedAction:
    """An action as raised now, due by Figure 8 (the council's timescales, ``figures``; Medway's
    built-in ones when not given); ``AnswerError`` if it does not say what to do."""
    if not text.strip():
        raise AnswerError("Say what the provider must do.")
    return RaisedAction(text.strip(), level, raised_at, action_due(level, raised_at, figures))


def check_answer(item: Item, value: Any) -> Any:
    """``value`` as the item's response type stores it; ``AnswerError`` if it does not fit."""
    kind = item.response
    if kind is ResponseType.MET_NOT_MET:
        return _one_of(item, value, (MET, NOT_MET, NOT_APPLICABLE))
    if kind is ResponseType.YES_NO:
        return _one_of(item, value, (YES, NO))
    if kind is ResponseType.CHOICE:
        return _one_of(item, value, item.choices)
    if kind is ResponseType.MULTI_CHOICE:
        values = list(value) if isinstance(value, (list, tuple, set)) else [value]
        for v in values:
            _one_of(item, v, item.choices)
        return [c for c in item.choices if c in values]
    if kind is ResponseType.TEXT:
        if not isinstance(value, str):
            raise AnswerError(f"{item.label}: expected text")
        return value
    if kind is ResponseType.NUMBER:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise AnswerError(f"{item.label}: expected a number")
        return value
    if kind is ResponseType.DATE:
        if not isinstance(value, dt.date):
            raise AnswerError(f"{item.label}: expected a date")
        return value
    if kind in (ResponseType.RATING, ResponseType.FACES):
        low, high = item.scale or (1, 5)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise AnswerError(f"{item.label}: expected a whole number from {low} to {high}")
        return value
    if kind is ResponseType.DOCUMENT:
        if not isinstance(value, DocumentSeen):
            raise AnswerError(f"{item.label}: expected whether the document was seen, its date and expiry")
        if value.dated and value.expires and value.expires < value.dated:
            raise AnswerError(f"{item.label}: the expiry date is before the document's date")
        return value
    raise AnswerError(f"{item.label}: photo evidence is attached, not typed")


def _one_of(item: Item, value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise AnswerError(f"{item.label}: {value!r} is not one of {', '.join(allowed)}")
    return value
