"""A pull brings rows up to date from the fields its changes touch (``merge.update_fields``) where
that gives what making the row from all its changes gives (``merge.materialise``), and the whole
way otherwise (issue 22). Whatever the path, the chunk size, the size of a change file or where a
pull is cut off, the rows, their bookkeeping and their conflicts are those of a laptop that made
every row from scratch."""

from __future__ import annotations

import datetime as dt
import gc
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from qa_desktop.domain.service_types import ServiceType
from qa_desktop.forms.checklist import MET, NOT_APPLICABLE, NOT_MET
from qa_desktop.services.visits import open_visit
from qa_desktop.store import oplog
from qa_desktop.store import rows as row_making
from qa_desktop.store.changes import derived_id
from qa_desktop.store.models import SYNCED_MODELS, FieldHeads, Op, Provider, Setting
from qa_desktop.store.oplog import op_record
from qa_desktop.store.rows import _bind_processor, _update_rows
from qa_desktop.sync import engine, merge
from qa_desktop.sync import folder as folder_module
from qa_desktop.sync.conflicts import list_conflicts
from qa_desktop.sync.engine import sync
from tests.sync.conftest import awkward_answers, first_items, make_visit, ops_of


def rows(store) -> dict:
    """Every synced row with who changed it last, when and where (all but ``created_at``), and the
    fields' heads: what must be the same on every laptop that holds the same changes."""
    state = {}
    with store.read() as session:
        for model in SYNCED_MODELS:
            table = model.__table__
            for row in session.execute(select(*[c for c in table.columns if c.name != "created_at"])):
                state[(table.name, row.id)] = tuple(row)
        state["heads"] = sorted((h.entity, h.entity_id, h.field, tuple(sorted(h.heads)), h.conflict)
                                for h in session.scalars(select(FieldHeads)))
    return state


@pytest.fixture
def paths(monkeypatch):
    """Which rows each pull brought up to date field by field, and which it made whole."""
    seen: dict[str, set[str]] = {"fields": set(), "whole": set()}
    by_fields, whole = merge.update_fields, merge.materialise

    def spy_fields(session, ops, result, newest_before=None, **options):
        done = by_fields(session, ops, result, newest_before, **options)
        seen["fields"].update(entity_id for _, entity_id in done)
        return done

    def spy_whole(session, touched, result):
        seen["whole"].update(entity_id for ids in touched.values() for entity_id in ids)
        return whole(session, touched, result)

    monkeypatch.setattr(merge, "update_fields", spy_fields)
    monkeypatch.setattr(merge, "materialise", spy_whole)
    return seen


def test_rows_brought_up_to_date_field_by_field_are_the_rows_made_whole(laptops, folder, library, paths):
    alex, kim, jo, sam = laptops("alex", "kim", "jo", "sam")
    visit_id = make_visit(alex, library)
    items = first_items(alex, visit_id, 6)
    for template, item in items:
        open_visit(alex, visit_id).set_answer(template, item, MET)
    sync(alex, folder), sync(kim, folder), sync(jo, folder)
    for template, item in items[:3]:
        open_visit(alex, visit_id).set_answer(template, item, NOT_MET)
    open_visit(alex, visit_id).set_note(*items[3], "Fire doors wedged open")
    for template, item in items[2:5]:
        open_visit(kim, visit_id).set_answer(template, item, NOT_APPLICABLE)  # item 2: both, unseen: a conflict
    open_visit(kim, visit_id).set_note(*items[5], "Log book seen")
    sync(alex, folder), sync(kim, folder)
    paths["fields"].clear(), paths["whole"].clear()
    sync(jo, folder)  # receives every change above onto rows it has
    assert len(paths["fields"]) >= 5
    sync(sam, folder)  # a new laptop: every row made whole from its changes
    assert rows(jo) == rows(sam)
    assert [c.field for c in list_conflicts(jo)] == ["value"]


