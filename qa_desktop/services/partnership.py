"""Partnership working (Section 13) as services: the meeting log (meetings and joint visits, who
attended, the providers and cases discussed, the actions arising) and placement funding requests
with QA's feedback.

Every change goes through ``Changes`` (synced and audited like a visit answer). A provider or case
discussed is a row of its own with an id derived from the meeting and what was discussed, so two
officers adding the same provider meet on one row and adding different ones keeps both. An action
for a provider is due by Figure 8 and is tracked with every other action on that provider
(``services.oversight.tracked_actions``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qa_desktop.domain.partnership import (
    FundingRecommendation,
    MeetingKind,
    PartnershipError,
    check_meeting,
    meeting_action_due,
    next_expected,
)
from qa_desktop.domain.reporting_year import Span
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.services.council import framework
from qa_desktop.services.record_checks import existing, live_provider, live_setting, optional, words
from qa_desktop.store.access import officer
from qa_desktop.store.changes import Changes, derived_id
from qa_desktop.store.database import Store
from qa_desktop.store.models import (
    FundingRequest,
    Meeting,
    MeetingAction,
    MeetingTopic,
    Provider,
    QaCase,
    Setting,
)

# -- meetings ---------------------------------------------------------------------------------------


def record_meeting(store: Store, *, held_on: dt.date, kind: MeetingKind, attendees: Sequence[str], today: dt.date,
                   title: str | None = None, notes: str | None = None, setting_id: str | None = None,
                   providers: Sequence[str] = (), cases: Sequence[str] = (), references: Sequence[str] = ()) -> str:
    """Record a meeting or joint visit with the providers, QA cases and other references discussed; its id."""
    names = check_meeting(kind, held_on, today, list(attendees))
    with store.write() as changes:
        officer(changes.session, "or record meetings")
        if setting_id:
            live_setting(changes.session, setting_id, PartnershipError)
        meeting = changes.create(Meeting, held_on=held_on, kind=kind, title=optional(title), attendees=names,
                                 notes=optional(notes), setting_id=setting_id or None)
        for provider_id in providers:
            _add_topic(changes, meeting.id, provider_id=provider_id)
        for case_id in cases:
            _add_topic(changes, meeting.id, case_id=case_id)
        for reference in references:
            _add_topic(changes, meeting.id, reference=reference)
        return meeting.id


def update_meeting(store: Store, meeting_id: str, *, today: dt.date, held_on: dt.date | None = None,
                   kind: MeetingKind | None = None, attendees: Sequence[str] | None = None,
                   title: str | None = None, notes: str | None = None) -> set[str]:
    """Change what is given of a meeting; the fields that changed."""
    with store.write() as changes:
        meeting = existing(changes, Meeting, meeting_id, "meeting", PartnershipError)
        names = check_meeting(kind or meeting.kind, held_on or meeting.held_on, today,
                              list(attendees) if attendees is not None else list(meeting.attendees))
        fields: dict[str, Any] = {"attendees": names}
        if held_on is not None:
            fields["held_on"] = held_on
        if kind is not None:
            fields["kind"] = kind
        if title is not None:
            fields["title"] = optional(title)
        if notes is not None:
            fields["notes"] = optional(notes)
        return changes.update(meeting, **fields)


def delete_meeting(store: Store, meeting_id: str) -> None:
    """Delete a meeting recorded by mistake, with what was discussed and its actions (tombstones, so
    the deletion syncs)."""
    with store.write() as changes:
        meeting = existing(changes, Meeting, meeting_id, "meeting", PartnershipError)
        parts: list[MeetingTopic | MeetingAction] = [
            *changes.session.scalars(select(MeetingTopic).where(MeetingTopic.meeting_id == meeting_id)),
            *changes.session.scalars(select(MeetingAction).where(MeetingAction.meeting_id == meeting_id))]
        for row in parts:
            changes.delete(row)
        changes.delete(meeting)


def add_topic(store: Store, meeting_id: str, *, provider_id: str | None = None, case_id: str | None = None,
              reference: str | None = None, note: str | None = None) -> str:
    """Add a provider, a QA case or another reference discussed at a meeting; the topic's id."""
    with store.write() as changes:
        existing(changes, Meeting, meeting_id, "meeting", PartnershipError)
        return _add_topic(changes, meeting_id, provider_id=provider_id, case_id=case_id, reference=reference,
                          note=note)


