"""The shared-folder store (the default): a network drive, a synced folder or a USB stick. Every file
in it is sealed with the team's key (``sync.sealing``): a thief, a mis-set share permission or a
sync client's web view sees ids, numbers and noise.

Layout::

    team.json                               which store this is (its id, a check value for the key), in the clear
    changes/<device id>/00000001.ops        a device's changes, in numbered segment files
    changes/<device id>/device.json         who uses that laptop (sealed), so the others can name it
    changes/<device id>/unreadable.json     the files it could not read on its last sync (sealed)
    photos/ab/<name>                        photos, sealed; the name is a keyed hash (``TeamKey.photo_name``)
    keys/<record>.<key id>.key              record keys, wrapped under the team key (``sync.records``)
    keys/<record>.shredded                  where a record's keys were destroyed under retention
    invites/<id>.invite                     invitations for a laptop joining the team (``sync.team``)

No change file is ever written by two devices: a laptop writes only under its own
``changes/<id>/`` folder (photos and keys are named by what they hold, so two writers would write the
same thing; a "shredded" marker only ever replaces a key). Every file is written to a temporary name
and renamed (``atomic``), so it is whole or absent, which is what makes the folder safe on SMB shares
and synced folders that have no locking.

A segment is one header line in the clear (JSON: device, number, count of changes, sha256 of the
rest) and then the changes as gzip-compressed JSON lines sealed under the team key, with the
device, number and count bound in: a reader checks all of it before using any change; a bad file is
reported by name and tried again on the next sync (it may be a file still being copied in by a
sync client), and every other file is used. A copy renamed or moved by hand is refused (its
header and seal name another place), so it never stands for the real file of that number.

Synced folders (OneDrive, SharePoint, Dropbox) and people tidying a drive deliver files late, out
of order, twice ("00000002 (1).ops", which is not a segment name and is ignored), cut short, or not
at all. So a reader keeps, per device, the *set* of numbers it has read (as ranges, in its cursor),
never a high-water mark: a file is read whenever it is there and whole, holes are filled when the
file comes. The writer numbers its files from its own record and writes one again, under the same
number, when it is missing or damaged (``sync.engine``).

**Setting up, joining, converting.** A laptop that opens an empty folder sets up a new store there
and makes its team key; one that opens a store whose key it lacks gets ``NeedsTeamKey`` (join with a
code). A folder of the previous version (``store.json``, plain change files in ``devices/`` and
photos in ``blobs/``) is converted by the first laptop that opens it: it sets up the sealed store
beside them (``team.json``, naming the old store), and every laptop then reads what is left of the
plain files (``LegacyFolder``), sends it all again sealed, and removes the plain files it has read.
A laptop still on the previous version keeps writing plain files until it is updated (the README
says to update every laptop).
"""

from __future__ import annotations

import bisect
import contextlib
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
from qa_desktop.sync.sealing import SealError, TeamKey
from qa_desktop.sync.stores import (
    FileProblem,
    PeerReport,
    Pulled,
    SegmentedStore,
    SharedStore,
    StoreUnavailable,
    Written,
)
from qa_desktop.sync.team import NeedsTeamKey, SystemTeamKeyring, TeamKeyring
from qa_desktop.sync.wire import SyncFileError, check_signature, decode_ops, digest, encode_ops

