"""The shared-folder store (the default): a network drive, a synced folder or a USB stick.

Layout::

    store.json                     which store this is (its id), written once when the folder is set up
    devices/<device id>/00000001.ops   a device's changes, in numbered segment files
    blobs/ab/<sha256>              photos, by the hash of their bytes

No file is ever written by two devices: a laptop writes only under its own ``devices/<id>/`` folder
(and photos, which are named by their content, so two writers would write the same bytes). Every
file is written to a temporary name and renamed (``atomic``), so it is whole or absent, which is
what makes the folder safe on SMB shares and synced folders that have no locking.

A segment is one header line (JSON: device, number, count of ops, sha256 of the rest, and a
signature when the team has a sync key) and then the ops as gzip-compressed JSON lines. A reader
checks all of it before using any op; a bad file is reported by name and tried again on the next
sync (it may be a file still being copied in by a sync client), and every other file is used.
"""

from __future__ import annotations

import gzip
import json
import re
import uuid
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from qa_desktop.atomic import TEMPORARY_PREFIX, write_atomically
from qa_desktop.store.oplog import OpRecord
from qa_desktop.sync.stores import Pulled, SharedStore, StoreUnavailable
from qa_desktop.sync.wire import SyncFileError, check_signature, decode_ops, digest, encode_ops, signature

FORMAT = "qa-desktop-sync-folder"
SEGMENT_FORMAT = "qa-desktop-ops"
VERSION = 1
SEGMENT_OPS = 5000
_SEGMENT_NAME = re.compile(r"(\d{8})\.ops")


class FolderStore(SharedStore):
    def __init__(self, root: Path, signing_key: str | None = None) -> None:
        self.root = Path(root).expanduser()
        self.label = f"shared folder {self.root}"
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

    def _device_dir(self, device_id: str) -> Path:
        return self.root / "devices" / device_id

    @staticmethod
    def _numbers(folder: Path) -> list[int]:
        if not folder.is_dir():
            return []
        numbers = []
        for path in folder.iterdir():
            match = _SEGMENT_NAME.fullmatch(path.name)
            if match and not path.name.startswith(TEMPORARY_PREFIX):
                numbers.append(int(match.group(1)))
        return sorted(numbers)

    def push(self, device_id: str, ops: list[OpRecord]) -> None:
        folder = self._device_dir(device_id)
        numbers = self._numbers(folder)
        number = (numbers[-1] if numbers else 0) + 1
        for start in range(0, len(ops), SEGMENT_OPS):
            chunk = ops[start:start + SEGMENT_OPS]
            body = gzip.compress(encode_ops(chunk), mtime=0)
            header: dict[str, Any] = {"format": SEGMENT_FORMAT, "version": VERSION, "device_id": device_id,
                                      "number": number, "count": len(chunk), "sha256": digest(body)}
            if self._key:
                header["signature"] = signature(self._key, device_id, str(number), header["sha256"])
            write_atomically(folder / f"{number:08d}.ops", json.dumps(header).encode() + b"\n" + body)
            number += 1

    def read_segment(self, path: Path) -> list[OpRecord]:
        """The ops of one segment file, or ``SyncFileError`` naming it."""
        name = str(path.relative_to(self.root))
        try:
            data = path.read_bytes()
        except OSError as error:
            raise SyncFileError(name, f"cannot be read ({error.strerror})") from None
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
        try:
            text = gzip.decompress(body)
        except (OSError, EOFError, zlib.error):
            raise SyncFileError(name, "is damaged (cannot be decompressed); it was not used") from None
        ops = decode_ops(text, name)
        if len(ops) != header.get("count"):
            raise SyncFileError(name, "holds a different number of changes than its header says; it was not used")
        return ops

    def pull(self, cursor: str | None, own_device: str) -> Iterator[Pulled]:
        """Segments of other devices not read yet. The cursor is, per device, the highest number
        read and the numbers that were bad (retried next time)."""
        state: dict[str, dict[str, Any]] = json.loads(cursor) if cursor else {}
        devices_dir = self.root / "devices"
        todo: list[tuple[str, int]] = []
        if devices_dir.is_dir():
            for folder in sorted(devices_dir.iterdir()):
                if folder.name == own_device or not folder.is_dir():
                    continue
                seen = state.get(folder.name, {"done": 0, "retry": []})
                todo.extend((folder.name, n) for n in self._numbers(folder)
                            if n > seen["done"] or n in seen["retry"])
        for position, (device, number) in enumerate(todo, start=1):
            seen = state.setdefault(device, {"done": 0, "retry": []})
            path = self._device_dir(device) / f"{number:08d}.ops"
            try:
                ops, problems = self.read_segment(path), []
                if number in seen["retry"]:
                    seen["retry"].remove(number)
            except SyncFileError as error:
                ops, problems = [], [str(error)]
                if number not in seen["retry"]:
                    seen["retry"].append(number)
            seen["done"] = max(seen["done"], number)
            yield Pulled(ops, json.dumps(state, sort_keys=True), problems, done=position, total=len(todo))

    # -- photos -------------------------------------------------------------------------------------

    def _blob_path(self, blob: str) -> Path:
        return self.root / "blobs" / blob[:2] / blob

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
            raise SyncFileError(str(path.relative_to(self.root)), f"cannot be read ({error.strerror})") from None
        if digest(data) != blob:
            raise SyncFileError(str(path.relative_to(self.root)), "is a damaged photo (its hash does not match)")
        return data
