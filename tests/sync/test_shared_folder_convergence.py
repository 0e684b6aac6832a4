"""Property: whatever a real shared folder does, every laptop ends equal and no acknowledged edit is
lost (hypothesis).

Four laptops, each with its own copy of the team's synced folder (OneDrive, SharePoint, Dropbox),
and a sync client that copies files between each copy and the cloud whenever it likes: late, out
of order, twice (a "(1)" copy), cut short and completed later. People tidy the folder and delete
files. One laptop's clock runs fast or slow. A second program on a laptop's data folder syncs too
(the window and ``qa-desktop sync`` in a terminal). A sync is cut off part-way (the lid closed).

After the sync client has delivered everything whole, held changes are accepted and everyone
syncs twice: every laptop shows the same state, and every edit a laptop acknowledged is in every
laptop's log, either as a head (the current value, or kept in a conflict) or written over by an
edit that was made over it, never dropped by the order things arrived in.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from qa_desktop.clock import Clock
from qa_desktop.forms.checklist import MET, NOT_APPLICABLE, NOT_MET
from qa_desktop.forms.library import TemplateLibrary
from qa_desktop.services.visits import open_visit
from qa_desktop.store.database import Store
from qa_desktop.store.models import Op
from qa_desktop.store.oplog import field_state, op_record
from qa_desktop.sync.engine import sync
from qa_desktop.sync.folder import FolderStore
from qa_desktop.sync.held import accept_held
from tests.sync.conftest import first_items, make_visit, snapshot

LIBRARY = TemplateLibrary.load()
LAPTOPS = 4
ITEMS = 2
laptop = st.integers(0, LAPTOPS - 1)
item = st.integers(0, ITEMS - 1)
step = st.one_of(
    st.tuples(st.just("answer"), laptop, item, st.sampled_from([MET, NOT_MET, NOT_APPLICABLE])),
    st.tuples(st.just("note"), laptop, item, st.sampled_from(["Door wedged open", "Fire log seen", ""])),
    st.tuples(st.just("sync"), laptop, st.just(0), st.just(0)),
    st.tuples(st.just("sync cut off"), laptop, st.just(0), st.just(0)),
    st.tuples(st.just("second program syncs"), laptop, st.just(0), st.just(0)),
    st.tuples(st.just("upload"), laptop, st.just(0), st.integers(0, 50)),      # one file, copy to the cloud
    st.tuples(st.just("download"), laptop, st.just(0), st.integers(0, 50)),    # one file, copy from the cloud
    st.tuples(st.just("half download"), laptop, st.just(0), st.integers(0, 50)),  # cut short, whole later
    st.tuples(st.just("duplicate"), laptop, st.just(0), st.integers(0, 50)),   # a sync client's "(1)" copy
    st.tuples(st.just("tidy"), laptop, st.just(0), st.integers(0, 50)),        # someone deletes a file
)
skew = st.sampled_from([dt.timedelta(0), dt.timedelta(minutes=5), -dt.timedelta(minutes=5), dt.timedelta(days=2),
                        -dt.timedelta(days=3650)])


class CutOff(Exception):
    """The lid closed in the middle of a sync."""


def _files(folder: Path) -> list[Path]:
    """The files a sync client moves: every laptop's change files, and the record keys (``keys/``)."""
    found = sorted(p for p in (folder / "changes").rglob("*.ops") if p.is_file()) if (folder / "changes").is_dir() \
        else []
    return found + (sorted(p for p in (folder / "keys").iterdir() if p.is_file()) if (folder / "keys").is_dir()
                    else [])


