"""The shared-folder store (the default): a network drive, a synced folder or a USB stick.

Layout::

    store.json                     which store this is (its id), written once when the folder is set up
    devices/<device id>/00000001.ops   a device's changes, in numbered segment files
    devices/<device id>/device.json    who uses that laptop (so the others can name it)
    devices/<device id>/unreadable.json  the files it could not read on its last sync (file, reason, when)
    blobs/ab/<sha256>              photos, by the hash of their bytes

No file is ever written by two devices: a laptop writes only under its own ``devices/<id>/`` folder
(and photos, which are named by their content, so two writers would write the same bytes). Every
file is written to a temporary name and renamed (``atomic``), so it is whole or absent, which is
what makes the folder safe on SMB shares and synced folders that have no locking.

A segment is one header line (JSON: device, number, count of ops, sha256 of the rest, and a
signature when the team has a sync key) and then the ops as gzip-compressed JSON lines. A reader
checks all of it before using any op; a bad file is reported by name and tried again on the next
sync (it may be a file still being copied in by a sync client), and every other file is used. The
header must name the folder and the number the file is under: a copy renamed or moved by hand is
refused, so it never stands for the real file of that number.

Synced folders (OneDrive, SharePoint, Dropbox) and people tidying a drive deliver files late, out
of order, twice ("00000002 (1).ops", which is not a segment name and is ignored), cut short, or not
at all. So a reader keeps, per device, the *set* of numbers it has read (as ranges, in its cursor),
never a high-water mark: a file is read whenever it is there and whole, holes are filled when the
file comes. The writer numbers its files from its own record and writes one again, under the same
number, when it is missing or damaged (``sync.engine``).
"""

from __future__ import annotations

import bisect
import gzip
import json
import os
import re
import uuid
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from qa_desktop.atomic import TEMPORARY_PREFIX, write_atomically
from qa_desktop.paths import long_path
from qa_desktop.store.oplog import OpRecord
from qa_desktop.sync.stores import FileProblem, PeerReport, Pulled, SegmentedStore, StoreUnavailable, Written
from qa_desktop.sync.wire import SyncFileError, check_signature, decode_ops, digest, encode_ops, signature

FORMAT = "qa-desktop-sync-folder"
SEGMENT_FORMAT = "qa-desktop-ops"
VERSION = 1
SEGMENT_OPS = 5000
#: A new file is started once a file's changes reach this size (JSON, before compression), and a
#: file over the limits below is refused unread, with its name and the limit (a small file that
#: unpacks to gigabytes must not take a laptop's memory).
SEGMENT_BYTES = 16 * 1024 * 1024
MAX_SEGMENT_FILE = 64 * 1024 * 1024
MAX_SEGMENT_TEXT = 64 * 1024 * 1024
_SEGMENT_NAME = re.compile(r"(\d{8})\.ops")
_SEGMENT_FILE = re.compile(r"devices/([0-9A-Za-z-]{1,64})/(\d{8})\.ops")
_BLOB_FILE = re.compile(r"blobs/[0-9a-f]{2}/([0-9a-f]{64})")
DEVICE_FILE = "device.json"
DEVICE_FORMAT = "qa-desktop-device"
UNREADABLE_FILE = "unreadable.json"
UNREADABLE_FORMAT = "qa-desktop-unreadable"
SMALL_FILE_MAX = 256 * 1024
#: The longest path inside the folder: devices/<id of up to 64>/<temporary name of a segment file>.
FOLDER_ROOM = 120
_BEYOND = 10 ** 12  # larger than any segment number: bisect past every range starting at a number


Ranges = list[list[int]]  # sorted, disjoint, not touching: [[1, 40], [42, 42]]


def read_cursor(cursor: str | None) -> dict[str, Ranges]:
    """The segment numbers read, per device, as ranges. A cursor of the previous version
    (``{device: {"done": n, "retry": [...]}}``: everything up to ``n`` read but the numbers to
    retry) becomes the same set, so a laptop that upgrades neither reads a file again nor skips one."""
    state = json.loads(cursor) if cursor else {}
    if not isinstance(state, dict):
        raise ValueError("the shared folder's sync cursor is not a JSON object")
    if "applied" in state:
        return {device: [[int(lo), int(hi)] for lo, hi in ranges] for device, ranges in state["applied"].items()}
    converted: dict[str, Ranges] = {}
    for device, seen in state.items():
        done = int(seen.get("done", 0))
        ranges: Ranges = []
        start = 1
        for bad in sorted({int(n) for n in seen.get("retry", ()) if 0 < int(n) <= done} | {done + 1}):
            if start < bad:
                ranges.append([start, bad - 1])
            start = bad + 1
        converted[device] = ranges
    return converted


