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
it. A wrong code and a changed file are refused alike. Only sealed bundles are read: a plain zip
(as bundles were before encryption, or as anyone could make by hand) is refused, with or without a
team key, and changes nothing.

A bundle is read as a stream, with limits, so that a small file cannot take the laptop's memory (a
1 MB zip can unpack to gigabytes). The envelope is authenticated a chunk at a time before anything
in it is used; AES-GCM is counter mode underneath, so once the whole is authenticated any part of
the zip is decrypted on its own as it is read, and the file is never held whole, encrypted or not.
The zip's directory, the manifest, each change (a line of ops.jsonl), all the changes together and
each photo have a largest size, and the changes a largest number (``MAX_*`` below); a file over a
limit is refused with its name and the limit, before the rest of it is read. ops.jsonl is read
twice, a line at a time: first to check it whole (checksum, signature, every op's shape), then in
batches for the merge, each batch checked against what the first reading saw.
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
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import select

from qa_desktop.atomic import writing_atomically
from qa_desktop.domain.roles import require_officer
from qa_desktop.store.blobs import BlobError
from qa_desktop.store.database import Store
from qa_desktop.store.models import Answer, Op, Provider, ReportRevision, Setting, Visit, VisitAction, VisitTemplate
from qa_desktop.store.oplog import CHUNK, OpRecord, op_record
from qa_desktop.sync.engine import Progress, SyncReport, blobs_in, sync
from qa_desktop.sync.sealing import TeamKey
from qa_desktop.sync.stores import Pulled, SharedStore
from qa_desktop.sync.wire import SyncFileError, check_signature, digest, encode_ops, op_from_wire

FORMAT = "qa-desktop-bundle"
#: 2: a created row may travel as one op (``store.oplog.ROW_FIELD``). A laptop of the version before
#: refuses a bundle of this version in words ("made by another version"), rather than keeping rows it
#: cannot read; this version reads both.
VERSION = 2
READS = (1, 2)
SUFFIX = ".qabundle"
_MB = 1024 * 1024
# Limits on what a bundle may hold (module constants, so a test may lower them). Sizes are unpacked.
#: The largest bundle file. One AES-GCM message holds at most 64 GB (its block counter is 32 bits);
#: a bundle is written and read as a stream, so only that bounds it.
MAX_BUNDLE_BYTES = 60 * 1024 * _MB
#: Files in the zip (the manifest, ops.jsonl and the photos), and the size of its directory of them.
MAX_MEMBERS = 100_000
MAX_DIRECTORY_BYTES = 64 * _MB
MAX_MANIFEST = 10 * _MB
#: All the changes (ops.jsonl), one change (a line: a megabyte note is a few MB), and how many.
MAX_OPS_BYTES = 1024 * _MB
MAX_OP_LINE_BYTES = 16 * _MB
MAX_BUNDLE_OPS = 5_000_000
#: One photo (photos are stored at most 2048 pixels a side: a few MB).
MAX_PHOTO_BYTES = 64 * _MB
#: Changes merged per transaction on import, and the most bytes of them held at once.
PULL_BATCH = 2000
PULL_BATCH_BYTES = 16 * _MB
_HEADER_MAX = 1024
_CHUNK = _MB
_TAG = 16
_NONCE = 12


def in_words(size: int) -> str:
    """A size as people say it: "16 MB", "1.5 GB", "300 bytes"."""
    for unit, scale in (("GB", 1024 * _MB), ("MB", _MB), ("KB", 1024)):
        if size >= scale:
            amount = size / scale
            return f"{amount:,.0f} {unit}" if amount >= 10 or amount == int(amount) else f"{amount:.1f} {unit}"
    return f"{size:,} bytes"


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


@dataclass(frozen=True)
class BundleKeys:
    """What may open (or seal) a bundle besides a one-off code: the team key of the shared store this
    laptop syncs with (``team``), and the team sync key of the version before it (``legacy``: a
    typed secret, for bundles made then)."""

    team: TeamKey | None = None
    legacy: str | None = None


NO_KEYS = BundleKeys()


def _new_header(keys: BundleKeys) -> dict[str, str]:
    salt = os.urandom(16).hex()
    if keys.team is not None:
        return {"kdf": "team2", "store": keys.team.store_id, "salt": salt}
    if keys.legacy:
        return {"kdf": "team", "salt": salt}
    return {"kdf": "code", "salt": salt}


def _bundle_key(header: dict[str, str], keys: BundleKeys, code: str | None) -> bytes:
    salt = bytes.fromhex(header["salt"])
    if header["kdf"] == "team2":
        secret = keys.team.secret if keys.team is not None else b""
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt,
                    info=f"qa-desktop bundle v2|{header.get('store')}".encode()).derive(secret)
    if header["kdf"] == "team":
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt,
                    info=b"qa-desktop bundle v1").derive((keys.legacy or "").encode("utf-8"))
    return hashlib.scrypt(_normalise(code or "").encode("ascii"), salt=salt, n=2**14, r=8, p=1, dklen=32)


