"""Report files at rest: encrypted like photos; viewed through a temporary copy that is removed;
"Save report as…" the only plain copy; plain reports from before converted; purged everywhere."""

from __future__ import annotations

import os

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from qa_desktop.domain.visits import VisitStatus
from qa_desktop.forms.library import TemplateLibrary
from qa_desktop.services.demo import load_demo
from qa_desktop.services.reports import save_report_copy, viewing_copy, write_visit_report
from qa_desktop.store.database import Store
from qa_desktop.store.models import ReportRevision, Visit
from qa_desktop.store.report_files import VIEWING_KEEP_S, ReportFileError
from tests.conftest import TODAY


def _visit(store: Store) -> str:
    load_demo(store, today=TODAY, library=TemplateLibrary.load())
    with store.read() as session:
        return session.scalars(select(Visit.id).where(Visit.status == VisitStatus.IN_PROGRESS)).one()


def _age(path, seconds: float) -> None:
    """Make ``path`` look ``seconds`` older, on the file system's own clock (not the process's:
    CI runs the suite again with the process's clock a year ahead)."""
    old = path.stat().st_mtime - seconds
    os.utime(path, (old, old))


def test_a_report_is_kept_encrypted_and_read_back_only_through_the_store(store, tmp_path):
    visit_id = _visit(store)
    result = write_visit_report(store, visit_id)
    stored = result.path.read_bytes()
    assert not stored.startswith(b"%PDF") and b"Harbour View" not in stored and b"OFFICIAL" not in stored
    assert store.reports.read(result.path).startswith(b"%PDF")
    assert list((store.data_dir / "reports").rglob("*.pdf")) == []  # nothing plain in the reports folder

    saved = save_report_copy(store, result.path, tmp_path / "aside" / "report.pdf")
    assert "Harbour View" in PdfReader(str(saved)).pages[0].extract_text()  # the one plain copy, where chosen

    other = Store(tmp_path / "thief", actor="x")  # another data folder's key cannot open it
    try:
        other_path = other.reports.path(visit_id, result.path.name.removesuffix(".sealed"))
        other_path.parent.mkdir(parents=True)
        other_path.write_bytes(stored)
        with pytest.raises(ReportFileError, match="damaged, or was encrypted with another key"):
            other.reports.read(other_path)
    finally:
        other.close()
    swapped = store.reports.path(visit_id, "QA-swapped-r9.pdf")
    swapped.write_bytes(stored)  # a file put under another name is refused
    with pytest.raises(ReportFileError):
        store.reports.read(swapped)


def test_viewing_copies_are_removed_later_when_another_is_made_and_when_the_store_closes(tmp_path):
    store = Store(tmp_path / "data", actor="alex")
    visit_id = _visit(store)
    report = write_visit_report(store, visit_id).path
    first = viewing_copy(store, report)
    assert first.read_bytes().startswith(b"%PDF") and first.parent.parent == store.data_dir / "viewing"
    second = viewing_copy(store, report)
    assert first.exists() and second.exists() and first != second  # a viewer may still be reading the first
    _age(first.parent, VIEWING_KEEP_S + 5)
    third = viewing_copy(store, report)
    assert not first.exists() and second.exists() and third.exists()
    store.close()
    assert list((tmp_path / "data" / "viewing").iterdir()) == []

    # a copy left by a program that stopped without closing is removed when a store next opens
    leftover = tmp_path / "data" / "viewing" / "abc" / "left.pdf"
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"%PDF-1.4 plain")
    _age(leftover.parent, VIEWING_KEEP_S + 5)
    Store(tmp_path / "data", actor="alex").close()
    assert not leftover.exists()


def test_plain_reports_from_before_are_encrypted_under_their_visit_and_the_plain_files_removed(tmp_path):
    store = Store(tmp_path / "data", actor="alex")
    visit_id = _visit(store)
    made = write_visit_report(store, visit_id)
    pdf = store.reports.read(made.path)
    with store.write() as changes:  # a letter about a plan, from the lifecycle of the version before
        provider = changes.session.get(Visit, visit_id).setting.provider_id
        changes.create(ReportRevision, visit_id=None, provider_id=provider, subject_id="plan-1", kind="action_plan",
                       revision=1, fingerprint="x", file_name="QIP-20261122-PLAN1-r1.pdf", pages=1)
    store.close()
    # as the version before kept them: plain PDFs, flat in reports/
    name = made.path.name.removesuffix(".sealed")
    made.path.unlink()
    (tmp_path / "data" / "reports" / name).write_bytes(pdf)
    (tmp_path / "data" / "reports" / "QA-20200101-UNKNOWN0-r1.pdf").write_bytes(b"%PDF-1.4 an old one")
    (tmp_path / "data" / "reports" / ".writing-x.pdf").write_bytes(b"%PDF-1.4 half")
    (tmp_path / "data" / "reports" / "QIP-20261122-PLAN1-r1.pdf").write_bytes(b"%PDF-1.4 a letter")
    (tmp_path / "data" / "reports" / "QIP-20261122-PLAN1-r1.docx").write_bytes(b"PK\x03\x04 its Word copy")

    store = Store(tmp_path / "data", actor="alex")
    try:
        assert [p for p in (tmp_path / "data" / "reports").iterdir() if p.is_file()] == []  # nothing plain left
        letter, word = (store.reports.path("plan-1", f"QIP-20261122-PLAN1-r1.{kind}") for kind in ("pdf", "docx"))
        assert store.reports.read(letter) == b"%PDF-1.4 a letter"  # filed with its plan: retention takes both
        assert store.reports.read(word) == b"PK\x03\x04 its Word copy"
        assert store.reports.read(store.reports.path(visit_id, name)) == pdf
        unfiled = store.reports.path("unfiled", "QA-20200101-UNKNOWN0-r1.pdf")
        assert store.reports.read(unfiled) == b"%PDF-1.4 an old one"
        with store.read() as session:
            assert sorted(session.scalars(select(ReportRevision.file_name))) == sorted(
                [name, "QIP-20261122-PLAN1-r1.pdf"])
        assert write_visit_report(store, visit_id).reused  # the converted file is the revision it was
    finally:
        store.close()
