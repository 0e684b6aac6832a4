"""The audit trail: who changed what and when, on which device, for a visit or a provider.

It is read straight from the op log, which every change to synced data already writes (one op
per field, with its actor, device, the time by that device's own clock and its hybrid-clock value)
and which sync copies to every laptop: so the trail covers changes made on any laptop, and needs
nothing extra to be kept.

"When" is the wall time of the device that made the edit (``ops.wall``), never the hybrid clock:
that only orders, and after a laptop has synced with one whose clock ran fast it carries the fast
time. So a laptop with a wrong clock shows its own wrong time on its own edits only, and the trail
is still in the right order (it is sorted by the hybrid clock). Ops written before the wall time
was recorded show the sync clock's time, marked "about". The log cannot
be edited from the app: SQLite triggers (migration 0008) refuse any UPDATE or DELETE of an op,
except the one the retention policy makes, which blanks a value past retention and keeps the fact
that it was changed, by whom and when.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from qa_desktop.domain.documents import DocumentKind
from qa_desktop.services.audit_words import field_label, value_words
from qa_desktop.services.oversight import visit_item_labels
from qa_desktop.store.access import officer
from qa_desktop.store.hlc import Hlc, datetime_of_ms
from qa_desktop.store.models import (
    ActionPlan,
    Answer,
    Contact,
    Embargo,
    Op,
    PlanAction,
    QaCase,
    RegulatoryAlert,
    ReportRecipient,
    ReportRevision,
    Setting,
    SyncedColumns,
    VisitAction,
    VisitTemplate,
    table_of,
)
from qa_desktop.store.oplog import ROW_FIELD

Row = TypeVar("Row", bound=SyncedColumns)

#: Shown for a value the retention policy has removed.
REMOVED = "(removed under the retention policy)"


@dataclass(frozen=True)
class AuditLine:
    #: When the edit was made, by the clock of the device that made it (aware UTC); for an op from
    #: before that was recorded, the sync clock's time (``estimated``).
    when: dt.datetime
    #: Who made it (the user of the laptop), and on which device (its id, shortened).
    who: str
    device: str
    what: str
    field: str
    value: str
    #: ``when`` is the sync clock's, not the device's own: shown as "about ...".
    estimated: bool = False
    #: The change's place in the trail, as text that sorts: by the hybrid clock, and never before a
    #: change it was made over (an officer may accept changes from a laptop whose clock is far
    #: ahead without this laptop's clock moving there: ``sync.held``). The trail is sorted by it,
    #: newest first, whatever the devices' own clocks said.
    order: str = ""
    op_id: str = ""
    #: The field and the value in the screens' words ("Answer", "Not met", "Setting: Harbour View")
    label: str = ""
    words: str = ""

    def when_words(self, pattern: str = "%d %b %Y %H:%M:%S") -> str:
        """``when`` in this laptop's time zone, as people read it; "about ..." when estimated."""
        text = f"{local_time(self.when):{pattern}}"
        return f"about {text}" if self.estimated else text


def local_time(when: dt.datetime) -> dt.datetime:
    """A UTC time in this laptop's zone; as it is where that cannot be a date (the year 9999, east
    of Greenwich)."""
    try:
        return when.astimezone()
    except (OverflowError, ValueError, OSError):
        return when


def _words(value: object) -> str:
    if value is None:
        return "(blank)"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _line(session: Session, op: Op, what: str, value: str, order: str) -> AuditLine:
    if op.wall is not None:
        when, estimated = datetime_of_ms(op.wall), False
    else:
        when, estimated = Hlc.parse(op.hlc).at, True
    words = REMOVED if op.redacted else value_words(session, op.entity, op.field, op.value)
    return AuditLine(when, op.actor, op.device_id[:8], what, op.field, value, estimated, order, op.op_id,
                     field_label(op.entity, op.field), words)


