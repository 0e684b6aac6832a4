"""Register filters (judgement, due) and one provider's page, as the window and the CLI show them."""

import datetime as dt

import pytest

from qa_desktop.cli import main
from qa_desktop.domain.regulation import Judgement
from qa_desktop.domain.schedule import DueStatus
from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.services.demo import load_demo
from qa_desktop.services.provider_page import LAZY_LISTS, page_list, provider_overview
from qa_desktop.services.register import DueFilter, find_by_urn, register_context, search_providers
from tests.conftest import TODAY

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def demo_store(store):
    load_demo(store, today=TODAY)
    return store


def test_filters_by_judgement_and_by_what_is_due(demo_store):
    with demo_store.read() as session:
        inadequate = search_providers(session, judgement=Judgement.INADEQUATE)
        every_judgement = {r.judgement for r in search_providers(session)}
        context = register_context(session, TODAY)
        due_map = context.due
        overdue = search_providers(session, due=DueFilter.OVERDUE, context=context)
        due_or_overdue = search_providers(session, due=DueFilter.DUE, context=context)
        everyone = search_providers(session, context=context)
        same_without_map = search_providers(session, due=DueFilter.OVERDUE, today=TODAY)
    assert inadequate and {r.judgement for r in inadequate} == {Judgement.INADEQUATE} and len(every_judgement) > 2
    assert overdue and all(r.due.due.status is DueStatus.OVERDUE for r in overdue)
    assert {r.id for r in overdue} < {r.id for r in due_or_overdue} <= {r.id for r in everyone}
    assert [r.id for r in same_without_map] == [r.id for r in overdue]
    # a provider is overdue exactly when one of its visits or reviews is
    assert {r.id for r in overdue} == {i.provider_id for i in due_map.values() if i.due.status is DueStatus.OVERDUE}
    assert "Harbour View" in [r.name for r in overdue]


def test_provider_page_has_settings_history_due_and_actions(demo_store):
    with demo_store.read() as session:
        harbour = find_by_urn(session, "SC700102")
        page = provider_overview(session, harbour.id, NOW)
        later = provider_overview(session, harbour.id, NOW + dt.timedelta(days=3))
    facts = dict(page.facts)
    assert facts["URN"] == "SC700102" and facts["Framework tier"] == "B"
    assert facts["Latest judgement"].startswith("Requires improvement")
    assert [s.name for s in page.settings] == ["Harbour View"]
    assert page.settings[0].next_visit.due.status is DueStatus.OVERDUE
    assert [v.status for v in page.visits] == ["In progress", "Completed"]  # newest first
    assert page.visits[0].actions == 1
    (action,) = page.actions
    assert action.source.endswith(": Carbon monoxide detector") and action.level is ConcernLevel.HIGH
    assert not action.overdue and later.actions[0].overdue and later.overdue_actions == 1
    assert {i.due.kind.value for i in page.due} == {"QA visit", "compliance review"}


def test_cli_provider_page_and_filters(demo_store, capsys):
    data = ["--data-dir", str(demo_store.data_dir)]
    assert main(["provider", "SC700102", *data]) == 0
    out = capsys.readouterr().out
    assert "Harbour View" in out and "Carbon monoxide detector" in out and "OVERDUE" in out
    assert main(["providers", "--due", "overdue", *data]) == 0
    assert "Harbour View" in capsys.readouterr().out
    assert main(["providers", "--judgement", "nonsense", *data]) == 2
    assert "Unknown judgement" in capsys.readouterr().err
    assert main(["provider", "no such place", *data]) == 2


