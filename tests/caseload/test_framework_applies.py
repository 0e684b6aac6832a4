"""The council's framework figures apply to what is due at once (issue 20, point 4): a changed
Figure 2 visit cycle changes the due list, the provider's page, the register's "Next due" and the
``due`` command; a changed Figure 6 band changes a provider's rating; a changed Figure 8 timescale
changes a new action's due date. Each change is in the audit trail, is heard by name (``COUNCIL``)
and, synced to a second laptop, changes what is due there too. Through the workspace, on a register
imported from Ofsted's file."""

from __future__ import annotations

import datetime as dt

import pytest

from qa_desktop.cli import main
from qa_desktop.domain.compliance import ReviewScope
from qa_desktop.domain.framework import MEDWAY, FrameworkError
from qa_desktop.domain.oversight import CaseSource, PlanKind
from qa_desktop.domain.risk import Rag
from qa_desktop.domain.roles import Role
from qa_desktop.domain.schedule import DueKind, DueStatus
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.domain.visits import VisitLevel, VisitReason
from qa_desktop.store.database import Store
from qa_desktop.sync.settings import SyncSettings
from qa_desktop.workspace import COUNCIL, Workspace
from tests.caseload.ofsted import ofsted_file
from tests.conftest import CLOCK_START


@pytest.fixture
def lead_ws(lead) -> Workspace:
    """The QA lead's workspace on the same data folder (only the lead changes the figures)."""
    return Workspace(lead)


def figures(**changes) -> dict:
    """Medway's figures with some changed: ``visit={"residential": 3}``, ``bands=(1, 2, 5)``, ``high=(12, 24)``."""
    data = MEDWAY.to_dict()
    data["name"] = "Our QA framework 2027"
    data["figure_2_visit_months"].update(changes.get("visit", {}))
    data["figure_1_review_months"].update(changes.get("review", {}))
    if "bands" in changes:
        data["figure_6_rag_from"] = dict(zip(("low", "medium", "high"), changes["bands"], strict=True))
    if "high" in changes:
        data["figure_8_action_hours"]["high"] = list(changes["high"])
    return data


def visit_due(ws, provider_id):
    [item] = [i for i in ws.register.due(provider_id=provider_id, include_scheduled=True)
              if i.due.kind is DueKind.VISIT]
    return item


def visited(ws, provider_id, day):
    ws.planning.record_past(setting_id=ws.register.page(provider_id).settings[0].id, visit_date=day,
                            level=VisitLevel.FULL, announced=True, officers=["Alex"], reason=VisitReason.ROUTINE)


def test_a_three_monthly_visit_cycle_for_children_s_homes_applies_everywhere_at_once(ws, lead_ws, urn, capsys):
    maple = urn("SC800001")  # a children's home
    ws.providers.set_monitored(maple, True, "Two children placed")
    ws.reviews.record_past(maple, ReviewScope.FULL, review_date=dt.date(2026, 6, 1), reviewed_by="Alex", outcome="Fine")
    visited(ws, maple, dt.date(2026, 6, 1))
    before = visit_due(ws, maple)
    assert before.due.due_on == dt.date(2029, 6, 1) and before.due.status is DueStatus.SCHEDULED  # Medway: 3 years
    assert maple not in {i.provider_id for i in ws.register.due()}

    done = lead_ws.council.set_framework(figures(visit={"residential": 3}))
    assert COUNCIL in done.changes.named and done.changes.touches("council_settings")

    after = visit_due(ws, maple)  # the officer's own workspace, nothing reopened
    assert after.due.due_on == dt.date(2026, 9, 1) and after.due.status is DueStatus.OVERDUE
    assert "Figure 2: 3 monthly for" in after.due.reason
    assert [i.due.due_on for i in ws.register.due() if i.provider_id == maple and i.due.kind is DueKind.VISIT] == \
        [dt.date(2026, 9, 1)]  # the due list
    assert ws.register.page(maple).due[0].due.due_on == dt.date(2026, 9, 1)  # the provider's page
    [row] = ws.register.search(context=ws.register.context(), only={maple})
    assert row.due is not None and row.due.due.due_on == dt.date(2026, 9, 1)  # the register's "Next due"
    board_due = {(i.provider_id, i.due.kind) for i in ws.oversight.dashboard().due}
    assert (maple, DueKind.VISIT) in board_due

    assert main(["due", "--data-dir", str(ws.data_dir)]) == 0
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if "Maple Lodge" in line and "QA visit" in line)
    assert "OVERDUE" in line and "01/09/2026" in line

    trail = ws.council.audit()
    assert any(line.who == "lead.test" and line.field == "framework" for line in trail)

    lead_ws.council.set_framework(None)  # back to the built-in framework: back to 3 years
    assert visit_due(ws, maple).due.due_on == dt.date(2029, 6, 1)


def test_a_changed_review_cycle_changes_when_the_review_is_due(ws, lead_ws, urn):
    maple = urn("SC800001")
    ws.reviews.record_past(maple, ReviewScope.FULL, review_date=dt.date(2026, 6, 1), reviewed_by="Alex", outcome="Fine")

    def review_due():
        return next(i for i in ws.register.due(provider_id=maple, include_scheduled=True)
                    if i.due.kind is DueKind.REVIEW).due.due_on

    assert review_due() == dt.date(2028, 6, 1)  # Figure 1: Regulated Residential every 2 years
    lead_ws.council.set_framework(figures(review={"residential": 6}))
    assert review_due() == dt.date(2026, 12, 1)


