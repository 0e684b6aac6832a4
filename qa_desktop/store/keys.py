"""The key that encrypts this laptop's data at rest: the database (SQLCipher) and the photos.

A random 256-bit key is made the first time a data folder is opened and kept in the operating
system's keyring (one per data folder), never on disk beside the data: a lost laptop's disk says
nothing without the user's login.

The keyring entry is found by the folder's own id, kept in the folder (``folder-id.json``, a random
id, no secret), not by the folder's path: a data folder moved or renamed (a Windows profile
renamed, a folder copied to a new laptop's same login) still finds its key. A folder from before
the id was kept had its entry named from its path; it is moved to the id's entry the first time
the folder opens where it was (a folder moved before that cannot be told from a new one: its
officer runs ``recover``). The database is keyed with the raw key (no passphrase
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
import json
import os
import secrets
import uuid
from pathlib import Path

from qa_desktop.atomic import write_atomically
from qa_desktop.credentials import CredentialsError, forget_secret, get_secret, set_secret

KEY_BYTES = 32
SQLITE_HEADER = b"SQLite format 3\x00"
DEMO_KEY_FILE = "demo-only.key"
#: The data folder's own id, by which the keyring finds its key (no secret in it).
FOLDER_ID_FILE = "folder-id.json"


class KeyLost(Exception):
    """The data folder is encrypted and its key is not in this keyring; the message says what to do."""


class DatabaseDamaged(KeyLost):
    """The data file is damaged (part of it cannot be read). A ``KeyLost``: the data cannot be used,
    nothing was changed, and ``recover`` is what to do; the message says so in words."""


def folder_id(data_dir: Path, *, make: bool = True) -> str | None:
    """The data folder's own id (``FOLDER_ID_FILE``), made now when ``make`` and it has none yet."""
    path = data_dir / FOLDER_ID_FILE
    try:
        found = json.loads(path.read_text("utf-8")).get("folder_id")
        return str(uuid.UUID(found))
    except FileNotFoundError:
        if not make:
            return None
    except (OSError, ValueError, AttributeError, TypeError) as error:
        raise KeyLost(f"{path} cannot be read ({error}), so this computer's keyring cannot tell which key opens "
                      f"the data in {data_dir}. Nothing has been changed. Restore the file from a backup, or "
                      "run `qa-desktop recover`.") from None
    made = str(uuid.uuid4())
    write_atomically(path, json.dumps({"format": "qa-desktop-folder", "folder_id": made}).encode("utf-8"))
    return made


def key_account(data_dir: Path) -> str:
    """The keyring account of a data folder's key, by the folder's id (one key per folder)."""
    return "database-key:" + str(folder_id(data_dir))


def path_key_account(data_dir: Path) -> str:
    """Where a folder's key was kept before folders had an id: named from the folder's path."""
    return "database-key:" + hashlib.sha256(str(data_dir.resolve()).encode("utf-8")).hexdigest()[:24]


def is_plaintext_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def _has_data(path: Path) -> bool:
    return path.exists() and path.stat().st_size > 0


def stored_key(data_dir: Path) -> bytes | None:
    """The key the keyring holds for a data folder (by its id, or its path from before), if any; never
    makes one (``recover`` reads a damaged folder put aside with it)."""
    found = folder_id(data_dir, make=False)
    stored = get_secret(f"database-key:{found}") if found else None
    stored = stored or get_secret(path_key_account(data_dir))
    return bytes.fromhex(stored) if stored else None


def database_key(data_dir: Path, database: Path) -> bytes:
    """This folder's key from the keyring, made now if the folder holds no encrypted data yet."""
    account = key_account(data_dir)
    stored = get_secret(account)
    if stored:
        return bytes.fromhex(stored)
    before = get_secret(path_key_account(data_dir))  # a folder from before it had an id: move its entry
    if before:
        set_secret(account, before)
        forget_secret(path_key_account(data_dir))
        return bytes.fromhex(before)
    if _has_data(database) and not is_plaintext_sqlite(database):
        raise KeyLost(
            f"The data in {data_dir} is encrypted, and this computer's keyring no longer holds its key, so it "
            "cannot be read. Nothing has been changed. If the keyring can be restored (the same login, a "
            "backup), do that and start again. Otherwise run `qa-desktop recover`: it puts the unreadable files "
            "aside and downloads everything already synced from the team's shared store. Changes made on this "
            "laptop since its last sync are only in the files put aside.")
    key = secrets.token_bytes(KEY_BYTES)
    set_secret(account, key.hex())
    return key


def existing_key(data_dir: Path) -> bytes | None:
    """The folder's key if this computer holds one (keyring, or the demo folder's key file); never makes one."""
    try:
        stored = stored_key(data_dir)
    except (CredentialsError, KeyLost):
        stored = None
    if stored:
        return stored
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


def folder_key(data_dir: Path) -> bytes | None:
    """The key the keyring holds under the folder's own id, if any; nothing is made, moved or
    refused here (``database_key`` does that when the store opens): ``None`` when it cannot say."""
    try:
        found = folder_id(data_dir, make=False)
        stored = get_secret(f"database-key:{found}") if found else None
        return bytes.fromhex(stored) if stored else None
    except (CredentialsError, KeyLost, ValueError):
        return None


def photo_key(database_key: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes  # not imported before the first paint (issue 22)
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None,
                info=b"qa-desktop photos v1").derive(database_key)
