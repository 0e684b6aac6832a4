"""A sync with nothing to do costs what is new, not the history (issue 22): a laptop that only
receives moves its push mark past what it received (so neither the next sync nor the status bar goes
through it again), and photos are looked for in the answers whose photo list changed since the last
look, plus those still missing, not in every answer ever given. Nothing to send is lost by it, and a
photo is still fetched however its answer arrived."""

from __future__ import annotations

from PIL import Image
from sqlalchemy import select, text

from qa_desktop.forms.checklist import MET, NOT_MET
from qa_desktop.services.visits import open_visit
from qa_desktop.store.models import Op
from qa_desktop.store.oplog import op_record
from qa_desktop.sync import engine
from qa_desktop.sync.engine import status, sync
from qa_desktop.sync.merge import apply_ops
from qa_desktop.sync.postgres import PostgresStore
from tests.sync.conftest import first_items, make_visit, photo_in


def _mark_and_end(store, key):
    with store.read() as session:
        mark = session.execute(text("SELECT value FROM local_state WHERE key = :k"), {"k": f"sync.pushed.{key}"})
        end = session.execute(text("SELECT max(rowid) FROM ops")).scalar()
        return int(mark.scalar() or 0), end


def _receive_only_then_edit(alex, jo, shared_alex, shared_jo, library):
    visit_id = make_visit(alex, library)
    items = first_items(alex, visit_id, 5)
    for template, item in items:
        open_visit(alex, visit_id).set_answer(template, item, MET)
    sync(alex, shared_alex)
    sync(jo, shared_jo)  # receives everything, sends nothing of its own
    sync(jo, shared_jo)  # nothing to do
    mark, end = _mark_and_end(jo, shared_jo.key)
    assert mark == end  # past every op it received: the next sync starts from here
    assert status(jo, shared_jo.key, count_up_to=10).waiting == 0

    template, item = items[0]
    open_visit(jo, visit_id).set_answer(template, item, NOT_MET)  # its own change, after the mark
    assert status(jo, shared_jo.key, count_up_to=10).waiting == 1
    assert sync(jo, shared_jo).pushed == 1
    assert _mark_and_end(jo, shared_jo.key)[0] == _mark_and_end(jo, shared_jo.key)[1]
    sync(alex, shared_alex)
    assert open_visit(alex, visit_id).checklists[template].record(item).answer == NOT_MET


def test_a_laptop_that_only_receives_moves_its_mark_past_what_it_received(laptops, folder, library):
    alex, jo = laptops("alex", "jo")
    _receive_only_then_edit(alex, jo, folder, folder, library)


def test_the_same_through_postgresql(laptops, library, postgres_url, postgres_server):
    alex, jo = laptops("alex", "jo")
    stores = [PostgresStore(postgres_url, postgres_server["password"]) for _ in range(2)]
    try:
        _receive_only_then_edit(alex, jo, stores[0], stores[1], library)
    finally:
        for store in stores:
            store.close()


def test_an_edit_saved_while_the_mark_moves_is_still_sent(laptops, folder, library, monkeypatch):
    """The mark moves to the log's end as read in the snapshot that found nothing to send: an edit
    saved after that snapshot (the window, while a sync runs) comes after it and goes."""
    alex, jo = laptops("alex", "jo")
    visit_id = make_visit(alex, library)
    (template, item), = first_items(alex, visit_id, 1)
    sync(alex, folder), sync(jo, folder)
    original = engine._past_received

    def edit_first(store, store_key, end):
        if store is jo and not edited:
            open_visit(jo, visit_id).set_answer(template, item, NOT_MET)
            edited.append(True)
        original(store, store_key, end)

    edited: list[bool] = []

    monkeypatch.setattr(engine, "_past_received", edit_first)
    sync(jo, folder)
    monkeypatch.setattr(engine, "_past_received", original)
    waiting = status(jo, folder.key, count_up_to=10).waiting
    assert edited and waiting > 0  # the answer made while the mark moved
    assert sync(jo, folder).pushed == waiting
    sync(alex, folder)
    assert open_visit(alex, visit_id).checklists[template].record(item).answer == NOT_MET


