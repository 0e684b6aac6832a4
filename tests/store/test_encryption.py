"""Encryption at rest: nothing readable without the key; a lost key is said plainly and recovered
from the shared store; a database from before encryption is encrypted in place."""

from __future__ import annotations

import sqlite3

import pytest
from PIL import Image
from sqlalchemy import text

from qa_desktop.cli import main
from qa_desktop.credentials import SERVICE
from qa_desktop.forms.library import TemplateLibrary
from qa_desktop.paths import DATABASE_NAME
from qa_desktop.services.demo import load_demo
from qa_desktop.services.visits import open_visit
from qa_desktop.store.database import Store, make_engine, migrate
from qa_desktop.store.keys import KeyLost, key_account
from qa_desktop.sync.engine import sync
from qa_desktop.sync.folder import FolderStore
from tests.sync.conftest import make_visit

SECRET_NOTE = "Fire door wedged open outside the bedroom of the youngest resident"


def every_file(folder):
    return [p for p in folder.rglob("*") if p.is_file()]


def test_nothing_on_disk_is_readable_without_the_key(tmp_path, memory_keyring):
    store = Store(tmp_path / "data", actor="alex")
    load_demo(store)
    from sqlalchemy import select

    from qa_desktop.domain.visits import VisitStatus
    from qa_desktop.store.models import Visit
    with store.read() as session:
        visit_id = session.scalars(select(Visit.id).where(Visit.status == VisitStatus.IN_PROGRESS)).one()
    visit = open_visit(store, visit_id)
    key, checklist = next(iter(visit.checklists.items()))
    item = checklist.visible_items()[1].key
    visit.set_note(key, item, SECRET_NOTE)
    Image.new("RGB", (320, 240), (200, 30, 30)).save(tmp_path / "door.jpg")
    blob = visit.attach_photo(key, item, tmp_path / "door.jpg", "Wedged door")
    photo = store.blobs.read(blob)
    store.close()

    files = every_file(tmp_path / "data")
    assert any(p.name == DATABASE_NAME for p in files) and any(p.name == blob for p in files)
    needles = [b"Harbour View", b"Maple Lodge", b"Harbourlight", b"SC700101", SECRET_NOTE.encode(), b"Wedged door",
               "Zoë Ní Bhriain".encode(), photo[200:232], b"SQLite format 3", photo[:11]]  # JPEG's JFIF header
    for path in files:
        raw = path.read_bytes()
        for needle in needles:
            assert needle not in raw, (path.name, needle[:20])
    with pytest.raises(sqlite3.DatabaseError):  # a plain SQLite reader sees noise
        sqlite3.connect(tmp_path / "data" / DATABASE_NAME).execute("SELECT * FROM providers").fetchall()

    again = Store(tmp_path / "data", actor="alex")  # with the key, all of it is there
    assert open_visit(again, visit_id).checklists[key].record(item).note == SECRET_NOTE
    assert again.blobs.read(blob) == photo


def test_a_lost_key_is_said_plainly_and_recover_starts_again_from_the_shared_store(tmp_path, memory_keyring, capsys):
    data, shared = tmp_path / "data", tmp_path / "shared"
    store = Store(data, actor="alex")
    visit_id = make_visit(store, TemplateLibrary.load())
    sync(store, FolderStore(shared))
    main(["sync-settings", "--data-dir", str(data), "--folder", str(shared)])
    store.close()
    del memory_keyring.secrets[(SERVICE, key_account(data))]  # a reset keyring

    with pytest.raises(KeyLost, match="no longer holds its key"):
        Store(data, actor="alex")
    capsys.readouterr()
    assert main(["providers", "--data-dir", str(data)]) == 3
    assert "qa-desktop recover" in capsys.readouterr().err
    before = sorted(p.name for p in data.iterdir())

    assert main(["recover", "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out
    assert "unreadable files are kept in" in out and "Recovered from the shared store" in out
    (aside,) = [p for p in data.iterdir() if p.name.startswith("unreadable-")]
    assert (aside / DATABASE_NAME).exists()  # never deleted: the key may turn up
    recovered = Store(data, actor="alex")
    assert open_visit(recovered, visit_id).checklists
    assert DATABASE_NAME in before
    assert main(["recover", "--data-dir", str(data)]) == 0
    assert "Nothing to recover" in capsys.readouterr().out


def test_a_database_from_before_encryption_is_encrypted_in_place_with_its_photos(tmp_path, memory_keyring):
    data = tmp_path / "data"
    data.mkdir()
    plain = make_engine(data / DATABASE_NAME)  # no key: as laptops had it before this release
    migrate(plain)
    with plain.begin() as connection:
        connection.execute(text("INSERT INTO local_state (key, value) VALUES ('device_id', 'old-device')"))
    plain.dispose()
    photo = b"\xff\xd8\xff\xe0" + b"old photo bytes" * 50
    import hashlib
    digest = hashlib.sha256(photo).hexdigest()
    (data / "blobs" / digest[:2]).mkdir(parents=True)
    (data / "blobs" / digest[:2] / digest).write_bytes(photo)

    store = Store(data, actor="alex")
    assert store.device_id == "old-device"  # the same data, now encrypted
    raw = (data / DATABASE_NAME).read_bytes()
    assert not raw.startswith(b"SQLite format 3") and b"old-device" not in raw
    assert photo not in (data / "blobs" / digest[:2] / digest).read_bytes()
    assert store.blobs.read(digest) == photo
    assert not (data / f"{DATABASE_NAME}.encrypting").exists()