def seal(plain: bytes, *, keys: BundleKeys = NO_KEYS, code: str | None = None) -> bytes:
    """The zip inside the envelope: a header line (how the key is made, its salt), nonce, ciphertext."""
    header = _new_header(keys)
    header_line = json.dumps(header).encode("utf-8") + b"\n"
    nonce = os.urandom(12)
    ciphertext = AESGCM(_bundle_key(header, keys, code)).encrypt(nonce, plain, ENVELOPE + header_line)
    return ENVELOPE + header_line + nonce + ciphertext


def unseal(data: bytes, name: str, *, keys: BundleKeys = NO_KEYS, code: str | None = None) -> bytes:
    """The zip from a sealed bundle held in memory (``BundleStore`` reads a file as a stream instead);
    ``NeedsCode`` or ``SyncFileError`` in words when it cannot be opened."""
    if not data.startswith(ENVELOPE):
        raise _not_sealed(name)
    line, _, body = data[len(ENVELOPE):].partition(b"\n")
    header = _header(line + b"\n", name)
    if len(body) < _NONCE + _TAG:
        raise _damaged_envelope(name)
    _check_can_open(header, name, keys, code)
    try:
        return AESGCM(_bundle_key(header, keys, code)).decrypt(body[:_NONCE], body[_NONCE:],
                                                                   ENVELOPE + line + b"\n")
    except InvalidTag:
        raise _cannot_open(header, name) from None


def _not_sealed(name: str) -> SyncFileError:
    return SyncFileError(name, "is not a QA Desktop bundle, or it is not encrypted: only bundles sealed with the team "
                               "sync key or a one-off code are imported (a plain zip, which anyone could make, is "
                               "refused); nothing was imported")


def _damaged_envelope(name: str) -> SyncFileError:
    return SyncFileError(name, "is not a QA Desktop bundle, or is damaged (its envelope cannot be read)")


def _header(line: bytes, name: str) -> dict[str, str]:
    """The envelope's header line (with its newline): how the key is made, and its salt."""
    try:
        if not line.endswith(b"\n"):
            raise ValueError
        header = json.loads(line)
        if not isinstance(header, dict) or header.get("kdf") not in ("team2", "team", "code"):
            raise ValueError
        bytes.fromhex(header["salt"])
    except (ValueError, KeyError, TypeError, AttributeError):
        raise _damaged_envelope(name) from None
    return header


def _check_can_open(header: dict[str, str], name: str, keys: BundleKeys, code: str | None) -> None:
    if header["kdf"] == "team2" and (keys.team is None or keys.team.store_id != header.get("store")):
        raise SyncFileError(name, "was encrypted with the team key of a shared store this laptop has not joined "
                                  "(Sync > Sync settings… > Join the team…), or of another team")
    if header["kdf"] == "team" and not keys.legacy:
        raise SyncFileError(name, "was encrypted with the team sync key of the version before, which this laptop "
                                  "does not have")
    if header["kdf"] == "code" and not (code and _normalise(code)):
        raise NeedsCode(name, "is encrypted: enter the code shown on the other laptop when it was made")


