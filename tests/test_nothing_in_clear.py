"""Issue 15's "done means": a full workflow (a provider, a visit with notes, a photo and an action, a
case, a report, sync through a shared folder AND a real PostgreSQL server, a retention purge), then
every file of both laptops' data folders, of the shared folder, and every value of every table on
the server, searched for what was typed: none of it is there in clear. The one exception is the
report saved aside with "Save report as…", where the officer chose, which is plain by design, and
likewise the e-mail draft that issues a letter (the PDF attached) and its Word copy saved aside: the
letter itself, and the Word copy kept without a chosen place, are sealed in the data folder."""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import create_engine, inspect, select, text

from qa_desktop.domain.documents import DocumentKind
from qa_desktop.domain.oversight import CaseSource, PlanKind
from qa_desktop.domain.roles import Role
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.domain.visits import VisitLevel, VisitReason, VisitStatus
from qa_desktop.forms.checklist import NOT_MET
from qa_desktop.forms.library import TemplateLibrary
from qa_desktop.services import oversight as qa
from qa_desktop.services.distribution import Issued
from qa_desktop.services.documents import Addressee
from qa_desktop.services.register import add_provider, add_setting
from qa_desktop.services.reports import save_report_copy, viewing_copy, write_visit_report
from qa_desktop.services.retention import apply_retention, past_retention
from qa_desktop.services.visits import open_visit, start_visit
from qa_desktop.store.database import Store
from qa_desktop.store.models import Visit
from qa_desktop.sync.bundle import export_bundle
from qa_desktop.sync.engine import sync
from qa_desktop.sync.folder import FolderStore
from qa_desktop.sync.postgres import PostgresStore
from qa_desktop.workspace import Workspace
from tests.conftest import CLOCK_START, TODAY

#: What an officer typed (and what the app wrote from it): none may be readable anywhere at rest.
TYPED = {
    "provider": "Lanternfield Children's Home",
    "address": "14 Quarrymoor Lane",
    "postcode": "ZZ9 4QQ",
    "officer": "Priyanka Okonkwo-Smith",
    "second officer": "Tomasz Wiśniewski",
    "note": "Door alarm disabled on the night of the inspection",
    "caption": "Alarm panel with the wires pulled out",
    "action": "Reconnect the door alarm and test it weekly",
    "case": "Young person missing overnight, found by police at the station",
    "old note": "Restraint recorded in the dining room in 2020",
    "old case": "Allegation against a night worker, referred to LADO in 2020",
    "plan": "Waking night staff on every shift until the alarm is mended",
    "recipient": "Marguerite Oyelaran-Fitch",
}


def _leaks(data: bytes, photos: list[bytes]) -> list[str]:
    found = [name for name, words in TYPED.items()
             for form in (words.encode("utf-8"), words.encode("utf-16-le")) if form in data]
    found += ["a photo" for photo in photos if photo[:11] in data or photo[100:140] in data]
    if data.startswith(b"%PDF"):
        found.append("a plain PDF (a report, readable by anyone)")
    if data.startswith(b"PK\x03\x04"):  # a zip (a .docx is one): its words are compressed, so say it
        found.append("a plain zip or Word file")
    if data[:2] == b"\x1f\x8b":  # a gzip file holding them would count too
        with contextlib.suppress(OSError):
            found += [f"{name} (in gzip)" for name, words in TYPED.items() if words.encode() in gzip.decompress(data)]
    return found


def _files(root: Path, photos: list[bytes], exempt: set[Path]) -> dict[str, list[str]]:
    return {str(p.relative_to(root.parent)): leaks for p in sorted(root.rglob("*"))
            if p.is_file() and p not in exempt and (leaks := _leaks(p.read_bytes(), photos))}


def _visit(store: Store, library: TemplateLibrary, tmp_path: Path, name: str, when: dt.date) -> str:
    with store.write() as changes:
        provider = add_provider(changes, name=TYPED["provider"] if name == "new" else f"{TYPED['provider']} (old)",
                                service_type=ServiceType.RESIDENTIAL, urn="SC909090" if name == "new" else "SC909091")
        setting = add_setting(changes, provider, name=TYPED["provider"], address_line1=TYPED["address"],
                              postcode=TYPED["postcode"])
    visit_id = start_visit(store, library, setting_id=setting.id, visit_date=when, level=VisitLevel.FULL,
                           announced=False, officers=[TYPED["officer"], TYPED["second officer"]],
                           reason=VisitReason.CONCERN_RAISED)
    visit = open_visit(store, visit_id)
    items = [(key, item.key) for key, checklist in visit.checklists.items() for item in checklist.template.items
             if item.response.value == "met_not_met"][:2]
    visit.set_answer(*items[0], NOT_MET)
    visit.set_note(*items[0], TYPED["note"] if name == "new" else TYPED["old note"])
    Image.new("RGB", (90, 60), (30, 90, 200) if name == "new" else (200, 90, 30)).save(tmp_path / f"{name}.jpg")
    visit.attach_photo(*items[1], tmp_path / f"{name}.jpg", TYPED["caption"])
    visit.raise_action(*items[0], TYPED["action"], ConcernLevel.HIGH, CLOCK_START)
    return visit_id


