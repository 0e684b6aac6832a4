"""Sync through the workspace: the shared store's settings and secrets, a sync run, its status,
conflicts and their resolution, bundles between two laptops.

Secrets (a PostgreSQL password, the team's sync key) go to the system keyring and nowhere else;
screens and commands hand them over here and never hold a keyring account. A sync and a bundle
import return the records they brought in (``SyncReport.changed``, named by the engine, which
applies pulled ops outside ``Changes``), so ``Done.changes`` says what the sync did, whatever the
window's poll of the op log has already told the screens while it ran.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa_desktop.credentials import TEAM_KEY_ACCOUNT, CredentialsError, get_secret, set_secret, team_key
from qa_desktop.sync.bundle import Exported, NeedsCode, export_bundle, import_bundle
from qa_desktop.sync.conflicts import Conflict, ConflictError, ConflictValue, find_conflict, list_conflicts, resolve
from qa_desktop.sync.engine import Progress, SyncReport, SyncStatus, status, sync
from qa_desktop.sync.held import accept_held
from qa_desktop.sync.settings import (
    FOLDER,
    POSTGRESQL,
    NeedsPassword,
    SyncSettings,
    default_settings,
    load_settings,
    open_shared_store,
    password_account,
    save_settings,
    validated,
)
from qa_desktop.sync.stores import StoreUnavailable
from qa_desktop.sync.wire import SyncFileError
from qa_desktop.workspace.changes import SYNC_SETTINGS, SYNC_STATE, Done
from qa_desktop.workspace.guard import Service

if TYPE_CHECKING:
    pass

__all__ = ["SyncService", "Progress", "SyncSettings", "FOLDER", "POSTGRESQL", "SyncReport", "SyncStatus", "Conflict",
           "ConflictValue", "ConflictError", "Exported", "NeedsCode", "NeedsPassword", "StoreUnavailable",
           "SyncFileError", "CredentialsError"]


class SyncService(Service):
    area = "sync"

    # -- which shared store, and its secrets ---------------------------------------------------------

    def settings(self) -> SyncSettings:
        """The chosen shared store (``ValueError`` in words when its file cannot be read)."""
        return load_settings(self._ws.data_dir)

    def default_settings(self) -> SyncSettings:
        """The shared folder inside the data folder: what a laptop syncs with until one is chosen."""
        return default_settings(self._ws.data_dir)

    def describe(self, settings: SyncSettings | None = None) -> str:
        """The shared store in words ("shared folder /mnt/qa", "PostgreSQL qa@db:5432/qa")."""
        return (settings or self.settings()).describe()

    def save_settings(self, settings: SyncSettings, *, password: str | None = None,
                      team_key: str | None = None) -> Done[SyncSettings]:
        """Check, keep the secrets given in the keyring, then save: a refused address or secret (an
        empty one) saves nothing. ``None`` keeps the secret already stored. Returns the settings as
        saved (a folder's ``~`` expanded)."""
        clean = validated(settings)

        def work() -> SyncSettings:
            if password is not None and clean.kind == POSTGRESQL:
                set_secret(password_account(clean), password)
            if team_key is not None:
                set_secret(TEAM_KEY_ACCOUNT, team_key)
            return save_settings(self._ws.data_dir, clean)

        return self._ws._mutation(work, SYNC_SETTINGS)

    def set_password(self, password: str, settings: SyncSettings | None = None) -> Done[None]:
        """Keep the password of the server ``settings`` name (by default the chosen one) in the keyring."""
        account = password_account(validated(settings or self.settings()))
        return self._ws._mutation(lambda: set_secret(account, password), SYNC_SETTINGS)

    def has_password(self, settings: SyncSettings | None = None) -> bool:
        """Whether the keyring holds the password of that server (``CredentialsError`` without a keyring)."""
        chosen = settings or self.settings()
        return chosen.kind == POSTGRESQL and get_secret(password_account(chosen)) is not None

    def set_team_key(self, key: str) -> Done[None]:
        """The team's sync key, which signs shared files and bundles (the same on every laptop)."""
        return self._ws._mutation(lambda: set_secret(TEAM_KEY_ACCOUNT, key), SYNC_SETTINGS)

    def has_team_key(self) -> bool:
        return team_key() is not None

    # -- a sync and where it stands ------------------------------------------------------------------

    def run(self, progress: Progress | None = None, settings: SyncSettings | None = None) -> Done[SyncReport]:
        """Sync with the chosen shared store (or, this time only, with ``settings``): open it, send,
        receive, close it. ``NeedsPassword`` when the server's password is not in the keyring yet,
        ``StoreUnavailable`` when it cannot be reached; nothing is lost either way."""
        shared = open_shared_store(validated(settings) if settings else self.settings())
        try:
            return self._synced(lambda: sync(self._ws._store, shared, progress))
        finally:
            shared.close()

    def status(self, *, count_up_to: int | None = None) -> SyncStatus:
        """Last sync, changes waiting to go, open conflicts: what the status bar shows (which counts
        the changes waiting ``count_up_to`` so many, so it costs the same on a long history)."""
        return status(self._ws._store, count_up_to=count_up_to)

    def accept_held(self, device_id: str | None = None) -> Done[int]:
        """An officer accepts the changes held because their laptop's clock is far ahead (of one
        laptop, or all): they apply now, without this laptop's clock taking on theirs
        (``sync.held.accept_held``). The number applied."""
        def accept() -> tuple[int, set[tuple[str, str]]]:
            with self._ws._store.transaction() as session:
                applied = accept_held(session, device_id)
            return applied.new_ops, applied.changed

        done = self._ws._mutation(accept, SYNC_STATE)
        count, changed = done.value
        return Done(count, done.changes.merged(self._ws._describe(changed)))

    # -- conflicts -----------------------------------------------------------------------------------

    def conflicts(self) -> list[Conflict]:
        return list_conflicts(self._ws._store)

    def find_conflict(self, key_or_id: str) -> Conflict:
        """An open conflict by its key or short id (``ConflictError`` when there is none)."""
        return find_conflict(self._ws._store, key_or_id)

    def resolve(self, key_or_id: str, value: Any, *, shown: Sequence[str] | None = None) -> Done[None]:
        """Settle a conflict with ``value`` (one of its values, or new text): an op that syncs and
        closes it on every laptop. ``shown``: the op ids of the values a screen showed (see
        ``sync.conflicts.resolve``)."""
        return self._ws._mutation(lambda: resolve(self._ws._store, key_or_id, value, shown=shown))

    # -- bundles -------------------------------------------------------------------------------------

    def export_bundle(self, visit_id: str | None, path: Path | str) -> Done[Exported]:
        """Write a visit (or, with ``None``, everything) to a bundle file for a laptop with no network:
        encrypted with the team key when this laptop has one, else with a one-off ``Exported.code``."""
        return self._ws._mutation(lambda: export_bundle(self._ws._store, Path(path), visit_id=visit_id,
                                                        signing_key=team_key()))

    def import_bundle(self, path: Path | str, code: str | None = None,
                      progress: Progress | None = None) -> Done[SyncReport]:
        """Merge a bundle from another laptop. ``NeedsCode`` (its ``.reason`` in words) when it was
        encrypted with a code and none or a wrong one was given; ``SyncFileError`` when it cannot be
        used; ``CredentialsError`` without a keyring; ``OSError`` when it cannot be read."""
        key = team_key()
        return self._synced(lambda: import_bundle(self._ws._store, Path(path), signing_key=key, code=code,
                                                  progress=progress))

    def _synced(self, work: Callable[[], SyncReport]) -> Done[SyncReport]:
        """Run a sync as a mutation, and add to its changes the records its pulled ops brought in."""
        done = self._ws._mutation(work, SYNC_STATE)
        return Done(done.value, done.changes.merged(self._ws._describe(done.value.changed)))
