"""A sync cut off anywhere, and damaged or tampered files: reported by name, skipped, nothing lost."""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import signal
import subprocess
import sys

import pytest

from qa_desktop.forms.checklist import MET, NOT_MET
from qa_desktop.services.visits import open_visit
from qa_desktop.sync import folder as folder_module
from qa_desktop.sync.engine import sync
from qa_desktop.sync.folder import FolderStore
from qa_desktop.sync.stores import SegmentedStore
from qa_desktop.sync.wire import digest
from tests.sync.conftest import first_items, make_visit, snapshot


class CutOff(Exception):
    pass


class Flaky(SegmentedStore):
    """A shared folder that fails on its ``fail_at``-th call of anything (a dropped network, a pulled
    stick): before or after writing a file, reading the others' reports, saying what it could not read."""

    def __init__(self, inner: SegmentedStore, fail_at: int | None = None, fail_on: str | None = None) -> None:
        self.inner, self.fail_at, self.fail_on, self.calls = inner, fail_at, fail_on, 0
        self.key, self.label, self.team = inner.key, inner.label, inner.team

    def _tick(self, what: str = "") -> None:
        self.calls += 1
        if self.calls == self.fail_at or (what and what == self.fail_on):
            raise CutOff(f"cut off at call {self.calls} ({what})")

    def record_key_ids(self):
        self._tick()
        return self.inner.record_key_ids()

    def put_record_keys(self, keys):
        self._tick()
        self.inner.put_record_keys(keys)
        self._tick()

    def get_record_keys(self, units):
        self._tick()
        return self.inner.get_record_keys(units)

    def shredded_units(self):
        self._tick()
        return self.inner.shredded_units()

    def shred(self, units):
        self._tick()
        self.inner.shred(units)

    @property
    def segment_ops(self):
        return self.inner.segment_ops

    @property
    def segment_bytes(self):
        return self.inner.segment_bytes

    def write_segment(self, device_id, number, ops):
        self._tick("write_segment")
        written = self.inner.write_segment(device_id, number, ops)
        self._tick()
        return written

    def own_segments(self, device_id):
        self._tick()
        return self.inner.own_segments(device_id)

    def read_own_segment(self, device_id, number):
        self._tick()
        return self.inner.read_own_segment(device_id, number)

    def segment_digest(self, device_id, number):
        self._tick()
        return self.inner.segment_digest(device_id, number)

    def segment_name(self, device_id, number):
        return self.inner.segment_name(device_id, number)

    def blob_name(self, blob):
        return self.inner.blob_name(blob)

    def peer_reports(self, own_device):
        self._tick()
        return self.inner.peer_reports(own_device)

    def publish(self, device_id, user, problems):
        self._tick()
        self.inner.publish(device_id, user, problems)
        self._tick()

    def pull(self, cursor, own_device):
        for batch in self.inner.pull(cursor, own_device):
            self._tick()
            yield batch

    def missing_blobs(self, digests):
        self._tick()
        return self.inner.missing_blobs(digests)

    def put_blob(self, blob, data):
        self._tick()
        self.inner.put_blob(blob, data)

    def get_blob(self, blob):
        self._tick()
        return self.inner.get_blob(blob)


@pytest.fixture
def small_segments(monkeypatch):
    monkeypatch.setattr(folder_module, "SEGMENT_OPS", 40)
    monkeypatch.setattr("qa_desktop.sync.engine.PUSH_BATCH", 60)


def busy_visit(laptop, library, tmp_path, answers=12):
    from PIL import Image
    visit_id = make_visit(laptop, library)
    visit = open_visit(laptop, visit_id)
    for number, (template, item) in enumerate(first_items(laptop, visit_id, answers)):
        visit.set_answer(template, item, MET if number % 2 else NOT_MET)
        visit.set_note(template, item, f"Note {number}: seen on the walk round")
        if number % 4 == 0:
            Image.new("RGB", (32, 32), (number * 20 % 255, 80, 120)).save(tmp_path / f"{number}.jpg")
            visit.attach_photo(template, item, tmp_path / f"{number}.jpg", f"Photo {number}")
    return visit_id