def _issued_letter(store: Store, provider_id: str, outbox: Path) -> Issued:
    """An action plan's letter made, submitted, approved by the QA lead (the same data folder, opened
    as the lead), issued with its e-mail draft to ``outbox``; its Word copy kept (sealed) and saved aside."""
    plan = qa.issue_action_plan(store, provider_id, kind=PlanKind.QA, issued_on=TODAY, reason=TYPED["plan"],
                                actions=[(TYPED["plan"], ConcernLevel.HIGH)], raised_at=CLOCK_START)
    officer = Workspace(store, TemplateLibrary.load())
    kept = officer.documents.letter(DocumentKind.ACTION_PLAN, plan).value.path
    assert kept.name.endswith(".pdf.sealed")
    (info,) = officer.documents.letters_of(DocumentKind.ACTION_PLAN, plan)
    officer.documents.submit(info.id)
    lead = Store(store.data_dir, actor="Sam Lead", key=store.key, role=Role.QA_LEAD)
    try:
        Workspace(lead).documents.approve(info.id)
    finally:
        lead.close()
    word = officer.documents.word(info.id).path  # no place chosen: kept beside the PDF, sealed
    assert word.name.endswith(".docx.sealed")
    officer.documents.word(info.id, outbox.parent / "saved-aside" / "plan.docx")  # where the officer chose
    return officer.documents.issue(info.id, [Addressee(TYPED["recipient"], "mof@example.org", "Registered manager")],
                                   outbox).value


@pytest.mark.slow
def test_after_a_full_workflow_nothing_typed_is_readable_at_rest_anywhere(tmp_path, postgres_url, postgres_server):
    library = TemplateLibrary.load()
    alex = Store(tmp_path / "alex-data", actor=TYPED["officer"])
    jo = Store(tmp_path / "jo-data", actor=TYPED["second officer"])
    folder, password = tmp_path / "shared-folder", postgres_server["password"]
    saved_aside = tmp_path / "saved-aside" / "report.pdf"
    try:
        visit_id = _visit(alex, library, tmp_path, "new", TODAY)
        old_visit = _visit(alex, library, tmp_path, "old", dt.date(2020, 6, 1))
        with alex.write() as changes:
            changes.update(changes.session.get(Visit, old_visit), status=VisitStatus.COMPLETED)
        with alex.read() as session:
            provider_id = session.get(Visit, visit_id).setting.provider_id
        qa.log_case(alex, provider_id, opened_on=TODAY, source=CaseSource.POLICE, category="Missing",
                    summary=TYPED["case"])
        old_case = qa.log_case(alex, provider_id, opened_on=dt.date(2020, 1, 5), source=CaseSource.LADO,
                               category="Allegation", summary=TYPED["old case"])
        qa.close_case(alex, old_case, closed_on=dt.date(2020, 3, 1), outcome="Substantiated")
        report = write_visit_report(alex, visit_id).path
        viewed = viewing_copy(alex, report)  # opened in the viewer: a temporary plain copy...
        seen = _files(tmp_path / "alex-data", [], set())  # the scan sees it (and nothing else) while it is there
        shown = str(viewed.relative_to(tmp_path))
        assert list(seen) == [shown] and "provider" in seen[shown]
        save_report_copy(alex, report, saved_aside)  # ...and one saved aside, where the officer chose
        export_bundle(alex, tmp_path / "alex-data" / "exports" / "visit", visit_id=visit_id)
        issued = _issued_letter(alex, provider_id, tmp_path / "outbox")  # the .eml where the officer chose

        for laptop in (alex, jo, alex):
            sync(laptop, FolderStore(folder))
            sync(laptop, PostgresStore(postgres_url, password))
        write_visit_report(jo, visit_id)  # Jo's own report of it

        with alex.read() as session:
            expired = past_retention(session, TODAY)
        assert {e.kind for e in expired} == {"visit", "case"}
        apply_retention(alex, expired)
        for laptop in (alex, jo, alex, jo):
            sync(laptop, FolderStore(folder))
            sync(laptop, PostgresStore(postgres_url, password))
        photos = [alex.blobs.read(b.name) for b in (alex.data_dir / "blobs").rglob("*") if b.is_file()]
        assert photos
    finally:
        alex.close(), jo.close()  # closing removes the viewing copies

    assert "Lanternfield" in saved_aside.read_bytes().decode("latin-1") or saved_aside.read_bytes()[:4] == b"%PDF"
    assert issued.eml.parent == tmp_path / "outbox" and TYPED["recipient"].encode() in issued.eml.read_bytes()
    leaks = {}
    for root in (tmp_path / "alex-data", tmp_path / "jo-data", folder):
        leaks.update(_files(root, photos, {saved_aside}))
    assert leaks == {}, leaks

    engine = create_engine(postgres_url.replace("postgresql://", "postgresql+psycopg://")
                           .replace("@", f":{password}@", 1))
    try:
        with engine.connect() as connection:
            tables = inspect(connection).get_table_names()
            assert "qa_sync_sealed_ops" in tables
            for table in tables:
                for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                    for value in row:
                        data = bytes(value) if isinstance(value, (bytes, memoryview)) else str(value).encode()
                        assert not _leaks(data, photos), (table, _leaks(data, photos))
            assert connection.execute(select(text("count(*)")).select_from(text("qa_sync_sealed_ops"))).scalar()
    finally:
        engine.dispose()
