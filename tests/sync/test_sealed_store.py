"""The shared store holds only ciphertext (issue 15, point 1): the folder's change files, photos and
every other file, PostgreSQL's values, all sealed under a team key kept only in the laptops'
keyrings; a laptop joins with a one-time code or a key file; a store of the previous version is
converted and its plain files removed."""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import hashlib
import json
import uuid
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import create_engine, insert, inspect, select, text

from qa_desktop.cli import main
from qa_desktop.credentials import SERVICE
from qa_desktop.forms.checklist import NOT_MET
from qa_desktop.services.visits import open_visit
from qa_desktop.store.database import Store
from qa_desktop.store.models import Op, Provider, Visit
from qa_desktop.store.oplog import op_record
from qa_desktop.sync.engine import status, sync
from qa_desktop.sync.folder import FolderStore
from qa_desktop.sync.postgres import PostgresStore, legacy_metadata, sync_blobs, sync_ops
from qa_desktop.sync.sealing import new_code, seal_invitation
from qa_desktop.sync.stores import StoreUnavailable
from qa_desktop.sync.team import JoinError, MemoryTeamKeyring, NeedsTeamKey, expires_at, join, join_from_file
from qa_desktop.sync.wire import digest, encode_ops
from tests.conftest import CLOCK_START
from tests.sync.conftest import first_items, make_visit, snapshot

NOTE = "Medication cabinet unlocked at 10:40, keys left on the side"
CAPTION = "Unlocked cabinet beside the kitchen"
ACTION = "Fit a lock to the medication cabinet"
#: What must never be readable in a shared store: the provider, the address, officers, a note, a
#: caption, an action, a photo.
SECRETS = ("Harbour View", "CT9 1AA", "Alex Patel", "Jo Morgan", NOTE, CAPTION, ACTION, "officer.alex")


def _workflow(store: Store, library, tmp_path: Path) -> tuple[str, str]:
    """A visit with an answer, a note, a photo and an action; returns (visit id, photo hash)."""
    visit_id = make_visit(store, library)
    (first, second) = first_items(store, visit_id, 2)
    visit = open_visit(store, visit_id)
    visit.set_answer(*first, NOT_MET)
    visit.set_note(*first, NOTE)
    Image.new("RGB", (80, 60), "orange").save(tmp_path / "cabinet.jpg")
    blob = visit.attach_photo(*second, tmp_path / "cabinet.jpg", CAPTION)
    from qa_desktop.domain.timescales import ConcernLevel
    visit.raise_action(*first, ACTION, ConcernLevel.MEDIUM, CLOCK_START)
    return visit_id, blob


def _leaks(data: bytes, photo: bytes | None = None) -> list[str]:
    found = [s for s in SECRETS for form in (s.encode(), s.encode("utf-16-le")) if form in data]
    if b"JFIF" in data or (photo is not None and photo[:64] in data):
        found.append("a photo")
    if data[:2] == b"\x1f\x8b":
        with contextlib.suppress(OSError):
            found += [f"{s} (gzip)" for s in SECRETS if s.encode() in gzip.decompress(data)]
    return found


def _folder_leaks(root: Path, photo: bytes | None = None) -> dict[str, list[str]]:
    return {p.relative_to(root).as_posix(): leaks for p in sorted(root.rglob("*"))
            if p.is_file() and (leaks := _leaks(p.read_bytes(), photo))}


def test_the_shared_folder_holds_only_ciphertext(laptops, library, tmp_path):
    alex, jo = laptops("officer.alex", "officer.jo")
    _visit_id, blob = _workflow(alex, library, tmp_path)
    shared = tmp_path / "shared"
    sync(alex, FolderStore(shared)), sync(jo, FolderStore(shared)), sync(alex, FolderStore(shared))
    assert snapshot(jo) == snapshot(alex)
    assert jo.blobs.read(blob) == alex.blobs.read(blob)
    assert _folder_leaks(shared, alex.blobs.read(blob)) == {}
    listed = {p.relative_to(shared).parts[0] for p in shared.rglob("*") if p.is_file()}
    assert listed <= {"team.json", "changes", "photos", "keys"}
    marker = json.loads((shared / "team.json").read_text())
    assert set(marker) == {"format", "version", "store_id", "check", "converted_from"}
    # the team key is in the laptops' keyrings, nowhere in the folder
    team = FolderStore(shared).team
    assert team.secret.hex().encode() not in b"".join(p.read_bytes() for p in shared.rglob("*") if p.is_file())