def _cannot_open(header: dict[str, str], name: str) -> SyncFileError:
    if header["kdf"] == "code":
        return NeedsCode(name, "cannot be opened: the code is wrong, or the file was changed or damaged")
    return SyncFileError(name, "cannot be opened with the team key: it was changed or damaged, or made by "
                               "another team")


class _Plain(io.RawIOBase):
    """The zip inside an authenticated envelope, decrypted as it is read, and seekable, as zipfile
    needs. AES-GCM encrypts with AES in counter mode, the text's first block under the counter
    ``nonce || 2``: so any block is decrypted on its own from its number. Made only once the whole
    ciphertext has been authenticated (``_authenticate``)."""

    def __init__(self, file: IO[bytes], start: int, length: int, key: bytes, nonce: bytes) -> None:
        super().__init__()
        self._file, self._start, self._length, self._nonce = file, start, length, nonce
        self._aes = algorithms.AES(key)
        self._position = 0
        #: How the key was made ("team2", "code", or "team" for a bundle of the version before).
        self.kdf = ""

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._length}[whence]
        if base + offset < 0:
            raise OSError("seek before the start of the bundle")
        self._position = base + offset
        return self._position

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        wanted = min(len(view), self._length - self._position)
        if wanted <= 0:
            return 0
        block, skip = divmod(self._position, 16)
        self._file.seek(self._start + self._position - skip)
        data = self._file.read(wanted + skip)
        if len(data) <= skip:
            raise OSError("the bundle file got shorter while it was read")
        # GCM's 32-bit block counter never wraps here: a bundle is under 60 GB (MAX_BUNDLE_BYTES)
        counter = self._nonce + (2 + block).to_bytes(4, "big")
        plain = Cipher(self._aes, modes.CTR(counter)).decryptor().update(data)[skip:]
        view[:len(plain)] = plain
        self._position += len(plain)
        return len(plain)


