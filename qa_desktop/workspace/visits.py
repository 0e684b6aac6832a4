"""Visits through the workspace: starting one, filling it in, Young Inspector forms, reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from qa_desktop.domain.attributed_notes import join_attributed, split_attributed
from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.domain.visits import VisitCompleted, VisitLevel, VisitReason, VisitRuleError, VisitStatus
from qa_desktop.domain.young_inspectors import WithdrawalReason
from qa_desktop.forms.checklist import (
    FACE_COLOURS,
    FACE_WORDS,
    MET,
    NO,
    NOT_APPLICABLE,
    NOT_MET,
    YES,
    AnswerError,
    Checklist,
    DocumentSeen,
    Evidence,
    ItemRecord,
    RaisedAction,
)
from qa_desktop.forms.template import Audience, Item, ResponseType, Section
from qa_desktop.reports.results import Progress, ReportResult, no_progress
from qa_desktop.reports.visit_content import answer_text
from qa_desktop.services.audit import AuditLine, visit_audit
from qa_desktop.services.differences import Difference, DifferenceSide, visit_differences
from qa_desktop.services.documents import reopen_visit
from qa_desktop.services.oversight import embargo_warnings
from qa_desktop.services.reports import (
    find_visit_id,
    save_report_copy,
    viewing_copy,
    write_visit_report,
    write_young_inspector_report,
)
from qa_desktop.services.visits import (
    FieldKey,
    OpenVisit,
    add_young_inspector_form,
    decode_value,
    open_visit,
    start_visit,
)
from qa_desktop.services.young_inspector import (
    Withdrawal,
    YoungInspectorForm,
    accept_young_inspector_form,
    has_young_inspector_form,
    open_young_inspector_form,
    withdraw_young_inspector_form,
    young_inspector_withdrawal,
)
from qa_desktop.store.blobs import BlobError
from qa_desktop.store.database import StoreBusy
from qa_desktop.store.models import Provider, Setting, Visit
from qa_desktop.store.report_files import ReportFileError
from qa_desktop.sync.conflicts import ConflictError, resolve
from qa_desktop.workspace.changes import Done
from qa_desktop.workspace.guard import Service, young_inspector_may

if TYPE_CHECKING:
    from qa_desktop.workspace.core import Workspace

__all__ = ["VisitService", "VisitEditor", "YoungInspectorSession", "VisitChoice", "SettingChoice", "VisitHeader",
           "VisitRuleError", "VisitCompleted", "ReportResult", "ReportFileError", "AnswerError", "BlobError",
           "StoreBusy", "Checklist", "ItemRecord", "DocumentSeen", "RaisedAction", "Item", "Section", "ResponseType",
           "Audience", "FieldKey",
           "answer_text", "FACE_COLOURS", "FACE_WORDS", "MET", "NOT_MET", "NOT_APPLICABLE", "YES", "NO", "Difference",
           "DifferenceSide", "Evidence", "ConflictError", "split_attributed", "join_attributed",
           "Withdrawal", "WithdrawalReason"]

#: Answers as the visit screen's buttons say them.
_ANSWER_WORDS = {MET: "Met", NOT_MET: "Not met", NOT_APPLICABLE: "N/A", YES: "Yes", NO: "No"}

#: How long a save from a screen waits for another program's write before it says "Not saved" and
#: retries: short, so the window never freezes on a data file another program is writing.
SCREEN_SAVE_WAIT_MS = 150


@dataclass(frozen=True)
class VisitChoice:
    """A visit as a list offers it."""

    id: str
    label: str  # "Harbour Home, 22 Nov 2026 (Full)"


@dataclass(frozen=True)
class SettingChoice:
    """A setting as the start-a-visit dialog offers it."""

    id: str
    provider_id: str
    label: str  # "Harbour Home (Harbour Care Ltd) · Chatham, ME4 4AA"


@dataclass(frozen=True)
class VisitHeader:
    """What a visit screen shows above its checklists."""

    id: str
    provider_id: str
    provider: str
    setting: str
    visit_date: dt.date
    level: VisitLevel
    announced: bool
    status: VisitStatus
    officers: tuple[str, ...]
    reopen_reason: str | None = None

    @property
    def read_only(self) -> bool:
        """A completed visit can no longer be changed (issue 21); it can be reopened with a reason."""
        return self.status is VisitStatus.COMPLETED


class VisitService(Service):
    area = "visits"

    def settings_to_visit(self, provider_id: str | None = None) -> list[SettingChoice]:
        """Settings a visit can be started at (one provider's, or every provider's), by name."""
        with self._ws._read() as session:
            query = (select(Setting.id, Setting.name, Setting.town, Setting.postcode, Provider.id, Provider.name)
                     .join(Provider, Setting.provider_id == Provider.id)
                     .where(Setting.deleted.is_(False), Provider.deleted.is_(False)).order_by(Setting.name))
            if provider_id:
                query = query.where(Provider.id == provider_id)
            choices = []
            for setting_id, name, town, postcode, owner_id, owner in session.execute(query):
                where = ", ".join(p for p in (town, postcode) if p)
                shown = name if name == owner else f"{name} ({owner})"
                choices.append(SettingChoice(setting_id, owner_id, f"{shown}{' · ' + where if where else ''}"))
            return choices

    def embargo_warnings(self, setting_id: str) -> list[str]:
        """Embargoes in force on the setting or its provider, in words (shown before a visit starts)."""
        with self._ws._read() as session:
            return embargo_warnings(session, setting_id, self._ws.clock.today())

    def start(self, *, setting_id: str, visit_date: dt.date, level: VisitLevel, reason: VisitReason,
              announced: bool, officers: Sequence[str]) -> Done[str]:
        """Start a visit (the Section 11 two-officer rule is checked); its id."""
        return self._ws._mutation(lambda: start_visit(
            self._ws._store, self._ws.library, setting_id=setting_id, visit_date=visit_date, level=level,
            reason=reason, announced=announced, officers=list(officers)))

    def in_progress(self) -> list[VisitChoice]:
        """Visits in progress on this laptop, newest first."""
        with self._ws._read() as session:
            rows = session.execute(select(Visit.id, Visit.visit_date, Visit.level, Setting.name)
                                   .join(Setting, Visit.setting_id == Setting.id)
                                   .where(Visit.status == VisitStatus.IN_PROGRESS, Visit.deleted.is_(False))
                                   .order_by(Visit.visit_date.desc())).all()
        return [VisitChoice(visit_id, f"{name}, {day:%d %b %Y} ({level.label})") for visit_id, day, level, name in rows]

    def header(self, visit_id: str) -> VisitHeader:
        with self._ws._read() as session:
            visit = session.get(Visit, visit_id)
            if visit is None or visit.deleted:
                raise VisitRuleError("That visit does not exist (it may have been deleted).")
            setting = session.get(Setting, visit.setting_id)
            provider = session.get(Provider, setting.provider_id) if setting is not None else None
            if setting is None or provider is None:
                raise VisitRuleError("That visit's setting or provider is not on this laptop yet; "
                                     "sync, then try again.")
            return VisitHeader(visit.id, provider.id, provider.name, setting.name, visit.visit_date, visit.level,
                               visit.announced, visit.status, tuple(visit.officers), visit.reopen_reason)

    def find(self, text: str) -> str:
        """A visit's id from its id, the first characters of it, or its report reference."""
        return find_visit_id(self._ws._store, text)

    def report(self, visit_id: str, path: Path | None = None, progress: Progress = no_progress) -> Done[ReportResult]:
        """The visit's formal PDF report: a new revision kept encrypted in the data folder when the visit
        changed since the last one (``ReportResult.path`` names it: read it through ``viewing_copy`` or
        ``save_report_copy``), or a plain copy at ``path``."""
        return self._ws._mutation(lambda: write_visit_report(self._ws._store, visit_id, path, progress))

    def young_inspector_report(self, visit_id: str, path: Path | None = None,
                               progress: Progress = no_progress) -> Done[ReportResult]:
        return self._ws._mutation(lambda: write_young_inspector_report(self._ws._store, visit_id, path, progress))

    def reopen(self, visit_id: str, reason: str) -> Done[None]:
        """Open a completed visit again, saying why (kept in the audit trail; the next report
        revision says what it corrects). Revisions not yet issued go back to draft."""
        return self._ws._mutation(lambda: reopen_visit(self._ws._store, visit_id, reason))

    def viewing_copy(self, report: Path) -> Path:
        """A plain copy of a kept (encrypted) report for the system's PDF viewer, in the data folder's
        ``viewing`` folder, removed later (when QA Desktop closes at the latest)."""
        return viewing_copy(self._ws._store, report)

    def save_report_copy(self, report: Path, target: Path) -> Path:
        """"Save report as…": a plain copy of a kept report where the officer chose (theirs to protect)."""
        return save_report_copy(self._ws._store, report, target)

    def audit(self, visit_id: str) -> list[AuditLine]:
        with self._ws._read() as session:
            return visit_audit(session, visit_id)

    def differences(self, visit_id: str) -> list[Difference]:
        """Where the visit's two officers answered, noted or raised an action differently without
        seeing each other's (open sync conflicts on its answers and actions). Completing the visit is
        refused while any remains; a report can say how many (``len``)."""
        with self._ws._read() as session:
            return visit_differences(session, visit_id)

    def open(self, visit_id: str, *, screen: bool = True) -> VisitEditor:
        """A visit to fill in. ``screen``: its saves wait only briefly for another program's write
        (``StoreBusy`` then, to be retried) instead of holding the window up."""
        return VisitEditor(self._ws, open_visit(self._ws._store, visit_id,
                                                busy_ms=SCREEN_SAVE_WAIT_MS if screen else None))

    def photo(self, blob: str) -> bytes:
        """A photo's bytes (decrypted); ``BlobError`` if it is not on this laptop."""
        return self._ws._store.blobs.read(blob)

    # -- the Young Inspector -------------------------------------------------------------------------

    def has_young_inspector_form(self, visit_id: str) -> bool:
        return has_young_inspector_form(self._ws._store, visit_id)

    def add_young_inspector_form(self, visit_id: str) -> Done[str]:
        return self._ws._mutation(lambda: add_young_inspector_form(self._ws._store, self._ws.library, visit_id))

    @young_inspector_may("the hand-over screen shows the Young Inspector their own form: the service opens "
                         "only the form of the visit they are assigned to, and nothing else of it")
    def young_inspector_form(self, visit_id: str) -> YoungInspectorSession:
        """The Young Inspector's form of a visit, and nothing else of it."""
        return YoungInspectorSession(self._ws, open_young_inspector_form(self._ws._store, visit_id,
                                                                         busy_ms=SCREEN_SAVE_WAIT_MS))

    def accept_young_inspector_form(self, visit_id: str, officer: str) -> Done[None]:
        return self._ws._mutation(lambda: accept_young_inspector_form(
            self._ws._store, visit_id, officer, now=self._ws.clock.now()))

    def withdraw_young_inspector_form(self, visit_id: str, *, reason: WithdrawalReason, detail: str = "",
                                      officer: str) -> Done[None]:
        """Withdraw the visit's Young Inspector form with the reason (an opt-out, nobody free), so the
        visit can complete; recorded, synced and audited; answers given are kept."""
        return self._ws._mutation(lambda: withdraw_young_inspector_form(
            self._ws._store, visit_id, reason=reason, detail=detail, officer=officer, now=self._ws.clock.now()))

    def young_inspector_withdrawal(self, visit_id: str) -> Withdrawal | None:
        return young_inspector_withdrawal(self._ws._store, visit_id)


