"""Where a laptop keeps the team keys of the shared stores it syncs with: the system keyring, one
entry per store (``team-key:<store id>``), never a file. A store object asks a ``TeamKeyring`` for
its key by the store's id; tests hand each "laptop" a keyring of its own.

Joining a team (``join``): the store says it needs the key (``NeedsTeamKey``, with the invitations
it holds); the officer types the one-time code another laptop showed; the invitation that opens
with it gives the key, which is checked against the store's check value, kept, and the invitation
removed. A key file (an invitation written to a USB stick) is opened the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from qa_desktop.credentials import forget_secret, get_secret, set_secret
from qa_desktop.sync.sealing import INVITE_DAYS, SealError, TeamKey, invitation_header, new_code, open_invitation

ACCOUNT_PREFIX = "team-key:"


class TeamKeyring(Protocol):
    def get(self, store_id: str) -> TeamKey | None: ...
    def put(self, key: TeamKey) -> None: ...


class SystemTeamKeyring:
    """The operating system's keyring (``credentials``)."""

    def get(self, store_id: str) -> TeamKey | None:
        stored = get_secret(ACCOUNT_PREFIX + store_id)
        if not stored:
            return None
        try:
            return TeamKey(bytes.fromhex(stored), store_id)
        except ValueError:
            return None

    def put(self, key: TeamKey) -> None:
        set_secret(ACCOUNT_PREFIX + key.store_id, key.secret.hex())

    def forget(self, store_id: str) -> None:
        forget_secret(ACCOUNT_PREFIX + store_id)


class MemoryTeamKeyring:
    """A keyring of one's own, in memory (a test's laptop, a store opened just to check it)."""

    def __init__(self, *keys: TeamKey) -> None:
        self.keys = {key.store_id: key for key in keys}

    def get(self, store_id: str) -> TeamKey | None:
        return self.keys.get(store_id)

    def put(self, key: TeamKey) -> None:
        self.keys[key.store_id] = key


class NeedsTeamKey(Exception):
    """This laptop does not hold the team key of a shared store yet: the officer joins the team with a
    one-time code (or a key file) from a laptop that does. Carries what joining needs."""

    def __init__(self, label: str, store_id: str, check: str,
                 invitations: Callable[[], list[tuple[str, bytes]]], consume: Callable[[str], None]) -> None:
        super().__init__(
            f"The {label} is encrypted with the team key, which this laptop does not hold yet. On a laptop that "
            "already syncs with it, choose Sync > Sync settings… > Add a laptop… (or run `qa-desktop add-laptop`), "
            "then type here the code it shows (Sync > Sync settings… > Join the team…, or `qa-desktop join CODE`). "
            "Your changes are kept on this "
            "laptop meanwhile.")
        self.label, self.store_id, self.check = label, store_id, check
        self.invitations, self.consume = invitations, consume


class JoinError(ValueError):
    """A code or key file that does not give this store's team key, in words."""


def join(needs: NeedsTeamKey, code: str, keyring: TeamKeyring, now: dt.datetime) -> TeamKey:
    """Take the team key from the store's invitation that opens with ``code``; keep it; remove the
    invitation (it works once)."""
    expired = False
    for invite_id, data in needs.invitations():
        try:
            header = invitation_header(data)
            if dt.datetime.fromisoformat(header["expires"]) < now:
                expired = True
                continue
            team = open_invitation(data, code)
        except (SealError, ValueError, KeyError):
            continue
        if team.store_id != needs.store_id or not team.matches(needs.check):
            continue
        keyring.put(team)
        needs.consume(invite_id)
        return team
    raise JoinError("That code does not open any invitation in the shared store: check the code, or ask for a new "
                    "one (a code works once, for " + f"{INVITE_DAYS} days)" + (
                        "; an invitation there has expired" if expired else "") + ".")


def join_from_file(path: Path, code: str, keyring: TeamKeyring, now: dt.datetime,
                   needs: NeedsTeamKey | None = None) -> TeamKey:
    """Take the team key from a key file (an invitation written to a stick), opened with its code;
    checked against the store when it can be reached (``needs``)."""
    try:
        data = path.read_bytes()[:64 * 1024]
        header = invitation_header(data)
    except OSError as error:
        raise JoinError(f"{path} cannot be read ({error.strerror or error}).") from None
    except SealError:
        raise JoinError(f"{path.name} is not a QA Desktop key file.") from None
    if dt.datetime.fromisoformat(header["expires"]) < now:
        raise JoinError(f"{path.name} has expired (a key file works for {INVITE_DAYS} days): ask for a new one.")
    try:
        team = open_invitation(data, code)
    except SealError:
        raise JoinError(f"{path.name} does not open with that code (or it was changed).") from None
    if needs is not None and (team.store_id != needs.store_id or not team.matches(needs.check)):
        raise JoinError(f"{path.name} holds the key of another shared store than the one chosen in Sync settings.")
    keyring.put(team)
    return team


def expires_at(now: dt.datetime) -> str:
    return (now + dt.timedelta(days=INVITE_DAYS)).isoformat()


__all__ = ["ACCOUNT_PREFIX", "JoinError", "MemoryTeamKeyring", "NeedsTeamKey", "SystemTeamKeyring", "TeamKeyring",
           "expires_at", "join", "join_from_file", "new_code"]
