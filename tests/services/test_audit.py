"""The audit trail: every change with who, when and on which device, from any laptop; not editable."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError, IntegrityError

from qa_desktop.cli import main
from qa_desktop.domain.oversight import CaseSource
from qa_desktop.forms.checklist import MET, NOT_MET
from qa_desktop.forms.library import TemplateLibrary
from qa_desktop.services.audit import provider_audit, visit_audit
from qa_desktop.services.oversight import log_case
from qa_desktop.services.register import find_by_urn
from qa_desktop.services.visits import open_visit
from qa_desktop.store.changes import new_id
from qa_desktop.store.database import Store
from qa_desktop.store.hlc import Hlc
from qa_desktop.store.oplog import OpRecord
from qa_desktop.sync.engine import sync
from qa_desktop.sync.folder import FolderStore
from qa_desktop.sync.merge import apply_ops
from tests.conftest import CLOCK_START, TODAY
from tests.sync.conftest import first_items, make_visit


def test_visit_and_provider_trails_name_who_what_when_and_where(tmp_path, capsys):
    alex, jo = Store(tmp_path / "alex", actor="alex"), Store(tmp_path / "jo", actor="jo")
    shared = FolderStore(tmp_path / "shared")
    visit_id = make_visit(alex, TemplateLibrary.load())
    sync(alex, shared), sync(jo, shared)
    (template, item), = first_items(alex, visit_id, 1)
    open_visit(alex, visit_id).set_answer(template, item, MET)
    open_visit(jo, visit_id).set_answer(template, item, NOT_MET)
    open_visit(jo, visit_id).set_note(template, item, "Door closer broken")
    sync(jo, shared), sync(alex, shared)

    with alex.read() as session:
        trail = visit_audit(session, visit_id)
        harbour = find_by_urn(session, "SC700105").id
    answer_lines = [line for line in trail if line.what.startswith("Answer: ")]
    assert {(line.who, line.field, line.value) for line in answer_lines} >= {
        ("alex", "value", "met"), ("jo", "value", "not_met"), ("jo", "note", "Door closer broken")}
    assert {line.device for line in answer_lines} == {alex.device_id[:8], jo.device_id[:8]}  # both laptops
    assert trail == sorted(trail, key=lambda line: line.order, reverse=True)  # newest first
    assert all(not line.estimated and abs(line.when - CLOCK_START) < dt.timedelta(minutes=1) for line in trail)
    assert any(line.what == "Visit" and line.field == "officers" for line in trail)

    log_case(alex, harbour, opened_on=TODAY, source=CaseSource.POLICE, category="Missing", summary="Out overnight")
    with alex.read() as session:
        provider_trail = provider_audit(session, harbour)
    assert {"Provider", "Setting Harbour View", f"Case of {TODAY:%d %b %Y}"} <= {line.what for line in provider_trail}
    assert main(["audit", "SC700105", "--data-dir", str(alex.data_dir)]) == 0
    assert "Out overnight" in capsys.readouterr().out
    assert main(["audit", "--visit", visit_id[:8], "--data-dir", str(alex.data_dir)]) == 0
    assert "Door closer broken" in capsys.readouterr().out
    for laptop in (alex, jo):
        laptop.close()


def test_the_trail_cannot_be_edited_or_deleted(store):
    make_visit(store, TemplateLibrary.load())
    with store.engine.begin() as connection:
        op_id = connection.execute(text("SELECT op_id FROM ops LIMIT 1")).scalar()
    for statement in (f"UPDATE ops SET actor = 'someone else' WHERE op_id = '{op_id}'",
                      f"UPDATE ops SET value = '\"edited\"' WHERE op_id = '{op_id}'",
                      f"UPDATE ops SET value = NULL WHERE op_id = '{op_id}'",  # blanking needs the redaction mark
                      f"DELETE FROM ops WHERE op_id = '{op_id}'"):
        with (pytest.raises((IntegrityError, DatabaseError), match="audit trail cannot be changed"),
              store.engine.begin() as connection):
            connection.execute(text(statement))
    with store.engine.begin() as connection:  # what retention does: blank the value, keep the fact
        connection.execute(text(f"UPDATE ops SET value = NULL, redacted = 1 WHERE op_id = '{op_id}'"))
        assert connection.execute(text(f"SELECT actor FROM ops WHERE op_id = '{op_id}'")).scalar() == store.actor


def test_a_change_from_before_wall_times_were_recorded_shows_the_sync_clocks_time_as_about(store, capsys):
    visit_id = make_visit(store, TemplateLibrary.load())
    when = CLOCK_START + dt.timedelta(minutes=5)
    old = OpRecord(new_id(), "visits", visit_id, "officers", ["Alex Patel", "Kim Lee"],
                   Hlc(int(when.timestamp() * 1000), 0).encode(), "c0ffee00-0000-4000-8000-000000000000", "kim",
                   None, None)  # from a laptop on an older version: no wall time
    with store.transaction() as session:
        apply_ops(session, [old], "folder:old")
    with store.read() as session:
        newest, *others = visit_audit(session, visit_id)
    assert (newest.who, newest.device, newest.estimated, newest.when) == ("kim", "c0ffee00", True, when)
    assert newest.when_words("%d/%m/%Y %H:%M") == f"about {when.astimezone():%d/%m/%Y %H:%M}"
    assert not any(line.estimated for line in others)
    assert main(["audit", "--visit", visit_id[:8], "--data-dir", str(store.data_dir)]) == 0
    out = capsys.readouterr().out
    assert f"about {when.astimezone():%d/%m/%Y %H:%M:%S}" in out and '"about": from before that was recorded' in out