FORMAT = "qa-desktop-sealed-store"
LEGACY_FORMAT = "qa-desktop-sync-folder"
SEGMENT_FORMAT = "qa-desktop-ops"
VERSION = 2
LEGACY_VERSION = 1
MARKER = "team.json"
LEGACY_MARKER = "store.json"
CHANGES, PHOTOS, KEYS, INVITES = "changes", "photos", "keys", "invites"
LEGACY_DEVICES, LEGACY_BLOBS = "devices", "blobs"
SEGMENT_OPS = 5000
#: A new file is started once a file's changes reach this size (JSON, before compression), and a
#: file over the limits below is refused unread, with its name and the limit (a small file that
#: unpacks to gigabytes must not take a laptop's memory).
SEGMENT_BYTES = 16 * 1024 * 1024
MAX_SEGMENT_FILE = 64 * 1024 * 1024
MAX_SEGMENT_TEXT = 64 * 1024 * 1024
_SEGMENT_NAME = re.compile(r"(\d{8})\.ops")
_SEGMENT_FILE = re.compile(r"(?:changes|devices)/([0-9A-Za-z-]{1,64})/(\d{8})\.ops")
_PHOTO_FILE = re.compile(r"(?:photos|blobs)/[0-9a-f]{2}/([0-9a-f]{64})")
_PHOTO_NAME = re.compile(r"[0-9a-f]{64}")
_ID = re.compile(r"[0-9A-Za-z][0-9A-Za-z-]{0,63}")
_KEY_FILE = re.compile(r"([0-9A-Za-z][0-9A-Za-z-]{0,63})\.([0-9a-f]{16})\.key")
_SHREDDED_FILE = re.compile(r"([0-9A-Za-z][0-9A-Za-z-]{0,63})\.shredded")
_INVITE_FILE = re.compile(r"([0-9a-f-]{36})\.invite")
DEVICE_FILE = "device.json"
DEVICE_FORMAT = "qa-desktop-device"
UNREADABLE_FILE = "unreadable.json"
UNREADABLE_FORMAT = "qa-desktop-unreadable"
SMALL_FILE_MAX = 256 * 1024
#: The longest path inside the folder: changes/<id of up to 64>/<temporary name of a segment file>.
FOLDER_ROOM = 120
_BEYOND = 10 ** 12  # larger than any segment number: bisect past every range starting at a number
#: Files a folder may hold without being a store yet (sync clients' and systems' own).
_LITTER = {"desktop.ini", "thumbs.db", ".ds_store", "icon\r"}


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



def _read_small(path: Path) -> bytes | None:
    """A small file another laptop wrote: ``None`` when absent, unreadable or too big."""
    try:
        with path.open("rb") as handle:
            data = handle.read(SMALL_FILE_MAX + 1)
    except OSError:
        return None
    return data if len(data) <= SMALL_FILE_MAX else None


def _small_json(path: Path) -> dict[str, Any]:
    """A small plain JSON file: ``{}`` when absent, damaged or too big."""
    data = _read_small(path)
    try:
        value = json.loads(data) if data is not None else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _listdir(folder: Path) -> list[os.DirEntry[str]]:
    try:
        return list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as error:
        raise StoreUnavailable(f"{folder} cannot be listed: {error.strerror}. Your changes are kept on this "
                               "laptop.") from None


def _segment_listing(folder: Path) -> dict[int, int]:
    """The segment files in a device's folder: number -> size. A sync client's copy
    ("00000002 (1).ops") and temporary files are not segments."""
    found: dict[int, int] = {}
    for entry in _listdir(folder):
        match = _SEGMENT_NAME.fullmatch(entry.name)
        if match and not entry.name.startswith(TEMPORARY_PREFIX):
            try:
                found[int(match.group(1))] = entry.stat().st_size
            except OSError:  # gone since the listing (a sync client), or unreadable: not there now
                continue
    return found


def _read_limited(path: Path, name: str) -> bytes:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_SEGMENT_FILE + 1)
    except OSError as error:
        raise SyncFileError(name, f"cannot be read ({error.strerror})") from None
    if len(data) > MAX_SEGMENT_FILE:
        raise SyncFileError(name, f"is larger than a change file may be ({_mb(MAX_SEGMENT_FILE)}); it was not used")
    return data


def _unpack(name: str, body: bytes, count: Any) -> list[OpRecord]:
    """The changes of a segment's body (gzip of JSON lines), within the limits."""
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
    if len(ops) != count:
        raise SyncFileError(name, "holds a different number of changes than its header says; it was not used")
    return ops


