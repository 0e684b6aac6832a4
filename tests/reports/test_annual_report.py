"""The committee's annual report: the same figures as the window, read back from the PDF's text,
with the marking and "Page X of Y" on every page and the charts' words and numbers as real text."""

from __future__ import annotations

import datetime as dt
import re

from pypdf import PdfReader

from qa_desktop.cli import main
from qa_desktop.domain.oversight import AlertKind, CaseSource
from qa_desktop.domain.partnership import MeetingKind
from qa_desktop.domain.regulation import Regulator
from qa_desktop.domain.reporting_year import ReportingYear, YearKind
from qa_desktop.domain.unregistered import ApplicationStage
from qa_desktop.services.demo import load_demo
from qa_desktop.workspace import Workspace
from tests.conftest import TODAY


def fill(ws: Workspace) -> None:
    willow, maple = ws.register.resolve("SC700104"), ws.register.resolve("SC700101")
    for day, source in ((dt.date(2026, 2, 3), CaseSource.POLICE), (dt.date(2026, 5, 6), CaseSource.LADO),
                        (dt.date(2026, 9, 9), CaseSource.POLICE), (dt.date(2025, 7, 8), CaseSource.POLICE)):
        ws.oversight.log_case(willow, source=source, category="Missing from care", summary="x", opened_on=day)
    for day, kind in ((dt.date(2026, 3, 1), MeetingKind.LADO), (dt.date(2026, 3, 29), MeetingKind.LADO),
                      (dt.date(2025, 3, 1), MeetingKind.CCRAG)):
        ws.partnership.record_meeting(kind, attendees=["Alex Patel"], held_on=day)
    ws.oversight.log_alert(willow, regulator=Regulator.OFSTED, kind=AlertKind.RESTRICTION, summary="No admissions",
                           received_on=TODAY)  # our placement PL-2041 is there
    ws.oversight.log_alert(maple, regulator=Regulator.OFSTED, kind=AlertKind.RESTRICTION, summary="No admissions",
                           received_on=dt.date(2026, 6, 1))
    application = ws.unregistered.start_application(maple, support_began_on=dt.date(2026, 1, 5)).value
    ws.unregistered.move_application(application, ApplicationStage.SUBMITTED, on=dt.date(2026, 2, 5))
    ws.unregistered.move_application(application, ApplicationStage.REGISTERED, on=dt.date(2026, 6, 5), urn="SC790001")


def text_of(path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def test_the_annual_report_says_the_figures_the_window_shows(store, tmp_path):
    load_demo(store, today=TODAY)
    ws = Workspace(store)
    fill(ws)
    figures = ws.tracker.figures()
    report = ws.tracker.annual_report(tmp_path / "annual.pdf")
    pages = text_of(report.path)
    assert report.pages == len(pages) >= 4
    for number, page in enumerate(pages, start=1):
        assert page.count("OFFICIAL-SENSITIVE") >= 2 and f"Page {number} of {len(pages)}" in page
    whole = " ".join("\n".join(pages).split())  # words as read, whatever the line breaks
    assert "Quality assurance tracker: annual figures 2026 to 22 Nov" in whole
    assert "is still in progress: both years are counted to 22 November" in whole
    for count in figures.headline:  # every headline figure, as the window shows it
        assert re.search(rf"{re.escape(count.label)}\s+{count.current}\s+{count.previous}\s+"
                         rf"{re.escape(count.change_words)}", whole), count.label
    # 2 logged above and 2 raised by the demo file's own poor judgements (Harbour View, Zoë's house) on import
    assert "Of the 4 regulatory alerts received, 1 affected children we have placed (0 of 0 the year before)" in whole
    assert re.search(r"QA cases dealt with\s+3\s+1\s+\+2 \(\+200%\)", whole)
    assert re.search(r"Providers supported to register\s+1\s+0", whole)
    # the charts are text too: their titles, labels and numbers
    charts = " ".join(pages[2].split())
    assert "QA cases by source" in charts and "Meetings and joint visits by kind" in charts
    assert re.search(r"LADO \(4-weekly\)\s*2\s*0", charts)
    assert "Every figure" in whole and "Actions raised in 2026 to 22 Nov by Figure 8 level" in whole
    assert "What each figure counts" in whole


def test_a_past_financial_year_from_the_command_line(store, tmp_path, capsys):
    load_demo(store, today=TODAY)
    fill(Workspace(store))
    out = tmp_path / "reports" / "annual 2025-26.pdf"
    assert main(["annual-report", "--year", "2025-26", "--out", str(out), "--data-dir", str(store.data_dir)]) == 0
    assert f"{out}" in capsys.readouterr().out
    whole = " ".join("\n".join(text_of(out)).split())
    assert "annual figures 2025-26" in whole and "1 April 2025 to 31 March 2026, beside 1 April 2024" in whole
    assert "still in progress" not in whole
    figures = Workspace(store).tracker.figures(ReportingYear(YearKind.FINANCIAL, 2025))
    cases = figures.headline_count("QA cases dealt with")
    assert re.search(rf"QA cases dealt with\s+{cases.current}\s+{cases.previous}", whole) and cases.current == 2
    assert main(["annual-report", "--out", str(tmp_path / "x.docx"), "--data-dir", str(store.data_dir)]) == 2
    assert ".pdf" in capsys.readouterr().err
