"""Demonstration data, made through the same services an officer's screen and the command line use:
fictional providers in Ofsted's CSV layout imported by the real importer, then what the council
adds through the app (commissioners of Figure 4, contract routes, which mark providers monitored,
providers typed in, a bespoke package of two elements, contacts by role, the last visits and
reviews from the team's tracker, a full review filled in document by document with an insurance
certificate running out, an emergency placement with its minimum urgent review, a planned visit and
an unannounced visit part done). Dates are relative to ``today`` so the due list always shows
something overdue, something due soon and something in hand.

Every name here is invented; no one named in the framework documents appears.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from qa_desktop.domain.compliance import DocumentStatus, ReviewScope
from qa_desktop.domain.contacts import ContactRole
from qa_desktop.domain.periods import add_months
from qa_desktop.domain.placements import PlacementKind
from qa_desktop.domain.regulation import ContractRoute, Regulator
from qa_desktop.domain.roles import require_officer
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.domain.visits import VisitLevel, VisitReason
from qa_desktop.forms.checklist import MET, NOT_MET, YES
from qa_desktop.forms.library import TemplateLibrary, library_for
from qa_desktop.paths import resources_dir
from qa_desktop.services import providers, reviews
from qa_desktop.services.oversight import complete_action
from qa_desktop.services.placements import record_placement
from qa_desktop.services.provider_import import ImportReport, import_providers
from qa_desktop.services.register import find_by_urn
from qa_desktop.services.visit_planning import plan_visit, record_past_visit
from qa_desktop.services.visits import open_visit, start_visit
from qa_desktop.store.database import Store
from qa_desktop.store.models import LocalState, Setting

DEMO_FLAG = "demo_loaded"
#: The officers of the demo team (fictional).
ALEX, JO = "Alex Patel", "Jo Morgan"


def demo_csv() -> Path:
    return resources_dir() / "demo" / "providers.csv"


def is_loaded(store: Store) -> bool:
    with store.read() as session:
        return session.get(LocalState, DEMO_FLAG) is not None


def _ids(store: Store) -> tuple[dict[str, str], dict[str, str]]:
    """The demo providers' ids by URN, and the id of each one's (first) setting."""
    with store.read() as session:
        found = {urn: provider.id for urn in (f"SC7001{n:02d}" for n in range(1, 11))
                 if (provider := find_by_urn(session, urn)) is not None}
        settings = {pid: setting_id for setting_id, pid in session.execute(
            select(Setting.id, Setting.provider_id).where(Setting.provider_id.in_(list(found.values())))
            .order_by(Setting.name))}
    return found, settings


def load_demo(store: Store, today: dt.date | None = None,
              library: TemplateLibrary | None = None) -> ImportReport | None:
    """Load the demo data once; returns the import report, or None if it was already loaded.
    ``library``: the templates visits and reviews start from (the workspace's, already read)."""
    require_officer(store.user, "or load the demo data")  # a Young Inspector's store is refused
    if is_loaded(store):
        return None
    today = today or store.clock.today()
    library = library or library_for(store.data_dir)
    report = import_providers(store, demo_csv())
    urn, first_setting = _ids(store)

    residential = providers.add_commissioner(
        store, name="Priya Sharma", email="priya.sharma@example.gov.uk", organisation="Example Council",
        responsibility="Residential (framework and spot)",
        service_types=[ServiceType.RESIDENTIAL, ServiceType.PARENT_AND_CHILD, ServiceType.INTERNAL_RESIDENTIAL])
    providers.add_commissioner(
        store, name="Tom Ellery", email="tom.ellery@example.gov.uk", organisation="Example Council",
        responsibility="IFA, Supported Accommodation and Floating Support",
        service_types=[ServiceType.IFA, ServiceType.PARENT_AND_CHILD_FOSTERING, ServiceType.SUPPORTED_ACCOMMODATION,
                       ServiceType.FLOATING_SUPPORT, ServiceType.ACTIVITY])
    providers.add_commissioner(
        store, name="Marta Kowalczyk", email="marta.kowalczyk@example-county.gov.uk",
        organisation="Example County Council", responsibility="IFA framework (partner authority)",
        service_types=[ServiceType.IFA], contract_routes=[ContractRoute.FRAMEWORK])
    providers.add_commissioner(
        store, name="Grace Oduya", email="grace.oduya@example.gov.uk", organisation="Example Council",
        responsibility="38 + 52 week residential schools", service_types=[ServiceType.RESIDENTIAL_SCHOOL])

    routes = {
        "SC700101": (ContractRoute.FRAMEWORK, "CRC Residential Framework"),
        "SC700102": (ContractRoute.FRAMEWORK, "CRC Residential Framework"),
        "SC700103": (ContractRoute.FRAMEWORK, "CRC Residential Framework"),
        "SC700104": (ContractRoute.SPOT, None),
        "SC700105": (ContractRoute.SPOT, "National Schools Contract"),
        "SC700106": (ContractRoute.FRAMEWORK, "CRC Residential Framework"),
        "SC700107": (ContractRoute.FRAMEWORK, "Kent and Medway IFA Framework"),
        "SC700108": (ContractRoute.DPS, "Supported Accommodation and Floating Support DPS"),
        "SC700110": (ContractRoute.SPOT, None),
    }
    for key, (route, framework) in routes.items():  # a contract route marks the provider monitored by us
        providers.edit_provider(store, urn[key], {"contract_route": route, "framework_name": framework})
    providers.edit_provider(store, urn["SC700109"], {"lead_commissioner_id": residential})  # set by hand

    lantern = providers.create_provider(
        store, name="Lantern House", service_type=ServiceType.UNREGULATED, organisation="Lantern Support Services Ltd",
        regulator=Regulator.NONE, contract_route=ContractRoute.UNREGULATED, capacity=1,
        notes="Unregistered: Ofsted notified; provider supported to apply for registration.",
        setting={"address_line1": "9 Canal Road", "town": "Strood", "county": "Kent", "postcode": "ME2 4DR",
                 "capacity": 1})
    compass = providers.create_provider(
        store, name="Compass Floating Support", service_type=ServiceType.FLOATING_SUPPORT,
        organisation="Compass Community Care Ltd", regulator=Regulator.CQC, contract_route=ContractRoute.DPS,
        framework_name="Supported Accommodation and Floating Support DPS",
        setting={"name": "Compass office", "address_line1": "Suite 2, 14 Military Road", "town": "Chatham",
                 "county": "Kent", "postcode": "ME4 4JG"})
    oakwood = providers.create_provider(
        store, name="Oakwood Bespoke Package", service_type=ServiceType.BESPOKE,
        organisation="Oakwood Pathways Ltd", contract_route=ContractRoute.BESPOKE,
        notes="Section 9: a single-occupancy flat with a floating support package, for one young person.",
        setting={"name": "Oakwood flat", "address_line1": "2 Mill Court", "town": "Rochester", "county": "Kent",
                 "postcode": "ME1 1NE", "capacity": 1})
    with store.read() as session:
        setting_of = {pid: sid for sid, pid in session.execute(select(Setting.id, Setting.provider_id).where(
            Setting.provider_id.in_([lantern, compass, oakwood])))}
    flat = providers.add_element(store, oakwood, name="Single-occupancy flat",
                                 service_type=ServiceType.SUPPORTED_ACCOMMODATION, setting_id=setting_of[oakwood])
    support = providers.add_element(store, oakwood, name="Floating support, 15 hours a week",
                                    service_type=ServiceType.FLOATING_SUPPORT,
                                    delivered_by="Compass Community Care Ltd")

    for key, name, kind, phone in (
        ("SC700101", "Dana Whitfield", ContactRole.REGISTERED_MANAGER, "01634 000101"),
        ("SC700102", "Marcus Hale", ContactRole.REGISTERED_MANAGER, "01634 000102"),
        ("SC700102", "Nia Roberts", ContactRole.PROVIDER, "01634 000112"),
        ("SC700104", "Sam Okafor", ContactRole.PLACING_SOCIAL_WORKER, "01634 000204"),
        ("SC700104", "Ruth Adair", ContactRole.IRO, "01634 000214"),
        ("SC700108", "Ife Adeyemi", ContactRole.PROVIDER, "01634 000108"),
    ):
        providers.add_contact(store, urn[key], name=name, kind=kind, phone=phone,
                              email=f"{name.split()[0].lower()}@example.org.uk")

    def visited(setting_id: str, months_ago: int, level: VisitLevel = VisitLevel.FULL) -> None:
        record_past_visit(store, setting_id=setting_id, visit_date=add_months(today, -months_ago), level=level,
                          announced=True, officers=[ALEX], reason=VisitReason.ROUTINE, today=today)

    visited(first_setting[urn["SC700101"]], 20)
    visited(first_setting[urn["SC700102"]], 40)
    visited(first_setting[urn["SC700103"]], 6)
    visited(first_setting[urn["SC700106"]], 23)
    visited(first_setting[urn["SC700108"]], 11)
    visited(first_setting[urn["SC700105"]], 30, VisitLevel.PROPERTY_ONLY)
    visited(setting_of[lantern], 4)
    visited(setting_of[oakwood], 5)

    for key, months_ago in (("SC700101", 10), ("SC700102", 26), ("SC700105", 13), ("SC700107", 14),
                            ("SC700103", 3)):
        reviews.record_past_review(store, provider_id=urn[key], review_date=add_months(today, -months_ago),
                                   scope=ReviewScope.FULL, reviewed_by=ALEX,
                                   outcome="Essential documents seen and in date.", today=today)
    for element, months_ago in ((flat, 7), (support, 2)):
        reviews.record_past_review(store, provider_id=oakwood, element_id=element, scope=ReviewScope.FULL,
                                   review_date=add_months(today, -months_ago), reviewed_by=JO,
                                   outcome="Essential documents seen.", today=today)

    # Stepping Stones: a full review filled in here, its insurance running out within the month
    review = reviews.start_review(store, library, provider_id=urn["SC700108"], scope=ReviewScope.FULL,
                                  review_date=add_months(today, -9), reviewed_by=ALEX)
    with store.read() as session:
        items = reviews.review_sheet(session, review).items
    reviewed_on = add_months(today, -9)
    for item in items:
        if not item.is_document:
            reviews.record_text(store, review, item.key, "Documents in order; fire risk assessment to be updated "
                                                         "after the new kitchen is fitted.")
        elif item.key == "doc_insurance_documents":
            reviews.record_document(store, review, item.key, DocumentStatus.SEEN, reviewed_on - dt.timedelta(days=60),
                                    today + dt.timedelta(days=12))
        elif item.key == "doc_gas_and_electric_certificate":
            reviews.record_document(store, review, item.key, DocumentStatus.SEEN, reviewed_on - dt.timedelta(days=30),
                                    add_months(reviewed_on, 11))
        elif item.key == "doc_video_tour_of_the_provision_photos":
            reviews.record_document(store, review, item.key, DocumentStatus.NOT_APPLICABLE)
        else:
            reviews.record_document(store, review, item.key, DocumentStatus.SEEN, reviewed_on - dt.timedelta(days=20))
    reviews.set_outcome(store, review, "All essential documents seen; fire risk assessment to be reviewed.")
    noon = dt.datetime.combine(reviewed_on, dt.time(12), dt.UTC)
    action = reviews.raise_review_action(store, review, "Send the updated fire risk assessment", ConcernLevel.LOW,
                                         noon, "doc_fire_risk_assessment")
    reviews.complete_review(store, review, noon)
    complete_action(store, "review", action, completed_at=noon + dt.timedelta(days=12),
                    evidence="Updated fire risk assessment received and read.")

    # Willow House: an emergency placement yesterday afternoon, with its minimum urgent review
    yesterday = dt.datetime.combine(today - dt.timedelta(days=1), dt.time(16, 30), dt.UTC)
    placement = record_placement(store, setting_id=first_setting[urn["SC700104"]], reference="PL-2041",
                                 kind=PlacementKind.EMERGENCY, started_at=yesterday)
    minimum = reviews.start_review(store, library, provider_id=urn["SC700104"], scope=ReviewScope.MINIMUM,
                                   review_date=today - dt.timedelta(days=1), reviewed_by=JO, placement_id=placement)
    with store.read() as session:
        items = reviews.review_sheet(session, minimum).items
    for item in items:
        if item.is_document:
            reviews.record_document(store, minimum, item.key, DocumentStatus.SEEN, today - dt.timedelta(days=90),
                                    add_months(today, 9) if item.key == "doc_insurance" else None)
        else:
            reviews.record_text(store, minimum, item.key, "Urgent meeting with the registered manager by phone: "
                                                          "staffing, risk assessment and matching discussed.")
    reviews.complete_review(store, minimum, yesterday + dt.timedelta(hours=2))

    # Maple Lodge: a routine visit planned for next week, for Alex Patel's "my visits"
    week = today + dt.timedelta(days=7)
    plan_visit(store, library, setting_id=first_setting[urn["SC700101"]], visit_date=week, level=VisitLevel.FULL,
               announced=True, officers=[ALEX], reason=VisitReason.ROUTINE,
               starts_at=dt.datetime.combine(week, dt.time(9, 30), dt.UTC), duration_minutes=360, today=today)

    with store.transaction() as session:
        session.add(LocalState(key=DEMO_FLAG, value=today.isoformat()))
    _visit_in_progress(store, library, first_setting[urn["SC700102"]], today)
    return report


def _visit_in_progress(store: Store, library: TemplateLibrary, setting_id: str, today: dt.date) -> None:
    """An unannounced Assurance/Monitoring visit, part answered, as an officer leaves it mid-visit."""
    visit_id = start_visit(store, library, setting_id=setting_id, visit_date=today,
                           level=VisitLevel.ASSURANCE_MONITORING, announced=False,
                           officers=[ALEX, JO], reason=VisitReason.CONCERN_RAISED)
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
