"""Handing the laptop to a Young Inspector, and getting it back (issue 15, point 4).

The officer's laptop holds confidential notes (a LADO referral, a child's placement), so while a
Young Inspector has it the screen is a kiosk that only the officer can leave: with their own
unlock PIN or password, set up in the app. This module keeps that secret and the hand-over's state,
on this laptop only (``LocalState``, inside the encrypted database; never synced):

- **The secret is stored hashed** with scrypt (a random salt per secret, 2^14 x 8 rounds: about
  50 ms and 16 MB to check one guess, so a copied database cannot be tried quickly), never in
  plain. Checked in constant time.
- **Guessing is slowed down**: after 5 wrong tries the next waits 30 seconds, doubling each time up
  to 15 minutes. The count is kept in the database, so closing and reopening the program does not
  reset it.
- **A hand-over in progress is recorded** (the visit, the Young Inspector, and which login session
  of the operating system started it). If the program is ended during a hand-over (Task Manager, a
  crash, a flat battery) it opens again on the locked hand-over screen, not on the officer's data.
- **A forgotten PIN has no back door in the app.** The operating system's own login is the officer's
  proof: sign out (or restart) and sign in again with your own Windows password. A hand-over
  started in an earlier login session is then ended when QA Desktop opens, and a new PIN can be
  chosen. A Young Inspector who signs out meets the Windows sign-in screen, which needs the
  officer's password. (Outside a hand-over anyone at the app is the officer, so setting a new PIN
  then needs no old one.)
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import itertools
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from qa_desktop.domain.roles import require_officer
from qa_desktop.safe_text import check_text
from qa_desktop.store.database import Store
from qa_desktop.store.models import LocalState

#: scrypt's cost: N, r, p (RFC 7914; N=2^14, r=8 is the interactive-login setting), and key length.
SCRYPT_N, SCRYPT_R, SCRYPT_P, SCRYPT_LENGTH = 2**14, 8, 1, 32
#: Wrong tries allowed before each next one waits; the first wait, doubling, up to the longest.
FREE_TRIES = 5
FIRST_WAIT = dt.timedelta(seconds=30)
LONGEST_WAIT = dt.timedelta(minutes=15)
#: Shortest PIN (digits only) and password.
PIN_DIGITS, PASSWORD_LENGTH = 6, 8

HAND_OVER_KEY = "hand_over"
TRIES_KEY = "unlock_tries"


class UnlockError(ValueError):
    """An unlock secret refused (too short, too easy), or the hand-over cannot be ended that way."""


class TooManyTries(UnlockError):
    """Too many wrong tries: the next one is allowed at ``until``."""

    def __init__(self, until: dt.datetime, now: dt.datetime) -> None:
        self.until = until
        seconds = max(1, int((until - now).total_seconds() + 0.999))
        wait = f"{seconds} seconds" if seconds < 120 else f"{(seconds + 59) // 60} minutes"
        super().__init__(f"Too many wrong tries. Try again in {wait}.")


@dataclass(frozen=True)
class HandOver:
    """A hand-over in progress: whose form, and whether it was started in this login session."""

    visit_id: str
    young_inspector_id: str | None
    officer: str
    started: dt.datetime
    same_login: bool


# -- the operating system's login session ------------------------------------------------------------

def login_session() -> str | None:
    """An id of the operating system login session this program runs in: it changes when the user
    signs out and in again, or restarts. ``None`` where it cannot be told.

    Windows: the logon session of this process's access token (``TOKEN_STATISTICS.AuthenticationId``,
    a new one at every sign-in). Linux: the boot (``/proc/sys/kernel/random/boot_id``) and the audit
    login session (``/proc/self/sessionid``, or the systemd session), which change at a restart and
    at a new login."""
    if sys.platform == "win32":
        return _windows_logon_session()
    boot = _read("/proc/sys/kernel/random/boot_id")
    if boot is None:
        return None
    session = _read("/proc/self/sessionid")
    if session in (None, "4294967295"):  # no audit login session (a container): the systemd one, if any
        session = os.environ.get("XDG_SESSION_ID", "")
    return f"linux:{boot}:{session}"


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None


def _windows_logon_session() -> str | None:  # pragma: no cover (Windows only)
    import ctypes
    from ctypes import wintypes

    class Luid(ctypes.Structure):
        _fields_ = [("LowPart", wintypes.DWORD), ("HighPart", wintypes.LONG)]

    class TokenStatistics(ctypes.Structure):
        _fields_ = [("TokenId", Luid), ("AuthenticationId", Luid), ("ExpirationTime", ctypes.c_longlong),
                    ("TokenType", ctypes.c_int), ("ImpersonationLevel", ctypes.c_int),
                    ("DynamicCharged", wintypes.DWORD), ("DynamicAvailable", wintypes.DWORD),
                    ("GroupCount", wintypes.DWORD), ("PrivilegeCount", wintypes.DWORD), ("ModifiedId", Luid)]

    advapi32 = ctypes.WinDLL("advapi32", use_last_error=True)  # type: ignore[attr-defined]
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    kernel32.GetCurrentProcess.restype = wintypes.HANDLE
    token = wintypes.HANDLE()
    token_query, token_statistics_class = 0x0008, 10
    if not advapi32.OpenProcessToken(kernel32.GetCurrentProcess(), token_query, ctypes.byref(token)):
        return None
    try:
        statistics = TokenStatistics()
        size = wintypes.DWORD()
        if not advapi32.GetTokenInformation(token, token_statistics_class, ctypes.byref(statistics),
                                            ctypes.sizeof(statistics), ctypes.byref(size)):
            return None
        logon = statistics.AuthenticationId
        return f"windows:{logon.HighPart:08x}{logon.LowPart:08x}"
    finally:
        kernel32.CloseHandle(token)


# -- the secret --------------------------------------------------------------------------------------

def hash_secret(secret: str) -> str:
    """``scrypt$N$r$p$salt$hash`` (base64): what is stored; the secret itself never is."""
    salt = os.urandom(16)
    digest = _scrypt(secret, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return "$".join(["scrypt", str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P),
                     base64.b64encode(salt).decode(), base64.b64encode(digest).decode()])


def secret_matches(secret: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        expected = base64.b64decode(digest)
        found = _scrypt(secret, base64.b64decode(salt), int(n), int(r), int(p), len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(found, expected)


def _scrypt(secret: str, salt: bytes, n: int, r: int, p: int, length: int = SCRYPT_LENGTH) -> bytes:
    return hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=length, maxmem=64 * 1024 * 1024)


def check_new_secret(secret: str) -> None:
    """Refuse a PIN or password that is too short or too easy to guess, in one sentence."""
    check_text("the PIN or password", secret)
    if secret.isdigit():
        if len(secret) < PIN_DIGITS:
            raise UnlockError(f"A PIN needs at least {PIN_DIGITS} digits.")
        steps = {int(b) - int(a) for a, b in itertools.pairwise(secret)}
        if len(set(secret)) == 1 or steps in ({1}, {-1}):
            raise UnlockError("That PIN is too easy to guess (one digit repeated, or counting up or down): "
                              "choose another.")
    elif len(secret) < PASSWORD_LENGTH:
        raise UnlockError(f"A password needs at least {PASSWORD_LENGTH} characters (or use a PIN of at least "
                          f"{PIN_DIGITS} digits).")
    if secret != secret.strip():
        raise UnlockError("The PIN or password cannot begin or end with a space.")


def _secret_key(officer: str) -> str:
    return "unlock:" + hashlib.sha256(officer.encode("utf-8")).hexdigest()[:40]


def _get(session: Session, key: str) -> str | None:
    row = session.get(LocalState, key)
    return None if row is None else row.value


def _put(session: Session, key: str, value: str | None) -> None:
    row = session.get(LocalState, key)
    if value is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(LocalState(key=key, value=value))
    else:
        row.value = value


def unlock_is_set(store: Store) -> bool:
    """Whether this laptop's officer has an unlock PIN or password (needed before a hand-over)."""
    require_officer(store.user, "or set the officer's unlock PIN")
    with store.read() as session:
        return _get(session, _secret_key(store.actor)) is not None