def test_filter_by_risk_rating_and_sanctions_shown_beside_each_provider(demo_store, lead):
    from qa_desktop.domain.oversight import CaseSource, EmbargoKind, EmbargoScope
    from qa_desktop.domain.risk import Rag
    from qa_desktop.services.oversight import issue_embargo, log_case

    with demo_store.read() as session:
        harbour = find_by_urn(session, "SC700102").id
        maple = find_by_urn(session, "SC700101").id
    for n in range(4):
        log_case(demo_store, harbour, opened_on=TODAY, source=CaseSource.LADO, category="Allegation", summary=f"{n}")
    log_case(demo_store, maple, opened_on=TODAY, source=CaseSource.POLICE, category="Missing", summary="Missing")
    issue_embargo(lead, harbour, kind=EmbargoKind.FORMAL, scope=EmbargoScope.PROVIDER, reason="Failed to improve",
                  start_on=TODAY, approved_by="Sam Director")
    with demo_store.read() as session:
        medium = search_providers(session, risk=Rag.MEDIUM, today=TODAY)
        low = search_providers(session, risk=Rag.LOW, today=TODAY)
        none = search_providers(session, risk=Rag.NONE, today=TODAY)
    assert [r.name for r in medium] == ["Harbour View"]
    assert medium[0].sanctions == ("Embargo on provider/agency", "Poor judgement/restriction")  # its RI judgement
    assert [r.name for r in low] == ["Maple Lodge"] and len(none) == 11


def test_the_context_of_a_few_providers_is_what_the_whole_register_says_of_them(demo_store, lead, monkeypatch):
    """After a change the window works out the context of the providers it touched alone, and
    merges it in: the result must be what working out the whole register would have given."""
    from qa_desktop.domain.oversight import CaseSource, EmbargoKind, EmbargoScope
    from qa_desktop.domain.risk import Rag
    from qa_desktop.services import register
    from qa_desktop.services.oversight import issue_embargo, log_case
    from qa_desktop.services.register import RegisterContext

    with demo_store.read() as session:
        harbour = find_by_urn(session, "SC700102").id
        maple = find_by_urn(session, "SC700101").id
        before = register_context(session, TODAY)
    log_case(demo_store, maple, opened_on=TODAY, source=CaseSource.POLICE, category="Missing", summary="Missing")
    issue_embargo(lead, harbour, kind=EmbargoKind.FORMAL, scope=EmbargoScope.PROVIDER, reason="Failed to improve",
                  start_on=TODAY, approved_by="Sam Director")
    with demo_store.read() as session:
        whole = register_context(session, TODAY)
        few = register_context(session, TODAY, provider_ids=[harbour, maple])
        monkeypatch.setattr(register, "FEW_PROVIDERS", 1)  # past it, taken from the whole register's
        many = register_context(session, TODAY, provider_ids=[harbour, maple])
    assert few == whole.only([harbour, maple]) == many
    assert few.sanctions[harbour] == ("Embargo on provider/agency", "Poor judgement/restriction")
    assert few.risk[maple] is Rag.LOW
    assert before.updated([harbour, maple], few) == whole
    assert harbour not in whole.updated([harbour], RegisterContext({}, {}, {})).due  # nothing due any more


def test_search_of_only_some_providers_keeps_the_filters(demo_store):
    with demo_store.read() as session:
        harbour = find_by_urn(session, "SC700102").id
        maple = find_by_urn(session, "SC700101").id
        improving = search_providers(session, judgement=Judgement.REQUIRES_IMPROVEMENT, only=[harbour, maple])
        overdue = search_providers(session, due=DueFilter.OVERDUE, today=TODAY, only=[harbour, maple])
        both = search_providers(session, "", only={harbour, maple})
    assert [r.name for r in improving] == ["Harbour View"]
    assert [r.name for r in overdue] == ["Harbour View"] and overdue[0].due.due.status is DueStatus.OVERDUE
    assert [r.name for r in both] == ["Harbour View", "Maple Lodge"]


def test_provider_page_gives_cases_and_figure_7_flags_as_plain_data(demo_store):
    from qa_desktop.domain.oversight import CaseSource, CaseStatus
    from qa_desktop.domain.risk import IfaArea, IfaConcern
    from qa_desktop.services.oversight import log_case, set_ifa_concern
    from qa_desktop.services.provider_page import CaseLine

    with demo_store.read() as session:
        harbour = find_by_urn(session, "SC700102").id
        kindred = find_by_urn(session, "SC700107").id
    case_id = log_case(demo_store, harbour, opened_on=TODAY, source=CaseSource.LADO, category="Allegation",
                       summary="Allegation against staff", safeguarding=True)
    set_ifa_concern(demo_store, kindred, IfaArea.SAFEGUARDING, IfaConcern.IDENTIFIED)
    with demo_store.read() as session:
        page = provider_overview(session, harbour, NOW)
        ifa = provider_overview(session, kindred, NOW)
    assert page.cases == [CaseLine(case_id, TODAY, CaseSource.LADO, "Allegation", CaseStatus.OPEN,
                                   "Allegation against staff", True, False, None, None)]
    assert ifa.ifa_concerns[IfaArea.SAFEGUARDING] is IfaConcern.IDENTIFIED
    assert ifa.ifa_concerns[IfaArea.CONTRACT_COMPLIANCE] is None and ifa.ifa is not None