def test_an_older_change_arriving_late_takes_the_whole_way(laptops, folder, library, paths):
    alex, kim, jo, sam = laptops("alex", "kim", "jo", "sam")
    visit_id = make_visit(alex, library)
    (template, item), = first_items(alex, visit_id, 1)
    open_visit(alex, visit_id).set_answer(template, item, MET)
    sync(alex, folder), sync(kim, folder), sync(jo, folder)
    open_visit(kim, visit_id).set_answer(template, item, NOT_MET)  # made first, sent last
    alex.clock.advance(dt.timedelta(hours=1))
    open_visit(alex, visit_id).set_note(template, item, "Seen again an hour later")
    sync(alex, folder), sync(jo, folder)
    sync(kim, folder)
    paths["fields"].clear(), paths["whole"].clear()
    sync(jo, folder)  # kim's answer is older than the row's newest change (alex's note)
    assert paths["fields"] == set() and paths["whole"]
    sync(sam, folder)
    assert rows(jo) == rows(sam)
    answer = open_visit(jo, visit_id).checklists[template].record(item)
    assert (answer.answer, answer.note) == (NOT_MET, "Seen again an hour later")


def test_small_chunks_and_change_files_larger_than_a_chunk(laptops, folder, library, monkeypatch):
    alex, jo, sam = laptops("alex", "jo", "sam")
    monkeypatch.setattr(folder_module, "SEGMENT_OPS", 25)
    visit_id = make_visit(alex, library)
    items = first_items(alex, visit_id, 12)
    for number, (template, item) in enumerate(items):
        open_visit(alex, visit_id).set_answer(template, item, MET if number % 2 else NOT_MET)
    sync(alex, folder), sync(jo, folder)
    for number, (template, item) in enumerate(items):
        open_visit(alex, visit_id).set_answer(template, item, NOT_APPLICABLE)
        open_visit(alex, visit_id).set_note(template, item, f"Note {number}")
    sync(alex, folder)
    monkeypatch.setattr(merge, "CHUNK", 4)  # a change file of 25 holds several chunks of rows
    monkeypatch.setattr(oplog, "CHUNK", 4)
    monkeypatch.setattr(row_making, "CHUNK", 4)  # the rows made whole (``store.rows.materialise``) too
    assert sync(jo, folder).pulled == 24
    monkeypatch.undo()
    sync(sam, folder)
    assert rows(jo) == rows(sam)


@pytest.mark.parametrize("unit_ops", [4, 8])  # a unit of one change file, and of two
def test_a_pull_cut_off_half_way_resumes_and_loses_nothing(laptops, folder, library, monkeypatch, unit_ops):
    alex, jo, sam = laptops("alex", "jo", "sam")
    visit_id = make_visit(alex, library)
    items = first_items(alex, visit_id, 10)
    sync(alex, folder), sync(jo, folder)
    monkeypatch.setattr(folder_module, "SEGMENT_OPS", 4)
    monkeypatch.setattr(engine, "PULL_OPS", unit_ops)  # each unit of change files in a transaction of its own
    for number, (template, item) in enumerate(items):
        open_visit(alex, visit_id).set_answer(template, item, MET if number % 3 else NOT_MET)
    sent = sync(alex, folder).pushed
    before = _received(jo, folder)
    applied, original = [], engine._apply

    def cut_off(*args, **kwargs):
        if len(applied) == 2:
            raise OSError("the network drive went away")
        original(*args, **kwargs)
        applied.append(1)

    monkeypatch.setattr(engine, "_apply", cut_off)
    with pytest.raises(OSError):
        sync(jo, folder)
    monkeypatch.setattr(engine, "_apply", original)
    received = _received(jo, folder) - before
    assert 0 < received < sent
    assert sync(jo, folder).pulled == sent - received  # resumes where the applied batches ended
    assert sync(jo, folder).pulled == 0
    sync(sam, folder)
    assert rows(jo) == rows(sam)
    for number, (template, item) in enumerate(items):
        assert open_visit(jo, visit_id).checklists[template].record(item).answer == (MET if number % 3 else NOT_MET)


def _received(laptop, shared) -> int:
    with laptop.read() as session:
        return session.scalar(select(func.count()).select_from(Op).where(Op.received_from == shared.key))