def _header(name: str, data: bytes, version: int) -> tuple[dict[str, Any], bytes]:
    head, newline, body = data.partition(b"\n")
    try:
        header = json.loads(head)
        if not isinstance(header, dict) or header.get("format") != SEGMENT_FORMAT:
            raise ValueError
    except ValueError:
        raise SyncFileError(name, "is not a QA Desktop change file (damaged?)") from None
    if header.get("version") != version:
        raise SyncFileError(name, f"was written by another version of QA Desktop (format {header.get('version')})")
    if not newline or digest(body) != header.get("sha256"):
        raise SyncFileError(name, "is damaged or incomplete (its checksum does not match); it was not used")
    return header, body


def _check_place(name: str, header: dict[str, Any], device_id: str, number: int | None) -> None:
    if header.get("device_id") != device_id or header.get("number") != number:
        raise SyncFileError(name, f"is a copy of file {header.get('number')} of laptop "
                                  f"{str(header.get('device_id'))[:8]}, renamed or moved here; it was not used")


def _is_store_litter(entry: os.DirEntry[str]) -> bool:
    return entry.name.lower() in _LITTER or entry.name.startswith(TEMPORARY_PREFIX)


class FolderStore(SegmentedStore):
    def __init__(self, root: Path, keyring: TeamKeyring | None = None, *, legacy_signing_key: str | None = None,
                 create: bool = True) -> None:
        self.label = f"shared folder {Path(root).expanduser()}"
        #: in its ``\\\\?\\`` form on Windows when the files inside could pass 260 characters
        self.root = long_path(Path(root).expanduser(), room=FOLDER_ROOM)
        self._keyring: TeamKeyring = keyring if keyring is not None else SystemTeamKeyring()
        if not self.root.is_dir():
            if not self.root.parent.is_dir():
                raise StoreUnavailable(f"The shared folder {self.root} cannot be reached (is the network drive "
                                       "or USB stick connected?). Your changes are kept on this laptop.")
            if not create:
                raise StoreUnavailable(f"There is no shared store in {self.root}.")
            try:
                self.root.mkdir()
            except OSError as error:
                raise StoreUnavailable(f"The shared folder {self.root} cannot be created: {error.strerror}.") from None
        #: Whether this laptop set the store up just now (and made its team key).
        self.set_up_now = False
        self._team, legacy_id = self._open_store(create)
        self.team = self._team
        self.store_id = self._team.store_id
        self.key = f"folder:{self.store_id}"
        self._legacy = LegacyFolder(self.root, legacy_id, legacy_signing_key) \
            if legacy_id and LegacyFolder.has_files(self.root) else None

    # -- which store, and its key -------------------------------------------------------------------

    def _open_store(self, create: bool) -> tuple[TeamKey, str | None]:
        """The team key, and the previous version's store id when this one was converted from it."""
        marker = self.root / MARKER
        found = self._marker(marker)
        if found is None:
            legacy = _small_json(self.root / LEGACY_MARKER)
            legacy_id = str(legacy.get("store_id") or "") or None
            if legacy_id is None and not self._is_empty():
                raise StoreUnavailable(f"{self.root} holds files but no {MARKER} (still being copied in by a sync "
                                       "client, or not a QA Desktop shared folder). Try again later, or choose the "
                                       "team's shared folder, or an empty one.")
            if not create:
                raise StoreUnavailable(f"There is no shared store in {self.root}.")
            team = TeamKey.new(str(uuid.uuid4()))
            content = {"format": FORMAT, "version": VERSION, "store_id": team.store_id, "check": team.check_value(),
                       "converted_from": legacy_id}
            self._keyring.put(team)  # kept before the store names it: never a store whose key no laptop holds
            try:
                handle = marker.open("x", encoding="utf-8")  # created only if absent (two laptops setting up)
            except FileExistsError:  # another laptop set it up a moment ago: join it
                found = self._marker(marker)
            else:
                with handle:
                    handle.write(json.dumps(content, indent=1))
                    handle.flush()
                    os.fsync(handle.fileno())
                self.set_up_now = True
                return team, legacy_id
        if found is None:
            raise StoreUnavailable(f"{marker} cannot be read; try again in a moment.")
        store_id, check, legacy_id = found
        held = self._keyring.get(store_id)
        if held is None:
            raise NeedsTeamKey(self.label, store_id, check, self.invitations, self.remove_invitation)
        if not held.matches(check):
            raise StoreUnavailable(f"The team key this laptop holds for the {self.label} does not match it ({MARKER} "
                                   "damaged, or replaced by hand). Nothing was changed. Ask whoever looks after the "
                                   "shared folder.")
        return held, legacy_id

    def _marker(self, marker: Path) -> tuple[str, str, str | None] | None:
        data = _read_small(marker)
        if data is None:
            return None
        try:
            content = json.loads(data)
            if content.get("format") != FORMAT:
                raise ValueError("not a QA Desktop store")
            return str(uuid.UUID(content["store_id"])), str(content["check"]), content.get("converted_from")
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise StoreUnavailable(f"{marker} is not a QA Desktop shared store's marker ({error}). Choose the team's "
                                   "shared folder, or an empty one.") from None

    def _is_empty(self) -> bool:
        return all(_is_store_litter(entry) for entry in _listdir(self.root))

    def legacy(self) -> LegacyFolder | None:
        return self._legacy

    # -- ops ----------------------------------------------------------------------------------------

    @property
    def segment_ops(self) -> int:
        return SEGMENT_OPS

    @property
    def segment_bytes(self) -> int:
        return SEGMENT_BYTES

    def _device_dir(self, device_id: str) -> Path:
        return self.root / CHANGES / device_id

    def _segment_path(self, device_id: str, number: int) -> Path:
        return self._device_dir(device_id) / f"{number:08d}.ops"

    def _name(self, path: Path) -> str:
        """A file's name as every laptop writes it (forward slashes, also on Windows)."""
        return path.relative_to(self.root).as_posix()

    def segment_name(self, device_id: str, number: int) -> str:
        return self._name(self._segment_path(device_id, number))

    def own_segments(self, device_id: str) -> dict[int, int]:
        return _segment_listing(self._device_dir(device_id))

    @staticmethod
    def _seal_aad(device_id: str, number: int, count: int) -> str:
        return f"{device_id}|{number}|{count}"

    def write_segment(self, device_id: str, number: int, ops: list[OpRecord]) -> Written:
        body = self._team.seal("changes", gzip.compress(encode_ops(ops), mtime=0),
                              self._seal_aad(device_id, number, len(ops)))
        header: dict[str, Any] = {"format": SEGMENT_FORMAT, "version": VERSION, "device_id": device_id,
                                  "number": number, "count": len(ops), "sha256": digest(body)}
        data = json.dumps(header).encode() + b"\n" + body
        write_atomically(self._segment_path(device_id, number), data)
        return Written(len(data), digest(data))

    def read_own_segment(self, device_id: str, number: int) -> tuple[list[OpRecord], Written]:
        path = self._segment_path(device_id, number)
        data = _read_limited(path, self._name(path))
        return self._parse(self._name(path), data, device_id, number), Written(len(data), digest(data))

    def segment_digest(self, device_id: str, number: int) -> str | None:
        try:
            return digest(self._segment_path(device_id, number).read_bytes())
        except FileNotFoundError:
            return None
        except OSError:
            return ""  # there but unreadable: not what was written

    def read_segment(self, path: Path) -> list[OpRecord]:
        """The ops of one segment file, or ``SyncFileError`` naming it. The file must be the one its
        name says: the device's folder and the number in the header (a file copied or renamed by
        hand into another place is refused, so it never stands for the real one)."""
        match = _SEGMENT_NAME.fullmatch(path.name)
        return self._parse(self._name(path), _read_limited(path, self._name(path)), path.parent.name,
                           int(match.group(1)) if match else None)

    def _parse(self, name: str, data: bytes, device_id: str, number: int | None) -> list[OpRecord]:
        header, body = _header(name, data, VERSION)
        _check_place(name, header, device_id, number)
        count = header.get("count")
        try:
            packed = self._team.open("changes", body, self._seal_aad(device_id, number or 0, int(count or 0)))
        except (SealError, ValueError, TypeError):
            raise SyncFileError(name, "cannot be opened with the team key (changed after it was written, or "
                                      "written with another team's key); it was not used") from None
        return _unpack(name, packed, count)

    def pull(self, cursor: str | None, own_device: str) -> Iterator[Pulled]:
        """Segments of other devices not read yet, whenever they appear and in any order. The
        cursor is, per device, the set of numbers read (as ranges): a file that is not there yet, or
        is damaged, is read when it is there and whole; one read is never read again."""
        applied = read_cursor(cursor)
        todo: list[tuple[str, int]] = []
        for folder in sorted(_listdir(self.root / CHANGES), key=lambda e: e.name):
            if folder.name == own_device or not folder.is_dir() or not _ID.fullmatch(folder.name):
                continue
            done = applied.get(folder.name, [])
            todo.extend((folder.name, n) for n in sorted(_segment_listing(Path(folder.path))) if not _has(done, n))
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
            yield Pulled(ops, write_cursor(applied), problems, done=position, total=len(todo), unreadable=unreadable,
                         source=self.segment_name(device, number))

    # -- who uses each laptop, and what it could not read -------------------------------------------

    def _small(self, path: Path, aad: str) -> dict[str, Any]:
        """One of a laptop's small sealed files: ``{}`` when absent, damaged or not openable."""
        data = _read_small(path)
        if data is None:
            return {}
        try:
            value = self._team.open_json("notes", data, aad)
        except (SealError, ValueError):
            return {}
        return value if isinstance(value, dict) else {}

    def peer_reports(self, own_device: str) -> list[PeerReport]:
        reports = []
        for folder in sorted(_listdir(self.root / CHANGES), key=lambda e: e.name):
            if folder.name == own_device or not folder.is_dir() or not _ID.fullmatch(folder.name):
                continue
            path = Path(folder.path)
            about = self._small(path / DEVICE_FILE, f"{DEVICE_FORMAT}|{folder.name}")
            user = about.get("user") if isinstance(about.get("user"), str) else None
            said = self._small(path / UNREADABLE_FILE, f"{UNREADABLE_FORMAT}|{folder.name}").get("files")
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
        photo = _PHOTO_FILE.fullmatch(file)
        if photo:
            return FileProblem(file, reason, at, photo=photo.group(1))
        return FileProblem(file, reason, at)

    def publish(self, device_id: str, user: str, problems: list[FileProblem]) -> None:
        """``device.json`` (who uses this laptop) and ``unreadable.json`` (what it could not read on
        its last sync), sealed, in this device's own folder; each written only when what it says
        changes, so a sync client has nothing to copy after a sync with nothing new."""
        folder = self._device_dir(device_id)
        about = {"format": DEVICE_FORMAT, "version": VERSION, "device_id": device_id, "user": user}
        report = {"format": UNREADABLE_FORMAT, "version": VERSION, "device_id": device_id,
                  "files": [{"file": p.file, "reason": p.reason, "at": p.at} for p in problems]}
        for path, kind, content in ((folder / DEVICE_FILE, DEVICE_FORMAT, about),
                                    (folder / UNREADABLE_FILE, UNREADABLE_FORMAT, report)):
            aad = f"{kind}|{device_id}"
            if path.exists():
                if self._small(path, aad) == content:
                    continue
            elif kind == UNREADABLE_FORMAT and not problems:
                continue  # nothing to say, and nothing said before
            write_atomically(path, self._team.seal_json("notes", content, aad))

    # -- photos (sealed by the sync engine; named by what they hold) ----------------------------------

    def _blob_path(self, name: str) -> Path:
        if not _PHOTO_NAME.fullmatch(name):
            raise ValueError(f"{name!r} is not a photo's name")
        return self.root / PHOTOS / name[:2] / name

    def blob_name(self, name: str) -> str:
        return self._name(self._blob_path(name))

    def missing_blobs(self, names: Iterable[str]) -> set[str]:
        return {name for name in names if not self._blob_path(name).is_file()}

    def put_blob(self, name: str, data: bytes) -> None:
        write_atomically(self._blob_path(name), data)

    def get_blob(self, name: str) -> bytes | None:
        path = self._blob_path(name)
        try:
            with path.open("rb") as handle:
                return handle.read(MAX_SEGMENT_FILE)
        except FileNotFoundError:
            return None
        except OSError as error:
            raise SyncFileError(self._name(path), f"cannot be read ({error.strerror})") from None

    def delete_blobs(self, names: Iterable[str]) -> int:
        deleted = 0
        for name in names:
            try:
                self._blob_path(name).unlink()
                deleted += 1
            except FileNotFoundError:
                continue
        return deleted

    # -- record keys --------------------------------------------------------------------------------

    def _keys(self) -> tuple[dict[str, str], set[str]]:
        """The record keys here (``unit:key_id`` -> file name) and the records whose keys were destroyed."""
        keys: dict[str, str] = {}
        shredded: set[str] = set()
        for entry in _listdir(self.root / KEYS):
            key = _KEY_FILE.fullmatch(entry.name)
            if key:
                keys[f"{key.group(1)}:{key.group(2)}"] = entry.name
                continue
            marker = _SHREDDED_FILE.fullmatch(entry.name)
            if marker:
                shredded.add(marker.group(1))
        return keys, shredded

    def record_key_ids(self) -> set[str]:
        return set(self._keys()[0])

    def put_record_keys(self, keys: list[tuple[str, str, bytes]]) -> None:
        for unit, key_id, wrapped in keys:
            if not _ID.fullmatch(unit) or not re.fullmatch(r"[0-9a-f]{16}", key_id):
                raise ValueError("a record key's name is not a record id and key id")
            write_atomically(self.root / KEYS / f"{unit}.{key_id}.key", wrapped)

    def get_record_keys(self, units: set[str]) -> list[tuple[str, str, bytes]]:
        keys, _ = self._keys()
        found = []
        for ref, file in keys.items():
            unit, key_id = ref.split(":")
            if unit in units:
                data = _read_small(self.root / KEYS / file)
                if data is not None:
                    found.append((unit, key_id, data))
        return found

    def shredded_units(self) -> set[str]:
        return self._keys()[1]

    def shred(self, units: set[str]) -> None:
        """Destroy these records' keys here: a marker first (so no laptop sends a key again), then the
        key files, and any copy a sync client made of one ("<record>.<key> (1).key")."""
        folder = self.root / KEYS
        for unit in sorted(units):
            if _ID.fullmatch(unit):
                write_atomically(folder / f"{unit}.shredded", b"")
        for entry in _listdir(folder):
            unit = entry.name.split(".", 1)[0]
            if unit in units and not entry.name.endswith(".shredded"):
                try:
                    os.unlink(entry.path)
                except FileNotFoundError:
                    continue

    # -- invitations --------------------------------------------------------------------------------

    def put_invitation(self, invite_id: str, data: bytes) -> None:
        write_atomically(self.root / INVITES / f"{invite_id}.invite", data)

    def invitations(self) -> list[tuple[str, bytes]]:
        found = []
        for entry in _listdir(self.root / INVITES):
            match = _INVITE_FILE.fullmatch(entry.name)
            data = _read_small(Path(entry.path)) if match else None
            if match and data is not None:
                found.append((match.group(1), data))
        return found

    def remove_invitation(self, invite_id: str) -> None:
        if re.fullmatch(r"[0-9a-f-]{36}", invite_id):
            (self.root / INVITES / f"{invite_id}.invite").unlink(missing_ok=True)