def _add_topic(changes: Changes, meeting_id: str, *, provider_id: str | None = None, case_id: str | None = None,
               reference: str | None = None, note: str | None = None) -> str:
    reference = optional(reference)
    given = [v for v in (provider_id, case_id, reference) if v]
    if len(given) != 1:
        raise PartnershipError("Name one provider, one QA case or one reference for each thing discussed.")
    if case_id:
        case = changes.session.get(QaCase, case_id)
        if case is None or case.deleted:
            raise PartnershipError("That QA case is not in the duty log (it may have been deleted).")
        provider_id = case.provider_id  # a case is discussed with its provider
        key = ("case", case_id)
    elif provider_id:
        live_provider(changes.session, provider_id, PartnershipError)
        key = ("provider", provider_id)
    else:
        assert reference is not None
        key = ("reference", reference.casefold())
    # Derived from what is discussed, so the same provider added on two laptops is one row. A removed
    # one (a tombstone is never revived) is added again as the next generation, which two laptops
    # adding it again also compute alike.
    generation = 0
    while True:
        topic_id = derived_id("meeting-topic", meeting_id, *key, *([str(generation)] if generation else []))
        row = changes.session.get(MeetingTopic, topic_id)
        if row is None:
            break
        if not row.deleted:  # discussed already: the note is added to it
            if note is not None:
                changes.update(row, note=optional(note))
            return row.id
        generation += 1
    return changes.create(MeetingTopic, id=topic_id, meeting_id=meeting_id, provider_id=provider_id,
                          case_id=case_id or None, reference=reference if key[0] == "reference" else None,
                          note=optional(note)).id


def remove_topic(store: Store, topic_id: str) -> None:
    with store.write() as changes:
        changes.delete(existing(changes, MeetingTopic, topic_id, "provider or case discussed", PartnershipError))


def add_meeting_action(store: Store, meeting_id: str, text: str, *, raised_at: dt.datetime,
                       provider_id: str | None = None, level: ConcernLevel | None = None, owner: str | None = None,
                       due_at: dt.datetime | None = None) -> str:
    """An action arising from a meeting; for a provider it is due by Figure 8 for its level."""
    with store.write() as changes:
        due = meeting_action_due(level, raised_at, provider_id, due_at, framework(changes.session))
        existing(changes, Meeting, meeting_id, "meeting", PartnershipError)
        if provider_id:
            live_provider(changes.session, provider_id, PartnershipError)
        return changes.create(MeetingAction, meeting_id=meeting_id, provider_id=provider_id or None,
                              text=words(text, "what the action is", PartnershipError), owner=optional(owner),
                              level=level, raised_at=raised_at, due_at=due).id


def extend_meeting_action(store: Store, action_id: str, *, new_due: dt.datetime, reason: str) -> None:
    """An agreed extension (Section 12), later than the date in force; an action with no date gets one."""
    with store.write() as changes:
        action = existing(changes, MeetingAction, action_id, "action", PartnershipError)
        if action.completed_at is not None:
            raise PartnershipError("That action is already complete.")
        current = action.extended_to or action.due_at
        if current is not None and new_due <= current:
            raise PartnershipError(f"An extension must be later than the current due date "
                                   f"({current.astimezone():%d %b %Y %H:%M}).")
        changes.update(action, extended_to=new_due,
                       extension_reason=words(reason, "why the extension was agreed", PartnershipError))


def complete_meeting_action(store: Store, action_id: str, *, completed_at: dt.datetime, evidence: str) -> None:
    with store.write() as changes:
        action = existing(changes, MeetingAction, action_id, "action", PartnershipError)
        if completed_at < action.raised_at:
            raise PartnershipError("An action cannot be completed before it was raised.")
        changes.update(action, completed_at=completed_at,
                       evidence=words(evidence, "the evidence of completion", PartnershipError))


@dataclass(frozen=True)
class TopicLine:
    """A provider, QA case or reference discussed at a meeting."""

    id: str
    provider_id: str | None
    provider: str
    case_id: str | None
    case: str
    reference: str | None
    note: str | None

    @property
    def words(self) -> str:
        if self.case_id:
            return f"{self.provider}: QA case {self.case}"
        return self.provider or self.reference or ""


@dataclass(frozen=True)
class MeetingActionLine:
    id: str
    meeting_id: str
    provider_id: str | None
    provider: str
    text: str
    owner: str | None
    level: ConcernLevel | None
    raised_at: dt.datetime
    due_at: dt.datetime | None  # in force: the extension's, if extended
    extended: bool
    completed_at: dt.datetime | None
    evidence: str | None
    overdue: bool


