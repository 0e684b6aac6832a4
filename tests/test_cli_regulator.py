"""The regulator-watch commands (issue 17): an import prints what changed, ``imports`` lists and
exports the dated records, ``internal-owners`` marks this council's homes, ``placement-check``
says everything in words and writes the page for the Access to Resources team."""

import csv

from openpyxl import load_workbook
from pypdf import PdfReader

from qa_desktop.cli import main
from tests.ofsted_files import PROVIDER_LEVEL, later_rows, provider_level_rows, write_csv


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_an_import_says_what_changed_and_the_record_is_kept(capsys, tmp_path, monkeypatch):
    from qa_desktop.clock import ENVIRONMENT_VARIABLE

    data = str(tmp_path / "data")
    first = write_csv(tmp_path / "2025.csv", PROVIDER_LEVEL, provider_level_rows(60))
    code, out, _ = run(capsys, "import-providers", str(first), "--data-dir", data)
    assert code == 0 and "Ofsted provider-level layout" in out and "provider(s) added to the register" in out
    assert "Section 12:" in out and "regulatory alert(s) raised" in out
    later = write_csv(tmp_path / "2026.csv", PROVIDER_LEVEL, later_rows(60))
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "2026-11-23T09:00:00+00:00")  # the next day (each command's clock)
    code, out, _ = run(capsys, "import-providers", str(later), "--data-dir", data)
    assert code == 0 and "What changed (" in out
    assert "Judgement" in out and "Inadequate, inspected 14/10/2026" in out and "worse than before" in out
    assert "On the sanctions list" in out and "(renamed)" in out
    code, out, _ = run(capsys, "imports", "--data-dir", data)
    assert code == 0 and out.index("2026.csv") < out.index("2025.csv")
    record = out.splitlines()[2].split()[0]
    code, out, _ = run(capsys, "imports", record, "--what", "name", "--data-dir", data)
    assert code == 0 and "(renamed)" in out and "Inadequate" not in out
    target = tmp_path / "changes.xlsx"
    code, out, _ = run(capsys, "imports", "last", "--export", str(target), "--data-dir", data)
    assert code == 0 and "line(s) written" in out
    sheet = load_workbook(target).active
    rows = list(sheet.values)
    assert rows[0] == ("Provider", "URN", "What changed", "Before", "After", "Note") and len(rows) > 5
    code, _, err = run(capsys, "imports", "nope", "--data-dir", data)
    assert code == 2 and "No single import" in err


def test_a_name_that_would_run_as_a_formula_is_exported_as_text(capsys, tmp_path):
    data = str(tmp_path / "data")
    rows = list(provider_level_rows(3))
    rows[1][4] = "=HYPERLINK(\"http://example.invalid\",\"click\")"
    run(capsys, "import-providers", str(write_csv(tmp_path / "a.csv", PROVIDER_LEVEL, rows)), "--data-dir", data)
    target = tmp_path / "changes.csv"
    run(capsys, "imports", "last", "--export", str(target), "--data-dir", data)
    with target.open(encoding="utf-8-sig", newline="") as handle:
        names = [row["Provider"] for row in csv.DictReader(handle)]
    assert "'=HYPERLINK(\"http://example.invalid\",\"click\")" in names
    workbook = tmp_path / "changes.xlsx"
    run(capsys, "imports", "last", "--export", str(workbook), "--data-dir", data)
    cell = next(c for c in load_workbook(workbook).active["A"] if str(c.value).startswith("=HYPERLINK"))
    assert cell.data_type == "s"  # text, never a formula


def test_internal_owners_are_set_shown_and_mark_the_councils_homes(capsys, tmp_path):
    data = str(tmp_path / "data")
    run(capsys, "import-providers", str(write_csv(tmp_path / "a.csv", PROVIDER_LEVEL, provider_level_rows(60))),
        "--data-dir", data)
    code, out, _ = run(capsys, "internal-owners", "Medway Council", "--data-dir", data)
    assert code == 0 and "provider(s) marked again" in out and "  Medway Council" in out
    assert not out.startswith("0 ")
    code, out, _ = run(capsys, "providers", "--type", "internal_residential", "--data-dir", data)
    assert code == 0 and "Medway Council" in out
    code, out, _ = run(capsys, "internal-owners", "--clear", "--data-dir", data)
    assert "No names set" in out


def test_placement_check_in_words_and_on_one_page(capsys, tmp_path):
    data = str(tmp_path / "data")
    rows = [r for r in provider_level_rows(60) if r[14] == "Inadequate" and r[2] == "Active"][:1]
    run(capsys, "import-providers", str(write_csv(tmp_path / "a.csv", PROVIDER_LEVEL, rows)), "--data-dir", data)
    pdf = tmp_path / "check.pdf"
    code, out, _ = run(capsys, "placement-check", rows[0][0], "--pdf", str(pdf), "--data-dir", data)
    assert code == 0 and f"URN {rows[0][0]}" in out
    assert "CONCERN  Judgement: Inadequate at the latest full inspection" in out
    assert "CONCERN  Compliance review: No compliance review recorded" in out
    assert "Nothing recorded" not in out and "One page for the Access to Resources team written" in out
    assert len(PdfReader(str(pdf)).pages) == 1