class LegacyFolder(SharedStore):
    """What a folder of the previous version holds in plain text (``store.json``, ``devices/``,
    ``blobs/``): read once more by each updated laptop, then removed (module docstring). Its key is
    the old store's, so a laptop's cursor goes on where it stopped before the update."""

    def __init__(self, root: Path, store_id: str, signing_key: str | None = None) -> None:
        self.root = root
        self.key = f"folder:{store_id}"
        self.label = f"the shared folder's files from before it was encrypted ({root})"
        self._signing_key = signing_key

    @staticmethod
    def has_files(root: Path) -> bool:
        return any((root / name).is_dir() for name in (LEGACY_DEVICES, LEGACY_BLOBS))

    def _name(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def push(self, device_id: str, ops: list[OpRecord]) -> None:
        raise PermissionError("the plain files from before are only read, then removed")

    def pull(self, cursor: str | None, own_device: str) -> Iterator[Pulled]:
        applied = read_cursor(cursor)
        todo: list[tuple[str, int]] = []
        for folder in sorted(_listdir(self.root / LEGACY_DEVICES), key=lambda e: e.name):
            if folder.name == own_device or not folder.is_dir():
                continue
            done = applied.get(folder.name, [])
            todo.extend((folder.name, n) for n in sorted(_segment_listing(Path(folder.path))) if not _has(done, n))
        for position, (device, number) in enumerate(todo, start=1):
            path = self.root / LEGACY_DEVICES / device / f"{number:08d}.ops"
            name = self._name(path)
            try:
                header, body = _header(name, _read_limited(path, name), LEGACY_VERSION)
                check_signature(name, self._signing_key, header.get("signature"), str(header.get("device_id")),
                                str(header.get("number")), str(header.get("sha256")))
                _check_place(name, header, device, number)
                ops: list[OpRecord] = _unpack(name, body, header.get("count"))
                problems: list[str] = []
                _add(applied.setdefault(device, []), number)
            except SyncFileError as error:
                ops, problems = [], [str(error)]
            yield Pulled(ops, write_cursor(applied), problems, done=position, total=len(todo), source=name)

    def missing_blobs(self, names: Iterable[str]) -> set[str]:
        return {n for n in names if not (self.root / LEGACY_BLOBS / n[:2] / n).is_file()}

    def put_blob(self, name: str, data: bytes) -> None:
        raise PermissionError("the plain files from before are only read, then removed")

    def get_blob(self, name: str) -> bytes | None:
        if not _PHOTO_NAME.fullmatch(name):
            return None
        path = self.root / LEGACY_BLOBS / name[:2] / name
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise SyncFileError(self._name(path), f"cannot be read ({error.strerror})") from None
        if digest(data) != name:
            raise SyncFileError(self._name(path), "is a damaged photo (its hash does not match)")
        return data

    def clear(self, cursor: str | None, own_device: str, photos: Iterable[str]) -> int:
        """Remove the plain files this laptop has read (and sent again, sealed): the change files in
        its cursor, its own folder, and the photos given (those now in the sealed store); the plain
        marker and folders once empty. Returns how many files went."""
        removed = 0
        applied = read_cursor(cursor)
        for folder in _listdir(self.root / LEGACY_DEVICES):
            if not folder.is_dir():
                continue
            mine = folder.name == own_device
            for entry in _listdir(Path(folder.path)):
                match = _SEGMENT_NAME.fullmatch(entry.name)
                if mine or (match and _has(applied.get(folder.name, []), int(match.group(1)))) or (
                        entry.name in (DEVICE_FILE, UNREADABLE_FILE)):
                    try:
                        os.unlink(entry.path)
                        removed += 1
                    except OSError:
                        continue
            _remove_if_empty(Path(folder.path))
        for name in photos:
            path = self.root / LEGACY_BLOBS / name[:2] / name
            try:
                path.unlink()
                removed += 1
            except OSError:
                continue
            _remove_if_empty(path.parent)
        for folder_name in (LEGACY_DEVICES, LEGACY_BLOBS):
            _remove_if_empty(self.root / folder_name)
        if not self.has_files(self.root):
            (self.root / LEGACY_MARKER).unlink(missing_ok=True)
        return removed


def _remove_if_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):
        folder.rmdir()