@pytest.mark.parametrize("fail_at", range(1, 46, 3))
def test_a_sync_cut_off_at_any_point_loses_nothing_and_the_next_completes(
        laptops, folder, library, tmp_path, small_segments, fail_at):
    alex, jo = laptops("alex", "jo")
    busy_visit(alex, library, tmp_path)
    before = snapshot(alex)
    for laptop in (alex, jo):
        with contextlib.suppress(CutOff):
            sync(laptop, Flaky(folder, fail_at))
    assert snapshot(alex) == before  # the sender lost nothing
    sync(alex, folder), sync(jo, folder)
    assert snapshot(jo) == snapshot(alex) == before
    again = sync(jo, folder)
    assert again.pulled == 0 and again.photos_missing == []


def test_a_killed_sync_process_resumes(laptops, library, tmp_path, small_segments):
    """SIGKILL in the middle of pulling a large change set: the next sync completes."""
    alex, jo = laptops("alex", "jo")
    visit_id = busy_visit(alex, library, tmp_path, answers=40)
    shared = tmp_path / "shared"
    sync(alex, FolderStore(shared))
    segments = len(list(shared.rglob("*.ops")))
    jo.close()
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "import qa_desktop.sync.folder as f\n"
        "from qa_desktop.store.database import Store\n"
        "from qa_desktop.sync.engine import sync\n"
        "from qa_desktop.sync.sealing import TeamKey\n"
        "from qa_desktop.sync.team import MemoryTeamKeyring\n"
        "store = Store(Path(sys.argv[1]), actor='jo', key=bytes.fromhex(sys.argv[3]))\n"
        "team = MemoryTeamKeyring(TeamKey(bytes.fromhex(sys.argv[4]), sys.argv[5]))\n"
        "def slow(message, done, total):\n"
        "    print(message, done, total, flush=True); time.sleep(0.3)\n"
        "sync(store, f.FolderStore(Path(sys.argv[2]), team), slow)\n")
    # the child has no keyring of its own here: it is handed the folder's key and the team key, as the app gets them
    team = FolderStore(shared).team
    process = subprocess.Popen([sys.executable, "-c", script, str(jo.data_dir), str(shared), jo.key.hex(),
                                team.secret.hex(), team.store_id], stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline()  # first batch applied and reported
    assert line.startswith("Receiving changes 1"), line
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert segments > 2
    from qa_desktop.store.database import Store
    reopened = Store(jo.data_dir, actor="jo")
    try:
        with reopened.read() as session:
            from sqlalchemy import text
            assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        report = sync(reopened, FolderStore(shared))
        assert report.pulled > 0 and report.problems == []
        assert snapshot(reopened) == snapshot(alex)
        assert open_visit(reopened, visit_id).checklists
    finally:
        reopened.close()


def _segment(folder: FolderStore, laptop) -> list:
    return sorted((folder.root / "changes" / laptop.device_id).glob("*.ops"))


def test_damaged_truncated_and_foreign_files_are_named_and_skipped(laptops, folder, library, tmp_path):
    alex, sam, jo = laptops("alex", "sam", "jo")
    make_visit(alex, library)
    sync(alex, folder)
    with sam.write() as changes:
        from qa_desktop.domain.service_types import ServiceType
        from qa_desktop.services.register import add_provider
        add_provider(changes, name="Oak House", service_type=ServiceType.SUPPORTED_ACCOMMODATION)
    sync(sam, folder)
    (alex_file,) = _segment(folder, alex)
    good = alex_file.read_bytes()
    stray = folder.root / "changes" / "someone" / "00000001.ops"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"PK\x03\x04 not ours")
    for damaged, words in ((good[: len(good) // 2], "damaged or incomplete"),
                           (good[:-10] + bytes(10), "damaged or incomplete"),
                           (b"", "not a QA Desktop change file")):
        alex_file.write_bytes(damaged)
        report = sync(jo, folder)
        names = " ".join(report.problems)
        assert f"changes/{alex.device_id}/00000001.ops" in names and words in names
        assert "changes/someone/00000001.ops" in names
        with jo.read() as session:
            from sqlalchemy import select

            from qa_desktop.store.models import Provider
            assert session.scalars(select(Provider.name)).all() == ["Oak House"]  # everything else synced
    alex_file.write_bytes(good)  # the sync client finished copying: used on the next sync
    sync(jo, folder)
    assert snapshot(jo) == {**snapshot(alex), **{k: v for k, v in snapshot(sam).items() if k != "conflicts"},
                            "conflicts": []}


def test_a_tampered_file_is_refused(laptops, folder, library):
    alex, jo = laptops("alex", "jo")
    make_visit(alex, library)
    sync(alex, folder)
    (path,) = _segment(folder, alex)
    head, _, body = path.read_bytes().partition(b"\n")
    path.write_bytes(head + b"\n" + body[:40] + bytes([body[40] ^ 1]) + body[41:])  # the checksum no longer matches
    report = sync(jo, folder)
    assert any("checksum does not match" in p for p in report.problems)
    assert report.pulled == 0


def test_a_file_rewritten_with_a_fresh_checksum_or_sealed_with_another_key_is_still_refused(laptops, library,
                                                                                           tmp_path):
    """Without the team key no one can make a file the laptops accept: a plain file, or one sealed
    with another team's key, given a fresh checksum, is refused in words and changes nothing."""
    from qa_desktop.sync.sealing import TeamKey
    from qa_desktop.sync.wire import encode_ops

    alex, jo = laptops("alex", "jo")
    make_visit(alex, library)
    shared = tmp_path / "shared"
    sync(alex, FolderStore(shared))
    (path,) = _segment(FolderStore(shared), alex)
    head, _, _body = path.read_bytes().partition(b"\n")
    header = json.loads(head)
    ops = FolderStore(shared).read_segment(path)
    for forged in (gzip.compress(encode_ops(ops), mtime=0),  # as the version before wrote it: plain
                   TeamKey.new(FolderStore(shared).store_id).seal(
                       "changes", gzip.compress(encode_ops(ops), mtime=0),
                       f"{alex.device_id}|1|{len(ops)}")):  # sealed, but with another team's key
        path.write_bytes(json.dumps({**header, "sha256": digest(forged)}).encode() + b"\n" + forged)
        report = sync(jo, FolderStore(shared))
        assert report.pulled == 0, report.problems
        assert any("cannot be opened with the team key" in p for p in report.problems), report.problems


def test_an_unreachable_folder_says_so_and_keeps_changes(laptops, library, tmp_path):
    from qa_desktop.sync.stores import StoreUnavailable
    _alex, = laptops("alex")
    with pytest.raises(StoreUnavailable, match="cannot be reached"):
        FolderStore(tmp_path / "not-mounted" / "qa")


def test_a_file_cut_off_while_being_written_is_written_under_its_number_next_time(laptops, folder, library):
    """The number and the changes a file holds are recorded before it is written: a sync cut off
    there writes the same file (same number, same changes) next time, never a second number for them."""
    alex, jo = laptops("alex", "jo")
    make_visit(alex, library)
    with pytest.raises(CutOff):
        sync(alex, Flaky(folder, fail_on="write_segment"))  # numbered and recorded, then cut off writing it
    assert _segment(folder, alex) == []
    report = sync(alex, folder)
    assert [p.name for p in _segment(folder, alex)] == ["00000001.ops"]
    assert report.pushed > 0 and report.rewritten == [] and report.problems == []  # sent now, nothing to report
    sync(jo, folder)
    assert snapshot(jo) == snapshot(alex)
