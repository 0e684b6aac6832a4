"""Retention purges everywhere (issue 15, point 3): after the purge syncs, no content of the purged
records is readable in the shared folder or PostgreSQL (even with the team key), in any laptop's
database, log, photos or reports; an edit made offline after the purge brings nothing back."""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import json
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select, text

from qa_desktop.domain.visits import VisitStatus
from qa_desktop.services.documents import reopen_visit
from qa_desktop.services.reports import write_visit_report
from qa_desktop.services.retention import apply_retention, past_retention
from qa_desktop.services.visits import open_visit
from qa_desktop.store.database import Store
from qa_desktop.store.models import Answer, Visit
from qa_desktop.sync.engine import sync
from qa_desktop.sync.folder import FolderStore
from qa_desktop.sync.postgres import PostgresStore
from qa_desktop.sync.sealing import RecordKey, SealError
from qa_desktop.sync.wire import decode_ops
from tests.conftest import TODAY
from tests.sync.conftest import first_items, make_visit, snapshot

OLD_NOTE = "2020: a child was restrained in the lounge by two staff"
CAPTION = "Bruise photographed on the forearm"
OFFLINE = "Written on a laptop that was offline when the visit was deleted"


def everything_in(store: Store) -> str:
    """Every value of every table of a laptop's database, the op log included, as one text."""
    found = []
    with store.read() as session:
        tables = [row[0] for row in session.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))]
        for table in tables:
            for row in session.execute(text(f'SELECT * FROM "{table}"')):
                found.append(" ".join(str(v) for v in row))
    return "\n".join(found)


def readable_with_the_team_key(root: Path) -> str:
    """What someone holding the team key (a team laptop) can read in a shared folder: every change
    file opened, and every value whose record key the folder still holds."""
    store = FolderStore(root)
    keys = {}
    for path in (root / "keys").glob("*.key"):
        unit, key_id, _ = path.name.split(".")
        keys[f"{unit}:{key_id}"] = store.team.unwrap(unit, key_id, path.read_bytes())
    found = []
    for path in sorted((root / "changes").rglob("*.ops")):
        head, _, body = path.read_bytes().partition(b"\n")
        header = json.loads(head)
        plain = gzip.decompress(store.team.open("changes", body, f"{header['device_id']}|{header['number']}|"
                                                                 f"{header['count']}"))
        found.append(plain.decode())
        for op in decode_ops(plain, path.name):
            if op.sealed and op.sealed.count(":") == 2 and ":".join(op.sealed.split(":")[:2]) in keys:
                key: RecordKey = keys[":".join(op.sealed.split(":")[:2])]
                with contextlib.suppress(SealError):
                    found.append(json.dumps(key.open_value(op.sealed, f"{op.op_id}|{op.entity}|{op.entity_id}|"
                                                                      f"{op.field}")))
    for path in (root / "photos").rglob("*"):
        if path.is_file():
            found.append(path.read_bytes().decode("latin-1"))
    return "\n".join(found)


def _old_visit(alex: Store, library, tmp_path: Path) -> tuple[str, tuple[str, str], str]:
    visit_id = make_visit(alex, library)
    item = first_items(alex, visit_id, 1)[0]
    visit = open_visit(alex, visit_id)
    visit.set_note(*item, OLD_NOTE)
    Image.new("RGB", (60, 40), (120, 20, 20)).save(tmp_path / "arm.jpg")
    photo = visit.attach_photo(*item, tmp_path / "arm.jpg", CAPTION)
    with alex.write() as changes:  # done and completed six years ago
        changes.update(changes.session.get(Visit, visit_id), visit_date=dt.date(2020, 6, 1),
                       status=VisitStatus.COMPLETED)
    return visit_id, item, photo


def _purge(store: Store) -> None:
    with store.read() as session:
        expired = past_retention(session, TODAY)
    assert expired
    apply_retention(store, expired)


def _shared(kind: str, tmp_path: Path, postgres_url: str | None, password: str | None):
    if kind == "folder":
        return lambda: FolderStore(tmp_path / "shared")
    return lambda: PostgresStore(postgres_url, password)