def _copy(source_root: Path, target_root: Path, pick: int, *, cut: bool = False, duplicate: bool = False) -> None:
    files = _files(source_root)
    if not files:
        return
    source = files[pick % len(files)]
    target = target_root / source.relative_to(source_root)
    if duplicate:
        target = target.with_name(f"{target.stem} (1){target.suffix}")
    target.parent.mkdir(parents=True, exist_ok=True)
    data = source.read_bytes()
    target.write_bytes(data[: len(data) // 2] if cut else data)


def _mirror(source_root: Path, target_root: Path, *, only: str | None = None, but: str | None = None) -> None:
    """The sync client catches up: files whole on the other side. A laptop's own files go up from its
    copy (``only``: it is the one that writes them, so its copy is the newest); everyone else's come
    down from the cloud (``but``: not its own)."""
    for source in _files(source_root):
        relative = source.relative_to(source_root)
        device = relative.parts[1] if relative.parts[0] == "changes" else None  # a key: anyone's
        if device is not None and ((only is not None and device != only) or (but is not None and device == but)):
            continue
        target = target_root / source.relative_to(source_root)
        if not target.exists() or target.stat().st_size != source.stat().st_size:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)


def _acknowledged(store: Store) -> str:
    """The op id of the newest op in a laptop's log: what its officer was told was saved."""
    with store.read() as session:
        return session.scalars(select(Op.op_id).order_by(Op.hlc.desc()).limit(1)).one()


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(step, min_size=1, max_size=40), skew)
def test_laptops_converge_whatever_the_synced_folder_and_the_clocks_do(steps, fast_or_slow):
    with tempfile.TemporaryDirectory() as name:
        root = Path(name)
        cloud = root / "cloud"
        copies = [root / f"copy-{n}" for n in range(LAPTOPS)]
        start = Clock.from_environment().now()
        clocks = [Clock.starting_at(start + (fast_or_slow if n == LAPTOPS - 1 else dt.timedelta(0)))
                  for n in range(LAPTOPS)]
        stores = [Store(root / f"laptop-{n}", actor=f"officer{n}", clock=clocks[n]) for n in range(LAPTOPS)]
        try:
            for folder in (cloud, *copies):
                folder.mkdir()
            FolderStore(cloud)  # the team sets the folder up once; the sync client copies its marker
            for copy in copies:
                shutil.copyfile(cloud / "team.json", copy / "team.json")
            visit_id = make_visit(stores[0], LIBRARY)
            sync(stores[0], FolderStore(copies[0]))
            _mirror(copies[0], cloud, only=stores[0].device_id)
            for n in range(1, LAPTOPS):
                _mirror(cloud, copies[n], but=stores[n].device_id)
                sync(stores[n], FolderStore(copies[n]))
                with stores[n].transaction() as session:  # a laptop whose clock is years behind holds
                    accept_held(session)                  # everyone's; its officer accepts them
            keys = first_items(stores[0], visit_id, ITEMS)
            acknowledged: list[str] = []
            for kind, who, which, extra in steps:
                store, copy = stores[who], copies[who]
                template, item_key = keys[which]
                if kind == "answer":
                    open_visit(store, visit_id).set_answer(template, item_key, extra)
                    acknowledged.append(_acknowledged(store))
                elif kind == "note":
                    open_visit(store, visit_id).set_note(template, item_key, str(extra))
                    acknowledged.append(_acknowledged(store))
                elif kind == "sync":
                    sync(store, FolderStore(copy))
                elif kind == "sync cut off":
                    def lid_closes(message: str, done: int, total: int) -> None:
                        if message == "Receiving changes":
                            raise CutOff
                    with contextlib.suppress(CutOff):
                        sync(store, FolderStore(copy), lid_closes)
                elif kind == "second program syncs":
                    other = Store(store.data_dir, actor=store.actor, key=store.key, clock=clocks[who])
                    try:
                        sync(other, FolderStore(copy))
                    finally:
                        other.close()
                elif kind == "upload":
                    _copy(copy, cloud, extra)
                elif kind == "download":
                    _copy(cloud, copy, extra)
                elif kind == "half download":
                    _copy(cloud, copy, extra, cut=True)
                elif kind == "duplicate":
                    _copy(cloud, copy, extra, duplicate=True)
                elif kind == "tidy":  # deleted in the cloud, and the sync client deletes every copy
                    files = _files(cloud)
                    if files:
                        relative = files[extra % len(files)].relative_to(cloud)
                        for folder in (cloud, *copies):
                            (folder / relative).unlink(missing_ok=True)

            for _ in range(3):  # the sync client delivers everything whole; everyone syncs and accepts
                for n in range(LAPTOPS):
                    sync(stores[n], FolderStore(copies[n]))
                    _mirror(copies[n], cloud, only=stores[n].device_id)
                for n in range(LAPTOPS):
                    _mirror(cloud, copies[n], but=stores[n].device_id)
                for store in stores:
                    with store.transaction() as session:
                        accept_held(session)
            for n in range(LAPTOPS):
                sync(stores[n], FolderStore(copies[n]))

            first = snapshot(stores[0])
            for store in stores[1:]:
                assert snapshot(store) == first
            for store in stores:
                with store.read() as session:
                    log = {row.op_id: op_record(row) for row in session.execute(select(Op.__table__))}
                written_over = {b for op in log.values() for b in op.base or ()}
                for op_id in acknowledged:
                    op = log[op_id]  # never dropped
                    same_field = [o for o in log.values() if (o.entity, o.entity_id, o.field)
                                  == (op.entity, op.entity_id, op.field)]
                    heads = {h.op_id for h in field_state(same_field).heads}
                    newer_own = any(o.device_id == op.device_id and o.order > op.order for o in same_field)
                    assert op_id in heads or op_id in written_over or newer_own, (
                        f"{op.field} = {op.value!r} by {op.actor} was lost on {store.actor}'s laptop")
        finally:
            for store in stores:
                store.close()
