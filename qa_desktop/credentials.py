"""Secrets in the operating system's keyring (Secret Service / GNOME Keyring or KWallet on Linux,
Credential Manager on Windows, Keychain on macOS), never in a settings file or a log.

Two secrets: the PostgreSQL password (per server and user) and the team's sync key, which signs
shared-folder files and bundles so a file edited outside QA Desktop is refused. Each is asked for
once, in the UI or the CLI, and stored here.

Where no keyring is available (a bare Linux session), QA Desktop says so and which package to
install; it does not fall back to a plain-text file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types import ModuleType

SERVICE = "qa-desktop"
TEAM_KEY_ACCOUNT = "team-sync-key"


class CredentialsError(Exception):
    """The keyring cannot be used; the message says what to do."""


def _unavailable(error: Exception) -> CredentialsError:
    return CredentialsError(
        "The system keyring cannot be used, so QA Desktop cannot keep its encryption keys and passwords safely "
        f"({type(error).__name__}: {error}). On Linux, install and unlock GNOME Keyring or KWallet.")


def _keyring() -> ModuleType:
    """The keyring package, imported when a secret is first asked for (it brings its backends and
    their dependencies: some 50 ms, kept off a window's start that is handed its key)."""
    import keyring

    return keyring


def get_secret(account: str) -> str | None:
    from keyring.errors import KeyringError

    try:
        return _keyring().get_password(SERVICE, account)
    except KeyringError as error:
        raise _unavailable(error) from None


def set_secret(account: str, secret: str) -> None:
    from keyring.errors import KeyringError

    if not secret:
        raise CredentialsError("An empty password cannot be stored.")
    try:
        _keyring().set_password(SERVICE, account, secret)
    except KeyringError as error:
        raise _unavailable(error) from None


def forget_secret(account: str) -> None:
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        _keyring().delete_password(SERVICE, account)
    except PasswordDeleteError:
        pass
    except KeyringError as error:
        raise _unavailable(error) from None


def postgres_account(display: str) -> str:
    """The keyring entry of a server's password: ``postgresql:user@host:port/db``."""
    return f"postgresql:{display}"


def team_key() -> str | None:
    """The team's sync key, if this laptop has been given one."""
    return get_secret(TEAM_KEY_ACCOUNT)