def test_a_page_read_without_its_tabs_lists_counts_them_and_each_list_reads_alone_as_in_the_page(demo_store):
    """The window reads a tab's list when it is shown: the page carries the counts for the tabs'
    words, and each list read alone is the list the whole page gives."""
    with demo_store.read() as session:
        for urn in ("SC700102", "SC700101"):
            provider_id = find_by_urn(session, urn).id
            whole = provider_overview(session, provider_id, NOW)
            bare = provider_overview(session, provider_id, NOW, lists=["settings"])
            with_cases = provider_overview(session, provider_id, NOW, lists=["cases"])
            assert whole.unread == frozenset() and bare.unread == LAZY_LISTS
            assert with_cases.unread == LAZY_LISTS - {"cases"} and with_cases.cases == whole.cases
            assert bare.visits == bare.cases == bare.contacts == bare.elements == bare.reviews == []
            assert (bare.settings, bare.due, bare.actions, bare.sanctions, bare.facts, bare.warnings) == (
                whole.settings, whole.due, whole.actions, whole.sanctions, whole.facts, whole.warnings)
            assert bare.counts == whole.counts == {
                "visits": len(whole.visits), "contacts": len(whole.contacts), "elements": len(whole.elements),
                "reviews": len(whole.reviews),
                "reviews_in_progress": sum(1 for r in whole.reviews if r.status.value == "in_progress")}
            for name in LAZY_LISTS:
                assert list(page_list(session, provider_id, name)) == getattr(whole, name)
            assert urn != "SC700102" or bare.counts["visits"] == 2  # Harbour View's two visits
    with pytest.raises(ValueError, match="not a list"), demo_store.read() as session:
        page_list(session, provider_id, "sanctions")


def test_every_page_is_the_same_read_through_core_as_through_the_orm(demo_store, monkeypatch):
    """The page's column reads run through SQLAlchemy Core (``store.driver.core_rows``, issue 22):
    every demo provider's page (visits, cases, actions, sanctions, alerts, what is due, ratings) is
    the same as when each of those reads goes through the ORM's ``session.execute``, as before."""
    from qa_desktop.domain.oversight import CaseSource
    from qa_desktop.services import council, due, oversight, provider_page
    from qa_desktop.services.oversight import log_case
    from qa_desktop.store import models

    with demo_store.read() as session:
        harbour = find_by_urn(session, "SC700102").id
    log_case(demo_store, harbour, opened_on=TODAY, source=CaseSource.LADO, category="Allegation",
             summary="Allegation against staff", safeguarding=True)  # a case: this year's rating, a concern due
    log_case(demo_store, harbour, opened_on=TODAY.replace(year=TODAY.year - 1), source=CaseSource.POLICE,
             category="Missing", summary="A missing episode")
    with demo_store.read() as session:
        ids = sorted(session.scalars(models.Provider.__table__.select().with_only_columns(models.Provider.id)))
    assert len(ids) > 10

    def pages():
        with demo_store.read() as session:
            return [provider_overview(session, provider_id, NOW) for provider_id in ids]

    through_core = pages()
    for module in (council, due, oversight, provider_page):
        monkeypatch.setattr(module, "core_rows", lambda session, statement, parameters=None:
                            session.execute(statement, parameters))
    through_orm = pages()
    assert through_core == through_orm
    assert any(p.sanctions for p in through_core) and any(p.cases for p in through_core)
    assert any(p.actions for p in through_core) and any(p.visits for p in through_core)
    assert any(p.warnings for p in through_core) and any(p.ratings for p in through_core)
