"""Providers and settings managed in the app (issue 16, item 3), through the workspace, on a register
imported from Ofsted's file: add, edit (over what the form showed), merge duplicates, the three
parent and child kinds, bespoke packages, the tier override, Figure 4's lead commissioners,
contacts by role and "monitored by us"."""

from __future__ import annotations

import pytest

from qa_desktop.domain.compliance import ComplianceError
from qa_desktop.domain.contacts import ContactRole
from qa_desktop.domain.monitoring import MonitoredBy, MonitoringError
from qa_desktop.domain.packages import PackageError
from qa_desktop.domain.regulation import ContractRoute
from qa_desktop.domain.schedule import DueKind, DueStatus
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.tiers import Tier
from qa_desktop.services.oversight import log_case
from qa_desktop.workspace import Workspace
from qa_desktop.workspace.providers import RegisterError
from tests.conftest import TODAY


def test_a_provider_typed_in_gets_its_first_setting_and_can_be_found(ws, urn):
    provider_id = ws.providers.add(name="Lantern House", service_type=ServiceType.UNREGULATED,
                                   setting={"address_line1": "9 Canal Road", "town": "Strood", "postcode": "me24dr"},
                                   monitored_reason="Unregistered; Ofsted notified").value
    page = ws.register.page(ws.register.resolve("lantern"))
    assert page.id == provider_id and [s.address for s in page.settings] == ["9 Canal Road, Strood, ME2 4DR"]
    record = ws.providers.provider(provider_id)
    assert record.monitored and record.monitored_by is MonitoredBy.HAND
    assert record.monitored_reason == "Unregistered; Ofsted notified"


@pytest.mark.parametrize(("fields", "words"), [
    ({"name": "  "}, "Name: a provider needs a name."),
    ({"urn": "SC800001"}, "URN: SC800001 is already in the register (Maple Lodge)"),
    ({"urn": "12-AB"}, "URN: '12-AB' is not an Ofsted URN"),
    ({"capacity": "four"}, "Places: 'four' is not a whole number."),
    ({"tier_override": Tier.A}, "Tier reason: say why the tier is set by hand"),
])
def test_bad_input_is_one_sentence_naming_the_field_and_nothing_changes(ws, urn, fields, words):
    provider_id = urn("SC800002")
    before = ws.providers.provider(provider_id)
    with pytest.raises(RegisterError) as refused:
        ws.providers.edit(provider_id, fields, before.seen)
    assert str(refused.value).startswith(words)
    assert ws.providers.provider(provider_id) == before


def test_an_edit_is_written_over_what_the_form_showed(ws, urn, store):
    """Another officer's change arriving after the form was drawn is kept beside ours, not overwritten."""
    provider_id = urn("SC800002")
    shown = ws.providers.provider(provider_id)
    other = Workspace(store)  # a second program on the same data folder
    other.providers.edit(provider_id, {"organisation": "Harbourlight Group"},
                         other.providers.provider(provider_id).seen)
    ws.providers.edit(provider_id, {"organisation": "Harbourlight Children's Services (2026) Ltd"}, shown.seen)
    from qa_desktop.sync.conflicts import list_conflicts

    [conflict] = [c for c in list_conflicts(store) if c.field == "organisation"]
    values = {str(v.value) for v in conflict.values}
    assert values == {"Harbourlight Group", "Harbourlight Children's Services (2026) Ltd"}


def test_a_contract_route_marks_the_provider_monitored_and_by_hand_needs_a_reason(ws, urn):
    provider_id = urn("SC800001")
    assert not ws.providers.provider(provider_id).monitored
    ws.providers.edit(provider_id, {"contract_route": ContractRoute.FRAMEWORK,
                                    "framework_name": "CRC Residential Framework"})
    record = ws.providers.provider(provider_id)
    assert record.monitored and record.monitored_by is MonitoredBy.CONTRACT
    assert record.monitored_reason == "Framework contract (CRC Residential Framework)" and record.monitored_on == TODAY
    with pytest.raises(MonitoringError, match=r"^Reason: say why the provider is no longer monitored.$"):
        ws.providers.set_monitored(provider_id, False, "  ")
    ws.providers.set_monitored(provider_id, False, "Framework contract ended March")
    record = ws.providers.provider(provider_id)
    assert not record.monitored and record.monitored_reason == "Framework contract ended March"
    facts = dict(ws.register.page(provider_id).facts)
    assert facts["Monitored by us"] == "No (since 22 Nov 2026: Framework contract ended March)"
    assert [r.name for r in ws.register.search(monitored=True)] == []


