"""Retention (Section 11, five years): what is past it is listed, deleted on confirmation with
tombstones that sync, and is then gone from the database, the op log's values and the photo store."""

from __future__ import annotations

import datetime as dt

from PIL import Image
from sqlalchemy import inspect, select, text

from qa_desktop.cli import main
from qa_desktop.domain.oversight import CaseSource
from qa_desktop.domain.visits import VisitStatus
from qa_desktop.forms.library import TemplateLibrary
from qa_desktop.services import oversight as qa
from qa_desktop.services.register import find_by_urn
from qa_desktop.services.reports import write_visit_report
from qa_desktop.services.retention import apply_retention, cutoff, past_retention
from qa_desktop.services.visits import open_visit
from qa_desktop.store.database import Store
from qa_desktop.store.models import Visit
from qa_desktop.sync.engine import sync
from qa_desktop.sync.folder import FolderStore
from tests.sync.conftest import make_visit

TODAY = dt.date(2026, 11, 22)
OLD_NOTE = "Bedroom window restrictor missing on the second floor"
OLD_CASE = "Allegation against a night worker, investigated by the LADO"


def everything_in(store: Store) -> str:
    """Every value of every table, as text: what someone with the key could read."""
    parts = []
    with store.engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            parts += [repr(tuple(row)) for row in connection.execute(text(f'SELECT * FROM "{table}"'))]
    return "\n".join(parts)


def test_cutoff_is_five_years_to_the_day():
    assert cutoff(TODAY) == dt.date(2021, 11, 22)
    assert cutoff(dt.date(2028, 2, 29)) == dt.date(2023, 2, 28)


def test_records_past_retention_are_listed_deleted_and_gone_everywhere(store, tmp_path, capsys):
    library = TemplateLibrary.load()
    old_visit = make_visit(store, library)
    visit = open_visit(store, old_visit)
    key, checklist = next(iter(visit.checklists.items()))
    item = checklist.visible_items()[1].key
    visit.set_note(key, item, OLD_NOTE)
    Image.new("RGB", (320, 240), (10, 200, 30)).save(tmp_path / "window.jpg")
    photo = visit.attach_photo(key, item, tmp_path / "window.jpg", "Missing restrictor")
    report = write_visit_report(store, old_visit)
    with store.write() as changes:  # it was done and completed six years ago
        row = changes.session.get(Visit, old_visit)
        changes.update(row, visit_date=dt.date(2020, 6, 1), status=VisitStatus.COMPLETED)
    with store.read() as session:
        provider = find_by_urn(session, "SC700105").id
    old_case = qa.log_case(store, provider, opened_on=dt.date(2020, 1, 5), source=CaseSource.LADO,
                           category="Allegation", summary=OLD_CASE, safeguarding=True)
    qa.close_case(store, old_case, closed_on=dt.date(2020, 3, 1), outcome="Substantiated; worker dismissed")
    recent = qa.log_case(store, provider, opened_on=dt.date(2024, 1, 5), source=CaseSource.POLICE, category="Missing",
                         summary="Out overnight, returned")
    qa.close_case(store, recent, closed_on=dt.date(2024, 2, 1), outcome="Safety plan")
    qa.log_case(store, provider, opened_on=dt.date(2019, 1, 5), source=CaseSource.COUNCILLOR,
                             category="Complaint", summary="Never closed: kept however old")
    shared = FolderStore(tmp_path / "shared")
    other = Store(tmp_path / "other", actor="jo")
    sync(store, shared), sync(other, shared)
    assert OLD_CASE in everything_in(other)
    others_report = write_visit_report(other, old_visit).path  # the other laptop made its own report of it

    with store.read() as session:
        expired = past_retention(session, TODAY)
    assert [(e.kind, e.id) for e in expired] == [("case", old_case), ("visit", old_visit)]
    assert main(["retention", "--data-dir", str(store.data_dir), "--today", "2026-11-22"]) == 0
    listed = capsys.readouterr().out
    assert "2 record(s) past retention" in listed and "QA case: Allegation" in listed

    result = apply_retention(store, expired)
    assert result.records == 2 and result.photos_deleted == 1 and result.reports_deleted == 1
    dump = everything_in(store)
    for secret in (OLD_NOTE, OLD_CASE, "Missing restrictor", "Substantiated; worker dismissed", photo):
        assert secret not in dump, secret
    assert "Out overnight, returned" in dump and "Never closed: kept however old" in dump
    assert not store.blobs.path(photo).exists() and not report.path.exists()
    with store.read() as session:
        assert past_retention(session, TODAY) == []
        assert session.get(Visit, old_visit).deleted
        assert session.scalar(select(Visit.officers).where(Visit.id == old_visit)) == []

    sync(store, shared), sync(other, shared)  # the tombstones and blanks reach the other laptop
    with other.read() as session:
        assert session.get(Visit, old_visit).deleted
        assert past_retention(session, TODAY) == []
    other_dump = everything_in(other)
    for secret in (OLD_NOTE, OLD_CASE, "Missing restrictor", photo):  # its own copy of the old values too
        assert secret not in other_dump, secret
    assert "Out overnight, returned" in other_dump
    assert not other.blobs.path(photo).exists()
    assert not others_report.exists() and not (other.data_dir / "reports" / old_visit).exists()
    other.close()