def set_unlock(store: Store, secret: str) -> None:
    """Set (or replace) this laptop's officer's unlock PIN or password. Refused during a hand-over
    started in this login session (the officer ends it with the old one first)."""
    require_officer(store.user, "or set the officer's unlock PIN")
    check_new_secret(secret)
    stored = hash_secret(secret)
    with store.transaction() as session:
        current = _hand_over(session)
        if current is not None and current.same_login:
            raise UnlockError("A Young Inspector has the laptop: unlock the hand-over with your PIN first.")
        _put(session, _secret_key(store.actor), stored)


# -- the hand-over -----------------------------------------------------------------------------------

def _hand_over(session: Session) -> HandOver | None:
    text = _get(session, HAND_OVER_KEY)
    if text is None:
        return None
    data = json.loads(text)
    login = login_session()
    return HandOver(data["visit"], data.get("young_inspector"), data.get("officer", ""),
                    dt.datetime.fromisoformat(data["started"]),
                    same_login=login is None or data.get("login") in (None, login))


def hand_over_in_progress(store: Store) -> HandOver | None:
    """The hand-over this laptop is in the middle of (the program was ended during one), if any."""
    require_officer(store.user, "or see the hand-over")
    with store.read() as session:
        return _hand_over(session)


def record_hand_over(store: Store, visit_id: str, young_inspector_id: str | None, now: dt.datetime) -> None:
    """The laptop is going to the Young Inspector: refused until the officer has an unlock secret."""
    require_officer(store.user, "or hand the laptop over")
    with store.transaction() as session:
        if _get(session, _secret_key(store.actor)) is None:
            raise UnlockError("Set your unlock PIN or password first: only it brings your screens back after "
                              "the hand-over.")
        _put(session, HAND_OVER_KEY, json.dumps({"visit": visit_id, "young_inspector": young_inspector_id,
                                                 "officer": store.actor, "started": now.isoformat(),
                                                 "login": login_session()}))