def test_a_row_with_an_op_of_no_column_takes_the_whole_way(laptops, folder, library, paths):
    """An op whose field is none of its table's columns (a newer version's field; the import's one op
    for a created row) may stand for fields the touched ones are merged with: such a row is made
    whole, through the reader that knows what the op stands for."""
    alex, jo = laptops("alex", "jo")
    visit_id = make_visit(alex, library)
    (template, item), = first_items(alex, visit_id, 1)
    open_visit(alex, visit_id).set_answer(template, item, MET)
    sync(alex, folder), sync(jo, folder)
    with jo.read() as session:
        value_op = op_record(session.execute(select(Op.__table__).where(
            Op.entity == "answers", Op.field == "value")).first())
    newer = replace(value_op, op_id=str(uuid.uuid4()), field="asked_again_on", value="2026-11-23", base=(),
                    dseq=None, chain=None, vhash=None)
    with jo.transaction() as session:
        assert merge.apply_ops(session, [newer], "a newer version").new_ops == 1
    open_visit(alex, visit_id).set_answer(template, item, NOT_MET)
    sync(alex, folder)
    paths["fields"].clear(), paths["whole"].clear()
    sync(jo, folder)
    assert value_op.entity_id in paths["whole"] and value_op.entity_id not in paths["fields"]
    assert open_visit(jo, visit_id).checklists[template].record(item).answer == NOT_MET


def test_a_change_pointing_at_a_row_made_in_the_same_push_is_applied(tmp_path: Path) -> None:
    """A provider's lead commissioner set to a commissioner made in the same push: the provider must
    not be written before the commissioner exists (the foreign key failed, and every later pull
    stopped on it)."""
    from qa_desktop.domain.service_types import ServiceType
    from qa_desktop.services import providers as provider_service
    from qa_desktop.services.register import add_provider
    from qa_desktop.store.database import Store
    from qa_desktop.store.models import Provider
    from qa_desktop.sync.engine import sync
    from qa_desktop.sync.folder import FolderStore

    a, b = Store(tmp_path / "a", actor="alex"), Store(tmp_path / "b", actor="kim")
    folder = FolderStore(tmp_path / "shared")
    with a.write() as changes:
        provider_id = add_provider(changes, name="Harbour View", service_type=ServiceType.RESIDENTIAL,
                                   urn="SC700105").id
    sync(a, folder)
    sync(b, folder)
    commissioner_id = provider_service.add_commissioner(a, name="Jo Commissioner")
    provider_service.edit_provider(a, provider_id, {"lead_commissioner_id": commissioner_id})
    sync(a, folder)
    sync(b, folder)
    with b.read() as session:
        provider = session.get(Provider, provider_id)
        assert provider is not None and provider.lead_commissioner_id == commissioner_id


