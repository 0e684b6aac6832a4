"""The audit trail: who changed what and when, on which device, for a visit or a provider.

It is read straight from the op log, which every change to synced data already writes (one op
per field, with its actor, device and hybrid-clock time) and which sync copies to every laptop: so
the trail covers changes made on any laptop, and needs nothing extra to be kept. The log cannot
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

from qa_desktop.services.oversight import visit_item_labels
from qa_desktop.store.access import officer
from qa_desktop.store.hlc import Hlc
from qa_desktop.store.models import (
    ActionPlan,
    Answer,
    Contact,
    Embargo,
    Op,
    PlanAction,
    QaCase,
    RegulatoryAlert,
    ReportRevision,
    Setting,
    SyncedColumns,
    VisitAction,
    VisitTemplate,
    table_of,
)

Row = TypeVar("Row", bound=SyncedColumns)

#: Shown for a value the retention policy has removed.
REMOVED = "(removed under the retention policy)"


@dataclass(frozen=True)
class AuditLine:
    when: dt.datetime
    who: str
    device: str
    what: str
    field: str
    value: str


def _words(value: object) -> str:
    if value is None:
        return "(blank)"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _lines(session: Session, groups: Iterable[tuple[str, dict[str, str]]]) -> list[AuditLine]:
    """``groups``: (table, {row id: what the row is, in words}); newest change first."""
    officer(session, "the audit trail")
    lines = []
    for table, labels in groups:
        if not labels:
            continue
        ids = list(labels)
        for start in range(0, len(ids), 500):
            for op in session.scalars(select(Op).where(Op.entity == table, Op.entity_id.in_(ids[start:start + 500]))):
                when = dt.datetime.fromtimestamp(Hlc.parse(op.hlc).wall_ms / 1000, dt.UTC)
                value = REMOVED if op.redacted else _words(op.value)
                lines.append(AuditLine(when, op.actor, op.device_id[:8], labels[op.entity_id], op.field, value))
    return sorted(lines, key=lambda line: line.when, reverse=True)


def visit_audit(session: Session, visit_id: str) -> list[AuditLine]:
    """Every change to a visit: its details, answers, notes, photos, actions and report revisions."""
    labels = visit_item_labels(session, [visit_id])

    def ids(model: type[Row], words: Callable[[Row], str]) -> dict[str, str]:
        rows = session.scalars(select(model).where(table_of(model).c.visit_id == visit_id))
        return {row.id: words(row) for row in rows}

    return _lines(session, [
        ("visits", {visit_id: "Visit"}),
        ("visit_templates", ids(VisitTemplate, lambda r: f"Checklist {r.template_key}")),
        ("answers", ids(Answer, lambda r: f"Answer: {labels.get((visit_id, r.template_key, r.item_key), r.item_key)}")),
        ("visit_actions",
         ids(VisitAction, lambda r: f"Action: {labels.get((visit_id, r.template_key, r.item_key), r.item_key)}")),
        ("report_revisions", ids(ReportRevision, lambda r: f"Report revision {r.revision}")),
    ])


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
    ])