def _fields_of(op: Op) -> list[Op]:
    """A created row's one op (``oplog.ROW_FIELD``) as a line per field it set, as the per-field ops
    it stands for would read (copies, never added to the session); any other op as it is."""
    if op.field != ROW_FIELD or not isinstance(op.value, dict):
        return [op]
    return [Op(op_id=op.op_id, entity=op.entity, entity_id=op.entity_id, field=name, value=value, hlc=op.hlc,
               device_id=op.device_id, actor=op.actor, base=op.base, received_from=op.received_from,
               redacted=op.redacted, wall=op.wall, dseq=op.dseq, chain=op.chain, vhash=op.vhash)
            for name, value in op.value.items()]


def _places(ops: list[Op]) -> dict[str, str]:
    """Each op's place in the trail: its hybrid clock value, or just after the latest op it was made
    over (its ``base``) where that is later. The clock alone orders edits right when every laptop
    adopted the clock values it saw; an op accepted from a laptop whose clock was far ahead was not
    adopted, and an edit made over it must still read as the later one."""
    by_id = {op.op_id: op for op in ops}

    def bases(op: Op) -> list[Op]:
        return [by_id[b] for b in op.base or () if b in by_id]

    placed: dict[str, tuple[str, int]] = {}
    for first in ops:  # depth first without recursion: a field edited a thousand times is a long chain
        if first.op_id in placed:
            continue
        path = {first.op_id}
        stack = [(first, iter(bases(first)))]
        while stack:
            op, left = stack[-1]
            deeper = next((b for b in left if b.op_id not in placed and b.op_id not in path), None)  # a loop: ignored
            if deeper is not None:
                path.add(deeper.op_id)
                stack.append((deeper, iter(bases(deeper))))
                continue
            stack.pop()
            path.discard(op.op_id)
            place = (op.hlc, 0)
            for base in bases(op):
                if base.op_id in placed:
                    place = max(place, (placed[base.op_id][0], placed[base.op_id][1] + 1))
            placed[op.op_id] = place
    return {op.op_id: f"{placed[op.op_id][0]} {placed[op.op_id][1]:06d} {op.hlc} {op.device_id} {op.op_id}"
            for op in ops}


def _lines(session: Session, groups: Iterable[tuple[str, dict[str, str]]]) -> list[AuditLine]:
    """``groups``: (table, {row id: what the row is, in words}); newest change first."""
    officer(session, "the audit trail")
    lines = []
    for table, labels in groups:
        if not labels:
            continue
        ids = list(labels)
        for start in range(0, len(ids), 500):
            ops = [field_op for op in session.scalars(select(Op).where(Op.entity == table,
                                                                      Op.entity_id.in_(ids[start:start + 500])))
                   for field_op in _fields_of(op)]
            places = _places(ops)
            for op in ops:
                value = REMOVED if op.redacted else _words(op.value)
                lines.append(_line(session, op, labels[op.entity_id], value, places[op.op_id]))
    return sorted(lines, key=lambda line: line.order, reverse=True)


def visit_audit(session: Session, visit_id: str) -> list[AuditLine]:
    """Every change to a visit: its details, answers, notes, photos, actions and report revisions."""
    labels = visit_item_labels(session, [visit_id])

    def ids(model: type[Row], words: Callable[[Row], str]) -> dict[str, str]:
        rows = session.scalars(select(model).where(table_of(model).c.visit_id == visit_id))
        return {row.id: words(row) for row in rows}

    return _lines(session, [
        ("visits", {visit_id: "Visit"}),
        ("visit_templates", ids(VisitTemplate, lambda r: f"Checklist: {r.template_key.replace('_', ' ')}")),
        ("answers", ids(Answer, lambda r: f"Answer: {labels.get((visit_id, r.template_key, r.item_key), r.item_key)}")),
        ("visit_actions",
         ids(VisitAction, lambda r: f"Action: {labels.get((visit_id, r.template_key, r.item_key), r.item_key)}")),
        ("report_revisions", revisions := ids(ReportRevision, _revision_words)),
        ("report_recipients", _recipients(session, revisions)),
    ])


def _revision_words(row: ReportRevision) -> str:
    try:
        kind = DocumentKind(row.kind).label
    except ValueError:
        kind = "Report"
    return f"{kind}, revision {row.revision}"


