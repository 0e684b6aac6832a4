"""Every record of the caseload syncs (issue 16: "every record syncs"): providers edited, marked
monitored, merged; settings, contacts, commissioners, package elements; placements; reviews with
their documents and actions; planned visits. Made on one laptop, read on another through a shared
folder, and an edit there comes back."""

from __future__ import annotations

import datetime as dt

from qa_desktop.domain.compliance import DocumentStatus, ReviewScope
from qa_desktop.domain.contacts import ContactRole
from qa_desktop.domain.oversight import CaseSource
from qa_desktop.domain.placements import PlacementKind
from qa_desktop.domain.regulation import ContractRoute
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.tiers import Tier
from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.domain.visits import VisitLevel, VisitReason
from qa_desktop.store.database import Store
from qa_desktop.sync.engine import sync
from qa_desktop.sync.folder import FolderStore
from qa_desktop.workspace import Workspace
from tests.caseload.ofsted import ofsted_file
from tests.conftest import CLOCK_START, TODAY
from tests.sync.conftest import snapshot


def test_the_caseload_made_on_one_laptop_arrives_whole_on_another(tmp_path):
    alex_store = Store(tmp_path / "alex", actor="Alex Patel")
    jo_store = Store(tmp_path / "jo", actor="Jo Morgan")
    folder = FolderStore(tmp_path / "shared")
    alex, jo = Workspace(alex_store), Workspace(jo_store)
    try:
        alex.register.import_providers(ofsted_file(tmp_path))
        maple, kindred = alex.register.resolve("SC800001"), alex.register.resolve("SC800004")
        lead = alex.providers.add_commissioner(name="Priya Sharma", service_types=[ServiceType.RESIDENTIAL]).value
        alex.providers.edit(maple, {"contract_route": ContractRoute.FRAMEWORK, "tier_override": Tier.B,
                                    "tier_override_reason": "Consortium decision", "lead_commissioner_id": lead})
        alex.providers.set_monitored(kindred, True, "IFA framework provider")
        setting = alex.providers.add_setting(maple, {"name": "Maple annexe", "postcode": "ME1 2DZ"}).value
        alex.providers.add_contact(maple, name="Dana Whitfield", kind=ContactRole.REGISTERED_MANAGER,
                                   setting_id=setting)
        package = alex.providers.add(name="Oakwood", service_type=ServiceType.BESPOKE,
                                     monitored_reason="Bespoke package").value
        element = alex.providers.add_element(package, name="Floating support",
                                             service_type=ServiceType.FLOATING_SUPPORT).value
        duplicate = alex.providers.add(name="Kindred (typed)", service_type=ServiceType.IFA).value
        alex.providers.merge(kindred, duplicate, "Typed in twice")
        alex.placements.record(setting_id=setting, reference="PL-9", kind=PlacementKind.EMERGENCY,
                               started_at=CLOCK_START - dt.timedelta(hours=1))
        review = alex.reviews.start(maple, ReviewScope.MINIMUM).value
        alex.reviews.record_document(review, "doc_insurance", DocumentStatus.SEEN, TODAY, TODAY + dt.timedelta(days=9))
        alex.reviews.raise_action(review, "Send the training matrix", ConcernLevel.MEDIUM, "doc_staff_training")
        alex.oversight.log_case(kindred, source=CaseSource.LADO, category="Allegation", summary="Allegation",
                                quality_concern=True)
        visit = alex.planning.plan(setting_id=setting, visit_date=TODAY + dt.timedelta(days=2), level=VisitLevel.FULL,
                                   announced=True, officers=["Alex Patel", "Jo Morgan"],
                                   reason=VisitReason.AFTER_PLACEMENT_START).value
        sync(alex_store, folder), sync(jo_store, folder)
        assert snapshot(jo_store) == snapshot(alex_store)

        assert jo.providers.provider(maple).tier_shown is Tier.B
        assert [c.name for c in jo.providers.lead_commissioners(maple)] == ["Priya Sharma"]
        assert [c.setting for c in jo.providers.contacts(maple)] == ["Maple annexe"]
        assert [e.id for e in jo.providers.elements(package)] == [element]
        assert [p.reference for p in jo.placements.lines(maple, current_only=True)] == ["PL-9"]
        sheet = jo.reviews.sheet(review)
        assert sheet.items[2].status is DocumentStatus.SEEN and sheet.actions[0].text == "Send the training matrix"
        assert [v.id for v in jo.planning.my_visits()] == [visit]
        assert {i.provider_name for i in jo.register.due()} >= {"Maple Lodge", "Kindred Fostering"}
        assert [r.name for r in jo.register.search("Kindred")] == ["Kindred Fostering"]  # the duplicate merged in

        jo.reviews.record_document(review, "doc_staff_training", DocumentStatus.NOT_SEEN,
                                   seen=jo.reviews.sheet(review).items[1].seen)
        jo.planning.edit(visit, {"officers": ["Jo Morgan", "Sam Lee"]})
        sync(jo_store, folder), sync(alex_store, folder)
        assert snapshot(jo_store) == snapshot(alex_store)
        assert alex.reviews.sheet(review).items[1].status is DocumentStatus.NOT_SEEN
        assert alex.planning.summary(visit).officers == ("Jo Morgan", "Sam Lee")
    finally:
        alex.close()
        jo.close()
