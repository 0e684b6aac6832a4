"""One clock: what is due, and every date the app stamps, follow the workspace's clock, which tests
set; nothing reads the machine's calendar behind its back (CI also runs the suite with the process
clock a year ahead, under faketime)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest

from qa_desktop.clock import ENVIRONMENT_VARIABLE, Clock
from qa_desktop.domain.schedule import DueStatus
from qa_desktop.services.demo import load_demo
from qa_desktop.workspace import Workspace
from tests.conftest import CLOCK_START, TODAY

IN_2030 = dt.datetime(2030, 6, 3, 9, 0, tzinfo=dt.UTC)


def test_a_clock_starts_where_it_is_told_and_runs_on() -> None:
    clock = Clock.starting_at(IN_2030)
    first = clock.now()
    assert abs(first - IN_2030) < dt.timedelta(seconds=5) and clock.today() == IN_2030.astimezone().date()
    assert clock.now() >= first and clock.wall_ms() >= int(first.timestamp() * 1000)
    clock.advance(dt.timedelta(days=2))
    assert clock.today() == (IN_2030 + dt.timedelta(days=2)).astimezone().date()
    with pytest.raises(ValueError, match="time zone"):
        clock.set(dt.datetime(2030, 1, 1))


def test_the_tests_clock_is_set_in_one_place() -> None:
    assert abs(Clock.from_environment().now() - CLOCK_START) < dt.timedelta(minutes=30)
    assert Clock.from_environment().today() == TODAY


@pytest.mark.parametrize("text", ["tomorrow", "2030-13-01", "2030-06-03T09:00:00"])
def test_a_bad_clock_setting_is_refused_in_words(monkeypatch, text) -> None:
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, text)
    with pytest.raises(ValueError, match=ENVIRONMENT_VARIABLE):
        Clock.from_environment()


def test_what_is_due_in_2030_follows_the_workspace_clock(store) -> None:
    load_demo(store, today=TODAY)
    workspace = Workspace(store)
    now_due = {(i.provider_id, i.setting_id, i.due.kind) for i in workspace.register.due()}
    workspace.clock.set(IN_2030)
    later = workspace.register.due()
    assert workspace.clock.today() == dt.date(2030, 6, 3)
    # four years on, every visit and review of 2026 is overdue, and more is due than in 2026
    assert len(later) > len(now_due)
    assert all(item.due.status is DueStatus.OVERDUE for item in later
               if item.due.due_on is not None and item.due.due_on < dt.date(2030, 6, 3))
    assert {(i.provider_id, i.setting_id, i.due.kind) for i in later} >= now_due
    # and what is stamped now is stamped in 2030
    case = workspace.oversight.log_case(later[0].provider_id, opened_on=workspace.clock.today(),
                                        source=_any_source(), category="Complaint", summary="Clock check")
    assert case.changes.providers == {later[0].provider_id}
    (line,) = [c for c in workspace.register.page(later[0].provider_id).cases if c.summary == "Clock check"]
    assert line.opened_on == dt.date(2030, 6, 3)


def _any_source():
    from qa_desktop.domain.oversight import CaseSource

    return next(iter(CaseSource))


def test_a_command_run_in_2030_says_what_is_due_then(store, tmp_path) -> None:
    load_demo(store, today=TODAY)
    store.close()
    environment = {**os.environ, ENVIRONMENT_VARIABLE: IN_2030.isoformat()}
    script = ("import sys\nfrom pathlib import Path\nfrom qa_desktop.workspace import Workspace\n"
              "ws = Workspace.open(Path(sys.argv[1]), key=bytes.fromhex(sys.argv[2]))\n"
              "print(ws.clock.today(), sum(1 for i in ws.register.due() if i.due.is_overdue))\n")
    shown = subprocess.run([sys.executable, "-c", script, str(store.data_dir), store.key.hex()], env=environment,
                           capture_output=True, text=True, check=True, timeout=120).stdout.split()
    assert shown[0] == "2030-06-03" and int(shown[1]) > 0