@dataclass(frozen=True)
class MeetingLine:
    """A meeting of the log with what was discussed and what arose."""

    id: str
    held_on: dt.date
    kind: MeetingKind
    title: str | None
    setting_id: str | None
    setting: str | None
    attendees: tuple[str, ...]
    notes: str | None
    topics: tuple[TopicLine, ...]
    actions: tuple[MeetingActionLine, ...]

    @property
    def discussed(self) -> str:
        return "; ".join(t.words for t in self.topics)

    @property
    def open_actions(self) -> int:
        return sum(1 for a in self.actions if a.completed_at is None)


def meetings(session: Session, now: dt.datetime, *, span: Span | None = None, kind: MeetingKind | None = None,
             provider_id: str | None = None, text: str = "") -> list[MeetingLine]:
    """The meeting log, newest first: of a span of days, a kind, a provider discussed, words."""
    officer(session, "the meeting log")
    query = select(Meeting, Setting.name).outerjoin(Setting, Meeting.setting_id == Setting.id).where(
        Meeting.deleted.is_(False))
    if span is not None:
        query = query.where(Meeting.held_on >= span.first, Meeting.held_on <= span.last)
    if kind is not None:
        query = query.where(Meeting.kind == kind)
    if provider_id is not None:
        discussed = select(MeetingTopic.meeting_id).where(MeetingTopic.provider_id == provider_id,
                                                          MeetingTopic.deleted.is_(False))
        acted = select(MeetingAction.meeting_id).where(MeetingAction.provider_id == provider_id,
                                                       MeetingAction.deleted.is_(False))
        query = query.where(Meeting.id.in_(discussed.union(acted)))
    rows = session.execute(query.order_by(Meeting.held_on.desc())).all()
    ids = [m.id for m, _ in rows]
    topics = _topics(session, ids)
    actions: dict[str, list[MeetingActionLine]] = defaultdict(list)
    for action in _actions(session, now, meeting_ids=ids):
        actions[action.meeting_id].append(action)
    found = [MeetingLine(m.id, m.held_on, m.kind, m.title, m.setting_id, setting, tuple(m.attendees or ()), m.notes,
                         tuple(topics.get(m.id, ())), tuple(actions.get(m.id, ())))
             for m, setting in rows]
    for word in text.lower().split():
        found = [m for m in found if word in " ".join(
            (m.kind.label, m.title or "", m.notes or "", " ".join(m.attendees), m.discussed, m.setting or "",
             " ".join(a.text for a in m.actions))).lower()]
    return found


