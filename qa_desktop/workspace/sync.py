"""Sync through the workspace: the shared store's settings and secrets, the team key (adding a
laptop, joining), a sync run, its status, conflicts and their resolution, bundles between two laptops.

Secrets (a PostgreSQL password, the team key) go to the system keyring and nowhere else;
screens and commands hand them over here and never hold a keyring account. The team key itself is
never shown: a laptop joins with a one-time code or a key file (``sync.team``). A sync and a bundle
import return the records they brought in (``SyncReport.changed``, named by the engine, which
applies pulled ops outside ``Changes``), so ``Done.changes`` says what the sync did, whatever the
window's poll of the op log has already told the screens while it ran.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa_desktop.atomic import write_atomically
from qa_desktop.credentials import CredentialsError, get_secret, set_secret, team_key
from qa_desktop.sync.bundle import BundleKeys, Exported, NeedsCode, export_bundle, import_bundle
from qa_desktop.sync.conflicts import Conflict, ConflictError, ConflictValue, find_conflict, list_conflicts, resolve
from qa_desktop.sync.engine import Progress, SyncReport, SyncStatus, last_store_key, status, sync
from qa_desktop.sync.held import accept_held
from qa_desktop.sync.sealing import INVITE_DAYS, TeamKey, new_code, seal_invitation
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
from qa_desktop.sync.team import JoinError, NeedsTeamKey, SystemTeamKeyring, expires_at, join, join_from_file
from qa_desktop.sync.wire import SyncFileError
from qa_desktop.workspace.changes import SYNC_SETTINGS, SYNC_STATE, Done
from qa_desktop.workspace.guard import Service

if TYPE_CHECKING:
    pass

__all__ = ["SyncService", "Progress", "SyncSettings", "FOLDER", "POSTGRESQL", "SyncReport", "SyncStatus", "Conflict",
           "ConflictValue", "ConflictError", "Exported", "NeedsCode", "NeedsPassword", "StoreUnavailable",
           "SyncFileError", "CredentialsError", "NeedsTeamKey", "JoinError", "Invitation", "StoreState", "INVITE_DAYS"]


@dataclass(frozen=True)
class Invitation:
    """What ``add_laptop`` made: the code to tell the other officer, until when it works, and where."""

    code: str
    expires: dt.datetime
    store: str
    key_file: Path | None = None


@dataclass(frozen=True)
class StoreState:
    """Where this laptop stands with a shared store (``open_store``)."""

    label: str
    holds_key: bool
    set_up_now: bool


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

    def save_settings(self, settings: SyncSettings, *, password: str | None = None) -> Done[SyncSettings]:
        """Check, keep the password given in the keyring, then save: a refused address or secret (an
        empty one) saves nothing. ``None`` keeps the password already stored. Returns the settings as
        saved (a folder's ``~`` expanded)."""
        clean = validated(settings)

        def work() -> SyncSettings:
            if password is not None and clean.kind == POSTGRESQL:
                set_secret(password_account(clean), password)
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

    # -- the team key ------------------------------------------------------------------------------

    def open_store(self, settings: SyncSettings | None = None) -> StoreState:
        """Open the chosen shared store once, to say where this laptop stands with it: set up just now
        (this laptop made its team key), holding its key, or needing to join (``NeedsTeamKey`` is
        answered, not raised). ``StoreUnavailable`` / ``NeedsPassword`` when it cannot be reached."""
        chosen = validated(settings) if settings else self.settings()
        try:
            shared = open_shared_store(chosen)
        except NeedsTeamKey:
            return StoreState(chosen.describe(), holds_key=False, set_up_now=False)
        try:
            return StoreState(shared.label, holds_key=True, set_up_now=getattr(shared, "set_up_now", False))
        finally:
            shared.close()

    def add_laptop(self, key_file: Path | None = None) -> Done[Invitation]:
        """Let another laptop join the team: a one-time code (shown to the officer, read out or typed
        on the other laptop, never written down beside it) that opens an invitation holding the team
        key: in the shared store, or in ``key_file`` (for a USB stick). It works once, for
        ``INVITE_DAYS`` days."""
        def work() -> Invitation:
            shared = open_shared_store(self.settings())
            try:
                team = shared.team
                if team is None:
                    raise StoreUnavailable(f"The {shared.label} has no team key.")
                code = new_code()
                invite_id = str(uuid.uuid4())
                expires = expires_at(self._ws.clock.now())
                data = seal_invitation(team, code, invite_id, expires)
                if key_file is not None:
                    write_atomically(Path(key_file), data)
                else:
                    shared.put_invitation(invite_id, data)
                return Invitation(code, dt.datetime.fromisoformat(expires), shared.label,
                                  Path(key_file) if key_file is not None else None)
            finally:
                shared.close()

        return self._ws._mutation(work, SYNC_SETTINGS)

    def join(self, code: str, key_file: Path | None = None) -> Done[str]:
        """Take the team key of the chosen shared store with the code another laptop showed (from the
        invitation in the store, or in ``key_file``); keep it in the keyring. ``JoinError`` in words
        when the code opens nothing. Returns the store in words."""
        def work() -> str:
            settings = self.settings()
            keyring = SystemTeamKeyring()
            try:
                shared = open_shared_store(settings)
            except NeedsTeamKey as needs:
                if key_file is not None:
                    join_from_file(Path(key_file), code, keyring, self._ws.clock.now(), needs)
                else:
                    join(needs, code, keyring, self._ws.clock.now())
                return needs.label
            except (StoreUnavailable, NeedsPassword):
                if key_file is None:
                    raise
                join_from_file(Path(key_file), code, keyring, self._ws.clock.now())  # checked at the next sync
                return settings.describe()
            shared.close()
            raise JoinError(f"This laptop already holds the team key of the {shared.label}.")

        return self._ws._mutation(work, SYNC_SETTINGS)

    def _team(self) -> TeamKey | None:
        """The team key of the store this laptop last synced with (a bundle is sealed with it)."""
        store_key = last_store_key(self._ws._store)
        if not store_key or ":" not in store_key:
            return None
        return SystemTeamKeyring().get(store_key.split(":", 1)[1])

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
        team = self._team()
        return self._ws._mutation(lambda: export_bundle(self._ws._store, Path(path), visit_id=visit_id, team=team))

    def import_bundle(self, path: Path | str, code: str | None = None,
                      progress: Progress | None = None) -> Done[SyncReport]:
        """Merge a bundle from another laptop. ``NeedsCode`` (its ``.reason`` in words) when it was
        encrypted with a code and none or a wrong one was given; ``SyncFileError`` when it cannot be
        used; ``CredentialsError`` without a keyring; ``OSError`` when it cannot be read."""
        keys = BundleKeys(team=self._team(), legacy=team_key())
        return self._synced(lambda: import_bundle(self._ws._store, Path(path), keys=keys, code=code,
                                                  progress=progress))

    def _synced(self, work: Callable[[], SyncReport]) -> Done[SyncReport]:
        """Run a sync as a mutation, and add to its changes the records its pulled ops brought in."""
        done = self._ws._mutation(work, SYNC_STATE)
        return Done(done.value, done.changes.merged(self._ws._describe(done.value.changed)))
