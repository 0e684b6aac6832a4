"""The qa-desktop command line, as an officer would use it."""

import subprocess
import sys

import pytest

from qa_desktop.cli import main
from tests.conftest import OFSTED_HEADER


@pytest.fixture
def data_dir(tmp_path):
    return str(tmp_path / "data")


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_demo_then_list_and_search(capsys, data_dir):
    code, out, _ = run(capsys, "demo", "--data-dir", data_dir)
    assert code == 0 and "10 added" in out
    code, out, _ = run(capsys, "--data-dir", data_dir, "demo")
    assert code == 0 and "already loaded" in out
    code, out, _ = run(capsys, "providers", "--data-dir", data_dir)
    assert code == 0 and "Maple Lodge" in out and out.rstrip().endswith("13 providers")
    code, out, _ = run(capsys, "providers", "--data-dir", data_dir, "ME7", "1RS")
    assert "Willow House" in out and "Maple Lodge" not in out and "1 provider" in out
    code, out, _ = run(capsys, "providers", "--data-dir", data_dir, "--type", "Supported accommodation")
    assert "Stepping Stones" in out and "1 provider" in out


def test_unknown_service_type_is_refused(capsys, data_dir):
    code, _, err = run(capsys, "providers", "--data-dir", data_dir, "--type", "castle")
    assert code == 2 and "Unknown service type 'castle'" in err


def test_import_reports_counts_and_skipped_lines(capsys, data_dir, tmp_path):
    path = tmp_path / "ofsted.csv"
    path.write_text(OFSTED_HEADER + "\n"
                    "SC700101,Children's home,Active,Private,Maple Lodge,,,Rochester,,ME1 2DQ,Medway,4,X,,\n"
                    "SC1,Children's home,Active,Private,Bad,,,,,,,,,,\n", encoding="utf-8")
    code, out, _ = run(capsys, "import-providers", str(path), "--data-dir", data_dir)
    assert code == 0
    assert "ofsted.csv: 1 added, 0 updated, 0 unchanged, 1 skipped" in out
    assert "skipped line 3: URN 'SC1' is not an Ofsted URN" in out
    listed = tmp_path / "ofsted-skipped-rows.txt"
    assert f"every skipped row (those above) is listed in {listed}" in out
    assert "line 3: URN 'SC1' is not an Ofsted URN" in listed.read_text("utf-8")


def test_import_of_many_bad_rows_prints_a_short_summary_and_lists_them_all_in_a_file(capsys, data_dir, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(OFSTED_HEADER + "\n" + "".join(f"SC{n},Children's home,Active,Private,Bad,,,,,,,,,,\n"
                                                   for n in range(1, 1501)), encoding="utf-8")
    code, out, _ = run(capsys, "import-providers", str(path), "--data-dir", data_dir,
                       "--skipped-list", str(tmp_path / "all.txt"))
    assert code == 0 and "1500 skipped (the first 1,000 listed)" in out
    assert out.count("  skipped line") == 20
    assert f"every skipped row (the 1,480 not shown here and those above) is listed in {tmp_path / 'all.txt'}" in out
    assert len((tmp_path / "all.txt").read_text("utf-8").splitlines()) == 1 + 1500


def test_import_of_a_missing_file_fails_plainly(capsys, data_dir, tmp_path):
    code, _, err = run(capsys, "import-providers", str(tmp_path / "none.csv"), "--data-dir", data_dir)
    assert code == 2 and "no such file" in err and "Traceback" not in err


def test_due_lists_overdue_items_as_at_a_date(capsys, data_dir):
    run(capsys, "demo", "--data-dir", data_dir)
    code, out, _ = run(capsys, "due", "--data-dir", data_dir)
    assert code == 0 and "OVERDUE" in out and "Harbour View" in out
    code, out, _ = run(capsys, "due", "--data-dir", data_dir, "--today", "2040-01-01")
    assert "as at 01/01/2040" in out and "DUE " not in out.split("\n", 2)[2].split("OVERDUE")[0]
    code, _, err = run(capsys, "due", "--data-dir", data_dir, "--today", "tomorrow")
    assert code == 2 and "YYYY-MM-DD" in err


def test_module_entry_point_and_version():
    result = subprocess.run([sys.executable, "-m", "qa_desktop", "--version"], capture_output=True, text=True,
                            check=True)
    assert result.stdout.startswith("qa-desktop ")


def test_the_core_runs_without_qt():
    code = ("import sys, qa_desktop.cli, qa_desktop.services.due, qa_desktop.services.provider_import, "
            "qa_desktop.services.demo, qa_desktop.store.database; "
            "sys.exit(1 if any(m.startswith('PySide6') for m in sys.modules) else 0)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_templates_lists_builtin_and_team_templates_and_broken_ones(capsys, data_dir):
    code, out, _ = run(capsys, "templates", "--data-dir", data_dir)
    assert code == 0 and "property_standards" in out and "young inspector" in out and "14 templates" in out
    team = __import__("pathlib").Path(data_dir) / "templates"
    (team / "ours.yaml").write_text("key: ours\nversion: 1\ntitle: Ours\nkind: visit\naudience: officer\n"
                                    "scopes: [full]\nsections: []\n")
    code, out, _ = run(capsys, "templates", "--data-dir", data_dir)
    assert code == 1 and "BROKEN" in out and "ours.yaml, line 7 (sections): the list is empty" in out


def test_visits_in_progress_give_the_id_report_takes(capsys, data_dir):
    run(capsys, "demo", "--data-dir", data_dir)
    code, out, _ = run(capsys, "visits", "--status", "in_progress", "--data-dir", data_dir)
    assert code == 0 and "Harbour View" in out and "in progress" in out
    assert out.rstrip().splitlines()[-1].startswith("1 visit(s); the reference works with `report`")
    visit = out.splitlines()[2].split()[0]
    assert visit.startswith("QA-")  # the visit's reference, as its report and letters print it
    code, out, _ = run(capsys, "report", visit, "--data-dir", data_dir)
    assert code == 0 and "Report made (" in out and "kept encrypted in the data folder" in out  # sealed at rest
