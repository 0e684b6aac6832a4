"""Two officers, two laptops, no network: a visit goes across in a bundle file and comes back merged.
Through the workspace, a bundle import and a sync each say which records they brought in."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from PIL import Image
from sqlalchemy import select

from qa_desktop.forms.checklist import MET, NOT_APPLICABLE, NOT_MET
from qa_desktop.services.visits import open_visit
from qa_desktop.store.models import Answer, Setting, Visit
from qa_desktop.sync.bundle import NO_KEYS, BundleKeys, NeedsCode, export_bundle, import_bundle, seal, unseal
from qa_desktop.sync.conflicts import list_conflicts
from qa_desktop.sync.wire import SyncFileError, digest
from qa_desktop.workspace import SYNC_STATE, Workspace
from qa_desktop.workspace.sync import FOLDER, SyncSettings
from tests.sync.conftest import first_items, make_visit, snapshot


def test_an_unannounced_visit_goes_to_the_second_laptop_and_comes_back_merged(laptops, library, tmp_path):
    alex, jo = laptops("alex", "jo")
    visit_id = make_visit(alex, library)
    out = export_bundle(alex, tmp_path / "to-jo", visit_id=visit_id)
    assert out.path.name == "to-jo.qabundle" and out.ops > 0
    assert out.code and len(out.code) == 14
    raw = out.path.read_bytes()
    assert b"Harbour View" not in raw and b"PK\x03\x04" not in raw  # encrypted: a lost stick says nothing
    with pytest.raises(NeedsCode, match="enter the code"):
        import_bundle(jo, out.path)
    with pytest.raises(NeedsCode, match="the code is wrong"):
        import_bundle(jo, out.path, code="AAAA-BBBB-CCCC")
    report = import_bundle(jo, out.path, code=out.code.lower().replace("-", " "))  # as typed by hand
    # jo's laptop has never seen this provider
    assert report.waiting_rows == 0 and report.pulled == out.ops
    on_jo = open_visit(jo, visit_id)
    assert list(on_jo.checklists) == list(open_visit(alex, visit_id).checklists)

    items = first_items(alex, visit_id, 4)
    shared_item = items[0]
    open_visit(alex, visit_id).set_answer(*items[1], MET)          # Alex's section
    open_visit(alex, visit_id).set_answer(*shared_item, MET)
    Image.new("RGB", (40, 30), "purple").save(tmp_path / "jo.jpg")
    jo_visit = open_visit(jo, visit_id)
    jo_visit.set_answer(*items[2], NOT_APPLICABLE)                   # Jo's section
    jo_visit.set_note(*items[3], "Medication cabinet unlocked at 10:40")
    blob = jo_visit.attach_photo(*items[3], tmp_path / "jo.jpg", "Cabinet")
    jo_visit.set_answer(*shared_item, NOT_MET)                      # both answered this one

    back = export_bundle(jo, tmp_path / "to-alex.qabundle", visit_id=visit_id)
    assert back.photos == 1
    import_bundle(alex, back.path, code=back.code)
    merged = open_visit(alex, visit_id)
    assert merged.checklists[items[1][0]].record(items[1][1]).answer == MET
    assert merged.checklists[items[2][0]].record(items[2][1]).answer == NOT_APPLICABLE
    record = merged.checklists[items[3][0]].record(items[3][1])
    assert record.note == "Medication cabinet unlocked at 10:40" and record.evidence[0].blob == blob
    assert alex.blobs.is_intact(blob)
    (conflict,) = list_conflicts(alex)
    assert sorted(v.value for v in conflict.values) == [MET, NOT_MET]
    assert "visit 22 Nov 2026" in conflict.what and conflict.what.endswith("answer")
    again = import_bundle(alex, back.path, code=back.code)
    assert again.pulled == 0  # importing twice changes nothing


def _inner(path, code=None, keys=NO_KEYS):
    return zipfile.ZipFile(io.BytesIO(unseal(path.read_bytes(), path.name, code=code, keys=keys)))


def _rewrite(path, code=None, keys=NO_KEYS, **members):
    """What someone holding the key could do: open the bundle, change it, seal it again."""
    with _inner(path, code, keys) as archive:
        contents = {name: archive.read(name) for name in archive.namelist()}
    contents.update(members)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in contents.items():
            archive.writestr(name, data)
    path.write_bytes(seal(buffer.getvalue(), code=code, keys=keys))


def test_damaged_truncated_and_tampered_bundles_are_refused_and_nothing_changes(laptops, library, tmp_path):
    alex, jo = laptops("alex", "jo")
    visit_id = make_visit(alex, library)
    out = export_bundle(alex, tmp_path / "good", visit_id=visit_id)
    good, code = out.path, out.code
    before = snapshot(jo)
    cases = {}
    (tmp_path / "cut.qabundle").write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    cases["cut.qabundle"] = "the code is wrong, or the file was changed or damaged"
    (tmp_path / "photo.jpg.qabundle").write_bytes(b"\xff\xd8\xff\xe0 a photo, not a bundle")
    cases["photo.jpg.qabundle"] = "not a QA Desktop bundle"
    edited = tmp_path / "edited.qabundle"
    edited.write_bytes(good.read_bytes())
    with _inner(good, code) as archive:
        ops = archive.read("ops.jsonl")
    _rewrite(edited, code, **{"ops.jsonl": ops.replace(b"Harbour View", b"Harbour Vuew")})
    cases["edited.qabundle"] = "checksum does not match"
    bad_op = tmp_path / "bad-op.qabundle"
    bad_op.write_bytes(good.read_bytes())
    forged = ops.replace(b'"entity":"providers"', b'"entity":"../../etc"', 1)
    with _inner(good, code) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    manifest["ops_sha256"] = digest(forged)
    _rewrite(bad_op, code, **{"ops.jsonl": forged, "manifest.json": json.dumps(manifest)})
    flipped = bytearray(good.read_bytes())
    flipped[-40] ^= 1
    (tmp_path / "flipped.qabundle").write_bytes(bytes(flipped))
    cases["flipped.qabundle"] = "the code is wrong, or the file was changed or damaged"
    cases["bad-op.qabundle"] = "is unreadable (op has a bad entity)"
    for name, words in cases.items():
        with pytest.raises(SyncFileError) as raised:
            import_bundle(jo, tmp_path / name, code=code)
        assert str(raised.value).startswith(name) and words in str(raised.value), str(raised.value)
    assert snapshot(jo) == before
    assert import_bundle(jo, good, code=code).pulled > 0  # the good one still goes in


def test_with_the_team_key_any_laptop_of_the_team_opens_a_bundle_and_no_other(laptops, library, tmp_path):
    """A bundle made on a laptop of the team is sealed with the shared store's team key: another
    laptop of the team opens it without a code; a laptop of another team, or none, cannot."""
    from qa_desktop.sync.sealing import TeamKey

    alex, jo = laptops("alex", "jo")
    visit_id = make_visit(alex, library)
    team = TeamKey.new("6f5c4e14-7a8a-4b4e-9f0e-7a9f3b1f2c11")
    out = export_bundle(alex, tmp_path / "team", visit_id=visit_id, team=team)
    assert out.code is None  # the team key encrypts it: no code to pass on
    with pytest.raises(SyncFileError, match="team key of a shared store this laptop has not joined"):
        import_bundle(jo, out.path)
    with pytest.raises(SyncFileError, match="team key of a shared store this laptop has not joined"):
        import_bundle(jo, out.path, keys=BundleKeys(team=TeamKey.new("00000000-0000-4000-8000-000000000000")))
    with pytest.raises(SyncFileError, match="made by another team"):  # the same store's id, another key
        import_bundle(jo, out.path, keys=BundleKeys(team=TeamKey.new(team.store_id)))
    assert import_bundle(jo, out.path, keys=BundleKeys(team=team)).pulled > 0


def test_a_bundle_of_the_version_before_signed_with_its_team_sync_key_still_imports(laptops, library, tmp_path):
    """Bundles made before the store had a team key were sealed with a typed team sync key and signed:
    still read with that key, and a forged signature still refused."""
    from qa_desktop.sync.wire import signature

    alex, jo = laptops("alex", "jo")
    visit_id = make_visit(alex, library)
    made = export_bundle(alex, tmp_path / "made", visit_id=visit_id)
    old = BundleKeys(legacy="k3y")
    with _inner(made.path, made.code) as archive:
        ops = archive.read("ops.jsonl")
        manifest = json.loads(archive.read("manifest.json"))
    manifest["signature"] = signature("k3y", manifest["bundle_id"], manifest["ops_sha256"], *manifest["photos"])
    signed = tmp_path / "signed.qabundle"
    signed.write_bytes(made.path.read_bytes())
    _rewrite(signed, made.code, **{"manifest.json": json.dumps(manifest)})
    with _inner(signed, made.code) as archive:
        contents = {name: archive.read(name) for name in archive.namelist()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in contents.items():
            archive.writestr(name, data)
    signed.write_bytes(seal(buffer.getvalue(), keys=old))  # as the version before sealed it
    with pytest.raises(SyncFileError, match="team sync key of the version before"):
        import_bundle(jo, signed)
    forged = tmp_path / "forged.qabundle"
    forged.write_bytes(signed.read_bytes())
    manifest["ops_sha256"] = digest(ops.replace(b"Harbour View", b"Harbour Vuew"))
    manifest["signature"] = "0" * 64
    _rewrite(forged, keys=old, **{"ops.jsonl": ops.replace(b"Harbour View", b"Harbour Vuew"),
                                  "manifest.json": json.dumps(manifest)})
    with pytest.raises(SyncFileError, match="signature that does not match"):
        import_bundle(jo, forged, keys=old)
    assert import_bundle(jo, signed, keys=old).pulled > 0


def _answered(store, library, count=3):
    """A visit with ``count`` answers; its id, its provider's id and the answers' ids."""
    visit_id = make_visit(store, library)
    visit = open_visit(store, visit_id)
    for template, item in first_items(store, visit_id, count):
        visit.set_answer(template, item, MET)
    with store.read() as session:
        answers = frozenset(session.scalars(select(Answer.id).where(Answer.visit_id == visit_id)))
        provider_id = session.scalar(select(Setting.provider_id).join(Visit, Visit.setting_id == Setting.id)
                                     .where(Visit.id == visit_id))
    return visit_id, provider_id, answers


def test_a_bundle_import_names_the_visit_and_answers_it_brought_in(laptops, library, tmp_path):
    alex, jo = laptops("alex", "jo")
    visit_id, provider_id, answers = _answered(alex, library)
    out = Workspace(alex).sync.export_bundle(visit_id, tmp_path / "to-jo").value
    on_jo = Workspace(jo)
    with pytest.raises(NeedsCode) as needed:
        on_jo.sync.import_bundle(out.path)
    assert "enter the code" in needed.value.reason
    changes = on_jo.sync.import_bundle(out.path, out.code).changes
    assert changes.ids("visits") == {visit_id} and changes.ids("answers") == answers
    assert changes.touches_visit(visit_id) and changes.touches_provider(provider_id)


def test_a_sync_names_what_it_brought_in_even_when_the_screens_heard_it_first(laptops, library, tmp_path):
    """The window polls the op log while a sync runs (``catch_up``) and may tell the screens of a
    batch before the sync ends; the sync's own ``Done`` still names every record it applied, and
    nothing the laptop wrote itself."""
    alex, jo = laptops("alex", "jo")
    shared = SyncSettings(FOLDER, str(tmp_path / "shared"))
    visit_id, provider_id, answers = _answered(alex, library)
    Workspace(alex).sync.run(settings=shared)
    on_jo = Workspace(jo)
    heard = []
    on_jo.subscribe(heard.append)
    done = on_jo.sync.run(lambda message, count, total: on_jo.catch_up(), settings=shared)
    assert done.value.pulled > 0 and heard[0].touches_visit(visit_id)  # told mid-sync, by the poll
    changes = done.changes
    assert changes.ids("visits") == {visit_id} and changes.ids("answers") == answers
    assert changes.touches_visit(visit_id) and changes.touches_provider(provider_id) and SYNC_STATE in changes.named
    again = on_jo.sync.run(settings=shared).changes
    assert not again.records and again.named == {SYNC_STATE}  # nothing new: only the last-synced time


def _forged_plain_zip(alex, good, code, path):
    """What anyone can make without a key or a code: a plain zip in the bundle layout, its manifest
    consistent, holding one forged op (the visit set to completed "by qa.lead")."""
    import uuid

    with _inner(good, code) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        ops = [json.loads(line) for line in archive.read("ops.jsonl").splitlines()]
    status = next(op for op in ops if op["entity"] == "visits" and op["field"] == "status")
    forged_op = {**status, "op_id": str(uuid.uuid4()), "value": "completed", "actor": "qa.lead",
                 "hlc": alex.hlc.now().encode(), "base": [status["op_id"]]}
    body = (json.dumps(forged_op) + "\n").encode()
    manifest.update(ops=1, ops_sha256=digest(body), photos=[], bundle_id=str(uuid.uuid4()), actor="qa.lead")
    manifest.pop("signature", None)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        archive.writestr("ops.jsonl", body)
    return path


def test_a_plain_zip_bundle_is_refused_with_or_without_a_team_key_and_changes_nothing(laptops, library, tmp_path):
    alex, jo = laptops("alex", "jo")
    visit_id = make_visit(alex, library)
    out = export_bundle(alex, tmp_path / "visit", visit_id=visit_id)
    import_bundle(jo, out.path, code=out.code)
    forged = _forged_plain_zip(alex, out.path, out.code, tmp_path / "forged.qabundle")
    before = snapshot(jo)
    for keys in (NO_KEYS, BundleKeys(legacy="k3y")):
        with pytest.raises(SyncFileError) as raised:
            import_bundle(jo, forged, keys=keys)
        assert str(raised.value).startswith("forged.qabundle") and "not encrypted" in str(raised.value)
        assert snapshot(jo) == before
    with jo.read() as session:
        assert session.get(Visit, visit_id).status.value != "completed"


@pytest.mark.parametrize(("limit", "value", "words"), [
    ("MAX_OPS_BYTES", 1000, "of changes when unpacked, more than a bundle may (1,000 bytes)"),
    ("MAX_OP_LINE_BYTES", 200, "change 1 is longer than any change may be (more than 200 bytes)"),
    ("MAX_BUNDLE_OPS", 3, "holds more than 3 changes, more than a bundle may"),
    ("MAX_MANIFEST", 100, "more than a manifest may be (100 bytes)"),
    ("MAX_MEMBERS", 1, "more than a bundle may (1 files)"),
    ("MAX_BUNDLE_BYTES", 1000, "larger than any bundle can be (1,000 bytes)"),
])
def test_a_bundle_over_a_limit_is_refused_with_its_name_and_the_limit(laptops, library, tmp_path, monkeypatch,
                                                                      limit, value, words):
    from qa_desktop.sync import bundle

    alex, jo = laptops("alex", "jo")
    out = export_bundle(alex, tmp_path / "visit", visit_id=make_visit(alex, library))
    before = snapshot(jo)
    monkeypatch.setattr(bundle, limit, value)
    with pytest.raises(SyncFileError) as raised:
        import_bundle(jo, out.path, code=out.code)
    assert str(raised.value).startswith("visit.qabundle") and words in str(raised.value), str(raised.value)
    assert snapshot(jo) == before
    monkeypatch.undo()
    assert import_bundle(jo, out.path, code=out.code).pulled == out.ops


def test_a_sealed_zip_bomb_is_refused_before_it_is_unpacked(laptops, tmp_path, monkeypatch):
    """What took 5.7 GB and ended in MemoryError: a small bundle whose ops.jsonl unpacks to far more.
    Here 64 MB of one long line (the limits lowered to keep the test small): refused at the line limit,
    having read a few MB of it, not all."""
    from qa_desktop.sync import bundle

    (jo,) = laptops("jo")
    body = b'{"op_id": "' + b"9" * (64 * 1024 * 1024) + b'"}\n'
    manifest = {"format": bundle.FORMAT, "version": bundle.VERSION, "bundle_id": "b", "ops": 1,
                "ops_sha256": digest(body), "photos": []}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        archive.writestr("ops.jsonl", body)
    path = tmp_path / "bomb.qabundle"
    path.write_bytes(seal(buffer.getvalue(), code="AAAA-BBBB-CCCC"))
    assert path.stat().st_size < 1024 * 1024
    read = []
    real_readline = zipfile.ZipExtFile.readline
    monkeypatch.setattr(zipfile.ZipExtFile, "readline", lambda self, limit=-1: read.append(limit)
                        or real_readline(self, limit))
    before = snapshot(jo)
    with pytest.raises(SyncFileError, match=r"^bomb.qabundle: change 1 is longer than any change may be "
                                            r"\(more than 16 MB\)"):
        import_bundle(jo, path, code="AAAA-BBBB-CCCC")
    assert read == [bundle.MAX_OP_LINE_BYTES + 1]  # one bounded read, then refused
    assert snapshot(jo) == before


def test_a_bundle_is_merged_in_batches_and_an_import_cut_short_goes_on_when_imported_again(laptops, library,
                                                                                           tmp_path, monkeypatch):
    from qa_desktop.sync import bundle, engine

    alex, jo, sam = laptops("alex", "jo", "sam")
    visit_id, _, _ = _answered(alex, library)
    out = export_bundle(alex, tmp_path / "visit", visit_id=visit_id)
    monkeypatch.setattr(bundle, "PULL_BATCH", 7)
    monkeypatch.setattr(engine, "PULL_OPS", 7)  # each batch applied in a transaction of its own
    assert out.ops > 3 * 7
    whole = import_bundle(sam, out.path, code=out.code)
    assert whole.pulled == out.ops and whole.waiting_rows == 0

    real_batch = bundle.BundleStore._batch
    def cut(self, index, ops, part):
        if index == 2:
            raise KeyboardInterrupt  # the laptop switched off in the middle
        return real_batch(self, index, ops, part)
    monkeypatch.setattr(bundle.BundleStore, "_batch", cut)
    with pytest.raises(KeyboardInterrupt):
        import_bundle(jo, out.path, code=out.code)
    monkeypatch.setattr(bundle.BundleStore, "_batch", real_batch)
    again = import_bundle(jo, out.path, code=out.code)
    assert again.pulled == out.ops - 2 * 7  # the two batches already in are not read again
    assert snapshot(jo) == snapshot(sam)
    assert import_bundle(jo, out.path, code=out.code).pulled == 0


def test_a_note_with_a_line_separator_goes_across_in_a_bundle(laptops, library, tmp_path):
    """json.dumps leaves U+2028 and U+0085 as they are; ops.jsonl is split on newlines only, so a note
    pasted from a web page with one in it is not cut in two."""
    alex, jo = laptops("alex", "jo")
    visit_id = make_visit(alex, library)
    (template, item), = first_items(alex, visit_id, 1)
    note = "Fire door propped open.\u2028Manager told.\x85Seen again at 11:00."
    open_visit(alex, visit_id).set_note(template, item, note)
    out = export_bundle(alex, tmp_path / "visit", visit_id=visit_id)
    import_bundle(jo, out.path, code=out.code)
    assert open_visit(jo, visit_id).checklists[template].record(item).note == note


def test_export_streams_the_bundle_and_memory_stays_far_below_its_size(laptops, library, tmp_path):
    """Export built the whole bundle in memory (and refused anything over 2 GB): it is now written a
    batch of changes and a photo at a time, encrypted on the way to the file. 24 photos of 1 MB that
    do not compress: the export's peak of Python memory stays a fraction of the 24 MB bundle."""
    import os
    import tracemalloc

    alex, jo = laptops("alex", "jo")
    visit_id = make_visit(alex, library)
    items = first_items(alex, visit_id, 1)
    evidence = [{"blob": alex.blobs.put_bytes(os.urandom(1024 * 1024)), "caption": f"photo {n}"} for n in range(24)]
    open_visit(alex, visit_id).set_answer(*items[0], MET)
    with alex.write() as changes:
        answer = changes.session.scalars(select(Answer).where(Answer.visit_id == visit_id)).first()
        changes.update(answer, evidence=evidence)
    tracemalloc.start()
    try:
        out = export_bundle(alex, tmp_path / "big", visit_id=None)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert out.photos == 24 and out.path.stat().st_size > 24 * 1024 * 1024
    assert peak < 8 * 1024 * 1024, f"peak {peak:,} bytes"  # about two photos' worth, not the bundle
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".writing-")]
    report = import_bundle(jo, out.path, code=out.code)
    assert report.pulled == out.ops and report.photos_fetched == 24
    assert snapshot(jo) == snapshot(alex)


def test_an_export_over_a_limit_is_refused_in_words_and_leaves_no_file(laptops, library, tmp_path, monkeypatch):
    from qa_desktop.sync import bundle

    (alex,) = laptops("alex")
    make_visit(alex, library)
    monkeypatch.setattr(bundle, "MAX_BUNDLE_BYTES", 4096 + 2000)
    with pytest.raises(SyncFileError, match=r"^everything.qabundle: would be more than a bundle can be "
                                            r"\(2.0 KB, reached after .*export one visit at a time; nothing"):
        export_bundle(alex, tmp_path / "everything")
    monkeypatch.setattr(bundle, "MAX_BUNDLE_BYTES", 10 ** 9)
    monkeypatch.setattr(bundle, "MAX_OPS_BYTES", 1000)
    with pytest.raises(SyncFileError, match=r"more than 1,000 bytes of changes.*nothing was written"):
        export_bundle(alex, tmp_path / "everything")
    assert list(tmp_path.glob("*.qabundle")) == [] and not list(tmp_path.glob(".writing-*"))