def test_the_tier_is_shown_and_can_be_overridden_with_a_reason(ws, urn):
    provider_id = urn("SC800002")  # requires improvement: tier B on the framework
    ws.providers.edit(provider_id, {"contract_route": ContractRoute.FRAMEWORK})
    assert ws.register.search("Harbour View")[0].tier is Tier.B
    ws.providers.edit(provider_id, {"tier_override": Tier.A, "tier_override_reason": "Consortium moved it after "
                                                                                     "re-inspection evidence"})
    assert ws.register.search("Harbour View")[0].tier is Tier.A
    facts = dict(ws.register.page(provider_id).facts)
    assert facts["Framework tier"] == ("A (set by hand: Consortium moved it after re-inspection evidence; "
                                       "Section 3 gives B)")
    ws.providers.edit(provider_id, {"tier_override": None})
    record = ws.providers.provider(provider_id)
    assert record.tier_shown is Tier.B and record.tier_override_reason is None


def test_lead_commissioners_follow_figure_4_as_data_unless_one_is_set(ws, urn):
    providers = ws.providers
    local = providers.add_commissioner(name="Tom Ellery", email="tom@example.gov.uk",
                                       service_types=[ServiceType.IFA, ServiceType.SUPPORTED_ACCOMMODATION]).value
    partner = providers.add_commissioner(name="Marta Kowalczyk", service_types=[ServiceType.IFA],
                                         contract_routes=[ContractRoute.FRAMEWORK]).value
    kindred = urn("SC800004")
    providers.edit(kindred, {"contract_route": ContractRoute.SPOT})
    assert [c.id for c in providers.lead_commissioners(kindred)] == [local]            # IFA (Spot): one
    providers.edit(kindred, {"contract_route": ContractRoute.FRAMEWORK})
    assert {c.id for c in providers.lead_commissioners(kindred)} == {local, partner}    # IFA (Framework): two
    assert dict(ws.register.page(kindred).facts)["Lead commissioner"].endswith("(Figure 4)")
    providers.edit(kindred, {"lead_commissioner_id": partner})
    assert [c.name for c in providers.lead_commissioners(kindred)] == ["Marta Kowalczyk"]
    with pytest.raises(RegisterError, match=r"^Email: 'not an address' is not an email address.$"):
        providers.add_commissioner(name="X", email="not an address")


def test_contacts_carry_the_role_reports_are_distributed_by(ws, urn, setting_of):
    provider_id = urn("SC800011")
    ws.providers.add_contact(provider_id, name="Dana Whitfield", kind=ContactRole.REGISTERED_MANAGER,
                             email="dana@example.org", setting_id=setting_of("SC800011"))
    ws.providers.add_contact(provider_id, name="Sam Okafor", kind=ContactRole.PLACING_SOCIAL_WORKER,
                             organisation="Children's Services")
    ws.providers.add_contact(provider_id, name="Ruth Adair", kind=ContactRole.IRO)
    every = ws.providers.contacts(provider_id)
    assert [c.kind for c in every] == [ContactRole.REGISTERED_MANAGER, ContactRole.PLACING_SOCIAL_WORKER,
                                       ContactRole.IRO]
    assert every[0].setting == "Willow House"
    professionals = ws.providers.contacts(provider_id, roles={ContactRole.PLACING_SOCIAL_WORKER, ContactRole.IRO})
    assert [c.name for c in professionals] == ["Sam Okafor", "Ruth Adair"]
    with pytest.raises(RegisterError, match=r"^Role: choose the part the contact plays"):
        ws.providers.add_contact(provider_id, name="Someone", kind=None)
    ws.providers.remove_contact(every[2].id)
    assert len(ws.providers.contacts(provider_id)) == 2


def test_merging_a_duplicate_moves_its_records_and_keeps_the_register_whole(ws, urn, store):
    typed = ws.providers.add(name="Maple Lodge (typed in)", service_type=ServiceType.RESIDENTIAL,
                             organisation="Evergreen Care Homes Ltd", notes="Known to the LADO",
                             setting={"name": "Maple Lodge annexe", "postcode": "ME1 2DZ"},
                             monitored_reason="Placing with them since 2024").value
    ws.providers.add_contact(typed, name="Dana Whitfield", kind=ContactRole.REGISTERED_MANAGER)
    log_case(store, typed, opened_on=TODAY, source=_source(), category="Missing", summary="Missing overnight")
    maple = urn("SC800001")
    moved = ws.providers.merge(maple, typed, "Typed in before the Ofsted import").value
    assert moved == {"settings": 1, "contacts": 1, "qa_cases": 1}
    page = ws.register.page(maple)
    assert {s.name for s in page.settings} == {"Maple Lodge", "Maple Lodge annexe"}
    assert len(page.cases) == 1 and page.monitored
    assert "Merged with Maple Lodge (typed in) on 22/11/2026 by officer.test: Typed in before the Ofsted import" \
        in ws.providers.provider(maple).notes
    assert [r.name for r in ws.register.search("maple")] == ["Maple Lodge"]
    with pytest.raises(RegisterError, match=r"^Duplicate: Harbour View has URN SC800002 and Maple Lodge URN SC800001"):
        ws.providers.merge(maple, urn("SC800002"), "same owner")