def write_cursor(applied: dict[str, Ranges]) -> str:
    """``{"version": 2, "applied": {device: [[1, 40], [42, 42]]}}``."""
    return json.dumps({"version": 2, "applied": {d: r for d, r in applied.items() if r}},
                      sort_keys=True, separators=(",", ":"))


def _has(ranges: Ranges, number: int) -> bool:
    at = bisect.bisect_right(ranges, [number, _BEYOND]) - 1
    return at >= 0 and ranges[at][0] <= number <= ranges[at][1]


def _add(ranges: Ranges, number: int) -> None:
    """Add a number, merging the ranges it joins (kept sorted and disjoint)."""
    if _has(ranges, number):
        return
    at = bisect.bisect_right(ranges, [number, _BEYOND])
    joins_left = at > 0 and ranges[at - 1][1] == number - 1
    joins_right = at < len(ranges) and ranges[at][0] == number + 1
    if joins_left and joins_right:
        ranges[at - 1][1] = ranges[at][1]
        del ranges[at]
    elif joins_left:
        ranges[at - 1][1] = number
    elif joins_right:
        ranges[at][0] = number
    else:
        ranges.insert(at, [number, number])


def _mb(size: int) -> str:
    return f"{size // (1024 * 1024)} MB"


def _small_json(path: Path) -> dict[str, Any]:
    """A small JSON file another laptop wrote (its ``device.json``): ``{}`` when absent, damaged or too big."""
    try:
        with path.open("rb") as handle:
            data = handle.read(SMALL_FILE_MAX + 1)
        value = json.loads(data) if len(data) <= SMALL_FILE_MAX else {}
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