def _recipients(session: Session, revisions: dict[str, str]) -> dict[str, str]:
    """A document's distribution: each person it was sent to, named with the document."""
    rows = session.scalars(select(ReportRecipient).where(ReportRecipient.revision_id.in_(list(revisions))))
    return {row.id: f"{revisions[row.revision_id]}: sent to {row.name} ({row.role})" for row in rows}


def provider_audit(session: Session, provider_id: str) -> list[AuditLine]:
    """Every change to a provider's record, settings, contacts, cases, plans, embargoes and alerts
    (its visits have their own trail)."""
    def ids(model: type[Row], words: Callable[[Row], str]) -> dict[str, str]:
        rows = session.scalars(select(model).where(table_of(model).c.provider_id == provider_id))
        return {row.id: words(row) for row in rows}

    plans = ids(ActionPlan, lambda r: f"{r.kind.label} of {r.issued_on:%d %b %Y}")
    plan_actions = {row.id: f"Plan action: {row.text[:60]}"
                    for row in session.scalars(select(PlanAction).where(PlanAction.plan_id.in_(list(plans))))}
    return _lines(session, [
        ("providers", {provider_id: "Provider"}),
        ("settings", ids(Setting, lambda r: f"Setting {r.name}")),
        ("contacts", ids(Contact, lambda r: f"Contact {r.name}")),
        ("qa_cases", ids(QaCase, lambda r: f"Case of {r.opened_on:%d %b %Y}")),
        ("action_plans", plans),
        ("plan_actions", plan_actions),
        ("embargoes", ids(Embargo, lambda r: f"Embargo from {r.start_on:%d %b %Y}")),
        ("regulatory_alerts", ids(RegulatoryAlert, lambda r: f"Alert of {r.received_on:%d %b %Y}")),
        ("report_revisions", letters := ids(ReportRevision, _revision_words)),
        ("report_recipients", _recipients(session, letters)),
    ])



def council_audit(session: Session) -> list[AuditLine]:
    """Every change to the council's own settings (its details and the framework's figures); a
    logo is shown as "a picture", not its bytes."""
    from dataclasses import replace

    from qa_desktop.store.models import COUNCIL_ID

    lines = _lines(session, [("council_settings", {COUNCIL_ID: "Council settings"})])
    return [replace(line, value="a picture") if line.field == "logo" and line.value != "(blank)" else line
            for line in lines if line.field != "deleted"]  # the row is never deleted: its creation says nothing


@dataclass(frozen=True)
class AuditCheck:
    """What checking the whole audit log found (``verify_log``), in words."""

    findings: tuple[str, ...]   # each forged, blanked, changed or missing change, named
    checked: int
    unchained: int              # changes from before the chain was kept
    laptops: int

    def summary(self) -> str:
        before = f" ({self.unchained} from before the audit chain was kept)" if self.unchained else ""
        if not self.findings:
            return (f"The audit log is whole: {self.checked} change(s) from {self.laptops} laptop(s) checked against "
                    f"their laptops' chains{before}.")
        return (f"The audit log has been tampered with: {len(self.findings)} change(s) do not fit their laptops' "
                f"chains ({self.checked} checked{before}).")


def verify_log(session: Session, own_device: str) -> AuditCheck:
    """Check every change in the log against its laptop's hash chain (``store.chain``). A change
    whose value is gone is in order only when retention deleted its record."""
    from qa_desktop.store.chain import verify
    from qa_desktop.store.oplog import op_record
    from qa_desktop.store.purge import shredded_units, units_of

    redacted = [op_record(row) for row in session.execute(select(Op.__table__).where(Op.redacted.is_(True)))]
    units = units_of(session, redacted)
    gone = shredded_units(session, {u for u in units.values() if u})
    allowed = {op_id for op_id, unit in units.items() if unit in gone}
    result = verify(session, own_device, lambda op: op.op_id in allowed)
    return AuditCheck(tuple(f.words[0].upper() + f.words[1:] + f" ({f.kind})" for f in result.findings),
                      result.checked, result.unchained, result.devices)