@pytest.mark.parametrize("kind", ["folder", "postgresql"])
def test_a_purge_reaches_every_laptop_and_the_store_and_an_offline_edit_brings_nothing_back(
        laptops, library, tmp_path, kind, request):
    postgres_url = password = None
    if kind == "postgresql":
        postgres_url = request.getfixturevalue("postgres_url")
        password = request.getfixturevalue("postgres_server")["password"]
    shared = _shared(kind, tmp_path, postgres_url, password)
    alex, jo, sam, kim = laptops("alex", "jo", "sam", "kim")
    visit_id, item, photo = _old_visit(alex, library, tmp_path)
    for laptop in (alex, jo, sam, kim):
        sync(laptop, shared())
    jo_report = write_visit_report(jo, visit_id).path  # Jo's own PDF of it
    with alex.read() as session:
        answer_id = session.scalars(select(Answer.id).where(Answer.visit_id == visit_id,
                                                            Answer.item_key == item[1])).one()
    assert OLD_NOTE in everything_in(jo) and jo.blobs.is_intact(photo)

    # Sam reopens the completed visit and edits the note while offline: Sam syncs again only after the
    # purge reached the store
    reopen_visit(sam, visit_id, OFFLINE + " (sam's reason)")
    open_visit(sam, visit_id).set_note(*item, OFFLINE + " (sam)")
    # Kim edits it too, and sends the edit before anyone deletes the visit
    reopen_visit(kim, visit_id, OFFLINE + " (kim's reason)")
    open_visit(kim, visit_id).set_note(*item, OFFLINE + " (kim)")
    sync(kim, shared())

    _purge(alex)
    sync(alex, shared())
    for laptop in (jo, sam, kim, jo, sam, kim, alex):
        sync(laptop, shared())

    for laptop in (alex, jo, sam, kim):
        dump = everything_in(laptop)
        for secret in (OLD_NOTE, CAPTION, OFFLINE):
            assert secret not in dump, (laptop.actor, secret)
        assert not laptop.blobs.path(photo).exists(), laptop.actor
        assert not (laptop.data_dir / "reports" / visit_id).exists(), laptop.actor
        with laptop.read() as session:
            answer = session.get(Answer, answer_id)
            assert answer.deleted and answer.note is None and answer.evidence in (None, [])
            assert session.get(Visit, visit_id).deleted
    assert not jo_report.exists()
    assert snapshot(jo) == snapshot(alex) == snapshot(sam) == snapshot(kim)

    if kind == "folder":
        readable = readable_with_the_team_key(tmp_path / "shared")
        for secret in (OLD_NOTE, CAPTION, OFFLINE):
            assert secret not in readable, secret
        assert not [p for p in (tmp_path / "shared" / "keys").iterdir() if p.name.startswith(visit_id)
                    and p.name.endswith(".key")]
        assert (tmp_path / "shared" / "keys" / f"{visit_id}.shredded").exists()
    else:
        store = shared()
        try:
            assert visit_id in store.shredded_units()
            assert not [ref for ref in store.record_key_ids() if ref.startswith(visit_id)]
        finally:
            store.close()

    # a laptop set up after the purge gets the visit as the purge left it, and nothing of the rest
    late = Store(tmp_path / "late", actor="late")
    try:
        sync(late, shared())
        dump = everything_in(late)
        assert all(secret not in dump for secret in (OLD_NOTE, CAPTION, OFFLINE))
        assert snapshot(late) == snapshot(alex)
    finally:
        late.close()


def test_a_bundle_made_before_the_purge_brings_nothing_back(laptops, library, tmp_path):
    """A bundle of the visit from before it was deleted, imported after: its values are taken as blank."""
    from qa_desktop.sync.bundle import export_bundle, import_bundle

    alex, jo = laptops("alex", "jo")
    visit_id, _item, _ = _old_visit(alex, library, tmp_path)
    old = export_bundle(alex, tmp_path / "old", visit_id=visit_id)
    sync(alex, FolderStore(tmp_path / "shared")), sync(jo, FolderStore(tmp_path / "shared"))
    _purge(alex)
    sync(alex, FolderStore(tmp_path / "shared")), sync(jo, FolderStore(tmp_path / "shared"))
    for laptop in (alex, jo):
        import_bundle(laptop, old.path, code=old.code)
        assert OLD_NOTE not in everything_in(laptop), laptop.actor
        with laptop.read() as session:
            assert session.get(Visit, visit_id).deleted
