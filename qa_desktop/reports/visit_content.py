"""What a visit report says, as plain data: the PDF (``visit_report``) and the Word copy (``word``)
both draw from here, so the two can never say different things.

Each function takes the visit's checklists (and the cover's facts) and returns rows of words,
with a flag where a finding is adverse (written NOT MET, EXPIRED, NOT SEEN: colour only repeats it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from qa_desktop.domain.attributed_notes import attributed_text
from qa_desktop.domain.risk import VisitRag, visit_rag
from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.forms.checklist import (
    FACE_WORDS,
    MET,
    NO,
    NOT_APPLICABLE,
    NOT_MET,
    YES,
    Checklist,
    DocumentSeen,
    RaisedAction,
)
from qa_desktop.forms.template import Item, ResponseType

_MET_WORDS: dict[object, tuple[str, bool]] = {MET: ("Met", False), NOT_MET: ("✗ NOT MET", True),
                                               NOT_APPLICABLE: ("N/A", False)}


def answer_text(item: Item, value: object) -> tuple[str, bool]:
    """How an answer reads in the report, and whether it is flagged (not met / no / expired)."""
    if value is None:
        return ("Not answered", False)
    if item.response is ResponseType.MET_NOT_MET:
        return _MET_WORDS[value]
    if item.response is ResponseType.YES_NO:
        return ("Yes" if value == YES else "No", value == NO and item.action_on_not_met)
    if item.response is ResponseType.DOCUMENT:
        assert isinstance(value, DocumentSeen)
        if not value.seen:
            return ("✗ NOT SEEN", True)
        text = "Seen"
        if value.dated:
            text += f", dated {value.dated:%d/%m/%Y}"
        if value.expires:
            text += f", expires {value.expires:%d/%m/%Y}"
        return (text, False)
    if item.response is ResponseType.MULTI_CHOICE:
        return (", ".join(value), False)  # type: ignore[arg-type]
    if item.response is ResponseType.DATE:
        return (f"{value:%d/%m/%Y}", False)
    if item.response is ResponseType.FACES and value in FACE_WORDS:
        return (f"{value} out of 5: {FACE_WORDS[value].lower()}", False)
    if item.response in (ResponseType.FACES, ResponseType.RATING):
        _low, high = item.scale or (1, 5)
        return (f"{value} out of {high}", False)
    return (str(value), False)


def all_actions(checklists: Sequence[Checklist]) -> list[tuple[Item, RaisedAction]]:
    return [(item, action) for c in checklists for item, action in c.summary().actions]


@dataclass(frozen=True)
class Summary:
    rag: VisitRag
    header: tuple[str, ...]
    counts: tuple[str, ...]
    flagged: tuple[str, ...]  # "Carbon monoxide detector: nothing fitted near the boiler"


def summary(checklists: Sequence[Checklist]) -> Summary:
    totals = {MET: 0, NOT_MET: 0, NOT_APPLICABLE: 0, "unanswered": 0}
    flagged: list[str] = []
    flagged_count = 0
    for checklist in checklists:
        found = checklist.summary()
        for key in totals:
            totals[key] += found.counts.get(key, 0)
        for item in found.flagged:
            flagged_count += 1
            note = attributed_text(checklist.records[item.key].note)  # kept notes say whose is whose
            flagged.append(item.label + (f": {note}" if note else ""))
    actions = all_actions(checklists)
    order = list(ConcernLevel)
    highest = max((a.level for _, a in actions), key=order.index, default=None)
    rag = visit_rag(flagged_count, [a.level for _, a in actions])
    return Summary(rag, ("Met", "Not met", "Not applicable", "Not answered", "Actions", "Highest concern"),
                   (str(totals[MET]), str(totals[NOT_MET]), str(totals[NOT_APPLICABLE]), str(totals["unanswered"]),
                    str(len(actions)), highest.label if highest else "None"), tuple(flagged))


@dataclass(frozen=True)
class Finding:
    item: str
    answer: str
    note: str
    flagged: bool


@dataclass(frozen=True)
class FindingSection:
    checklist: str
    section: str
    findings: tuple[Finding, ...]


def findings(checklists: Sequence[Checklist]) -> list[FindingSection]:
    """Section by section, every item (photos apart) with its answer and note; the voice of the
    child has its own part."""
    found: list[FindingSection] = []
    for checklist in checklists:
        if checklist.template.key == "voice_of_child":
            continue
        for section in checklist.sections():
            items = [i for i in checklist.visible_items(section) if i.response is not ResponseType.PHOTO]
            rows = []
            for item in items:
                record = checklist.records.get(item.key)
                text, flagged = answer_text(item, record.answer if record else None)
                rows.append(Finding(item.label, text, attributed_text(record.note) if record else "", flagged))
            if rows:
                found.append(FindingSection(checklist.template.title, section.title, tuple(rows)))
    return found


ACTION_HEADER = ("Item", "Action", "Concern level", "Due by (Figure 8)", "Owner")


def action_rows(checklists: Sequence[Checklist]) -> list[tuple[str, str, str, str, str]]:
    return [(item.label, action.text, action.level.label, f"{action.due_at:%d/%m/%Y %H:%M}", "Provider")
            for item, action in all_actions(checklists)]


DOCUMENT_HEADER = ("Document", "Seen", "Dated", "Expires", "Status")


def document_rows(checklists: Sequence[Checklist], on: dt.date) -> list[tuple[tuple[str, ...], bool]]:
    """Documents seen with their dates and status; flagged when expired or not seen."""
    rows: list[tuple[tuple[str, ...], bool]] = []
    for checklist in checklists:
        for item in checklist.visible_items():
            record = checklist.records.get(item.key)
            if item.response is not ResponseType.DOCUMENT or record is None or record.answer is None:
                continue
            doc: DocumentSeen = record.answer
            # "In date" only when an expiry was recorded and has not passed (issue 21: no dates recorded
            # used to read as in date)
            status = "EXPIRED" if doc.expired_on(on) else ("NOT SEEN" if not doc.seen else
                                                           "In date" if doc.expires else "Expiry not recorded")
            rows.append(((item.label, "Yes" if doc.seen else "No", f"{doc.dated:%d/%m/%Y}" if doc.dated else "",
                          f"{doc.expires:%d/%m/%Y}" if doc.expires else "", status), status != "In date"))
    return rows


NO_YOUNG_PEOPLE = "Young people were not part of this visit (for example a Property Only visit)."
NO_VIEWS = "No views of young people were recorded on this visit."


def voice(checklists: Sequence[Checklist]) -> list[tuple[str, str]] | str:
    """What young people said (question, answer); or why there is nothing, in words."""
    found = next((c for c in checklists if c.template.key == "voice_of_child"), None)
    if found is None:
        return NO_YOUNG_PEOPLE
    said = [(item.label, answer_text(item, found.records[item.key].answer)[0]) for item in found.visible_items()
            if item.key in found.records and found.records[item.key].answer not in (None, "")]
    return said or NO_VIEWS


@dataclass(frozen=True)
class Photo:
    number: int
    blob: str
    caption: str


@dataclass(frozen=True)
class PhotoGroup:
    heading: str  # "Kitchen: Cooker"
    photos: tuple[Photo, ...]


def photo_groups(checklists: Sequence[Checklist]) -> list[PhotoGroup]:
    """The photographs by item, numbered in order, each with its caption (or the item's name)."""
    groups: list[PhotoGroup] = []
    count = 0
    for checklist in checklists:
        for section in checklist.sections():
            for item in checklist.visible_items(section):
                record = checklist.records.get(item.key)
                if record is None or not record.evidence:
                    continue
                photos = []
                for evidence in record.evidence:
                    count += 1
                    photos.append(Photo(count, evidence.blob, f"Photo {count}. {evidence.caption or item.label}"))
                groups.append(PhotoGroup(f"{section.title}: {item.label}", tuple(photos)))
    return groups