class VisitEditor:
    """A visit open on a screen: its checklists, and every edit through the workspace (each
    returns ``Done``, and every other open screen hears of it). Edits are written over what this
    editor last showed (``services.visits``): call ``reload`` when a change to the visit arrives."""

    def __init__(self, workspace: Workspace, visit: OpenVisit) -> None:
        self._ws = workspace
        self._visit = visit

    @property
    def visit_id(self) -> str:
        return self._visit.visit_id

    @property
    def visit_date(self) -> dt.date:
        return self._visit.visit_date

    @property
    def checklists(self) -> dict[str, Checklist]:
        return self._visit.checklists

    def reload(self, keep: Iterable[FieldKey] = ()) -> set[tuple[str, str]]:
        """Read the visit again; the ``(template key, item key)`` whose record changed."""
        return self._visit.reload(keep)

    def took_in_theirs(self) -> bool:
        """Whether a save since the last ask made a row over the other officer's that had arrived in
        part, bringing their values in: the screen reads the visit again to show them."""
        return self._visit.took_in_theirs()

    def set_answer(self, template_key: str, item_key: str, value: Any) -> Done[Any]:
        return self._ws._mutation(lambda: self._visit.set_answer(template_key, item_key, value))

    def clear_answer(self, template_key: str, item_key: str) -> Done[None]:
        return self._ws._mutation(lambda: self._visit.clear_answer(template_key, item_key))

    def set_note(self, template_key: str, item_key: str, text: str) -> Done[None]:
        return self._ws._mutation(lambda: self._visit.set_note(template_key, item_key, text))

    def attach_photo(self, template_key: str, item_key: str, source: Path, caption: str = "") -> Done[str]:
        return self._ws._mutation(lambda: self._visit.attach_photo(template_key, item_key, source, caption))

    def raise_action(self, template_key: str, item_key: str, text: str, level: ConcernLevel) -> Done[RaisedAction]:
        """An action on an item, raised now (by the workspace clock), due by Figure 8."""
        return self._ws._mutation(lambda: self._visit.raise_action(template_key, item_key, text, level,
                                                                   self._ws.clock.now()))

    def set_evidence(self, template_key: str, item_key: str, photos: Sequence[Evidence]) -> Done[None]:
        return self._ws._mutation(lambda: self._visit.set_evidence(template_key, item_key, photos))

    def replace_photo(self, template_key: str, item_key: str, blob: str, source: Path) -> Done[str]:
        return self._ws._mutation(lambda: self._visit.replace_photo(template_key, item_key, blob, source))

    def recaption_photo(self, template_key: str, item_key: str, blob: str, caption: str) -> Done[None]:
        return self._ws._mutation(lambda: self._visit.recaption_photo(template_key, item_key, blob, caption))

    def remove_photo(self, template_key: str, item_key: str, blob: str) -> Done[None]:
        return self._ws._mutation(lambda: self._visit.remove_photo(template_key, item_key, blob))

    # -- the two officers' differences ---------------------------------------------------------------

    def differences(self) -> list[Difference]:
        with self._ws._read() as session:
            return visit_differences(session, self.visit_id)

    def difference_words(self, difference: Difference, value: Any) -> str:
        """A disputed value as the screen says it ("Not met", a note's words)."""
        if difference.field == "value":
            if isinstance(value, str) and value in _ANSWER_WORDS:
                return _ANSWER_WORDS[value]
            try:
                item = self.checklists[difference.template_key].template.item(difference.item_key)
                return answer_text(item, decode_value(item, value))[0] or "(no answer)"
            except (KeyError, ValueError, TypeError):
                return str(value)
        if value is None or value == "":
            return "(blank)"
        try:  # an action's level and times as the item's action line says them (walk7: "high", ISO times)
            if difference.field == "level":
                return ConcernLevel(value).label
            if difference.field in ("due_at", "raised_at") and isinstance(value, str):
                return f"{dt.datetime.fromisoformat(value).astimezone():%d %b %Y %H:%M}"
        except ValueError:
            pass
        return value if isinstance(value, str) else str(getattr(value, "label", value))

    def resolve_difference(self, difference: Difference, value: Any) -> Done[None]:
        """Keep ``value`` (one of the sides'), or with ``None`` for words, every side's words, each
        under its author and time (``attributed_notes``). Written over the sides shown: a value that
        arrived since stays, to be chosen again. ``ConflictError`` when it was resolved meanwhile."""
        if value is None:
            if not difference.text:
                raise ConflictError("Only words (a note, an action) can be kept both.")
            value = join_attributed((side.value, side.who, side.at.astimezone()) for side in difference.sides)
        done = self._ws._mutation(lambda: resolve(self._ws._store, difference.key, value,
                                                  shown=[side.op_id for side in difference.sides]))
        self.reload()
        return done

    def problems_before_completion(self) -> list[str]:
        return self._visit.problems_before_completion()

    def complete(self) -> Done[None]:
        return self._ws._mutation(self._visit.complete)


class YoungInspectorSession:
    """The Young Inspector's form of one visit: its questions and their own answers, nothing more."""

    def __init__(self, workspace: Workspace, form: YoungInspectorForm) -> None:
        self._ws = workspace
        self._form = form
        self.place = form.place
        self.visit_date = form.visit_date
        self.accepted_by = form.accepted_by
        self.young_inspector_id = form.young_inspector_id
        self.withdrawn = form.withdrawn

    @property
    def checklist(self) -> Checklist:
        return self._form.checklist

    @property
    def title(self) -> str:
        return self._form.title

    def pages(self) -> list[Section]:
        return self._form.pages()

    def unanswered(self) -> list[str]:
        return self._form.unanswered()

    def set_answer(self, item_key: str, value: Any) -> Done[Any]:
        return self._ws._mutation(lambda: self._form.set_answer(item_key, value))

    def clear_answer(self, item_key: str) -> Done[None]:
        return self._ws._mutation(lambda: self._form.clear_answer(item_key))
