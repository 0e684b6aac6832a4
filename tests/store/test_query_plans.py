"""The queries behind what a screen shows at start or after a key press read what is shown, not the
register or the history (issue 22): each is run for real on a register with statistics, its SQL is
caught as it reaches SQLite, and SQLite's own plan for it (``EXPLAIN QUERY PLAN``) must not scan a
large table whole.

A scan is allowed only where it is bounded: a statement with a ``LIMIT`` that needs no sort
(SQLite stops at the limit). The whole-register reads at start (the register's rows and what is due
across it) are not in this file: they read every provider by design, once.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select

from qa_desktop.domain.oversight import (
    AlertKind,
    CaseSource,
    CaseStatus,
    EmbargoKind,
    EmbargoScope,
    InformalReason,
    PlanKind,
)
from qa_desktop.domain.regulation import Regulator
from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.domain.visits import VisitLevel, VisitReason, VisitStatus
from qa_desktop.forms.template import ResponseType
from qa_desktop.store.models import QaCase, RegulatoryAlert, Setting, Visit, VisitAction, VisitTemplate
from qa_desktop.workspace import Workspace
from tests.conftest import CLOCK_START, OFSTED_HEADER

pytestmark = pytest.mark.slow  # builds a register of 600 providers once for the module

PROVIDERS = 600
#: Tables that grow with the register or with the history: never read whole for one screen's part.
LARGE = {"providers", "settings", "visits", "qa_cases", "ops", "answers", "visit_templates", "field_heads",
         "compliance_reviews", "placements", "visit_actions", "contacts", "regulatory_alerts"}
_SCAN = re.compile(r"\bSCAN (\w+)")

TODAY = CLOCK_START.date()


def _csv(path: Path) -> Path:
    kinds = ["Children's home", "Independent fostering agency", "Residential special school"]
    lines = [OFSTED_HEADER]
    for n in range(PROVIDERS):
        lines.append(f"SC{300000 + n},{kinds[n % 3]},Active,Private,Home {n:04d},{n} High Street,,Town {n % 40},"
                     f"Kent,ME{n % 20} {n % 9}AB,Medway,{n % 6 + 1},Owner {n % 50} Ltd,"
                     f"{1 + n % 28:02d}/{1 + n % 12:02d}/20{15 + n % 10},Good")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, dict[str, str]]]:
    """A register of 600 providers with 800 visits and 800 cases, embargoes, alerts, action plans
    and actions, written through the app, then with statistics gathered as the app gathers them."""
    from qa_desktop.clock import ENVIRONMENT_VARIABLE

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ENVIRONMENT_VARIABLE, CLOCK_START.isoformat())
        folder = tmp_path_factory.mktemp("plans")
        ws = Workspace.open(folder / "data", actor="Alex Patel", key=os.urandom(32))
        ws.register.import_providers(_csv(folder / "ofsted.csv"))
        with ws._read() as session:
            settings = [tuple(r) for r in session.execute(Setting.__table__.select().with_only_columns(
                Setting.id, Setting.provider_id).order_by(Setting.id))]
        visit_id = ws.visits.start(setting_id=settings[0][0], visit_date=TODAY, level=VisitLevel.FULL,
                                   reason=VisitReason.ROUTINE, announced=True, officers=["Alex Patel"]).value
        with ws._read() as session:
            parts = [(p.snapshot_id, p.template_key) for p in session.scalars(
                select(VisitTemplate).where(VisitTemplate.visit_id == visit_id))]
        with ws._store.write() as changes:
            for n in range(800):
                setting_id, provider_id = settings[n % len(settings)]
                visit = changes.create(Visit, setting_id=setting_id, visit_date=TODAY - dt.timedelta(days=1 + n % 900),
                                       level=VisitLevel.FULL, announced=True, reason=VisitReason.ROUTINE,
                                       status=VisitStatus.COMPLETED, officers=["Alex Patel"])
                changes.session.flush()
                for position, (snapshot_id, template_key) in enumerate(parts):  # each visit's checklists
                    changes.create(VisitTemplate, visit_id=visit.id, snapshot_id=snapshot_id,
                                   template_key=template_key, scope="full", position=position)
                if n % 2 == 0:  # actions raised on visits: all done but one, as a year or two of work leaves them
                    raised = dt.datetime.combine(visit.visit_date, dt.time(10), dt.UTC)
                    changes.create(VisitAction, visit_id=visit.id, template_key="property_standards",
                                   item_key="kitchen_cooker", text=f"Repair the cooker ({n})", level=ConcernLevel.LOW,
                                   raised_at=raised, due_at=raised + dt.timedelta(days=28),
                                   completed_at=None if n == 0 else raised + dt.timedelta(days=20),
                                   evidence=None if n == 0 else "Seen repaired")
                changes.create(QaCase, provider_id=settings[(n * 7) % len(settings)][1],
                               opened_on=TODAY - dt.timedelta(days=n % 700), source=CaseSource.POLICE,
                               category="Missing", summary=f"Case {n}", status=CaseStatus.CLOSED,
                               closed_on=TODAY - dt.timedelta(days=n % 700 - 3) if n % 700 >= 3 else TODAY,
                               outcome="Resolved")
            for n in range(300):  # alerts raised by imports and closed since: the open one is what is read
                changes.create(RegulatoryAlert, provider_id=settings[n][1], regulator=Regulator.OFSTED,
                               kind=AlertKind.INADEQUATE, received_on=TODAY - dt.timedelta(days=400 + n),
                               review_on=None, summary=f"Inadequate ({n})", closed_on=TODAY - dt.timedelta(days=n))
        setting_id, provider_id = settings[len(settings) // 2]
        ws.oversight.issue_embargo(provider_id, kind=EmbargoKind.INFORMAL, scope=EmbargoScope.PROVIDER,
                                   reason="Staffing concerns", informal_reason=InformalReason.INVESTIGATION)
        ws.oversight.log_alert(provider_id, regulator=Regulator.OFSTED, kind=AlertKind.RESTRICTION,
                               summary="Restriction on admissions", received_on=TODAY)
        ws.oversight.issue_action_plan(provider_id, kind=PlanKind.QA, reason="Medication errors",
                                       actions=[("Audit the medication records", ConcernLevel.HIGH)])
        ws._store.optimize()
        yield ws, {"provider": provider_id, "setting": setting_id, "visit": visit_id,
                   "urn": f"SC{300000 + PROVIDERS // 3}"}
        ws.close()


def statements(ws: Workspace, work: Callable[[], object]) -> list[tuple[str, Any]]:
    """Every statement ``work`` sends to SQLite, with its parameters."""
    caught: list[tuple[str, Any]] = []

    def catch(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        if not executemany and statement.lstrip().upper().startswith(("SELECT", "WITH")):
            caught.append((statement, parameters))

    engine = ws._store.engine
    event.listen(engine, "before_cursor_execute", catch)
    try:
        work()
    finally:
        event.remove(engine, "before_cursor_execute", catch)
    return caught


def full_scans(ws: Workspace, work: Callable[[], object]) -> list[str]:
    """The statements of ``work`` whose plan reads a large table whole, each with its plan."""
    found = []
    with ws._store.engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        assert raw is not None
        partial = {name for (name,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'index' "
                                                   "AND sql LIKE '% WHERE %'")}
        for statement, parameters in statements(ws, work):
            plan = [row[3] for row in raw.execute(f"EXPLAIN QUERY PLAN {statement}", parameters or ())]
            bounded = " LIMIT " in statement.upper() and not any("ORDER BY" in p for p in plan)
            # a scan of a partial index reads only the rows it holds (what is open, what is in force)
            scanned = {m.group(1) for p in plan for m in [_SCAN.search(p)]
                       if m and not any(f"INDEX {name}" in p for name in partial)} & LARGE
            if scanned and not bounded:
                found.append(f"{sorted(scanned)}: {' '.join(statement.split())}\n    plan: {plan}")
    return found


def assert_no_full_scan(ws: Workspace, work: Callable[[], object]) -> None:
    found = full_scans(ws, work)
    assert not found, "read whole:\n" + "\n".join(found)


def test_the_provider_page_reads_one_provider(register):
    ws, ids = register
    assert_no_full_scan(ws, lambda: ws.register.page(ids["provider"]))


def test_what_is_due_for_one_provider_reads_that_provider(register):
    ws, ids = register
    assert_no_full_scan(ws, lambda: ws.register.due(provider_id=ids["provider"]))


def test_the_register_after_a_change_reads_the_providers_it_touched(register):
    ws, ids = register
    assert_no_full_scan(ws, lambda: ws.register.context([ids["provider"]]))
    assert_no_full_scan(ws, lambda: ws.register.search(only=[ids["provider"]]))


def test_finding_a_provider_by_urn_uses_the_index(register):
    ws, ids = register
    assert_no_full_scan(ws, lambda: ws.register.resolve(ids["urn"]))


def test_the_oversight_lists_read_what_is_in_force(register):
    ws, _ = register
    assert_no_full_scan(ws, lambda: ws.oversight.sanctions())
    assert_no_full_scan(ws, lambda: ws.oversight.tracked_actions())
    assert_no_full_scan(ws, lambda: ws.oversight.open_alerts())
    assert_no_full_scan(ws, lambda: ws.oversight.active_embargoes())


def test_the_oversight_window_at_open_reads_what_it_shows(register):
    """The dashboard's alerts due for review (in SQL, not every open alert) and the sanctions tab's
    count, read before its list is first shown."""
    ws, _ = register
    assert_no_full_scan(ws, lambda: ws.oversight.dashboard())
    assert_no_full_scan(ws, lambda: ws.oversight.sanctions_count())


def test_the_status_bar_and_the_change_signal_read_what_is_new(register):
    ws, _ = register
    assert_no_full_scan(ws, lambda: ws.sync.status(count_up_to=1000))
    assert_no_full_scan(ws, lambda: ws.catch_up())


def test_an_answer_reads_its_own_field(register):
    ws, ids = register
    editor = ws.visits.open(ids["visit"])
    template_key = next(iter(editor.checklists))
    item = next(i for i in editor.checklists[template_key].visible_items() if i.response is ResponseType.MET_NOT_MET)
    assert_no_full_scan(ws, lambda: editor.set_answer(template_key, item.key, "met"))


def test_a_register_with_statistics_has_them_for_its_large_tables(register):
    """``Store.optimize`` (at close, and after a large import) leaves SQLite the statistics its
    planner needs: without them it took the tombstone index for a selective one (45 s searches)."""
    ws, _ = register
    with ws._store.engine.connect() as connection:
        analysed = {row[0] for row in connection.exec_driver_sql("SELECT tbl FROM sqlite_stat1")}
    assert {"providers", "settings", "visits", "qa_cases", "ops"} <= analysed
