"""The oversight commands: plain tables, clear refusals (exit 2), the sanctions export."""

from openpyxl import load_workbook

from qa_desktop.cli import main
from qa_desktop.services.demo import load_demo
from tests.conftest import TODAY


def test_log_and_list_cases_embargoes_alerts_and_export_sanctions(store, capsys, tmp_path):
    load_demo(store, today=TODAY)
    data = ["--data-dir", str(store.data_dir)]
    for _ in range(4):
        assert main(["cases", "SC700102", "--add", "Young person missing overnight", "--source", "police",
                     "--category", "Missing", *data]) == 0
    out = capsys.readouterr().out
    assert "Young person missing overnight" in out and "2026  4      MEDIUM" in out
    assert main(["cases", "SC700102", "--add", "x", "--source", "astrologer", *data]) == 2
    assert "Unknown source 'astrologer'" in capsys.readouterr().err
    assert main(["embargoes", "Maple Lodge", "--add", "Police investigation", *data]) == 2
    assert "informal embargo needs one of the reasons" in capsys.readouterr().err
    assert main(["embargoes", "Maple Lodge", "--add", "Police investigation", "--informal", "investigation",
                 "--review", "2026-12-20", *data]) == 0
    assert "20/12/2026" in capsys.readouterr().out
    assert main(["alerts", "SC700104", "--add", "Registration suspended", "--kind", "suspension", *data]) == 0
    capsys.readouterr()
    assert main(["sanctions", "--export", str(tmp_path / "list.xlsx"), *data]) == 0
    rows = list(load_workbook(tmp_path / "list.xlsx").active.values)
    # and the register's own poor judgements (Harbour View, Zoë's), raised when the demo file was imported
    assert [r[0] for r in rows[1:]] == ["Harbour View", "Maple Lodge", "Willow House", "Zo\u00eb N\u00ed Bhriain House"]
    assert main(["sanctions", "--type", "embargo on provider", *data]) == 0
    assert "1 sanction(s)" in capsys.readouterr().out
    assert main(["sanctions", "--export", str(tmp_path / "list.docx"), *data]) == 2
    assert main(["dashboard", *data]) == 0
    assert "Restrictions and embargoes due for review" in capsys.readouterr().out


def test_placement_check_says_what_stands_in_the_way(store, capsys):
    load_demo(store, today=TODAY)
    data = ["--data-dir", str(store.data_dir)]
    assert main(["placement-check", "SC700101", *data]) == 0
    out = capsys.readouterr().out
    assert "Checked  Embargo: No embargo in force." in out and "STOP" not in out
    assert main(["alerts", "SC700101", "--add", "No new admissions", *data]) == 0
    for n in range(10):
        main(["cases", "SC700101", "--add", f"Concern {n}", *data])
    capsys.readouterr()
    assert main(["placement-check", "Maple Lodge", *data]) == 0
    out = capsys.readouterr().out
    assert "STOP     Regulator's alert: Ofsted: Restriction on accommodation or registration" in out
    assert "CONCERN  Risk rating: HIGH this year (Figure 6)" in out
    assert out.index("STOP") < out.index("CONCERN")  # what stops a placement first
    assert main(["placement-check", "nowhere at all", *data]) == 2