def test_a_service_type_the_council_visits_routinely_gets_a_cycle(ws, lead_ws, urn):
    """Medway visits secure units only on a concern or request; a council that sets a cycle for them
    has them due by it."""
    northgate = urn("SC800006")
    assert [i for i in ws.register.due(provider_id=northgate, include_scheduled=True)
            if i.due.kind is DueKind.VISIT] == []  # not required: shown nowhere
    lead_ws.council.set_framework(figures(visit={ServiceType.SECURE_UNIT.value: 6}))
    assert visit_due(ws, northgate).due.status is DueStatus.BEFORE_PLACEMENT  # no visit yet: before a placement
    visited(ws, northgate, dt.date(2026, 10, 1))
    assert visit_due(ws, northgate).due.due_on == dt.date(2027, 4, 1)


def test_a_changed_figure_6_band_changes_the_provider_s_rating(ws, lead_ws, urn):
    harbour = urn("SC800002")
    for summary in ("Missing episode not reported", "Late notification"):
        ws.oversight.log_case(harbour, source=CaseSource.SOCIAL_WORKER, category="Practice", summary=summary)
    assert ws.oversight.risk_ratings(provider_id=harbour) == {harbour: Rag.LOW}  # Medway: 1-3 LOW
    lead_ws.council.set_framework(figures(bands=(1, 2, 5)))
    assert ws.oversight.risk_ratings(provider_id=harbour) == {harbour: Rag.MEDIUM}
    [row] = ws.register.search(context=ws.register.context(), only={harbour})
    assert row.risk is Rag.MEDIUM  # the register's rating column
    assert ws.oversight.rating_history(harbour)[0].rag is Rag.MEDIUM


def test_a_changed_figure_8_timescale_changes_a_new_action_s_due_date(ws, lead_ws, urn):
    maple = urn("SC800001")
    first = ws.oversight.issue_action_plan(maple, kind=PlanKind.QA, reason="Staffing",
                                           actions=[("Recruit a deputy manager", ConcernLevel.HIGH)]).value
    lead_ws.council.set_framework(figures(high=(12, 24)))
    ws.oversight.add_plan_action(first, "Send the rota", ConcernLevel.HIGH, raised_at=CLOCK_START)
    review = ws.reviews.start(maple, ReviewScope.FULL).value
    ws.reviews.raise_action(review, "Send the insurance certificate", ConcernLevel.HIGH)
    given = {a.text: a.due_at - a.raised_at for a in ws.oversight.tracked_actions(maple)}
    assert given == {"Recruit a deputy manager": dt.timedelta(hours=48),  # raised before the change: kept
                     "Send the rota": dt.timedelta(hours=24), "Send the insurance certificate": dt.timedelta(hours=24)}
    assert ws.council.framework().timescale(ConcernLevel.HIGH).wording == "12-24 hours"


def test_bad_figures_are_refused_in_words_and_nothing_changes(ws, lead_ws, urn):
    maple = urn("SC800001")
    visited(ws, maple, dt.date(2026, 6, 1))
    for bad, words in ((figures(visit={"residential": 0}),
                        "figure_2_visit_months.residential: 0 is not a number of months (1 to 120)."),
                       (figures(bands=(3, 2, 5)), "figure_6_rag_from: the bands must rise"),
                       (figures(high=(48, 24)), "figure_8_action_hours.high: the shortest (48 hours) is longer")):
        with pytest.raises(FrameworkError, match=words.replace("(", r"\(").replace(")", r"\)")):
            lead_ws.council.set_framework(bad)
    assert ws.council.framework() == MEDWAY
    assert visit_due(ws, maple).due.due_on == dt.date(2029, 6, 1)


def test_a_framework_set_on_one_laptop_changes_what_is_due_on_the_next_after_a_sync(tmp_path):
    alex = Store(tmp_path / "alex", actor="alex", role=Role.QA_LEAD)
    jo = Store(tmp_path / "jo", actor="jo")
    try:
        shared = SyncSettings("folder", str(tmp_path / "shared"))
        lead, officer = Workspace(alex), Workspace(jo)
        officer.register.import_providers(ofsted_file(tmp_path))
        maple = officer.register.resolve("SC800001")
        visited(officer, maple, dt.date(2026, 6, 1))
        heard = []
        officer.subscribe(heard.append)
        for ws in (officer, lead):
            ws.sync.run(settings=shared)
        assert visit_due(officer, maple).due.due_on == dt.date(2029, 6, 1)

        lead.council.set_framework(figures(visit={"residential": 3}))
        heard.clear()
        for ws in (lead, officer):
            ws.sync.run(settings=shared)
        assert any(COUNCIL in changes.named for changes in heard)  # every open screen hears it by name
        assert visit_due(officer, maple).due.due_on == dt.date(2026, 9, 1)
        assert visit_due(officer, maple).due.status is DueStatus.OVERDUE
        assert any(line.who == "alex" and line.field == "framework" for line in officer.council.audit())
    finally:
        alex.close()
        jo.close()