def test_an_idle_sync_reads_no_photo_list(laptops, folder, library, monkeypatch):
    alex, jo = laptops("alex", "jo")
    visit_id = make_visit(alex, library)
    for template, item in first_items(alex, visit_id, 3):
        open_visit(alex, visit_id).set_answer(template, item, MET)
    sync(alex, folder)
    sync(jo, folder)  # the first look reads every answer once
    asked: list[list[str] | None] = []
    original = engine._answer_photos

    def counting(session, answer_ids):
        asked.append(None if answer_ids is None else list(answer_ids))
        return original(session, answer_ids)

    monkeypatch.setattr(engine, "_answer_photos", counting)
    report = sync(jo, folder)
    assert report.pulled == 0 and asked == [[]]
    (template, item), = first_items(alex, visit_id, 1)
    open_visit(alex, visit_id).set_answer(template, item, NOT_MET)  # the answer, not its photos
    sync(alex, folder)
    asked.clear()
    sync(jo, folder)
    assert asked == [[]]


def test_a_missing_photo_is_looked_for_until_it_comes_and_only_its_answer_is_read(laptops, folder, library,
                                                                                  tmp_path, monkeypatch):
    alex, jo = laptops("alex", "jo")
    visit_id = make_visit(alex, library)
    (template, item), = first_items(alex, visit_id, 1)
    sync(alex, folder), sync(jo, folder)
    Image.new("RGB", (40, 30), "blue").save(tmp_path / "p.jpg")
    blob = open_visit(alex, visit_id).attach_photo(template, item, tmp_path / "p.jpg", "Kitchen")
    sync(alex, folder)
    stored = photo_in(folder, blob, visit_id)
    held = stored.read_bytes()
    stored.unlink()  # a sync client has not copied it yet
    assert sync(jo, folder).photos_missing == [blob]
    asked: list[list[str] | None] = []
    original = engine._answer_photos
    monkeypatch.setattr(engine, "_answer_photos", lambda s, ids: asked.append(ids) or original(s, ids))
    assert sync(jo, folder).photos_missing == [blob]  # still looked for, with nothing new arriving
    (answer_ids,) = asked
    assert answer_ids is not None and len(answer_ids) == 1
    stored.write_bytes(held)
    report = sync(jo, folder)
    assert report.photos_fetched == 1 and jo.blobs.is_intact(blob)
    asked.clear()
    assert sync(jo, folder).photos_missing == [] and asked == [[]]  # found: no longer looked for


def test_a_photo_whose_answer_arrived_outside_a_sync_is_fetched(laptops, folder, library, tmp_path):
    """Answers also arrive by a recovery's salvage or held changes an officer accepts: the photos
    they name are found by the op log's position, not by what a sync says it brought."""
    alex, jo = laptops("alex", "jo")
    visit_id = make_visit(alex, library)
    (template, item), = first_items(alex, visit_id, 1)
    sync(alex, folder), sync(jo, folder), sync(jo, folder)
    Image.new("RGB", (40, 30), "red").save(tmp_path / "p.jpg")
    blob = open_visit(alex, visit_id).attach_photo(template, item, tmp_path / "p.jpg", "Garden")
    sync(alex, folder)
    with alex.read() as session:
        ops = [op_record(row) for row in session.execute(select(Op.__table__))]
    with jo.transaction() as session:
        assert apply_ops(session, ops, "recovered").new_ops > 0
    assert not jo.blobs.path(blob).exists()
    report = sync(jo, folder)
    assert report.pulled == 0  # nothing new came by the sync itself
    assert report.photos_fetched == 1 and jo.blobs.is_intact(blob)
