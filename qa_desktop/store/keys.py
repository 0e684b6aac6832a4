"""The key that encrypts this laptop's data at rest: the database (SQLCipher) and the photos.

A random 256-bit key is made the first time a data folder is opened and kept in the operating
system's keyring (one per data folder), never on disk beside the data: a lost laptop's disk says
nothing without the user's login. The database is keyed with the raw key (no passphrase
stretching is needed for a random key, so opening stays instant); photos use a key derived from
it (HKDF), so one secret protects both.

If the keyring no longer has the key (a reinstalled system, a reset keyring), the data cannot be
read by anyone; ``KeyLost`` says so, and ``qa-desktop recover`` puts the unreadable files aside
(never deleting them: the key may turn up) and starts again from the team's shared store.

The demo folder is the one exception: its data is fictional, so where no keyring exists (a bare
machine running ``./run``) its key is kept in a file beside it rather than refusing to start.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from qa_desktop.credentials import CredentialsError, get_secret, set_secret

KEY_BYTES = 32
SQLITE_HEADER = b"SQLite format 3\x00"
DEMO_KEY_FILE = "demo-only.key"


class KeyLost(Exception):
    """The data folder is encrypted and its key is not in this keyring; the message says what to do."""


def key_account(data_dir: Path) -> str:
    """The keyring account of a data folder's key (one key per folder: demo and real data differ)."""
    return "database-key:" + hashlib.sha256(str(data_dir.resolve()).encode("utf-8")).hexdigest()[:24]


def is_plaintext_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def _has_data(path: Path) -> bool:
    return path.exists() and path.stat().st_size > 0


def database_key(data_dir: Path, database: Path) -> bytes:
    """This folder's key from the keyring, made now if the folder holds no encrypted data yet."""
    stored = get_secret(key_account(data_dir))
    if stored:
        return bytes.fromhex(stored)
    if _has_data(database) and not is_plaintext_sqlite(database):
        raise KeyLost(
            f"The data in {data_dir} is encrypted, and this computer's keyring no longer holds its key, so it "
            "cannot be read. Nothing has been changed. If the keyring can be restored (the same login, a "
            "backup), do that and start again. Otherwise run `qa-desktop recover`: it puts the unreadable files "
            "aside and downloads everything already synced from the team's shared store. Changes made on this "
            "laptop since its last sync are only in the files put aside.")
    key = secrets.token_bytes(KEY_BYTES)
    set_secret(key_account(data_dir), key.hex())
    return key


def existing_key(data_dir: Path) -> bytes | None:
    """The folder's key if this computer holds one (keyring, or the demo folder's key file); never makes one."""
    try:
        stored = get_secret(key_account(data_dir))
    except CredentialsError:
        stored = None
    if stored:
        return bytes.fromhex(stored)
    key_file = data_dir / DEMO_KEY_FILE
    return bytes.fromhex(key_file.read_text().strip()) if key_file.exists() else None


def demo_key(data_dir: Path, database: Path) -> bytes:
    """The keyring when there is one; else a key file beside the fictional demo data."""
    try:
        return database_key(data_dir, database)
    except CredentialsError:
        key_file = data_dir / DEMO_KEY_FILE
        if key_file.exists():
            return bytes.fromhex(key_file.read_text().strip())
        key = secrets.token_bytes(KEY_BYTES)
        data_dir.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(key.hex())
        return key


def photo_key(database_key: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None,
                info=b"qa-desktop photos v1").derive(database_key)
