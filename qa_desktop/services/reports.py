"""Making a visit's report: gather the facts from the register and the visit, build the PDF in
``DATA_DIR/reports/``. The report reads the visit's own template snapshots (``open_visit``), so it
shows the questions the officers answered, whatever the library holds today."""

from __future__ import annotations

from pathlib import Path

import yaml

from qa_desktop.domain.visits import VisitRuleError
from qa_desktop.paths import resources_dir
from qa_desktop.reports.visit_report import ReportResult, VisitFacts, build_visit_report
from qa_desktop.forms.template import Audience
from qa_desktop.reports.young_inspector_report import build_young_inspector_report
from qa_desktop.store.blobs import BlobStore
from qa_desktop.services.visits import open_visit
from qa_desktop.store.database import Store
from qa_desktop.store.models import Provider, Setting, Visit

REPORTS_FOLDER = "reports"


def branding() -> dict[str, str]:
    """Council name and service name from ``resources/branding/branding.yaml`` (with defaults)."""
    defaults = {"council_name": "Council", "service_name": "Children's Commissioning Quality Assurance"}
    path = resources_dir() / "branding" / "branding.yaml"
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return defaults
    return {**defaults, **{k: str(v) for k, v in loaded.items() if k in defaults and v}}


def report_reference(visit: Visit) -> str:
    return f"QA-{visit.visit_date:%Y%m%d}-{visit.id[:8].upper()}"


def visit_facts(store: Store, visit_id: str) -> VisitFacts:
    with store.read() as session:
        visit = session.get(Visit, visit_id)
        if visit is None or visit.deleted:
            raise VisitRuleError("That visit does not exist (it may have been deleted).")
        setting = session.get(Setting, visit.setting_id)
        provider = session.get(Provider, setting.provider_id)
        brand = branding()
        return VisitFacts(
            council_name=brand["council_name"], service_name=brand["service_name"], reference=report_reference(visit),
            provider=provider.name, setting=setting.name, address=setting.address, urn=provider.urn or "",
            service_type=provider.service_type.label, tier=provider.tier.value if provider.tier else "",
            visit_date=visit.visit_date, level=visit.level.label, announced=visit.announced,
            officers=list(visit.officers), reason=visit.reason.label)


def write_visit_report(store: Store, visit_id: str, path: Path | None = None) -> ReportResult:
    """Build the report of a visit; by default into ``DATA_DIR/reports/<reference>.pdf``."""
    facts = visit_facts(store, visit_id)
    checklists = list(open_visit(store, visit_id).checklists.values())
    target = path or store.data_dir / REPORTS_FOLDER / f"{facts.reference}.pdf"
    return build_visit_report(facts, checklists, target, BlobStore(store.data_dir).read)


def find_visit_id(store: Store, text: str) -> str:
    """A visit id from the full id or its first characters (as in the report reference)."""
    from sqlalchemy import select

    prefix = text.strip().lower().removeprefix("qa-").split("-")[-1]
    with store.read() as session:
        ids = session.scalars(select(Visit.id).where(Visit.deleted.is_(False), Visit.id.like(f"{prefix}%"))).all()
    if len(ids) != 1:
        raise VisitRuleError(f"No single visit matches {text!r}: give more of its id (see 'qa-desktop visits').")
    return ids[0]


def write_young_inspector_report(store: Store, visit_id: str, path: Path | None = None) -> ReportResult:
    """The Young Inspector report of a visit, from its Young Inspector form only."""
    facts = visit_facts(store, visit_id)
    form = next((c for c in open_visit(store, visit_id).checklists.values()
                 if c.template.audience is Audience.YOUNG_INSPECTOR), None)
    if form is None:
        raise VisitRuleError("This visit has no Young Inspector form.")
    target = path or store.data_dir / REPORTS_FOLDER / f"{facts.reference}-young-inspector.pdf"
    return build_young_inspector_report(facts, form, target)
