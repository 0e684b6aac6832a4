"""The tracker's commands: meetings and funding requests, unregistered providers, planning and
intelligence, the Young Inspectors programme and the figures, over the same services as the window;
refusals in one sentence (exit 2)."""

from __future__ import annotations

import re

from qa_desktop.cli import main
from qa_desktop.services.demo import load_demo
from tests.conftest import TODAY


def ids(out: str) -> list[str]:
    return re.findall(r"#[0-9a-f]{8}", out)


def test_record_meetings_and_funding_requests_from_the_command_line(store, capsys):
    load_demo(store, today=TODAY)
    data = ["--data-dir", str(store.data_dir)]
    assert main(["meetings", "--add", "lado", "--attendees", "Alex Patel, Sam Reed", "--provider", "SC700101",
                 "--reference", "LADO-88", "--date", "2026-11-20", *data]) == 0
    out = capsys.readouterr().out
    meeting = ids(out)[0]
    assert "LADO (4-weekly)" in out and "LADO-88; Maple Lodge" in out
    assert "LADO (4-weekly) next 18/12/2026" in out
    assert main(["meetings", "--action", "Send rota", "--meeting", meeting, "--action-provider", "SC700101",
                 *data]) == 2
    assert "concern level" in capsys.readouterr().err
    assert main(["meetings", "--action", "Send rota", "--meeting", meeting, "--action-provider", "SC700101",
                 "--level", "medium", *data]) == 0
    capsys.readouterr()
    assert main(["actions", "SC700101", *data]) == 0
    assert "Send rota" in capsys.readouterr().out  # with every other action on the provider
    assert main(["meetings", "--add", "séance", *data]) == 2
    assert "Unknown kind of meeting" in capsys.readouterr().err

    assert main(["funding-requests", "--add", "PFR-1", "--summary", "Emergency bed", "--provider", "Unknown Homes",
                 *data]) == 0
    assert "AWAITING FEEDBACK" in capsys.readouterr().out
    assert main(["funding-requests", "--feedback", "pfr-1", "--recommendation", "not_supported", "--text",
                 "Not known to QA", *data]) == 0
    out = capsys.readouterr().out
    assert "Not supported" in out and "0 awaiting" in out


def test_unregistered_planning_intelligence_and_young_inspectors_then_the_figures(store, capsys):
    load_demo(store, today=TODAY)
    data = ["--data-dir", str(store.data_dir)]
    assert main(["unregistered", "--notify", "SC700104", "--summary", "Under-16 in an unregistered home",
                 "--placement", "PL-2041", *data]) == 0
    assert "PL-2041" in capsys.readouterr().out
    assert main(["unregistered", "--apply", "SC700104", "--date", "2026-03-01", *data]) == 0
    application = ids(capsys.readouterr().out.split("Registration applications")[1])[0]
    assert main(["unregistered", "--move", application, "--stage", "submitted", "--date", "2026-05-01", *data]) == 0
    assert main(["unregistered", "--move", application, "--stage", "registered", "--date", "2026-08-01", *data]) == 2
    assert "URN" in capsys.readouterr().err
    assert main(["unregistered", "--move", application, "--stage", "registered", "--urn", "SC799002", *data]) == 0
    capsys.readouterr()

    assert main(["planning", "--add", "MC/26/7", "--address", "Willow House, 4 Mill Road", "--postcode", "ME2 3AA",
                 "--proposal", "C3 to C2", *data]) == 0
    assert main(["planning", "--add", "MC/26/8", "--address", "x", "--postcode", "nowhere", "--proposal", "y",
                 *data]) == 2
    assert "not a UK postcode" in capsys.readouterr().err
    assert main(["intelligence", "--add", "4 Mill Road", "--postcode", "ME2 3AA", "--source", "councillor",
                 "--summary", "Residents' complaint about noise", *data]) == 0
    assert "Councillor" in capsys.readouterr().out
    assert main(["planning", "--feedback", "MC/26/7", "--text", "Provider embargoed", *data]) == 0
    assert "AWAITING" not in capsys.readouterr().out

    assert main(["young-inspectors", "--add", "YI-01", "--date", "2026-01-10", *data]) == 0
    out = capsys.readouterr().out
    assert "DBS check: none recorded" in out and "Training: none recorded" in out
    assert main(["young-inspectors", "--inspector", "YI-01", "--trained", "--dbs", "--incentive", "Voucher",
                 "--value", "20", *data]) == 0
    out = capsys.readouterr().out
    assert "Due (0)" in out and re.search(r"YI-01 +10/01/2026 +22/11/2026 +22/11/2026 +0 +1 +active", out)

    assert main(["figures", "--all", "--alerts", "all", *data]) == 0
    out = capsys.readouterr().out
    assert "2026 to 22 Nov beside 2025 to 22 Nov" in out
    assert re.search(r"Providers supported to register +1 +0 +\+1 \(none the year before\)", out)
    assert re.search(r"Change-of-use applications from the planning list +1 +0", out)
    assert main(["figures", "--year", "2025-26", *data]) == 0
    assert "QA tracker: 2025-26 beside 2024-25\n" in capsys.readouterr().out  # a whole year, ended in March
    assert main(["figures", "--year", "twenty", *data]) == 2
    assert "is not a year" in capsys.readouterr().err


def test_everything_to_a_workbook_from_the_command_line(store, capsys, tmp_path):
    from openpyxl import load_workbook

    load_demo(store, today=TODAY)
    data = ["--data-dir", str(store.data_dir)]
    assert main(["export-workbook", str(tmp_path / "all.xlsx"), "--year", "2025", *data]) == 0
    out = capsys.readouterr().out
    from qa_desktop.workspace import Workspace

    providers = len(Workspace(store).register.search())
    assert "Workbook written" in out and f"  Register: {providers}\n" in out and providers > 5
    assert load_workbook(tmp_path / "all.xlsx").sheetnames[0] == "Figures 2025"
    assert main(["export-workbook", str(tmp_path / "all.csv"), *data]) == 2
    assert ".xlsx" in capsys.readouterr().err