def test_a_laptop_without_the_team_key_joins_with_a_one_time_code_that_works_once(laptops, library, tmp_path):
    alex, jo = laptops("alex", "jo")
    shared = tmp_path / "shared"
    alex_keys, jo_keys = MemoryTeamKeyring(), MemoryTeamKeyring()
    make_visit(alex, library)
    store = FolderStore(shared, alex_keys)  # set up here: alex's laptop makes the team key
    sync(alex, store)
    with pytest.raises(NeedsTeamKey, match="encrypted with the team key, which this laptop does not hold") as raised:
        FolderStore(shared, jo_keys)
    needs = raised.value
    code = new_code()
    invite = str(uuid.uuid4())
    store.put_invitation(invite, seal_invitation(store.team, code, invite, expires_at(CLOCK_START)))
    assert _folder_leaks(shared) == {}
    assert store.team.secret not in (shared / "invites" / f"{invite}.invite").read_bytes()
    with pytest.raises(JoinError, match="does not open any invitation"):
        join(needs, "AAAA-BBBB-CCCC", jo_keys, CLOCK_START)
    join(needs, code.lower().replace("-", " "), jo_keys, CLOCK_START)  # as typed by hand
    assert jo_keys.get(store.store_id).secret == store.team.secret
    assert not (shared / "invites" / f"{invite}.invite").exists()  # used once, gone
    with pytest.raises(JoinError):
        join(needs, code, MemoryTeamKeyring(), CLOCK_START)
    sync(jo, FolderStore(shared, jo_keys))
    assert snapshot(jo) == snapshot(alex)

    late = str(uuid.uuid4())  # an invitation past its days is refused
    store.put_invitation(late, seal_invitation(store.team, code, late, expires_at(CLOCK_START - dt.timedelta(days=8))))
    with pytest.raises(JoinError, match="has expired"):
        join(needs, code, MemoryTeamKeyring(), CLOCK_START)


def test_a_key_file_on_a_stick_with_its_code_adds_a_laptop(laptops, library, tmp_path):
    alex, jo = laptops("alex", "jo")
    shared = tmp_path / "shared"
    alex_keys, jo_keys = MemoryTeamKeyring(), MemoryTeamKeyring()
    store = FolderStore(shared, alex_keys)
    code = new_code()
    stick = tmp_path / "stick" / "team.qakey"
    stick.parent.mkdir()
    stick.write_bytes(seal_invitation(store.team, code, str(uuid.uuid4()), expires_at(CLOCK_START)))
    assert store.team.secret.hex().encode() not in stick.read_bytes()
    with pytest.raises(JoinError, match="does not open with that code"):
        join_from_file(stick, "AAAA-BBBB-CCCC", jo_keys, CLOCK_START)
    join_from_file(stick, code, jo_keys, CLOCK_START)
    sync(alex, store)
    make_visit(alex, library)
    sync(alex, store)
    sync(jo, FolderStore(shared, jo_keys))
    assert snapshot(jo) == snapshot(alex)


def test_add_laptop_and_join_from_the_command_line(tmp_path, memory_keyring, capsys, library):
    alex_dir, jo_dir, shared = tmp_path / "alex", tmp_path / "jo", tmp_path / "shared"
    assert main(["sync-settings", "--data-dir", str(alex_dir), "--folder", str(shared)]) == 0
    out = capsys.readouterr().out
    assert "A new encrypted shared store was set up there; this laptop made its team key" in out
    alex = Store(alex_dir, actor="alex")
    make_visit(alex, library)
    alex.close()
    assert main(["sync", "--data-dir", str(alex_dir)]) == 0
    store_id = json.loads((shared / "team.json").read_text())["store_id"]
    team_entry = (SERVICE, f"team-key:{store_id}")
    secret = memory_keyring.secrets[team_entry]
    capsys.readouterr()

    assert main(["add-laptop", "--data-dir", str(alex_dir)]) == 0
    code = capsys.readouterr().out.split("Code: ")[1].split()[0]
    del memory_keyring.secrets[team_entry]  # Jo's laptop: its own keyring, without the key
    assert main(["sync-settings", "--data-dir", str(jo_dir), "--folder", str(shared)]) == 0
    assert "which this laptop does not hold yet" in capsys.readouterr().out
    assert main(["sync", "--data-dir", str(jo_dir)]) == 3
    assert "qa-desktop join CODE" in capsys.readouterr().err
    assert main(["join", "WRONG-CODE-0000", "--data-dir", str(jo_dir)]) == 2
    assert "does not open any invitation" in capsys.readouterr().err
    assert main(["join", code, "--data-dir", str(jo_dir)]) == 0
    assert memory_keyring.secrets[team_entry] == secret
    assert main(["sync", "--data-dir", str(jo_dir)]) == 0
    assert "received" in capsys.readouterr().out

    key_file = tmp_path / "stick" / "team.qakey"
    assert main(["add-laptop", "--key-file", str(key_file), "--data-dir", str(alex_dir)]) == 0
    code = capsys.readouterr().out.split("Code: ")[1].split()[0]
    del memory_keyring.secrets[team_entry]
    assert main(["join", code, "--key-file", str(key_file), "--data-dir", str(jo_dir)]) == 0
    assert memory_keyring.secrets[team_entry] == secret


