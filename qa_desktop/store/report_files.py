"""Report files at rest: encrypted, like photos, in ``DATA_DIR/reports/<owner>/``.

A report PDF says everything a visit found, so on a laptop it is kept like the database and the
photos: AES-256-GCM under a key derived from the data folder's key (``store.keys``), never in
plain text. A lost laptop's disk gives no report away.

The one API for files made of a record (the visit reports today; letters and other documents of
a visit's report lifecycle can use it alike):

- ``put(owner, name, data)`` keeps a file, whole or not at all (written to a temporary name, then
  renamed), encrypted; ``read`` gives its bytes back, checked (a damaged or swapped file is
  refused: the owner and name are bound in as associated data); ``exists``, ``names``, ``delete``;
- ``delete_owner(owner)`` removes every file of a record: what retention does to a purged visit,
  on every laptop (``store.purge``);
- ``viewing_copy`` writes a plain copy for the system's PDF viewer into ``DATA_DIR/viewing/`` (the
  viewer needs a file, and runs as another program, so it cannot be handed bytes). Copies are
  removed when the store closes, when it next opens (after a crash), and, while it is open, once
  older than ``VIEWING_KEEP_S`` whenever another is made (a viewer has read its file by then; a
  copy a Windows viewer still holds open is removed at a later try);
- ``save_copy(path, target)`` is "Save report as…": the only plain copy kept, where the officer
  chooses; it is theirs to protect.

``owner`` is the id of the record the file belongs to (a visit's id); ``name`` is the file's name
for people ("QA-20261122-1A2B3C4D-r2.pdf"). On disk a file is ``<owner>/<name>.sealed``: a name no
program opens as a PDF, so nobody mistakes the ciphertext for a broken report.

Plain files from before (``reports/*.pdf``, and the Word copies ``reports/*.docx`` the report
lifecycle of the version before wrote beside them) are encrypted into this layout the first time the
store opens (``encrypt_existing``), then overwritten and removed.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from qa_desktop.atomic import TEMPORARY_PREFIX, write_atomically
from qa_desktop.clock import file_age_seconds, file_system_now

REPORTS_FOLDER = "reports"
VIEWING_FOLDER = "viewing"
SUFFIX = ".sealed"
MAGIC = b"QAF1"
NONCE_BYTES = 12
#: A viewing copy older than this is removed when another is made (seconds).
VIEWING_KEEP_S = 600
#: The owner of a plain report from before whose visit this laptop cannot tell.
UNFILED = "unfiled"
#: The plain files of a data folder from before, found flat in ``reports/``.
PLAIN_KINDS = ("*.pdf", "*.docx")
#: Owners are record ids; names are file names Windows accepts (no path, no : ? * " < > |).
_OWNER = re.compile(r"[0-9A-Za-z][0-9A-Za-z-]{0,63}")
_NAME = re.compile(r"[^\\/:?*\"<>|\x00-\x1f]{1,200}")


class ReportFileError(ValueError):
    """A stored file that cannot be read back, in words for the officer."""


def report_files_key(database_key: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"qa-desktop report files v1").derive(database_key)


class ReportFiles:
    def __init__(self, data_dir: Path, key: bytes) -> None:
        self.root = data_dir / REPORTS_FOLDER
        self.viewing = data_dir / VIEWING_FOLDER
        self._cipher = AESGCM(key)

    # -- where ----------------------------------------------------------------------------------------

    def path(self, owner: str, name: str) -> Path:
        """Where a file is kept (encrypted): what a report's result names."""
        if not _OWNER.fullmatch(owner):
            raise ValueError(f"{owner!r} is not a record id")
        if not _NAME.fullmatch(name) or name in (".", "..") or name.startswith(TEMPORARY_PREFIX):
            raise ValueError(f"{name!r} is not a file name every computer accepts")
        return self.root / owner / (name + SUFFIX)

    @staticmethod
    def name_of(path: Path) -> str:
        """The file's name for people (without the ``.sealed`` the disk adds)."""
        return path.name.removesuffix(SUFFIX)

    def _owner_and_name(self, path: Path) -> tuple[str, str]:
        owner, name = path.parent.name, self.name_of(path)
        if path != self.path(owner, name):
            raise ValueError(f"{path} is not a report file of this data folder")
        return owner, name

    # -- keeping and reading --------------------------------------------------------------------------

    def _sealed(self, owner: str, name: str, data: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return MAGIC + nonce + self._cipher.encrypt(nonce, data, f"{owner}/{name}".encode())

    def put(self, owner: str, name: str, data: bytes) -> Path:
        """Keep ``data`` as ``name`` of ``owner``, encrypted, whole or not at all; returns its path."""
        path = self.path(owner, name)
        write_atomically(path, self._sealed(owner, name, data))
        return path

    def read(self, path: Path) -> bytes:
        """The file's bytes; ``FileNotFoundError`` if it is not here, ``ReportFileError`` if damaged."""
        owner, name = self._owner_and_name(path)
        stored = path.read_bytes()
        if not stored.startswith(MAGIC) or len(stored) < len(MAGIC) + NONCE_BYTES + 16:
            raise ReportFileError(f"The report file {name} is damaged (it is not one QA Desktop wrote).")
        nonce = stored[len(MAGIC):len(MAGIC) + NONCE_BYTES]
        try:
            return self._cipher.decrypt(nonce, stored[len(MAGIC) + NONCE_BYTES:], f"{owner}/{name}".encode())
        except InvalidTag:
            raise ReportFileError(f"The report file {name} is damaged, or was encrypted with another "
                                  "key; make the report again.") from None

    def exists(self, path: Path) -> bool:
        """Whether the file is here and whole."""
        try:
            self.read(path)
        except (OSError, ReportFileError, ValueError):
            return False
        return True

    def names(self, owner: str) -> list[str]:
        folder = self.root / owner
        if not _OWNER.fullmatch(owner) or not folder.is_dir():
            return []
        return sorted(self.name_of(p) for p in folder.iterdir() if p.name.endswith(SUFFIX)
                      and not p.name.startswith(TEMPORARY_PREFIX))

    def delete(self, path: Path) -> bool:
        """Remove one file; whether it was there."""
        self._owner_and_name(path)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        return True

    def delete_owner(self, owner: str) -> int:
        """Remove every file of a record (retention); how many there were."""
        folder = self.root / owner
        if not _OWNER.fullmatch(owner) or not folder.is_dir():
            return 0
        count = sum(1 for p in folder.iterdir() if p.name.endswith(SUFFIX) and not p.name.startswith(TEMPORARY_PREFIX))
        shutil.rmtree(folder, ignore_errors=True)
        return count

    # -- plain copies ---------------------------------------------------------------------------------

    def save_copy(self, path: Path, target: Path) -> Path:
        """"Save report as…": a plain copy at ``target``, where the officer chose (whole or not at all)."""
        write_atomically(target, self.read(path))
        return target

    def viewing_copy(self, path: Path) -> Path:
        """A plain copy for the system's viewer, in ``DATA_DIR/viewing/`` (removed later: module docstring)."""
        data = self.read(path)
        self.remove_viewing_copies(older_than_s=VIEWING_KEEP_S)
        copy = self.viewing / uuid.uuid4().hex[:12] / self.name_of(path)
        write_atomically(copy, data)
        return copy

    def remove_viewing_copies(self, older_than_s: float = 0) -> int:
        """Remove the viewing copies older than ``older_than_s`` (all, by default); how many went. A
        copy another program still holds open (a viewer on Windows) stays until a later try."""
        if not self.viewing.is_dir():
            return 0
        removed = 0
        now = file_system_now(self.viewing) if older_than_s else 0.0
        for folder in self.viewing.iterdir():
            if folder.name.startswith(".now-"):
                continue  # another program's probe of the file system's time, gone in a moment
            try:
                if older_than_s and file_age_seconds(folder, now) < older_than_s:
                    continue
                if folder.is_dir():
                    shutil.rmtree(folder)
                else:
                    folder.unlink()
                removed += 1
            except OSError:
                continue
        return removed

    # -- plain reports from before -------------------------------------------------------------------

    def encrypt_existing(self, owner_of: Callable[[str], str | None]) -> int:
        """Encrypt the plain files of a data folder from before (``PLAIN_KINDS`` in ``reports/``) into
        their owner's folder (``owner_of(file name)``: the record whose document it is, ``None`` when
        unknown), then overwrite and remove the plain file. Returns how many."""
        if not self.root.is_dir():
            return 0
        done = 0
        for plain in sorted(p for kind in PLAIN_KINDS for p in self.root.glob(kind)):
            if plain.name.startswith(TEMPORARY_PREFIX):
                _shred(plain)  # a report cut off while it was written, from before
                continue
            owner = owner_of(plain.name) or UNFILED
            self.put(owner, plain.name, plain.read_bytes())
            _shred(plain)
            done += 1
        return done


def _shred(path: Path) -> None:
    """Overwrite a plain file with zeros before removing it: what a disk can be made to forget
    without help from the operating system (a copy-on-write or flash disk may keep old blocks)."""
    try:
        size = path.stat().st_size
        with path.open("r+b") as handle:
            handle.write(b"\0" * size)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError:
        pass
    path.unlink(missing_ok=True)
