"""Which shared store this laptop syncs with: a small JSON file in the data folder.

Holds the folder path or the PostgreSQL address, never a password (``credentials`` keeps those in
the keyring; an address with a password in it is refused). The default is a shared folder inside
the data folder, so sync works out of the box for a demo or a single laptop; a team points it at
its network drive or synced folder.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from qa_desktop.atomic import write_atomically
from qa_desktop.credentials import get_secret, postgres_account, team_key
from qa_desktop.sync.folder import FolderStore
from qa_desktop.sync.postgres import PostgresStore, display_url, parse_url
from qa_desktop.sync.stores import SharedStore

SETTINGS_NAME = "sync-settings.json"
FOLDER, POSTGRESQL = "folder", "postgresql"


class NeedsPassword(Exception):
    """The server's password is not in the keyring yet: ask the officer once, store it, try again."""

    def __init__(self, account: str, label: str) -> None:
        super().__init__(f"Enter the password for {label}.")
        self.account = account
        self.label = label


@dataclass(frozen=True)
class SyncSettings:
    kind: str = FOLDER
    folder: str | None = None      # the shared folder (FOLDER)
    url: str | None = None         # postgresql://user@server:port/database (POSTGRESQL), no password

    def describe(self) -> str:
        if self.kind == POSTGRESQL and self.url:
            return f"PostgreSQL {display_url(parse_url(self.url))}"
        return f"shared folder {self.folder}"


def default_settings(data_dir: Path) -> SyncSettings:
    return SyncSettings(FOLDER, str(data_dir / "shared-folder"))


def load_settings(data_dir: Path) -> SyncSettings:
    path = data_dir / SETTINGS_NAME
    try:
        raw = json.loads(path.read_text("utf-8"))
        settings = SyncSettings(kind=raw["kind"], folder=raw.get("folder"), url=raw.get("url"))
        return validated(settings)
    except FileNotFoundError:
        return default_settings(data_dir)
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ValueError(f"{path} cannot be read ({error}); choose the shared store again in Sync settings.") from None


def validated(settings: SyncSettings) -> SyncSettings:
    if settings.kind == FOLDER:
        if not settings.folder or not settings.folder.strip():
            raise ValueError("Choose a shared folder.")
        return SyncSettings(FOLDER, str(Path(settings.folder.strip()).expanduser()))
    if settings.kind == POSTGRESQL:
        if not settings.url:
            raise ValueError("Enter the PostgreSQL server's address.")
        parse_url(settings.url.strip())  # refuses passwords and other databases, in words
        return SyncSettings(POSTGRESQL, url=settings.url.strip())
    raise ValueError(f"Unknown kind of shared store: {settings.kind!r}")


def save_settings(data_dir: Path, settings: SyncSettings) -> SyncSettings:
    clean = validated(settings)
    write_atomically(data_dir / SETTINGS_NAME, json.dumps(asdict(clean), indent=1).encode())
    return clean


def password_account(settings: SyncSettings) -> str:
    return postgres_account(display_url(parse_url(settings.url or "")))


def open_shared_store(settings: SyncSettings) -> SharedStore:
    """The store the settings name, with its secrets from the keyring (``NeedsPassword`` if missing)."""
    if settings.kind == POSTGRESQL:
        url = parse_url(settings.url or "")
        account = postgres_account(display_url(url))
        password = get_secret(account)
        if password is None:
            raise NeedsPassword(account, f"PostgreSQL {display_url(url)}")
        return PostgresStore(url, password)
    return FolderStore(Path(settings.folder or ""), legacy_signing_key=team_key())
