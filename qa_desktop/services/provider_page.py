"""Everything about one provider on one page: its facts, settings, visit history, what is due
(Figures 1 and 2) and the actions raised on its visits.

Gathered in one read so the window and ``qa-desktop provider URN`` show the same thing. An action
is overdue when its Figure 8 due time has passed; until action plans record completion (issue 7),
every action raised on a visit is listed as open.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.domain.visits import VisitRuleError
from qa_desktop.forms.template import TemplateInvalid, parse_template
from qa_desktop.services.due import DueItem, due_items
from qa_desktop.store.models import Provider, Setting, Visit, VisitAction, VisitTemplate


@dataclass(frozen=True)
class SettingLine:
    id: str
    name: str
    address: str
    capacity: int | None
    next_visit: DueItem | None


@dataclass(frozen=True)
class VisitLine:
    id: str
    visit_date: dt.date
    setting: str
    level: str
    announced: bool
    status: str
    officers: str
    actions: int


@dataclass(frozen=True)
class ActionLine:
    visit_id: str
    visit_date: dt.date
    setting: str
    item: str
    text: str
    level: ConcernLevel
    due_at: dt.datetime
    overdue: bool


@dataclass(frozen=True)
class ProviderOverview:
    id: str
    name: str
    facts: list[tuple[str, str]]  # (label, value) in reading order, blanks left out
    settings: list[SettingLine]
    visits: list[VisitLine]  # newest first
    due: list[DueItem]       # most urgent first
    actions: list[ActionLine]  # overdue first, then by due time

    @property
    def overdue_actions(self) -> int:
        return sum(1 for a in self.actions if a.overdue)


def _item_labels(session: Session, visit_ids: list[str]) -> dict[tuple[str, str, str], str]:
    """(visit, template, item) -> the item's words, from the template each visit was started with."""
    labels: dict[tuple[str, str, str], str] = {}
    parsed: dict[str, dict[str, str]] = {}
    for part in session.scalars(select(VisitTemplate).where(VisitTemplate.visit_id.in_(visit_ids))):
        if part.snapshot_id not in parsed:
            try:
                template = parse_template(part.snapshot.text, part.template_key)
                parsed[part.snapshot_id] = {item.key: item.label for item in template.items}
            except TemplateInvalid:
                parsed[part.snapshot_id] = {}
        for key, label in parsed[part.snapshot_id].items():
            labels[(part.visit_id, part.template_key, key)] = label
    return labels


def provider_overview(session: Session, provider_id: str, now: dt.datetime) -> ProviderOverview:
    provider = session.get(Provider, provider_id)
    if provider is None or provider.deleted:
        raise VisitRuleError("That provider is not in the register (it may have been deleted).")
    today = now.astimezone().date()
    judgement = provider.judgement.label if provider.judgement else ""
    if judgement and provider.judgement_date:
        judgement += f" ({provider.judgement_date:%d %b %Y})"
    facts = [
        ("URN", provider.urn or "None (not registered)"), ("Service type", provider.service_type.label),
        ("Provision type", provider.provision_type or ""), ("Owned by", provider.organisation or ""),
        ("Registration", provider.registration_status or ""), ("Latest judgement", judgement),
        ("Regulator", provider.regulator.label if provider.regulator else ""),
        ("Contract route", provider.contract_route.label if provider.contract_route else ""),
        ("Framework", provider.framework_name or ""), ("Framework tier", provider.tier.value if provider.tier else ""),
        ("Places", str(provider.capacity) if provider.capacity else ""),
        ("Local authority", provider.local_authority or ""),
    ]
    due = due_items(session, today, include_scheduled=True, provider_id=provider_id)
    next_visit = {item.setting_id: item for item in due if item.setting_id}
    settings = [s for s in session.scalars(select(Setting).where(Setting.provider_id == provider_id,
                                                                  Setting.deleted.is_(False)).order_by(Setting.name))]
    names = {s.id: s.name for s in settings}
    visits = session.scalars(select(Visit).where(Visit.setting_id.in_(names), Visit.deleted.is_(False))
                             .order_by(Visit.visit_date.desc())).all()
    actions = session.scalars(select(VisitAction).where(VisitAction.visit_id.in_([v.id for v in visits]),
                                                        VisitAction.deleted.is_(False))).all()
    labels = _item_labels(session, [v.id for v in visits])
    by_visit = {v.id: v for v in visits}
    action_lines = sorted(
        (ActionLine(a.visit_id, by_visit[a.visit_id].visit_date, names[by_visit[a.visit_id].setting_id],
                    labels.get((a.visit_id, a.template_key, a.item_key), a.item_key), a.text, a.level, a.due_at,
                    a.due_at < now) for a in actions),
        key=lambda line: (not line.overdue, line.due_at))
    counts: dict[str, int] = {}
    for action in actions:
        counts[action.visit_id] = counts.get(action.visit_id, 0) + 1
    return ProviderOverview(
        id=provider.id, name=provider.name, facts=[(k, v) for k, v in facts if v],
        settings=[SettingLine(s.id, s.name, s.address, s.capacity, next_visit.get(s.id)) for s in settings],
        visits=[VisitLine(v.id, v.visit_date, names[v.setting_id], v.level.label, v.announced,
                          v.status.value.replace("_", " ").capitalize(),
                          ", ".join(v.officers), counts.get(v.id, 0)) for v in visits],
        due=[item for item in due if item.due.status.value in ("overdue", "due", "scheduled")],
        actions=action_lines)
