"""A bundle file: the changes of one visit (or everything) in one file, for two laptops with no network.

One officer exports a bundle and gives it to the other (USB stick, shared folder, Teams); the other
imports it. Importing is a pull from a read-only ``BundleStore``: the same checks and the same merge
as any sync, so answers typed on both laptops come together, and differing answers become conflicts.

A bundle is a zip file::

    manifest.json   format, bundle id, who and when, visit, op count, sha256 of ops.jsonl,
                    photo hashes, and a signature when the team has a sync key
    ops.jsonl       the ops
    blobs/<sha256>  the photos the ops mention

It is written to a temporary name and renamed, so a bundle on a stick is whole or not there.

The zip travels encrypted (AES-256-GCM inside a small envelope): a lost USB stick says nothing.
With a team sync key, the key is derived from it (HKDF) and any laptop of the team opens the
bundle. Without one, the export makes a one-off code (e.g. ``7KQ2-M9XD-4PTA``, 60 bits, stretched
with scrypt) that the officer tells the other officer, not on the same stick; the import asks for
it. A wrong code and a changed file are refused alike. Bundles from before encryption (a plain
zip) are still read.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
import uuid
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import select

from qa_desktop.atomic import write_atomically
from qa_desktop.store.blobs import BlobError
from qa_desktop.store.database import Store
from qa_desktop.store.models import Answer, Op, Provider, ReportRevision, Setting, Visit, VisitAction, VisitTemplate
from qa_desktop.store.oplog import CHUNK, OpRecord, op_record
from qa_desktop.sync.engine import Progress, SyncReport, blobs_in, sync
from qa_desktop.sync.stores import Pulled, SharedStore
from qa_desktop.sync.wire import SyncFileError, check_signature, decode_ops, digest, encode_ops, signature

FORMAT = "qa-desktop-bundle"
VERSION = 1
SUFFIX = ".qabundle"
MAX_MANIFEST = 10 * 1024 * 1024
MAX_OPS_BYTES = 1024 * 1024 * 1024  # refuse a "zip bomb" before unpacking it


@dataclass(frozen=True)
class Exported:
    path: Path
    ops: int
    photos: int
    missing_photos: int
    code: str | None = None  # to tell the other officer; None when the team key encrypts it


ENVELOPE = b"QA-DESKTOP-ENCRYPTED-BUNDLE 1\n"
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud or copied by hand
CODE_LENGTH = 12


class NeedsCode(SyncFileError):
    """The bundle was encrypted with a one-off code, and none (or a wrong one) was given."""


def new_code() -> str:
    letters = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(letters[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def _normalise(code: str) -> str:
    return "".join(c for c in code.upper() if c.isalnum())


def _bundle_key(header: dict[str, str], team_key: str | None, code: str | None) -> bytes:
    salt = bytes.fromhex(header["salt"])
    if header["kdf"] == "team":
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt,
                    info=b"qa-desktop bundle v1").derive((team_key or "").encode("utf-8"))
    return hashlib.scrypt(_normalise(code or "").encode("ascii"), salt=salt, n=2**14, r=8, p=1, dklen=32)


def seal(plain: bytes, *, team_key: str | None = None, code: str | None = None) -> bytes:
    """The zip inside the envelope: a header line (how the key is made, its salt), nonce, ciphertext."""
    header = {"kdf": "team" if team_key else "code", "salt": os.urandom(16).hex()}
    header_line = json.dumps(header).encode("utf-8") + b"\n"
    nonce = os.urandom(12)
    ciphertext = AESGCM(_bundle_key(header, team_key, code)).encrypt(nonce, plain, ENVELOPE + header_line)
    return ENVELOPE + header_line + nonce + ciphertext


def unseal(data: bytes, name: str, *, team_key: str | None = None, code: str | None = None) -> bytes:
    """The zip from a sealed bundle; ``NeedsCode`` or ``SyncFileError`` in words when it cannot be opened."""
    rest = data[len(ENVELOPE):]
    line, _, body = rest.partition(b"\n")
    try:
        header = json.loads(line)
        if header.get("kdf") not in ("team", "code") or len(body) < 28:
            raise ValueError
        bytes.fromhex(header["salt"])
    except (ValueError, KeyError, TypeError, AttributeError):
        raise SyncFileError(name, "is not a QA Desktop bundle, or is damaged (its envelope cannot be read)") from None
    if header["kdf"] == "team" and not team_key:
        raise SyncFileError(name, "was encrypted with the team sync key, which this laptop does not have "
                                  "(Sync settings: team key)")
    if header["kdf"] == "code" and not (code and _normalise(code)):
        raise NeedsCode(name, "is encrypted: enter the code shown on the other laptop when it was made")
    try:
        return AESGCM(_bundle_key(header, team_key, code)).decrypt(body[:12], body[12:], ENVELOPE + line + b"\n")
    except InvalidTag:
        if header["kdf"] == "code":
            raise NeedsCode(name, "cannot be opened: the code is wrong, or the file was changed or damaged") from None
        raise SyncFileError(name, "cannot be opened with the team key: it was changed or damaged, or made by "
                                  "another team") from None


def visit_entity_ids(store: Store, visit_id: str) -> set[str]:
    """Every row a second laptop needs to open the visit: the visit, its checklists and their
    template snapshots, answers, actions and reports, and its setting, provider and commissioner."""
    with store.read() as session:
        visit = session.get(Visit, visit_id)
        if visit is None:
            raise LookupError(f"There is no visit {visit_id}.")
        ids = {visit.id, visit.setting_id}
        setting = session.get(Setting, visit.setting_id)
        if setting is not None:
            ids.add(setting.provider_id)
            provider = session.get(Provider, setting.provider_id)
            if provider is not None and provider.lead_commissioner_id:
                ids.add(provider.lead_commissioner_id)
        for model in (VisitTemplate, Answer, VisitAction, ReportRevision):
            ids.update(session.scalars(select(model.id).where(model.visit_id == visit_id)))
        ids.update(session.scalars(select(VisitTemplate.snapshot_id).where(VisitTemplate.visit_id == visit_id)))
    return ids


def export_bundle(store: Store, path: Path, *, visit_id: str | None = None, signing_key: str | None = None) -> Exported:
    """Write the ops of a visit (or, without ``visit_id``, all ops) and their photos to ``path``."""
    with store.read() as session:
        table = Op.__table__
        if visit_id is None:
            rows = session.execute(select(table).order_by(table.c.hlc)).all()
        else:
            ids = sorted(visit_entity_ids(store, visit_id))
            rows = []
            for start in range(0, len(ids), CHUNK):
                rows.extend(session.execute(select(table).where(table.c.entity_id.in_(ids[start:start + CHUNK]))))
            rows.sort(key=lambda r: r.hlc)
    ops = [op_record(r) for r in rows]
    body = encode_ops(ops)
    blobs = store.blobs
    photos: dict[str, bytes] = {}
    missing = 0
    for blob in sorted({b for op in ops for b in blobs_in(op.entity, op.field, op.value)}):
        try:
            photos[blob] = blobs.read(blob)
        except BlobError:
            missing += 1  # not on this laptop either: the other laptop fetches it from a later sync
    manifest: dict[str, Any] = {
        "format": FORMAT, "version": VERSION, "bundle_id": str(uuid.uuid4()), "device_id": store.device_id,
        "actor": store.actor, "created": store.clock.now().isoformat(), "visit_id": visit_id,
        "ops": len(ops), "ops_sha256": digest(body), "photos": sorted(photos),
    }
    if signing_key:
        manifest["signature"] = signature(signing_key, manifest["bundle_id"], manifest["ops_sha256"],
                                          *manifest["photos"])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, indent=1))
        archive.writestr("ops.jsonl", body)
        for blob, data in photos.items():
            archive.writestr(f"blobs/{blob}", data, compress_type=zipfile.ZIP_STORED)  # JPEGs do not shrink
    path = Path(path)
    if path.suffix != SUFFIX:
        path = path.with_name(path.name + SUFFIX)
    code = None if signing_key else new_code()
    write_atomically(path, seal(buffer.getvalue(), team_key=signing_key, code=code))
    return Exported(path, len(ops), len(photos), missing, code)


class BundleStore(SharedStore):
    """A bundle opened for import: checked whole before anything in it is used."""

    def __init__(self, path: Path, signing_key: str | None = None, code: str | None = None) -> None:
        self.path = Path(path)
        name = self.path.name
        try:
            data = self.path.read_bytes()
            if data.startswith(ENVELOPE):
                data = unseal(data, name, team_key=signing_key, code=code)
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            info = self._zip.getinfo("manifest.json")
            if info.file_size > MAX_MANIFEST:
                raise SyncFileError(name, "has an oversized manifest; it was not used")
            manifest = json.loads(self._zip.read(info))
            if self._zip.getinfo("ops.jsonl").file_size > MAX_OPS_BYTES:
                raise SyncFileError(name, "is larger than any real bundle; it was not used")
            body = self._zip.read("ops.jsonl")
        except FileNotFoundError:
            raise SyncFileError(name, "does not exist") from None
        except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, KeyError, ValueError, OSError, EOFError) as error:
            raise SyncFileError(name, f"is not a QA Desktop bundle, or is damaged ({type(error).__name__})") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise SyncFileError(name, "is not a QA Desktop bundle")
        if manifest.get("version") != VERSION:
            raise SyncFileError(name, f"was made by another version of QA Desktop (format {manifest.get('version')})")
        if digest(body) != manifest.get("ops_sha256"):
            raise SyncFileError(name, "is damaged or was changed after it was made (its checksum does not match)")
        photos = manifest.get("photos")
        if not isinstance(photos, list) or not all(isinstance(p, str) for p in photos):
            raise SyncFileError(name, "has a damaged manifest")
        check_signature(name, signing_key, manifest.get("signature"), str(manifest.get("bundle_id")),
                        str(manifest.get("ops_sha256")), *photos)
        self._ops = decode_ops(body, name)
        if len(self._ops) != manifest.get("ops"):
            raise SyncFileError(name, "holds a different number of changes than its manifest says")
        self.manifest = manifest
        self.key = f"bundle:{manifest.get('bundle_id')}"
        self.label = f"bundle {name} from {manifest.get('actor')}"

    @property
    def ops(self) -> list[OpRecord]:
        return self._ops

    def push(self, device_id: str, ops: list[OpRecord]) -> None:
        raise PermissionError("A bundle is read-only; export a new one instead.")

    def pull(self, cursor: str | None, own_device: str) -> Iterator[Pulled]:
        if cursor != "done":
            yield Pulled(self._ops, "done", done=1, total=1)

    def missing_blobs(self, digests: Iterable[str]) -> set[str]:
        names = set(self._zip.namelist())
        return {d for d in digests if f"blobs/{d}" not in names}

    def put_blob(self, blob: str, data: bytes) -> None:
        raise PermissionError("A bundle is read-only.")

    def get_blob(self, blob: str) -> bytes | None:
        try:
            data = self._zip.read(f"blobs/{blob}")
        except KeyError:
            return None
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError):
            raise SyncFileError(f"{self.path.name}: photo {blob[:12]}", "is damaged in the bundle") from None
        if digest(data) != blob:
            raise SyncFileError(f"{self.path.name}: photo {blob[:12]}", "is damaged in the bundle")
        return data

    def close(self) -> None:
        self._zip.close()


def import_bundle(store: Store, path: Path, *, signing_key: str | None = None, code: str | None = None,
                  progress: Progress | None = None) -> SyncReport:
    """Merge a bundle's changes and photos into this laptop (``SyncFileError`` if it cannot be used,
    ``NeedsCode`` when it asks for the code it was encrypted with)."""
    bundle = BundleStore(path, signing_key, code)
    try:
        return sync(store, bundle, progress, push=False, remember=False)
    finally:
        bundle.close()