def unlock(store: Store, secret: str, now: dt.datetime) -> bool:
    """The officer's PIN or password ends the hand-over: True when it matched. ``TooManyTries``
    while guesses must wait. A wrong try is counted, in the database."""
    require_officer(store.user, "or end the hand-over")
    with store.transaction() as session:
        tries = json.loads(_get(session, TRIES_KEY) or '{"count": 0}')
        until = dt.datetime.fromisoformat(tries["until"]) if tries.get("until") else None
        if until is not None and now < until:
            raise TooManyTries(until, now)
        stored = _get(session, _secret_key(store.actor))
        if stored is not None and secret_matches(secret, stored):
            _put(session, TRIES_KEY, None)
            _put(session, HAND_OVER_KEY, None)
            return True
        count = int(tries.get("count", 0)) + 1
        record: dict[str, object] = {"count": count}
        if count >= FREE_TRIES:
            wait = min(FIRST_WAIT * 2 ** (count - FREE_TRIES), LONGEST_WAIT)
            record["until"] = (now + wait).isoformat()
        _put(session, TRIES_KEY, json.dumps(record))
        return False


def end_hand_over_from_earlier_login(store: Store) -> HandOver:
    """QA Desktop opened in a new login session with a hand-over from an earlier one still recorded:
    signing in to the operating system proved the officer, so the hand-over ends (their answers are
    all saved). Refused when the hand-over was started in this same login session: then only the
    PIN ends it."""
    require_officer(store.user, "or end the hand-over")
    with store.transaction() as session:
        current = _hand_over(session)
        if current is None:
            raise UnlockError("No hand-over is in progress.")
        if current.same_login:
            raise UnlockError("This hand-over was started in this login session: unlock it with your PIN or "
                              "password. Forgotten it? Sign out of Windows and sign in again with your own "
                              "password, then open QA Desktop.")
        _put(session, HAND_OVER_KEY, None)
        _put(session, TRIES_KEY, None)
        return current