class FolderStore(SegmentedStore):
    def __init__(self, root: Path, signing_key: str | None = None) -> None:
        self.label = f"shared folder {Path(root).expanduser()}"
        #: in its ``\\\\?\\`` form on Windows when the files inside could pass 260 characters
        self.root = long_path(Path(root).expanduser(), room=FOLDER_ROOM)
        self._key = signing_key
        if not self.root.is_dir():
            if not self.root.parent.is_dir():
                raise StoreUnavailable(f"The shared folder {self.root} cannot be reached (is the network drive "
                                       "or USB stick connected?). Your changes are kept on this laptop.")
            try:
                self.root.mkdir()
            except OSError as error:
                raise StoreUnavailable(f"The shared folder {self.root} cannot be created: {error.strerror}.") from None
        self.key = f"folder:{self._store_id()}"

    def _store_id(self) -> str:
        marker = self.root / "store.json"
        try:
            return str(uuid.UUID(json.loads(marker.read_text("utf-8"))["store_id"]))
        except FileNotFoundError:
            store_id = str(uuid.uuid4())
            write_atomically(marker, json.dumps({"format": FORMAT, "version": VERSION, "store_id": store_id}).encode())
            return store_id
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise StoreUnavailable(f"{marker} is not a QA Desktop sync folder marker ({error}). "
                                   "Choose the team's sync folder, or an empty one.") from None

    # -- ops ----------------------------------------------------------------------------------------

    @property
    def segment_ops(self) -> int:
        return SEGMENT_OPS

    @property
    def segment_bytes(self) -> int:
        return SEGMENT_BYTES

    def _device_dir(self, device_id: str) -> Path:
        return self.root / "devices" / device_id

    def _segment_path(self, device_id: str, number: int) -> Path:
        return self._device_dir(device_id) / f"{number:08d}.ops"

    def _name(self, path: Path) -> str:
        """A file's name as every laptop writes it (forward slashes, also on Windows)."""
        return path.relative_to(self.root).as_posix()

    def segment_name(self, device_id: str, number: int) -> str:
        return self._name(self._segment_path(device_id, number))

    @staticmethod
    def _listing(folder: Path) -> dict[int, int]:
        """The segment files in a device's folder: number -> size. A sync client's copy
        ("00000002 (1).ops") and temporary files are not segments."""
        found: dict[int, int] = {}
        try:
            entries = list(os.scandir(folder))
        except (FileNotFoundError, NotADirectoryError):
            return found
        except OSError as error:
            raise StoreUnavailable(f"{folder} cannot be listed: {error.strerror}. Your changes are kept on "
                                   "this laptop.") from None
        for entry in entries:
            match = _SEGMENT_NAME.fullmatch(entry.name)
            if match and not entry.name.startswith(TEMPORARY_PREFIX):
                try:
                    found[int(match.group(1))] = entry.stat().st_size
                except OSError:  # gone since the listing (a sync client), or unreadable: not there now
                    continue
        return found

    def own_segments(self, device_id: str) -> dict[int, int]:
        return self._listing(self._device_dir(device_id))

    def write_segment(self, device_id: str, number: int, ops: list[OpRecord]) -> Written:
        body = gzip.compress(encode_ops(ops), mtime=0)
        header: dict[str, Any] = {"format": SEGMENT_FORMAT, "version": VERSION, "device_id": device_id,
                                  "number": number, "count": len(ops), "sha256": digest(body)}
        if self._key:
            header["signature"] = signature(self._key, device_id, str(number), header["sha256"])
        data = json.dumps(header).encode() + b"\n" + body
        write_atomically(self._segment_path(device_id, number), data)
        return Written(len(data), digest(data))

    def read_own_segment(self, device_id: str, number: int) -> tuple[list[OpRecord], Written]:
        path = self._segment_path(device_id, number)
        data = self._read(path)
        return self._parse(self._name(path), data, device_id, number), Written(len(data), digest(data))

    def segment_digest(self, device_id: str, number: int) -> str | None:
        try:
            return digest(self._segment_path(device_id, number).read_bytes())
        except FileNotFoundError:
            return None
        except OSError:
            return ""  # there but unreadable: not what was written

    def _read(self, path: Path) -> bytes:
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_SEGMENT_FILE + 1)
        except OSError as error:
            raise SyncFileError(self._name(path), f"cannot be read ({error.strerror})") from None
        if len(data) > MAX_SEGMENT_FILE:
            raise SyncFileError(self._name(path), f"is larger than a change file may be ({_mb(MAX_SEGMENT_FILE)}); "
                                                  "it was not used")
        return data

    def read_segment(self, path: Path) -> list[OpRecord]:
        """The ops of one segment file, or ``SyncFileError`` naming it. The file must be the one its
        name says: the device's folder and the number in the header (a file copied or renamed by
        hand into another place is refused, so it never stands for the real one)."""
        match = _SEGMENT_NAME.fullmatch(path.name)
        return self._parse(self._name(path), self._read(path), path.parent.name,
                           int(match.group(1)) if match else None)

    def _parse(self, name: str, data: bytes, device_id: str, number: int | None) -> list[OpRecord]:
        head, newline, body = data.partition(b"\n")
        try:
            header = json.loads(head)
            if not isinstance(header, dict) or header.get("format") != SEGMENT_FORMAT:
                raise ValueError
        except ValueError:
            raise SyncFileError(name, "is not a QA Desktop change file (damaged?)") from None
        if header.get("version") != VERSION:
            raise SyncFileError(name, f"was written by another version of QA Desktop (format {header.get('version')})")
        if not newline or digest(body) != header.get("sha256"):
            raise SyncFileError(name, "is damaged or incomplete (its checksum does not match); it was not used")
        check_signature(name, self._key, header.get("signature"), str(header.get("device_id")),
                        str(header.get("number")), str(header.get("sha256")))
        if header.get("device_id") != device_id or header.get("number") != number:
            raise SyncFileError(name, f"is a copy of file {header.get('number')} of laptop "
                                      f"{str(header.get('device_id'))[:8]}, renamed or moved here; it was not used")
        unpack = zlib.decompressobj(wbits=31)  # one gzip member, as written
        try:
            text = unpack.decompress(body, MAX_SEGMENT_TEXT + 1)
        except zlib.error:
            raise SyncFileError(name, "is damaged (cannot be decompressed); it was not used") from None
        if len(text) > MAX_SEGMENT_TEXT:
            raise SyncFileError(name, f"unpacks to more than a change file may hold ({_mb(MAX_SEGMENT_TEXT)}); "
                                      "it was not used")
        if not unpack.eof:
            raise SyncFileError(name, "is damaged (cannot be decompressed); it was not used")
        ops = decode_ops(text, name)
        if len(ops) != header.get("count"):
            raise SyncFileError(name, "holds a different number of changes than its header says; it was not used")
        return ops

    def pull(self, cursor: str | None, own_device: str) -> Iterator[Pulled]:
        """Segments of other devices not read yet, whenever they appear and in any order. The
        cursor is, per device, the set of numbers read (as ranges): a file that is not there yet, or
        is damaged, is read when it is there and whole; one read is never read again."""
        applied = read_cursor(cursor)
        devices_dir = self.root / "devices"
        todo: list[tuple[str, int]] = []
        if devices_dir.is_dir():
            for folder in sorted(devices_dir.iterdir()):
                if folder.name == own_device or not folder.is_dir():
                    continue
                done = applied.get(folder.name, [])
                todo.extend((folder.name, n) for n in sorted(self._listing(folder)) if not _has(done, n))
        for position, (device, number) in enumerate(todo, start=1):
            path = self._segment_path(device, number)
            try:
                ops: list[OpRecord] = self.read_segment(path)
                problems: list[str] = []
                unreadable: list[FileProblem] = []
                _add(applied.setdefault(device, []), number)
            except SyncFileError as error:
                ops, problems = [], [str(error)]
                unreadable = [FileProblem(error.name, error.reason, device=device, number=number)]
            yield Pulled(ops, write_cursor(applied), problems, done=position, total=len(todo), unreadable=unreadable)

    # -- who uses each laptop, and what it could not read -------------------------------------------

    def peer_reports(self, own_device: str) -> list[PeerReport]:
        devices_dir = self.root / "devices"
        if not devices_dir.is_dir():
            return []
        reports = []
        for folder in sorted(devices_dir.iterdir()):
            if folder.name == own_device or not folder.is_dir():
                continue
            about = _small_json(folder / DEVICE_FILE)
            user = about.get("user") if isinstance(about.get("user"), str) else None
            said = _small_json(folder / UNREADABLE_FILE).get("files")
            problems = tuple(self._problem(item) for item in said if isinstance(item, dict)) \
                if isinstance(said, list) else ()
            reports.append(PeerReport(folder.name, (user or "").strip()[:120] or None,
                                      tuple(p for p in problems if p is not None)))
        return reports

    def _problem(self, item: dict[str, Any]) -> FileProblem | None:
        """One line of another laptop's report, read as untrusted (it names files: only ours)."""
        file, reason, at = item.get("file"), item.get("reason"), item.get("at", "")
        if not (isinstance(file, str) and isinstance(reason, str) and isinstance(at, str)) or len(file) > 200:
            return None
        reason, at = reason[:300], at[:40]
        segment = _SEGMENT_FILE.fullmatch(file)
        if segment:
            return FileProblem(file, reason, at, device=segment.group(1), number=int(segment.group(2)))
        photo = _BLOB_FILE.fullmatch(file)
        if photo:
            return FileProblem(file, reason, at, photo=photo.group(1))
        return FileProblem(file, reason, at)

    def publish(self, device_id: str, user: str, problems: list[FileProblem]) -> None:
        """``device.json`` (who uses this laptop) and ``unreadable.json`` (what it could not read on
        its last sync), in this device's own folder; each written only when what it says changes,
        so a sync client has nothing to copy after a sync with nothing new."""
        folder = self._device_dir(device_id)
        about = {"format": DEVICE_FORMAT, "version": VERSION, "device_id": device_id, "user": user}
        report = {"format": UNREADABLE_FORMAT, "version": VERSION, "device_id": device_id,
                  "files": [{"file": p.file, "reason": p.reason, "at": p.at} for p in problems]}
        for path, content in ((folder / DEVICE_FILE, about), (folder / UNREADABLE_FILE, report)):
            data = json.dumps(content, ensure_ascii=False, indent=1).encode("utf-8")
            try:
                if path.read_bytes() == data:
                    continue
            except OSError:
                if path.name == UNREADABLE_FILE and not problems:
                    continue  # nothing to say, and nothing said before
            write_atomically(path, data)

    # -- photos -------------------------------------------------------------------------------------

    def _blob_path(self, blob: str) -> Path:
        return self.root / "blobs" / blob[:2] / blob

    def blob_name(self, blob: str) -> str:
        return self._name(self._blob_path(blob))

    def missing_blobs(self, digests: Iterable[str]) -> set[str]:
        """Absent or damaged (a damaged copy is replaced by the next push of a good one)."""
        missing = set()
        for blob in digests:
            try:
                if self.get_blob(blob) is None:
                    missing.add(blob)
            except SyncFileError:
                missing.add(blob)
        return missing

    def put_blob(self, blob: str, data: bytes) -> None:
        if digest(data) != blob:
            raise ValueError("photo bytes do not match their hash")
        write_atomically(self._blob_path(blob), data)

    def get_blob(self, blob: str) -> bytes | None:
        path = self._blob_path(blob)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise SyncFileError(self._name(path), f"cannot be read ({error.strerror})") from None
        if digest(data) != blob:
            raise SyncFileError(self._name(path), "is a damaged photo (its hash does not match)")
        return data