def _authenticate(file: IO[bytes], name: str, keys: BundleKeys, code: str | None) -> _Plain:
    """Check a sealed bundle whole, reading it a chunk at a time (nothing in it is used before the
    check passes); then the zip inside, to read as a stream."""
    size = os.fstat(file.fileno()).st_size
    if size > MAX_BUNDLE_BYTES:
        raise SyncFileError(name, f"is {in_words(size)}, larger than any bundle can be ({in_words(MAX_BUNDLE_BYTES)}); "
                                  "it was not used")
    if file.read(len(ENVELOPE)) != ENVELOPE:
        raise _not_sealed(name)
    line = file.readline(_HEADER_MAX)
    header = _header(line, name)
    nonce = file.read(_NONCE)
    start = file.tell()
    length = size - start - _TAG
    if len(nonce) < _NONCE or length < 0:
        raise _damaged_envelope(name)
    _check_can_open(header, name, keys, code)
    key = _bundle_key(header, keys, code)
    file.seek(start + length)
    tag = file.read(_TAG)
    file.seek(start)
    decryptor = Cipher(algorithms.AES(key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(ENVELOPE + line)
    left = length
    while left > 0:
        chunk = file.read(min(_CHUNK, left))
        if not chunk:
            raise _cannot_open(header, name)  # shorter than it was a moment ago
        decryptor.update(chunk)  # the text is not kept: _Plain decrypts what is read, when it is read
        left -= len(chunk)
    try:
        decryptor.finalize()
    except InvalidTag:
        raise _cannot_open(header, name) from None
    plain = _Plain(file, start, length, key, nonce)
    plain.kdf = header["kdf"]
    return plain


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


def _export_rows(store: Store, visit_id: str | None) -> Iterator[Any]:
    """The ops to export, oldest first, read a batch at a time (everything: as a stream from one
    snapshot of the log; a visit: its rows' ops, a few thousand, sorted in memory)."""
    table = Op.__table__
    with store.read() as session:
        if visit_id is None:
            yield from session.execute(select(table).order_by(table.c.hlc),
                                       execution_options={"yield_per": PULL_BATCH})
            return
    ids = sorted(visit_entity_ids(store, visit_id))
    rows: list[Any] = []
    with store.read() as session:
        for start in range(0, len(ids), CHUNK):
            rows.extend(session.execute(select(table).where(table.c.entity_id.in_(ids[start:start + CHUNK]))))
    rows.sort(key=lambda r: r.hlc)
    yield from rows


class _SealingWriter(io.RawIOBase):
    """The envelope written as a stream: what is written to it is encrypted (AES-256-GCM) on its way
    to ``out``, and ``finish`` appends the tag. Not seekable, so zipfile writes each member's sizes
    after it (a data descriptor) and never goes back. The result is byte for byte what ``seal``
    makes of the same zip: one GCM message, read by ``_authenticate`` and ``unseal`` alike."""

    def __init__(self, out: IO[bytes], key: bytes, header_line: bytes) -> None:
        super().__init__()
        self._out = out
        nonce = os.urandom(_NONCE)
        self._encryptor = Cipher(algorithms.AES(key), modes.GCM(nonce)).encryptor()
        self._encryptor.authenticate_additional_data(ENVELOPE + header_line)
        out.write(ENVELOPE + header_line + nonce)
        self.written = 0  # bytes of the zip so far

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        size = len(memoryview(data).cast("B"))
        if self.written + size > MAX_BUNDLE_BYTES - 4096:
            raise _TooLarge(self.written + size)
        self._out.write(self._encryptor.update(bytes(data)))
        self.written += size
        return size

    def finish(self) -> None:
        self._out.write(self._encryptor.finalize() + self._encryptor.tag)


class _TooLarge(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


def bundle_name(path: Path) -> Path:
    """The file a bundle asked to be written at ``path`` is written to: ``.qabundle`` added when the
    name does not end with it (so the file opens with the app wherever it is taken)."""
    return path if path.suffix == SUFFIX else path.with_name(path.name + SUFFIX)


def export_bundle(store: Store, path: Path, *, visit_id: str | None = None, team: TeamKey | None = None) -> Exported:
    """Write the ops of a visit (or, without ``visit_id``, all ops) and their photos to ``path``.

    Written as a stream, a batch of changes and a photo at a time, encrypted on the way to a
    temporary file that takes ``path``'s place when it is whole: the bundle is never held in memory,
    whatever its size (up to ``MAX_BUNDLE_BYTES``; its changes, as a bundle may hold, up to
    ``MAX_OPS_BYTES``). The manifest, which says what the rest holds, is the zip's last member."""
    require_officer(store.user, "or export visits to a bundle")  # a Young Inspector's store is refused
    path = bundle_name(Path(path))
    keys = BundleKeys(team=team)
    code = None if team is not None else new_code()
    header = _new_header(keys)
    header_line = json.dumps(header).encode("utf-8") + b"\n"
    key = _bundle_key(header, keys, code)
    count = size = missing = 0
    whole = hashlib.sha256()
    wanted: set[str] = set()
    photos: list[str] = []
    try:
        with writing_atomically(path) as out:
            sink = _SealingWriter(out, key, header_line)
            with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                with archive.open("ops.jsonl", "w") as member:
                    for row in _export_rows(store, visit_id):
                        op = op_record(row)
                        line = encode_ops([op])
                        size += len(line)
                        if size > MAX_OPS_BYTES:
                            raise SyncFileError(path.name, f"would hold more than {in_words(MAX_OPS_BYTES)} of "
                                                           "changes, more than a bundle may: export one visit at "
                                                           "a time; nothing was written")
                        member.write(line)
                        whole.update(line)
                        count += 1
                        wanted.update(blobs_in(op.entity, op.field, op.value))
                for blob in sorted(wanted):
                    try:
                        data = store.blobs.read(blob)
                    except BlobError:
                        missing += 1  # not on this laptop either: the other laptop fetches it from a later sync
                        continue
                    info = zipfile.ZipInfo(f"blobs/{blob}", date_time=(1980, 1, 1, 0, 0, 0))
                    info.compress_type = zipfile.ZIP_STORED  # JPEGs do not shrink
                    archive.writestr(info, data)
                    photos.append(blob)
                manifest: dict[str, Any] = {
                    "format": FORMAT, "version": VERSION, "bundle_id": str(uuid.uuid4()),
                    "device_id": store.device_id, "actor": store.actor, "created": store.clock.now().isoformat(),
                    "visit_id": visit_id, "ops": count, "ops_sha256": whole.hexdigest(), "photos": photos,
                }
                archive.writestr("manifest.json", json.dumps(manifest, indent=1))
            sink.finish()
    except _TooLarge as error:
        raise SyncFileError(path.name, f"would be more than a bundle can be ({in_words(MAX_BUNDLE_BYTES - 4096)}, "
                                       f"reached after {in_words(error.size)}): export one visit at a time; "
                                       "nothing was written") from None
    return Exported(path, count, len(photos), missing, code)


@dataclass(frozen=True)
class _Checked:
    """What the first reading of ops.jsonl found: how many changes, and the sha256 of each batch's
    lines (the second reading applies a batch only if it reads the same)."""

    ops: int
    batches: tuple[bytes, ...]
    batch_ops: int  # where batches end: PULL_BATCH and PULL_BATCH_BYTES as they were at the first reading
    batch_bytes: int


class BundleStore(SharedStore):
    """A bundle opened for import: checked whole before anything in it is used, and read as a stream."""

    def __init__(self, path: Path, keys: BundleKeys = NO_KEYS, code: str | None = None) -> None:
        self.path = Path(path)
        self._file: IO[bytes] | None = None
        self._zip: zipfile.ZipFile | None = None
        try:
            self._open(keys, code)
        except BaseException:
            self.close()
            raise

    def _open(self, keys: BundleKeys, code: str | None) -> None:
        if not self.path.exists() and bundle_name(self.path).is_file():
            # the name the officer gave when it was written, which had ``.qabundle`` added (walk6)
            self.path = bundle_name(self.path)
        name = self.path.name
        try:
            self._file = self.path.open("rb")
        except FileNotFoundError:
            raise SyncFileError(name, "does not exist") from None
        except OSError as error:
            raise SyncFileError(name, f"cannot be read ({error.strerror or error})") from None
        try:
            plain = _authenticate(self._file, name, keys, code)
            kdf = plain.kdf
            self._zip = _open_zip(io.BufferedReader(plain, buffer_size=64 * 1024), name)
            info = self._zip.getinfo("manifest.json")
            if info.file_size > MAX_MANIFEST:
                raise SyncFileError(name, f"has a manifest of {in_words(info.file_size)}, more than a manifest "
                                          f"may be ({in_words(MAX_MANIFEST)}); it was not used")
            with self._zip.open(info) as stream:
                manifest = json.loads(stream.read(MAX_MANIFEST + 1))
            ops_info = self._zip.getinfo("ops.jsonl")
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
                raise SyncFileError(name, "is not a QA Desktop bundle")
            if manifest.get("version") not in READS:
                raise SyncFileError(name, "was made by another version of QA Desktop "
                                          f"(format {manifest.get('version')}); update QA Desktop on this laptop "
                                          "to read it")
            whole, checked, problem = self._read_ops(ops_info)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, KeyError, ValueError, OSError, EOFError) as error:
            raise SyncFileError(name, f"is not a QA Desktop bundle, or is damaged ({type(error).__name__})") from None
        if whole != manifest.get("ops_sha256"):
            raise SyncFileError(name, "is damaged or was changed after it was made (its checksum does not match)")
        photos = manifest.get("photos")
        if not isinstance(photos, list) or not all(isinstance(p, str) for p in photos):
            raise SyncFileError(name, "has a damaged manifest")
        # only bundles of the version before were signed (AES-GCM now authenticates every byte)
        check_signature(name, keys.legacy if kdf == "team" else None, manifest.get("signature"),
                        str(manifest.get("bundle_id")),
                        str(manifest.get("ops_sha256")), *photos)
        if problem is not None:
            raise SyncFileError(name, problem)
        if checked.ops != manifest.get("ops"):
            raise SyncFileError(name, "holds a different number of changes than its manifest says")
        self._checked = checked
        self.manifest = manifest
        self.key = f"bundle:{manifest.get('bundle_id')}"
        self.label = f"bundle {name} from {manifest.get('actor')}"

    def _lines(self, info: zipfile.ZipInfo | str, whole: Any = None) -> Iterator[tuple[int, bytes]]:
        """The changes in ops.jsonl, a line at a time with its line number (blank lines are left
        out, but go into ``whole``, a sha256 of every byte), within the limits: ``SyncFileError``
        naming the limit as soon as one is passed, before the rest is read."""
        assert self._zip is not None
        name = self.path.name
        size = count = 0
        with self._zip.open(info) as stream:
            for number, line in enumerate(iter(lambda: stream.readline(MAX_OP_LINE_BYTES + 1), b""), start=1):
                size += len(line)
                if size > MAX_OPS_BYTES:
                    raise SyncFileError(name, f"holds more than {in_words(MAX_OPS_BYTES)} of changes when unpacked, "
                                              "more than a bundle may; it was not used")
                if len(line) > MAX_OP_LINE_BYTES:
                    raise SyncFileError(name, f"change {number} is longer than any change may be (more than "
                                              f"{in_words(MAX_OP_LINE_BYTES)}); it was not used")
                if whole is not None:
                    whole.update(line)
                if not line.strip():
                    continue
                count += 1
                if count > MAX_BUNDLE_OPS:
                    raise SyncFileError(name, f"holds more than {MAX_BUNDLE_OPS:,} changes, more than a bundle "
                                              "may; it was not used")
                yield number, line

    def _read_ops(self, info: zipfile.ZipInfo) -> tuple[str, _Checked, str | None]:
        """The first reading of ops.jsonl: its sha256, what ``_Checked`` keeps, and the first problem
        with an op (said after the checksum and the signature, which are checked first)."""
        name = self.path.name
        if info.file_size > MAX_OPS_BYTES:
            raise SyncFileError(name, f"holds {in_words(info.file_size)} of changes when unpacked, more than a "
                                      f"bundle may ({in_words(MAX_OPS_BYTES)}); it was not used")
        whole = hashlib.sha256()
        batches: list[bytes] = []
        part = hashlib.sha256()
        count = in_part = size = 0
        batch_ops, batch_bytes = PULL_BATCH, PULL_BATCH_BYTES
        problem: str | None = None
        for number, line in self._lines(info, whole):
            count += 1
            part.update(line)
            in_part += 1
            size += len(line)
            if problem is None:
                try:
                    op_from_wire(json.loads(line.decode("utf-8")))
                except UnicodeDecodeError:
                    problem = f"change {number} is not text (damaged?)"
                except ValueError as error:  # json.JSONDecodeError is a ValueError
                    problem = f"change {number} is unreadable ({error})"
            if in_part == batch_ops or size >= batch_bytes:
                batches.append(part.digest())
                part, in_part, size = hashlib.sha256(), 0, 0
        if in_part:
            batches.append(part.digest())
        return whole.hexdigest(), _Checked(count, tuple(batches), batch_ops, batch_bytes), problem

    def push(self, device_id: str, ops: list[OpRecord]) -> None:
        raise PermissionError("A bundle is read-only; export a new one instead.")

    def pull(self, cursor: str | None, own_device: str) -> Iterator[Pulled]:
        """The changes in batches (``PULL_BATCH``), each merged in its own transaction; the cursor
        counts the batches in, so an import cut short goes on from there when imported again."""
        if cursor == "done":
            return
        if not self._checked.batches:
            yield Pulled([], "done", done=1, total=1)
            return
        start = int(cursor[6:]) if cursor and cursor.startswith("batch:") and cursor[6:].isdigit() else 0
        ops: list[OpRecord] = []
        part = hashlib.sha256()
        index = in_part = size = 0
        for _, line in self._lines("ops.jsonl"):
            in_part += 1
            size += len(line)
            if index >= start:
                part.update(line)
                try:
                    ops.append(op_from_wire(json.loads(line.decode("utf-8"))))
                except ValueError:  # it read well a moment ago
                    raise _changed(self.path.name) from None
            if in_part == self._checked.batch_ops or size >= self._checked.batch_bytes:
                if index >= start:
                    yield self._batch(index, ops, part)
                ops, part, in_part, size = [], hashlib.sha256(), 0, 0
                index += 1
        if in_part and index >= start:
            yield self._batch(index, ops, part)

    def _batch(self, index: int, ops: list[OpRecord], part: Any) -> Pulled:
        batches = self._checked.batches
        if index >= len(batches) or part.digest() != batches[index]:
            raise _changed(self.path.name)
        cursor = "done" if index == len(batches) - 1 else f"batch:{index + 1}"
        return Pulled(ops, cursor, done=index + 1, total=len(batches))

    def missing_blobs(self, digests: Iterable[str]) -> set[str]:
        assert self._zip is not None
        names = set(self._zip.namelist())
        return {d for d in digests if f"blobs/{d}" not in names}

    def put_blob(self, blob: str, data: bytes) -> None:
        raise PermissionError("A bundle is read-only.")

    def get_blob(self, blob: str) -> bytes | None:
        assert self._zip is not None
        where = f"{self.path.name}: photo {blob[:12]}"
        try:
            info = self._zip.getinfo(f"blobs/{blob}")
        except KeyError:
            return None
        if info.file_size > MAX_PHOTO_BYTES:
            raise SyncFileError(where, f"is {in_words(info.file_size)}, more than a photo may be "
                                       f"({in_words(MAX_PHOTO_BYTES)}); it was not used")
        try:
            with self._zip.open(info) as stream:
                data = stream.read(MAX_PHOTO_BYTES + 1)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError):
            raise SyncFileError(where, "is damaged in the bundle") from None
        if digest(data) != blob:
            raise SyncFileError(where, "is damaged in the bundle")
        return data

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()
        if self._file is not None:
            self._file.close()


def _changed(name: str) -> SyncFileError:
    return SyncFileError(name, "changed while it was being imported; the changes read before it did are in: "
                               "import it again for the rest")


def _open_zip(stream: IO[bytes], name: str) -> zipfile.ZipFile:
    """The zip, once its directory is known to be of a bundle's size (zipfile reads the directory whole)."""
    end_record = getattr(zipfile, "_EndRecData", None)  # zipfile's reader of the zip's last record
    if end_record is not None:
        end = end_record(stream)
        if end is None:
            raise zipfile.BadZipFile("no end of central directory")
        members, directory = end[4], end[5]  # zipfile's _ECD_ENTRIES_TOTAL, _ECD_SIZE
        if members > MAX_MEMBERS or directory > MAX_DIRECTORY_BYTES:
            raise SyncFileError(name, f"holds {members:,} files ({in_words(directory)} of directory), more than "
                                      f"a bundle may ({MAX_MEMBERS:,} files); it was not used")
        stream.seek(0)
    return zipfile.ZipFile(stream)


def import_bundle(store: Store, path: Path, *, keys: BundleKeys = NO_KEYS, code: str | None = None,
                  progress: Progress | None = None) -> SyncReport:
    """Merge a bundle's changes and photos into this laptop (``SyncFileError`` if it cannot be used,
    ``NeedsCode`` when it asks for the code it was encrypted with)."""
    require_officer(store.user, "or import bundles")  # a Young Inspector's store is refused
    bundle = BundleStore(path, keys, code)
    try:
        return sync(store, bundle, progress, push=False, remember=False)
    finally:
        bundle.close()
