"""Dates typed to ``qa-desktop`` as an officer writes them (day first: 30/11/2026, 5/1/27) or as ISO
8601 (2026-11-30): the commands took ISO only (session 7's closing note), while every date in the
window is typed day first. A day its month cannot have is refused in words, as the window refuses it,
and nothing is written."""

from __future__ import annotations

import datetime as dt

import pytest

from qa_desktop.cli import main
from qa_desktop.cli_text import parse_day, parse_moment
from tests.caseload.ofsted import ofsted_file


@pytest.mark.parametrize(("typed", "day"), [
    ("30/11/2026", dt.date(2026, 11, 30)), ("5/1/2027", dt.date(2027, 1, 5)), ("05.01.2027", dt.date(2027, 1, 5)),
    ("5-1-2027", dt.date(2027, 1, 5)), ("2027-01-05", dt.date(2027, 1, 5)), (" 29/02/2028 ", dt.date(2028, 2, 29)),
])
def test_a_day_as_written_in_england_or_as_iso(typed, day):
    assert parse_day(typed) == day


@pytest.mark.parametrize(("typed", "said"), [
    ("31/11/2026", "November 2026 has 30 days"), ("29/02/2027", "February 2027 has 28 days"),
    ("2026-02-30", "February 2026 has 28 days"), ("12/13/2026", "there is no month 13"),
    ("tomorrow", "DD/MM/YYYY"), ("2026/11/30", "DD/MM/YYYY"), ("30/11/226", "DD/MM/YYYY"),
    ("27-01-05", "DD/MM/YYYY"), ("5/1-2027", "DD/MM/YYYY"), ("20261130", "DD/MM/YYYY"),  # nothing guessed
    ("1/1/0000", "there is no year 0"),
])
def test_what_is_not_a_day_is_refused_in_words(typed, said):
    with pytest.raises(ValueError, match=said) as refused:
        parse_day(typed, "Visit date")
    assert str(refused.value).startswith(f"Visit date: {typed!r}")


def test_a_moment_day_first_or_iso_in_this_laptops_time_zone():
    local = dt.datetime(2026, 12, 15, 14, 30).astimezone()
    assert parse_moment("15/12/2026 14:30") == local == parse_moment("2026-12-15 14:30")
    assert parse_moment("2026-12-15T14:30") == local
    assert parse_moment("2026-12-15T14:30+00:00").utcoffset() == dt.timedelta(0)
    with pytest.raises(ValueError, match="November 2026 has 30 days"):
        parse_moment("31/11/2026 14:30")
    with pytest.raises(ValueError, match="'DD/MM/YYYY HH:MM'"):
        parse_moment("15/12/2026 25:30")
    for day_alone in ("15/12/2026", "2026-12-15", "20261215"):  # not midnight without a word
        with pytest.raises(ValueError):
            parse_moment(day_alone)


def test_commands_take_the_day_as_written_and_refuse_a_day_that_is_not_one(capsys, tmp_path):
    data = ["--data-dir", str(tmp_path / "data")]
    assert main(["import-providers", str(ofsted_file(tmp_path)), *data]) == 0
    assert main(["user", "--name", "Alex Patel", *data]) == 0
    capsys.readouterr()
    assert main(["plan-visit", "Maple", "--date", "31/11/2026", "--officer", "Alex Patel", *data]) == 2
    assert "Date: '31/11/2026' is not a date: November 2026 has 30 days." in capsys.readouterr().err
    assert main(["visits", *data]) == 0
    assert "0 visit(s)" in capsys.readouterr().out  # nothing was planned
    assert main(["plan-visit", "Maple", "--date", "30/11/2026", "--time", "25:00", "--officer", "Alex Patel",
                 *data]) == 2
    assert "Time: '25:00' is not a time of day; type it as HH:MM" in capsys.readouterr().err
    assert main(["plan-visit", "Maple", "--date", "30/11/2026", "--time", "9:30", "--officer", "Alex Patel",
                 *data]) == 0
    assert "QA-20261130-" in capsys.readouterr().out
    assert main(["due", "--today", "01/01/2040", *data]) == 0
    assert "as at 01/01/2040" in capsys.readouterr().out
    assert main(["due", "--today", "31/11/2040", *data]) == 2
    assert "--today: '31/11/2040' is not a date: November 2040 has 30 days." in capsys.readouterr().err