def _source():
    from qa_desktop.domain.oversight import CaseSource

    return CaseSource.LADO


def test_the_three_kinds_of_parent_and_child_provision_follow_their_own_rules(ws, urn):
    """Section 5: family centre (regulated residential documents, visited), IFA placement (IFA
    documents, never visited: a foster home), low-level supported accommodation (SA documents, visited)."""
    cedar = urn("SC800005")
    assert ws.providers.provider(cedar).service_type is ServiceType.PARENT_AND_CHILD  # Ofsted's family centre
    fostering = ws.providers.add(name="Kindred Parent and Child", service_type=ServiceType.PARENT_AND_CHILD_FOSTERING,
                                 monitored_reason="P+C assessment placements").value
    supported = ws.providers.add(name="Harbour P+C Flats", service_type=ServiceType.PARENT_AND_CHILD_SUPPORTED,
                                 monitored_reason="Low-level P+C flats").value
    from qa_desktop.domain.compliance import ReviewScope

    titles = {}
    for provider_id in (cedar, fostering, supported):
        review = ws.reviews.start(provider_id, ReviewScope.FULL).value
        titles[provider_id] = ws.reviews.sheet(review).figure_row
    assert titles == {cedar: "Regulated Residential", fostering: "Independent Fostering Agency",
                      supported: "Supported Accommodation"}
    visits = {pid: [i.due for i in ws.register.due(provider_id=pid, include_scheduled=True)
                    if i.due.kind is DueKind.VISIT] for pid in (cedar, fostering, supported)}
    assert visits[fostering] == []  # no visit to a foster home, not even "before placement"
    assert visits[cedar][0].status is DueStatus.BEFORE_PLACEMENT
    assert visits[supported][0].status is DueStatus.BEFORE_PLACEMENT


def test_a_bespoke_package_is_monitored_element_by_element(ws, store):
    from qa_desktop.domain.compliance import ReviewScope

    package = ws.providers.add(name="Oakwood Package", service_type=ServiceType.BESPOKE,
                               setting={"name": "Oakwood flat", "postcode": "ME1 1NE"},
                               monitored_reason="Bespoke package for one young person").value
    flat_setting = ws.register.page(package).settings[0].id
    with pytest.raises(PackageError, match=r"^Service type: choose the service type of 'Floating support'"):
        ws.providers.add_element(package, name="Floating support", service_type=None)
    with pytest.raises(PackageError, match=r"^Element: give the element a name"):
        ws.providers.add_element(package, name=" ", service_type=ServiceType.FLOATING_SUPPORT)
    flat = ws.providers.add_element(package, name="Single flat", service_type=ServiceType.SUPPORTED_ACCOMMODATION,
                                    setting_id=flat_setting).value
    support = ws.providers.add_element(package, name="Floating support", service_type=ServiceType.FLOATING_SUPPORT,
                                       delivered_by="Compass Care").value
    ws.reviews.record_past(package, ReviewScope.FULL, review_date=TODAY.replace(year=2025, month=6, day=1),
                           reviewed_by="Alex Patel", outcome="Seen", element_id=flat)
    ws.reviews.record_past(package, ReviewScope.FULL, review_date=TODAY.replace(month=10, day=1),
                           reviewed_by="Jo Morgan", outcome="Seen", element_id=support)
    due = ws.register.due(provider_id=package, include_scheduled=True)
    reviews = {i.element_name: i.due for i in due if i.due.kind is DueKind.REVIEW}
    assert reviews["Single flat"].due_on == TODAY.replace(year=2026, month=6, day=1)       # yearly, overdue
    assert reviews["Single flat"].is_overdue and "Supported Accommodation" in reviews["Single flat"].reason
    assert reviews["Floating support"].due_on == TODAY.replace(year=2027, month=10, day=1)
    visits = [(i.element_name, i.setting_name) for i in due if i.due.kind is DueKind.VISIT]
    assert visits == [("Single flat", "Oakwood flat")]  # floating support is not visited
    with pytest.raises(ComplianceError, match=r"^Element: a bespoke package is reviewed element by element"):
        ws.reviews.start(package, ReviewScope.FULL)
    element_review = ws.reviews.start(package, ReviewScope.FULL, element_id=support).value
    assert ws.reviews.sheet(element_review).figure_row == "Floating Support"
    with pytest.raises(RegisterError, match="elements belong to a bespoke package"):
        ws.providers.add_element(ws.register.resolve("SC800001"), name="x", service_type=ServiceType.RESIDENTIAL)