def test_a_change_waits_for_its_record_key_and_applies_when_the_key_arrives(laptops, library, tmp_path):
    """A sync client may deliver the change file before the record key's file: the change is kept
    and applied at a later sync, nothing lost."""
    alex, jo = laptops("alex", "jo")
    shared = tmp_path / "shared"
    visit_id, _ = _workflow(alex, library, tmp_path)
    sync(alex, FolderStore(shared))
    keys = {p: p.read_bytes() for p in (shared / "keys").iterdir()}
    assert keys and all(p.name.startswith(visit_id) for p in keys)  # the visit's own key, wrapped
    for path in keys:
        path.unlink()  # not delivered yet
    report = sync(jo, FolderStore(shared))
    assert report.waiting_for_keys > 0 and "waiting for their record's key" in report.summary()
    assert any("waiting for the key of the record" in line for line in status(jo).lines())  # the status bar says it
    with jo.read() as session:  # the provider and its setting (no record key) are there; the visit waits
        assert session.scalars(select(Provider.name)).all() == ["Harbour View"]
        assert session.get(Visit, visit_id) is None
    for path, data in keys.items():
        path.write_bytes(data)
    report = sync(jo, FolderStore(shared))
    assert report.waiting_for_keys == 0
    assert snapshot(jo) == snapshot(alex)


def test_a_damaged_or_replaced_team_marker_is_said_and_changes_nothing(laptops, library, tmp_path):
    (alex,) = laptops("alex")
    shared = tmp_path / "shared"
    make_visit(alex, library)
    sync(alex, FolderStore(shared))
    marker = json.loads((shared / "team.json").read_text())
    (shared / "team.json").write_text(json.dumps({**marker, "check": "0" * 32}))
    with pytest.raises(StoreUnavailable, match="does not match"):
        FolderStore(shared)
    (shared / "other").mkdir()
    (shared / "other" / "x").write_text("not a store")
    with pytest.raises(StoreUnavailable, match=r"holds files but no team\.json"):
        FolderStore(shared / "other")


# -- a store of the previous version -----------------------------------------------------------------

