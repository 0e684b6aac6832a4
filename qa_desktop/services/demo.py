"""Demonstration data: fictional providers in Ofsted's CSV layout, imported through the real
importer, plus what the council adds (contract routes, commissioners, contacts, visits, reviews,
a placement waiting for its 24-48 hour visit). Dates are relative to ``today`` so the due list
always shows something overdue, something due soon and something in hand.

Every name here is invented; no one named in the framework documents appears.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from qa_desktop.domain.periods import add_months
from qa_desktop.domain.regulation import ContractRoute, Regulator
from qa_desktop.domain.roles import require_officer
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.domain.visits import VisitLevel, VisitReason, VisitStatus
from qa_desktop.forms.checklist import MET, NOT_MET, YES
from qa_desktop.forms.library import TemplateLibrary, library_for
from qa_desktop.paths import resources_dir
from qa_desktop.services.provider_import import ImportReport, import_providers
from qa_desktop.services.register import add_provider, add_setting
from qa_desktop.services.visits import open_visit, start_visit
from qa_desktop.store.database import Store
from qa_desktop.store.models import (
    Commissioner,
    ComplianceReview,
    Contact,
    LocalState,
    Placement,
    Provider,
    Setting,
    Visit,
)

DEMO_FLAG = "demo_loaded"


def demo_csv() -> Path:
    return resources_dir() / "demo" / "providers.csv"


def is_loaded(store: Store) -> bool:
    with store.read() as session:
        return session.get(LocalState, DEMO_FLAG) is not None


def load_demo(store: Store, today: dt.date | None = None,
              library: TemplateLibrary | None = None) -> ImportReport | None:
    """Load the demo data once; returns the import report, or None if it was already loaded.
    ``library``: the templates the in-progress visit starts from (the workspace's, already read)."""
    require_officer(store.user, "or load the demo data")  # a Young Inspector's store is refused
    if is_loaded(store):
        return None
    today = today or store.clock.today()
    report = import_providers(store, demo_csv())
    with store.write() as changes:
        session = changes.session
        providers = {p.urn: p for p in session.scalars(select(Provider).where(Provider.urn.is_not(None)))}
        first_setting = {s.provider_id: s for s in session.scalars(select(Setting))}

        residential = changes.create(Commissioner, name="Priya Sharma", email="priya.sharma@example.gov.uk",
                                     organisation="Example Council", responsibility="Residential (framework and spot)")
        dps = changes.create(Commissioner, name="Tom Ellery", email="tom.ellery@example.gov.uk",
                             organisation="Example Council",
                             responsibility="IFA, Supported Accommodation and Floating Support")
        schools = changes.create(Commissioner, name="Grace Oduya", email="grace.oduya@example.gov.uk",
                                 organisation="Example Council", responsibility="38 + 52 week residential schools")

        routes = {
            "SC700101": (ContractRoute.FRAMEWORK, "CRC Residential Framework", residential),
            "SC700102": (ContractRoute.FRAMEWORK, "CRC Residential Framework", residential),
            "SC700103": (ContractRoute.FRAMEWORK, "CRC Residential Framework", residential),
            "SC700104": (ContractRoute.SPOT, None, residential),
            "SC700105": (ContractRoute.SPOT, "National Schools Contract", schools),
            "SC700106": (ContractRoute.FRAMEWORK, "CRC Residential Framework", residential),
            "SC700107": (ContractRoute.FRAMEWORK, "Kent and Medway IFA Framework", dps),
            "SC700108": (ContractRoute.DPS, "Supported Accommodation and Floating Support DPS", dps),
            "SC700109": (ContractRoute.SPOT, None, residential),
            "SC700110": (ContractRoute.SPOT, None, residential),
        }
        for urn, (route, framework, commissioner) in routes.items():
            changes.update(providers[urn], contract_route=route, framework_name=framework,
                           lead_commissioner_id=commissioner.id)

        lantern = add_provider(changes, name="Lantern House", service_type=ServiceType.UNREGULATED,
                               organisation="Lantern Support Services Ltd", regulator=Regulator.NONE,
                               contract_route=ContractRoute.UNREGULATED, capacity=1,
                               notes="Unregistered: Ofsted notified; provider supported to apply for registration.")
        lantern_home = add_setting(changes, lantern, name="Lantern House", address_line1="9 Canal Road",
                                   town="Strood", county="Kent", postcode="ME2 4DR", capacity=1)
        compass = add_provider(changes, name="Compass Floating Support", service_type=ServiceType.FLOATING_SUPPORT,
                               organisation="Compass Community Care Ltd", regulator=Regulator.CQC,
                               contract_route=ContractRoute.DPS, lead_commissioner_id=dps.id,
                               framework_name="Supported Accommodation and Floating Support DPS")
        add_setting(changes, compass, name="Compass office", address_line1="Suite 2, 14 Military Road",
                    town="Chatham", county="Kent", postcode="ME4 4JG")

        for urn, name, role, phone in (
            ("SC700101", "Dana Whitfield", "Registered manager", "01634 000101"),
            ("SC700102", "Marcus Hale", "Registered manager", "01634 000102"),
            ("SC700108", "Ife Adeyemi", "Service manager", "01634 000108"),
        ):
            changes.create(Contact, provider_id=providers[urn].id, name=name, role=role, phone=phone,
                           email=f"{name.split()[0].lower()}@example.org.uk")

        def visit(setting: Setting, months_ago: int, status: VisitStatus = VisitStatus.COMPLETED,
                  level: VisitLevel = VisitLevel.FULL, announced: bool = True,
                  reason: VisitReason = VisitReason.ROUTINE) -> None:
            officers = ["Alex Patel"] if announced else ["Alex Patel", "Jo Morgan"]
            changes.create(Visit, setting_id=setting.id, visit_date=add_months(today, -months_ago), level=level,
                           announced=announced, reason=reason, status=status, officers=officers)

        visit(first_setting[providers["SC700101"].id], 20)
        visit(first_setting[providers["SC700102"].id], 40)
        visit(first_setting[providers["SC700103"].id], 6)
        visit(first_setting[providers["SC700106"].id], 23)
        visit(first_setting[providers["SC700108"].id], 11)
        visit(first_setting[providers["SC700105"].id], 30, level=VisitLevel.PROPERTY_ONLY)
        visit(lantern_home, 4)

        for urn, months_ago in (("SC700101", 10), ("SC700102", 26), ("SC700105", 13), ("SC700107", 14),
                                ("SC700108", 9), ("SC700103", 3)):
            changes.create(ComplianceReview, provider_id=providers[urn].id,
                           review_date=add_months(today, -months_ago), reviewed_by="Alex Patel",
                           outcome="Essential documents seen and in date.")
        changes.create(ComplianceReview, provider_id=providers["SC700104"].id, review_date=today - dt.timedelta(days=1),
                       minimum_only=True, reviewed_by="Jo Morgan",
                       outcome="Minimum urgent set seen (health and safety, staff training, insurance).")
        yesterday = dt.datetime.combine(today - dt.timedelta(days=1), dt.time(16, 30), dt.UTC)
        changes.create(Placement, setting_id=first_setting[providers["SC700104"].id].id, started_at=yesterday,
                       reference="PL-2041")
        harbour_home = first_setting[providers["SC700102"].id].id
        session.add(LocalState(key=DEMO_FLAG, value=today.isoformat()))
    _visit_in_progress(store, library or library_for(store.data_dir), harbour_home, today)
    return report


def _visit_in_progress(store: Store, library: TemplateLibrary, setting_id: str, today: dt.date) -> None:
    """An unannounced Assurance/Monitoring visit, part answered, as an officer leaves it mid-visit."""
    visit_id = start_visit(store, library, setting_id=setting_id, visit_date=today,
                           level=VisitLevel.ASSURANCE_MONITORING, announced=False,
                           officers=["Alex Patel", "Jo Morgan"], reason=VisitReason.CONCERN_RAISED)
    visit = open_visit(store, visit_id)
    for key in ("lounge_sofas", "lounge_television", "lounge_flooring", "kitchen_sink_drainer", "kitchen_cooker"):
        visit.set_answer("property_standards", key, MET)
    visit.set_answer("property_standards", "kitchen_co_detector", NOT_MET)
    visit.set_note("property_standards", "kitchen_co_detector", "No carbon monoxide detector near the boiler.")
    visit.raise_action("property_standards", "kitchen_co_detector", "Fit a carbon monoxide detector in the kitchen",
                       ConcernLevel.HIGH, dt.datetime.combine(today, dt.time(10, 15), dt.UTC))
    visit.set_answer("compliance_areas", "concerns_any", YES)
    visit.set_answer("compliance_areas", "concerns_detail",
                     "Neighbour reported young people out late; manager shared the missing-from-care log.")
