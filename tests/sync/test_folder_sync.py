"""Sync through a shared folder: the guarantees of issue 6, each with two or three real laptops (stores)."""

from __future__ import annotations

from PIL import Image
from sqlalchemy import select

from qa_desktop.forms.checklist import MET, NOT_APPLICABLE, NOT_MET
from qa_desktop.services.visits import open_visit
from qa_desktop.store.models import Provider, Visit
from qa_desktop.sync.conflicts import list_conflicts, resolve
from qa_desktop.sync.engine import status, sync
from tests.sync.conftest import first_items, make_visit, photo_in, snapshot


def test_a_visit_started_on_one_laptop_opens_on_another_with_its_answers(laptops, folder, library):
    alex, jo = laptops("alex", "jo")
    visit_id = make_visit(alex, library)
    (template, item), = first_items(alex, visit_id, 1)
    open_visit(alex, visit_id).set_answer(template, item, NOT_MET)
    report = sync(alex, folder)
    assert report.pushed > 0 and report.pulled == 0
    report = sync(jo, folder)
    assert report.pulled == report.pushed + report.pulled and report.pulled > 0 and report.waiting_rows == 0
    on_jo = open_visit(jo, visit_id)
    assert on_jo.checklists[template].record(item).answer == NOT_MET
    assert snapshot(jo) == snapshot(alex)


def test_syncing_twice_changes_nothing(laptops, folder, library):
    alex, jo = laptops("alex", "jo")
    make_visit(alex, library)
    sync(alex, folder), sync(jo, folder), sync(alex, folder)
    before = (snapshot(alex), snapshot(jo), _files(folder))
    again = [sync(alex, folder), sync(jo, folder), sync(alex, folder)]
    assert [r.pushed + r.pulled for r in again] == [0, 0, 0]
    # not a file written either (a sync client would copy it to everyone): same names, bytes, times
    assert (snapshot(alex), snapshot(jo), _files(folder)) == before
    assert status(alex).waiting == 0 and status(alex).last_synced is not None
    assert status(alex).unsent == status(alex).unreadable == ()