def test_a_pull_applies_its_change_files_in_units_of_several(laptops, folder, library, monkeypatch):
    """Change files are applied a unit of several at a time (one transaction each, with the cursor
    after its last file): fewer rewrites of the same pages of the log (issue 22); the rows are the same."""
    alex, jo, sam = laptops("alex", "jo", "sam")
    visit_id = make_visit(alex, library)
    items = first_items(alex, visit_id, 10)
    sync(alex, folder), sync(jo, folder)
    monkeypatch.setattr(folder_module, "SEGMENT_OPS", 4)
    monkeypatch.setattr(engine, "PULL_OPS", 10)
    for number, (template, item) in enumerate(items):
        open_visit(alex, visit_id).set_answer(template, item, MET if number % 3 else NOT_MET)
        open_visit(alex, visit_id).set_note(template, item, f"Note \u00e9 {number}")
    sent = sync(alex, folder).pushed
    units, original = [], engine._apply

    def counted(store, session, store_key, source, opened, report):
        units.append(len(opened.ops))
        original(store, session, store_key, source, opened, report)

    monkeypatch.setattr(engine, "_apply", counted)
    assert sync(jo, folder).pulled == sent
    files = -(-sent // 4)
    assert sum(units) == sent and len(units) == -(-files // 3)  # 3 files of 4 reach a unit of 10
    monkeypatch.undo()
    sync(sam, folder)
    assert rows(jo) == rows(sam)


def test_received_changes_are_stored_as_their_laptop_stored_them(laptops, folder, library):
    """The log's rows of received changes (written straight to the driver) hold the same text as the
    laptop that made them wrote (through SQLAlchemy's JSON columns): values, bases, links, hashes."""
    alex, jo = laptops("alex", "jo")
    awkward_answers(alex, library)
    sync(alex, folder), sync(jo, folder)
    made, received = ops_of(alex, alex.device_id), ops_of(jo, alex.device_id)
    assert len(made) > 30 and made == received
    assert any(row[3] == "note" and "\\u00eb" in row[4] for row in received)


def test_rows_brought_up_to_date_are_stored_as_rows_made_whole(laptops, folder, library, paths):
    """Rows updated field by field (straight through the driver) hold the same stored text as rows
    another laptop made whole through SQLAlchemy: times, enums, JSON, flags."""
    alex, jo, sam = laptops("alex", "jo", "sam")
    visit_id = make_visit(alex, library)
    items = first_items(alex, visit_id, 4)
    for template, item in items:
        open_visit(alex, visit_id).set_answer(template, item, MET)
    sync(alex, folder), sync(jo, folder)
    for number, (template, item) in enumerate(items):
        open_visit(alex, visit_id).set_answer(template, item, NOT_MET if number % 2 else NOT_APPLICABLE)
        open_visit(alex, visit_id).set_note(template, item, f"Zo\u00eb {number}")
    sync(alex, folder)
    paths["fields"].clear()
    sync(jo, folder)
    assert len(paths["fields"]) == 4  # jo's answers took the field-by-field path
    sync(sam, folder)

    def stored(store) -> list[tuple]:
        with store.read() as session:
            names = [c.name for c in SYNCED_MODELS[0].metadata.tables["answers"].columns if c.name != "created_at"]
            listed = ", ".join(f'"{n}", typeof("{n}")' for n in names)
            return sorted(tuple(row) for row in session.connection().exec_driver_sql(f"SELECT {listed} FROM answers"))

    assert stored(jo) == stored(sam)
    with jo.transaction() as session:  # a time on the second, which the driver's own adapter writes shorter
        answer_id = session.connection().exec_driver_sql("SELECT id FROM answers LIMIT 1").scalar()
        _update_rows(session, SYNCED_MODELS[0].metadata.tables["answers"],
                           [{"id": answer_id, "updated_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)}])
    with jo.read() as session:
        assert session.connection().exec_driver_sql("SELECT updated_at FROM answers WHERE id = ?",
                                                    (answer_id,)).scalar() == "2026-01-01 00:00:00.000000"


def test_a_change_to_a_number_is_brought_up_to_date_as_the_log_holds_it(laptops, folder, paths, monkeypatch):
    """A change whose value is a bare number (a setting's capacity) is not taken from memory as the
    other changes of a pull are (``update_fields``' ``added_after``: SQLite may store a number's JSON
    text as another number): the row still takes the field-by-field path, reading the log, and holds
    what a laptop that made the row whole holds."""
    alex, jo, sam = laptops("alex", "jo", "sam")
    provider_id = derived_id("provider", "urn", "SC700111")
    setting_id = derived_id("setting", provider_id)
    with alex.write() as changes:
        changes.create(Provider, id=provider_id, name="Birch House", service_type=ServiceType.RESIDENTIAL,
                       urn="SC700111")
        changes.create(Setting, id=setting_id, provider_id=provider_id, name="Birch House", capacity=3)
    sync(alex, folder), sync(jo, folder)
    with alex.write() as changes:
        changes.update(changes.session.get(Setting, setting_id), capacity=4)
    with alex.write() as changes:
        changes.update(changes.session.get(Setting, setting_id), capacity=5, postcode="ME4 4TB")
    sync(alex, folder)
    paths["fields"].clear(), paths["whole"].clear()
    read_up_to: list[int | None] = []
    chunk = merge._update_fields_chunk

    def spy_chunk(session, model, fields_of, result, updates, newest_before, **options):
        read_up_to.append(options.get("added_after"))
        return chunk(session, model, fields_of, result, updates, newest_before, **options)

    monkeypatch.setattr(merge, "_update_fields_chunk", spy_chunk)
    sync(jo, folder)
    assert setting_id in paths["fields"]  # brought up to date field by field
    assert read_up_to and set(read_up_to) == {None}  # every op read from the log, none taken from memory
    sync(sam, folder)
    assert rows(jo) == rows(sam)
    with jo.read() as session:
        setting = session.get(Setting, setting_id)
        assert (setting.capacity, setting.postcode) == (5, "ME4 4TB")


def _collector_watched(store, shared) -> tuple[dict[str, set[bool]], bool]:
    """Whether the cycle collector was on as each step of a sync said how far it had got, and after."""
    seen: dict[str, set[bool]] = {}
    sync(store, shared, progress=lambda message, done, total: seen.setdefault(message, set()).add(gc.isenabled()))
    return seen, gc.isenabled()


def test_the_cycle_collector_rests_while_changes_are_sent_and_received(laptops, folder, library, monkeypatch):
    """A push, as a pull, runs with Python's cycle collector paused (each full collection walked the
    whole program: eight of 70-95 ms in a push of 100,000, issue 22) and collects the young cycles
    after each batch; the collector is on again after, and left off where it was off before."""
    alex, jo = laptops("alex", "jo")
    visit_id = make_visit(alex, library)
    monkeypatch.setattr(engine, "PUSH_BATCH", 3)
    young: list[int] = []
    real_collect = gc.collect
    monkeypatch.setattr(engine.gc, "collect", lambda generation=2: young.append(generation) or real_collect(generation))
    seen, after = _collector_watched(alex, folder)
    assert seen["Sending changes"] == {False} and after
    assert young and set(young) == {1}  # the young generations alone, once per batch
    seen, after = _collector_watched(jo, folder)
    assert seen["Receiving changes"] == {False} and after
    for template, item in first_items(alex, visit_id, 4):
        open_visit(alex, visit_id).set_answer(template, item, MET)
    gc.disable()
    try:
        seen, after = _collector_watched(alex, folder)
        assert seen["Sending changes"] == {False} and not after  # the caller's pause is the caller's
    finally:
        gc.enable()


def test_a_pulled_rows_time_is_written_as_sqlalchemy_writes_it() -> None:
    """``_update_rows``' processor of a UTC date-time (every row a pull brings up to date has one) gives
    SQLAlchemy's text for every value: aware UTC ones by its own way, any other as before (a naive one
    refused alike)."""
    from sqlalchemy.dialects import sqlite

    from qa_desktop.store.models import Answer
    dialect = sqlite.dialect()
    column_type = Answer.__table__.c.updated_at.type
    ours = _bind_processor(column_type, dialect)
    theirs = column_type.dialect_impl(dialect).bind_processor(dialect)
    assert ours is not None and theirs is not None and ours is not theirs
    moments = [dt.datetime(2026, 1, 1, tzinfo=dt.UTC), dt.datetime(2000, 2, 29, 23, 59, 59, 999999, tzinfo=dt.UTC),
               dt.datetime(9999, 12, 31, 1, 2, 3, 4000, tzinfo=dt.UTC), dt.datetime(1, 1, 1, tzinfo=dt.UTC),
               dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))),
               dt.datetime.fromtimestamp(1767225600.123, tz=dt.UTC), None]
    moments += [oplog.OpRecord("a", "answers", "x", "value", "met", f"{ms:016d}:00001", "d", "Alex").at
                for ms in (1767225600123, 1767225600001, 946684800000, 253402300799999)]
    for moment in moments:
        assert ours(moment) == theirs(moment), moment
    with pytest.raises(ValueError):
        theirs(dt.datetime(2026, 1, 1))
    with pytest.raises(ValueError):
        ours(dt.datetime(2026, 1, 1))
    assert _bind_processor(Answer.__table__.c.value.type, dialect) is not None  # others: SQLAlchemy's