def _names(session: Session, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    return dict(session.execute(select(Provider.id, Provider.name).where(Provider.id.in_(sorted(ids)))).all())


def _topics(session: Session, meeting_ids: list[str]) -> dict[str, list[TopicLine]]:
    found: dict[str, list[TopicLine]] = defaultdict(list)
    rows = [t for start in range(0, len(meeting_ids), 500) for t in session.scalars(
        select(MeetingTopic).where(MeetingTopic.meeting_id.in_(meeting_ids[start:start + 500]),
                                   MeetingTopic.deleted.is_(False)))]
    names = _names(session, {t.provider_id for t in rows if t.provider_id})
    cases = {c.id: c for c in session.scalars(select(QaCase).where(
        QaCase.id.in_(sorted({t.case_id for t in rows if t.case_id}))))} if any(t.case_id for t in rows) else {}
    for t in rows:
        case = cases.get(t.case_id or "")
        case_words = f"{case.category}, opened {case.opened_on:%d %b %Y}" if case else ""
        found[t.meeting_id].append(TopicLine(t.id, t.provider_id, names.get(t.provider_id or "", ""), t.case_id,
                                             case_words, t.reference, t.note))
    for lines in found.values():
        lines.sort(key=lambda line: line.words.casefold())
    return found


def _actions(session: Session, now: dt.datetime, *, meeting_ids: list[str] | None = None,
             open_only: bool = False) -> list[MeetingActionLine]:
    query = select(MeetingAction).join(Meeting, MeetingAction.meeting_id == Meeting.id).where(
        MeetingAction.deleted.is_(False), Meeting.deleted.is_(False))
    if open_only:
        query = query.where(MeetingAction.completed_at.is_(None))
    rows: list[MeetingAction] = []
    if meeting_ids is None:
        rows = list(session.scalars(query))
    else:
        for start in range(0, len(meeting_ids), 500):
            rows += session.scalars(query.where(MeetingAction.meeting_id.in_(meeting_ids[start:start + 500])))
    names = _names(session, {a.provider_id for a in rows if a.provider_id})
    lines = []
    for a in rows:
        due = a.extended_to or a.due_at
        lines.append(MeetingActionLine(a.id, a.meeting_id, a.provider_id, names.get(a.provider_id or "", ""), a.text,
                                       a.owner, a.level, a.raised_at, due, a.extended_to is not None, a.completed_at,
                                       a.evidence, a.completed_at is None and due is not None and due < now))
    return sorted(lines, key=lambda a: (a.completed_at is not None, not a.overdue,
                                        a.due_at or dt.datetime.max.replace(tzinfo=dt.UTC)))


def open_meeting_actions(session: Session, now: dt.datetime) -> list[MeetingActionLine]:
    """Every action arising from meetings and not completed: overdue first, then by due date."""
    officer(session, "actions")
    return _actions(session, now, open_only=True)


@dataclass(frozen=True)
class RegularMeeting:
    """A meeting Section 13 sets a cadence for, when it was last held and when the next is expected."""

    kind: MeetingKind
    last_held: dt.date | None
    next_on: dt.date
    overdue: bool


def regular_meetings(session: Session, today: dt.date) -> list[RegularMeeting]:
    """The LADO and Education/SEND 4-weekly meetings and the weekly ART drop-in: last held, next expected."""
    officer(session, "the meeting log")
    last = dict(session.execute(select(Meeting.kind, func.max(Meeting.held_on)).where(
        Meeting.deleted.is_(False), Meeting.held_on <= today).group_by(Meeting.kind)).all())
    found = []
    for kind in MeetingKind:
        held = last.get(kind)
        expected = next_expected(kind, held, today)
        if expected is not None:
            found.append(RegularMeeting(kind, held, expected, expected < today))
    return found


# -- placement funding requests ---------------------------------------------------------------------

def record_funding_request(store: Store, *, received_on: dt.date, reference: str, summary: str,
                           provider_id: str | None = None, provider_name: str | None = None,
                           service_type: ServiceType | None = None, requested_by: str | None = None) -> str:
    """A placement funding request to give QA's feedback on (the provider need not be in the register)."""
    with store.write() as changes:
        officer(changes.session, "or record funding requests")
        if provider_id:
            live_provider(changes.session, provider_id, PartnershipError)
        elif not optional(provider_name):
            raise PartnershipError("Name the provider: choose one from the register or type its name.")
        return changes.create(FundingRequest, received_on=received_on,
                              reference=words(reference, "the request's reference", PartnershipError),
                              provider_id=provider_id or None,
                              provider_name=None if provider_id else optional(provider_name),
                              service_type=service_type, requested_by=optional(requested_by),
                              summary=words(summary, "what the request is for", PartnershipError)).id


def give_funding_feedback(store: Store, request_id: str, *, recommendation: FundingRecommendation, feedback: str,
                          on: dt.date) -> None:
    with store.write() as changes:
        request = existing(changes, FundingRequest, request_id, "funding request", PartnershipError)
        if on < request.received_on:
            raise PartnershipError("The feedback cannot be given before the request was received.")
        changes.update(request, recommendation=recommendation,
                       feedback=words(feedback, "QA's feedback", PartnershipError), feedback_on=on)


@dataclass(frozen=True)
class FundingRequestLine:
    id: str
    received_on: dt.date
    reference: str
    provider_id: str | None
    provider: str
    service_type: ServiceType | None
    requested_by: str | None
    summary: str
    recommendation: FundingRecommendation | None
    feedback: str | None
    feedback_on: dt.date | None

    @property
    def awaiting_feedback(self) -> bool:
        return self.feedback_on is None


def funding_requests(session: Session, *, span: Span | None = None, awaiting: bool = False,
                     provider_id: str | None = None, text: str = "") -> list[FundingRequestLine]:
    """Funding requests, newest first; those still awaiting QA's feedback with ``awaiting``."""
    officer(session, "funding requests")
    query = select(FundingRequest, Provider.name).outerjoin(Provider, FundingRequest.provider_id == Provider.id).where(
        FundingRequest.deleted.is_(False))
    if span is not None:
        query = query.where(FundingRequest.received_on >= span.first, FundingRequest.received_on <= span.last)
    if awaiting:
        query = query.where(FundingRequest.feedback_on.is_(None))
    if provider_id is not None:
        query = query.where(FundingRequest.provider_id == provider_id)
    found = [FundingRequestLine(r.id, r.received_on, r.reference, r.provider_id, name or r.provider_name or "",
                                r.service_type, r.requested_by, r.summary, r.recommendation, r.feedback, r.feedback_on)
             for r, name in session.execute(query.order_by(FundingRequest.received_on.desc()))]
    for word in text.lower().split():
        found = [r for r in found if word in f"{r.reference} {r.provider} {r.summary} {r.feedback or ''} "
                                             f"{r.requested_by or ''}".lower()]
    return found