def _files(folder) -> dict:
    return {p.relative_to(folder.root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in folder.root.rglob("*") if p.is_file()}


def test_two_officers_answering_differently_keep_both_answers_until_one_is_chosen(laptops, folder, library):
    alex, jo = laptops("alex", "jo")
    visit_id = make_visit(alex, library)
    sync(alex, folder), sync(jo, folder)
    (template, item), (other_template, other_item) = first_items(alex, visit_id, 2)
    open_visit(alex, visit_id).set_answer(template, item, MET)
    open_visit(jo, visit_id).set_answer(template, item, NOT_MET)
    open_visit(jo, visit_id).set_answer(other_template, other_item, NOT_APPLICABLE)  # no clash here
    for laptop in (alex, jo, alex):
        sync(laptop, folder)
    assert snapshot(alex) == snapshot(jo)
    conflicts = list_conflicts(alex)
    assert len(conflicts) == 1 and list_conflicts(jo)[0].key == conflicts[0].key
    conflict = conflicts[0]
    assert sorted(v.value for v in conflict.values) == [MET, NOT_MET]
    assert {v.actor for v in conflict.values} == {"alex", "jo"}
    shown = open_visit(alex, visit_id).checklists[template].record(item).answer
    assert shown == conflict.values[0].value  # the winner is shown everywhere, the other kept beside it
    assert open_visit(jo, visit_id).checklists[template].record(item).answer == shown
    assert open_visit(jo, visit_id).checklists[other_template].record(other_item).answer == NOT_APPLICABLE

    resolve(jo, conflict.key, NOT_MET)
    assert list_conflicts(jo) == []
    sync(jo, folder), sync(alex, folder)
    assert list_conflicts(alex) == []
    assert open_visit(alex, visit_id).checklists[template].record(item).answer == NOT_MET
    assert snapshot(alex) == snapshot(jo)


def test_the_same_answer_on_both_laptops_is_not_a_conflict(laptops, folder, library):
    alex, jo = laptops("alex", "jo")
    visit_id = make_visit(alex, library)
    sync(alex, folder), sync(jo, folder)
    (template, item), = first_items(alex, visit_id, 1)
    open_visit(alex, visit_id).set_answer(template, item, MET)
    open_visit(jo, visit_id).set_note(template, item, "Seen the fire log.")
    open_visit(jo, visit_id).set_answer(template, item, MET)
    for laptop in (alex, jo, alex):
        sync(laptop, folder)
    assert list_conflicts(alex) == [] and list_conflicts(jo) == []
    record = open_visit(alex, visit_id).checklists[template].record(item)
    assert (record.answer, record.note) == (MET, "Seen the fire log.")


def test_editing_a_conflicted_answer_does_not_silently_resolve_it(laptops, folder, library):
    alex, jo = laptops("alex", "jo")
    visit_id = make_visit(alex, library)
    sync(alex, folder), sync(jo, folder)
    (template, item), = first_items(alex, visit_id, 1)
    open_visit(alex, visit_id).set_answer(template, item, MET)
    open_visit(jo, visit_id).set_answer(template, item, NOT_MET)
    sync(alex, folder), sync(jo, folder), sync(alex, folder)
    current, other = list_conflicts(alex)[0].values
    shown_on, other_laptop = (alex, jo) if current.actor == "alex" else (jo, alex)
    # the officer whose answer is shown changes it: the other officer's answer must not vanish
    open_visit(shown_on, visit_id).set_answer(template, item, NOT_APPLICABLE)
    sync(shown_on, folder), sync(other_laptop, folder)
    for laptop in (alex, jo):
        values = sorted(v.value for v in list_conflicts(laptop)[0].values)
        assert values == sorted([NOT_APPLICABLE, other.value])
    # the officer whose answer lost, having seen the current one, answers again: that is a decision
    open_visit(other_laptop, visit_id).set_answer(template, item, MET)
    sync(other_laptop, folder), sync(shown_on, folder)
    assert list_conflicts(alex) == list_conflicts(jo) == []
    assert open_visit(shown_on, visit_id).checklists[template].record(item).answer == MET


def test_photos_from_both_officers_on_one_item_are_all_kept(laptops, folder, library, tmp_path):
    alex, jo = laptops("alex", "jo")
    visit_id = make_visit(alex, library)
    sync(alex, folder), sync(jo, folder)
    (template, item), = first_items(alex, visit_id, 1)
    photos = []
    for name, colour in (("a.jpg", "red"), ("b.jpg", "blue")):
        Image.new("RGB", (64, 48), colour).save(tmp_path / name)
        photos.append(tmp_path / name)
    blob_a = open_visit(alex, visit_id).attach_photo(template, item, photos[0], "Kitchen")
    blob_b = open_visit(jo, visit_id).attach_photo(template, item, photos[1], "Garden")
    for laptop in (alex, jo, alex):
        sync(laptop, folder)
    for laptop in (alex, jo):
        evidence = open_visit(laptop, visit_id).checklists[template].record(item).evidence
        assert {e.blob for e in evidence} == {blob_a, blob_b}
        assert laptop.blobs.is_intact(blob_a) and laptop.blobs.is_intact(blob_b)
    assert list_conflicts(alex) == []
    assert snapshot(alex) == snapshot(jo)


def test_a_photo_missing_from_the_store_is_fetched_by_a_later_sync(laptops, folder, library, tmp_path):
    alex, jo = laptops("alex", "jo")
    visit_id = make_visit(alex, library)
    (template, item), = first_items(alex, visit_id, 1)
    Image.new("RGB", (64, 48), "green").save(tmp_path / "p.jpg")
    blob = open_visit(alex, visit_id).attach_photo(template, item, tmp_path / "p.jpg", "Boiler")
    sync(alex, folder)
    stored = photo_in(folder, blob, visit_id)
    held = stored.read_bytes()
    assert b"JFIF" not in held  # sealed: the store cannot see the photo
    stored.unlink()  # e.g. a sync client that has not copied it yet
    report = sync(jo, folder)
    assert report.photos_missing == [blob]
    assert open_visit(jo, visit_id).checklists[template].record(item).evidence[0].caption == "Boiler"
    stored.write_bytes(held[:100])  # half-copied: refused, still missing
    report = sync(jo, folder)
    assert report.photos_missing == [blob] and any("cannot be opened" in p for p in report.problems)
    assert not jo.blobs.path(blob).exists()
    stored.write_bytes(held)
    report = sync(jo, folder)
    assert report.photos_fetched == 1 and jo.blobs.is_intact(blob)


def test_deletions_propagate_and_do_not_come_back(laptops, folder, library):
    alex, jo, sam = laptops("alex", "jo", "sam")
    visit_id = make_visit(alex, library)
    for laptop in (alex, jo, sam):
        sync(laptop, folder)
    with jo.write() as changes:
        changes.delete(changes.session.get(Visit, visit_id))
    with sam.write() as changes:  # sam, not having seen it, edits the visit meanwhile
        changes.update(changes.session.get(Visit, visit_id), officers=["Alex Patel", "Sam Reid"])
    for laptop in (jo, sam, alex, jo, sam):
        sync(laptop, folder)
    for laptop in (alex, jo, sam):
        with laptop.read() as session:
            visit = session.get(Visit, visit_id)
            assert visit.deleted is True and visit.officers == ["Alex Patel", "Sam Reid"]
    assert snapshot(alex) == snapshot(jo) == snapshot(sam)


def test_status_counts_changes_waiting_to_go(laptops, folder, library):
    alex, = laptops("alex")
    make_visit(alex, library)
    sync(alex, folder)
    with alex.write() as changes:
        provider = changes.session.scalars(select(Provider)).one()
        changes.update(provider, notes="Manager changed in October", capacity=5)
    assert status(alex, folder.key).waiting == 2
    sync(alex, folder)
    assert status(alex, folder.key).waiting == 0