def _write_previous_version_folder(root: Path, laptop: Store) -> None:
    """What the previous version left in a shared folder: store.json, plain gzip change files in
    devices/<id>/ and plain photos in blobs/."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "store.json").write_text(json.dumps({"format": "qa-desktop-sync-folder", "version": 1,
                                                 "store_id": str(uuid.uuid4())}))
    with laptop.read() as session:
        ops = [op_record(r) for r in session.execute(select(Op.__table__).order_by(Op.hlc))]
    plain = [op.__class__(*[getattr(op, f) for f in ("op_id", "entity", "entity_id", "field", "value", "hlc",
                                                      "device_id", "actor", "base", "wall")]) for op in ops]
    body = gzip.compress(encode_ops(plain), mtime=0)
    header = {"format": "qa-desktop-ops", "version": 1, "device_id": laptop.device_id, "number": 1,
              "count": len(plain), "sha256": digest(body)}
    folder = root / "devices" / laptop.device_id
    folder.mkdir(parents=True)
    (folder / "00000001.ops").write_bytes(json.dumps(header).encode() + b"\n" + body)
    (folder / "device.json").write_text(json.dumps({"format": "qa-desktop-device", "version": 1,
                                                    "device_id": laptop.device_id, "user": "Alex Patel"}))
    for path in (laptop.data_dir / "blobs").rglob("*"):
        if path.is_file():
            data = laptop.blobs.read(path.name)
            (root / "blobs" / path.name[:2]).mkdir(parents=True, exist_ok=True)
            (root / "blobs" / path.name[:2] / path.name).write_bytes(data)


def test_a_plain_folder_of_the_previous_version_is_converted_and_its_plain_files_removed(laptops, library, tmp_path):
    alex, jo = laptops("officer.alex", "officer.jo")
    shared = tmp_path / "shared"
    visit_id, blob = _workflow(alex, library, tmp_path)
    _write_previous_version_folder(shared, alex)
    photo = alex.blobs.read(blob)
    assert _folder_leaks(shared, photo)  # as the previous version left it: readable

    report = sync(jo, FolderStore(shared))  # the first updated laptop converts it
    assert (shared / "team.json").exists()
    assert report.plain_removed > 0 and "unencrypted file(s) from before removed" in report.summary()
    assert open_visit(jo, visit_id).checklists[first_items(alex, visit_id, 1)[0][0]]
    assert jo.blobs.read(blob) == photo
    sync(alex, FolderStore(shared))  # alex's laptop, updated: sends its own again, sealed
    sync(jo, FolderStore(shared))
    assert snapshot(jo) == snapshot(alex)
    assert _folder_leaks(shared, photo) == {}
    assert not (shared / "devices").exists() and not (shared / "blobs").exists()
    assert not (shared / "store.json").exists()
    newcomer = Store(tmp_path / "sam", actor="sam")  # a laptop set up after: everything, from sealed files only
    try:
        sync(newcomer, FolderStore(shared))
        assert snapshot(newcomer) == snapshot(alex) and newcomer.blobs.read(blob) == photo
    finally:
        newcomer.close()


# -- PostgreSQL --------------------------------------------------------------------------------------

def _database_leaks(url: str, password: str, photo: bytes) -> dict[str, list[str]]:
    """Every value of every table of the server, searched for the secrets."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://").replace("@", f":{password}@", 1))
    found: dict[str, list[str]] = {}
    try:
        with engine.connect() as connection:
            for table in inspect(connection).get_table_names():
                for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                    for value in row:
                        data = bytes(value) if isinstance(value, (bytes, memoryview)) else str(value).encode()
                        if leaks := _leaks(data, photo):
                            found.setdefault(table, []).extend(leaks)
    finally:
        engine.dispose()
    return found


@pytest.mark.slow
def test_postgresql_holds_only_ciphertext_and_a_plain_server_of_the_previous_version_is_converted(
        laptops, library, tmp_path, postgres_url, postgres_server):
    alex, jo = laptops("officer.alex", "officer.jo")
    _visit_id, blob = _workflow(alex, library, tmp_path)
    photo = alex.blobs.read(blob)
    password = postgres_server["password"]
    # as the previous version left the server: plain rows and photos
    engine = create_engine(postgres_url.replace("postgresql://", "postgresql+psycopg://")
                           .replace("@", f":{password}@", 1))
    with engine.begin() as connection:
        legacy_metadata.create_all(connection)
        connection.execute(text("CREATE TABLE IF NOT EXISTS qa_sync_meta (key varchar(60) PRIMARY KEY, value text "
                                "NOT NULL)"))
        connection.execute(text("INSERT INTO qa_sync_meta VALUES ('store_id', :id)"), {"id": str(uuid.uuid4())})
        with alex.read() as session:
            rows = [{k: v for k, v in op_record(r).as_dict().items() if k not in ("dseq", "chain", "vhash")}
                    | {"pushed_by": alex.device_id} for r in session.execute(select(Op.__table__))]
        connection.execute(insert(sync_ops), rows)
        connection.execute(insert(sync_blobs).values(digest=blob, data=photo))
    engine.dispose()
    assert _database_leaks(postgres_url, password, photo)

    report = sync(jo, PostgresStore(postgres_url, password))  # converts: reads the plain rows, seals, empties them
    assert report.plain_removed > 0
    sync(alex, PostgresStore(postgres_url, password))
    sync(jo, PostgresStore(postgres_url, password))
    assert snapshot(jo) == snapshot(alex) and jo.blobs.read(blob) == photo
    assert _database_leaks(postgres_url, password, photo) == {}
    assert hashlib.sha256(photo).hexdigest() == blob