def test_the_retention_command_deletes_only_when_confirmed(store, capsys, monkeypatch):
    from qa_desktop.services.demo import load_demo
    load_demo(store, today=TODAY)
    with store.read() as session:
        provider = find_by_urn(session, "SC700101").id
    case = qa.log_case(store, provider, opened_on=dt.date(2019, 1, 5), source=CaseSource.POLICE, category="Missing",
                       summary="An old case")
    qa.close_case(store, case, closed_on=dt.date(2019, 2, 1), outcome="Closed")
    data = ["--data-dir", str(store.data_dir), "--today", "2026-11-22"]
    assert main(["retention", "--delete", *data]) == 2  # no terminal to confirm in
    assert "needs confirmation" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    assert main(["retention", "--delete", *data]) == 0
    assert "Nothing was deleted" in capsys.readouterr().out
    monkeypatch.setattr("builtins.input", lambda prompt: "DELETE")
    assert main(["retention", "--delete", *data]) == 0
    assert "Deleted 1 record(s) past retention (1 case)" in capsys.readouterr().out
    assert main(["retention", *data]) == 0
    assert "0 record(s) past retention" in capsys.readouterr().out


OLD_REVIEW_NOTE = "Fire risk assessment seen, signed by the manager's sister"
OLD_PLACEMENT_REF = "CASE-778812"
OLD_PLAN_REASON = "Night staff asleep on duty at the 2019 visit"
RECIPIENT = "Dana Whitfield"


def test_reviews_placements_and_a_plan_s_letter_with_its_distribution_go_with_retention_everywhere(
        store, lead, tmp_path):
    """Section 11 keeps "essential provider information and case information" up to 5 years: an old
    compliance review (its item notes), an ended placement (its case reference), and a removed plan
    with its letter and whom the letter was sent to are past retention, deleted here and on a laptop
    that synced them, the letter's kept file with them."""
    from qa_desktop.domain.compliance import ReviewStatus
    from qa_desktop.domain.documents import DocumentKind
    from qa_desktop.domain.oversight import PlanKind, RemovalReason
    from qa_desktop.domain.timescales import ConcernLevel
    from qa_desktop.services.documents import Addressee
    from qa_desktop.store.models import ComplianceReview, Placement, ReportRecipient, ReviewItem, Setting
    from qa_desktop.workspace import Workspace

    visit_id = make_visit(store, TemplateLibrary.load())
    officer = Workspace(store, TemplateLibrary.load())
    provider = officer.visits.header(visit_id).provider_id
    with store.read() as session:
        setting_id = session.scalars(select(Setting.id).where(Setting.provider_id == provider)).first()
    with store.write() as changes:
        review = changes.create(ComplianceReview, provider_id=provider, review_date=dt.date(2020, 5, 1),
                                minimum_only=False, reviewed_by="Alex Patel", status=ReviewStatus.COMPLETED).id
        changes.create(ReviewItem, review_id=review, item_key="fire_risk", label="Fire risk assessment",
                       note=OLD_REVIEW_NOTE)
        placement = changes.create(Placement, setting_id=setting_id, reference=OLD_PLACEMENT_REF,
                                   started_at=dt.datetime(2019, 1, 3, 9, tzinfo=dt.UTC),
                                   ended_at=dt.datetime(2020, 2, 3, 9, tzinfo=dt.UTC)).id
    plan = qa.issue_action_plan(store, provider, kind=PlanKind.QA, issued_on=dt.date(2019, 11, 1),
                                reason=OLD_PLAN_REASON, actions=[("Waking night staff", ConcernLevel.HIGH)],
                                raised_at=dt.datetime(2019, 11, 1, 9, tzinfo=dt.UTC))
    letter = officer.documents.letter(DocumentKind.ACTION_PLAN, plan).value
    (info,) = officer.documents.of_provider(provider)
    officer.documents.submit(info.id)
    Workspace(lead).documents.approve(info.id)
    officer.documents.issue(info.id, [Addressee(RECIPIENT, "dana@example.org.uk", "Registered manager")], tmp_path)
    qa.remove_action_plan(store, plan, removed_on=dt.date(2020, 6, 1), reason=RemovalReason.IMPROVED)

    shared = FolderStore(tmp_path / "shared")
    other = Store(tmp_path / "other", actor="jo")
    try:
        sync(store, shared), sync(other, shared)
        assert OLD_REVIEW_NOTE in everything_in(other) and RECIPIENT in everything_in(other)
        with store.read() as session:
            expired = {(e.kind, e.id) for e in past_retention(session, TODAY)}
        assert {("review", review), ("placement", placement), ("plan", plan)} <= expired
        with store.read() as session:
            chosen = [e for e in past_retention(session, TODAY) if e.kind in ("review", "placement", "plan")]
        apply_retention(store, chosen)
        assert not letter.path.exists() and not (store.data_dir / "reports" / plan).exists()
        sync(store, shared), sync(other, shared)
        for laptop in (store, other):
            dump = everything_in(laptop)
            for secret in (OLD_REVIEW_NOTE, OLD_PLACEMENT_REF, OLD_PLAN_REASON, RECIPIENT):
                assert secret not in dump, (laptop.data_dir, secret)
            with laptop.read() as session:
                assert session.get(ComplianceReview, review).deleted and session.get(Placement, placement).deleted
                assert all(r.deleted for r in session.scalars(select(ReportRecipient)))
                assert not {e.kind for e in past_retention(session, TODAY)} & {"review", "placement", "plan"}
        assert "dana@example.org.uk" not in everything_in(other)
    finally:
        other.close()
