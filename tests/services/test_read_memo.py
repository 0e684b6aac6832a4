"""What a provider's page asks more than once is read once within that read, and only there
(``services.read_memo``): a read outside it, or after it, sees a change made meanwhile."""

from qa_desktop.domain.oversight import EmbargoKind, EmbargoScope
from qa_desktop.services import oversight as qa
from qa_desktop.services.demo import load_demo
from qa_desktop.services.provider_page import provider_overview
from qa_desktop.services.read_memo import remembering
from qa_desktop.services.register import find_by_urn
from tests.conftest import TODAY


def test_remembered_within_the_read_alone_and_handed_out_as_copies(lead):
    load_demo(lead, today=TODAY)
    with lead.read() as session:
        maple = find_by_urn(session, "SC700101").id
    qa.issue_embargo(lead, maple, kind=EmbargoKind.FORMAL, scope=EmbargoScope.PROVIDER, reason="Failed",
                     start_on=TODAY, approved_by="Sam Director")
    with lead.read() as session, remembering(session):
        first = qa.active_embargoes(session, TODAY, provider_id=maple)
        first.clear()  # a caller changing its list does not change what the next asker gets
        again = qa.active_embargoes(session, TODAY, provider_id=maple)
        assert [e.reason for e in again] == ["Failed"]
        assert qa.open_alerts(session, provider_id=maple) == qa.open_alerts(session, provider_id=maple)
        assert "qa_desktop.remembered" in session.info
    qa.issue_embargo(lead, maple, kind=EmbargoKind.FORMAL, scope=EmbargoScope.PROVIDER, reason="Failed again",
                     start_on=TODAY, approved_by="Sam Director")
    with lead.read() as session:  # a later read, outside any remembering: the new embargo is there
        assert "qa_desktop.remembered" not in session.info
        assert sorted(e.reason for e in qa.active_embargoes(session, TODAY, provider_id=maple)) == [
            "Failed", "Failed again"]


def test_the_page_read_with_remembering_is_the_page_of_its_parts(lead):
    """The page's warnings, sanctions and Figure 7 flags agree with each part read alone."""
    load_demo(lead, today=TODAY)
    with lead.read() as session:
        maple = find_by_urn(session, "SC700101").id
    qa.issue_embargo(lead, maple, kind=EmbargoKind.FORMAL, scope=EmbargoScope.PROVIDER, reason="Failed",
                     start_on=TODAY, approved_by="Sam Director")
    with lead.read() as session:
        page = provider_overview(session, maple, lead.clock.now())
        assert page.warnings == qa.provider_warnings(session, maple, TODAY)
        assert page.ifa == qa.ifa_flags(session, maple, TODAY)
        assert any("EMBARGO" in w for w in page.warnings)
