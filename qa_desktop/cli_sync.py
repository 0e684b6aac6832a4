"""The sync commands of ``qa-desktop``: sync, sync-status, sync-settings, add-laptop, join, conflicts,
resolve, export-visit and import-bundle. The same ``workspace.sync`` as the window's Sync menu."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa_desktop.safe_text import terminal_text

if TYPE_CHECKING:
    from qa_desktop.workspace import Workspace
    from qa_desktop.workspace.sync import SyncReport, SyncSettings

EXIT_BAD_INPUT = 2
EXIT_UNAVAILABLE = 3


def _progress(message: str, done: int, total: int) -> None:
    if sys.stderr.isatty() and total:
        print(f"\r{message} {done}/{total}   ", end="", file=sys.stderr, flush=True)


def _print_report(report: SyncReport, words: str = "") -> None:
    """What arrived in words about people and places first (as the window says it), then the figures."""
    if sys.stderr.isatty():
        print(file=sys.stderr)
    if words:
        print(terminal_text(words))
    print(report.summary())
    for problem in report.problems:
        print(f"  problem: {problem}")
    for line in report.rewritten:
        print(f"  {line}")
    for line in report.unreadable:
        print(f"  {line}")


def _ask(prompt: str, from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return getpass.getpass(prompt)


def _one_off(args: argparse.Namespace) -> SyncSettings | None:
    """The shared store named on the command line for this sync only, if any."""
    from qa_desktop.workspace.sync import FOLDER, POSTGRESQL, SyncSettings

    if getattr(args, "folder", None):
        return SyncSettings(FOLDER, args.folder)
    if getattr(args, "postgres", None):
        return SyncSettings(POSTGRESQL, url=args.postgres)
    return None


def _guarded(body: Callable[[], int]) -> int:
    """Errors of sync in one plain sentence each, never a traceback."""
    from qa_desktop.workspace.sync import (
        ConflictError,
        CredentialsError,
        JoinError,
        NeedsPassword,
        NeedsTeamKey,
        StoreUnavailable,
        SyncFileError,
    )

    try:
        return body()
    except StoreUnavailable as error:
        print(str(error), file=sys.stderr)
        return EXIT_UNAVAILABLE
    except NeedsTeamKey as error:
        print(str(error), file=sys.stderr)
        return EXIT_UNAVAILABLE
    except NeedsPassword as error:
        print(f"{error} Run: qa-desktop sync-settings --postgres ADDRESS (it asks once and keeps it in the "
              "system keyring).", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (CredentialsError, ConflictError, SyncFileError, JoinError, ValueError, LookupError) as error:
        print(str(error), file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as error:
        print(f"{getattr(error, 'filename', '') or 'A file'}: {error.strerror or error}.", file=sys.stderr)
        return EXIT_BAD_INPUT


def cmd_sync(args: argparse.Namespace, open_workspace: Callable[[], Workspace]) -> int:
    from qa_desktop.workspace.sync import NeedsPassword

    def body() -> int:
        workspace = open_workspace()
        sync, settings = workspace.sync, _one_off(args)
        if args.accept_held:
            accepted = sync.accept_held()
            print(f"Accepted {accepted.value} held change(s) from laptops whose clocks are far ahead; "
                  "this laptop's clock was not moved.")
            return 0
        try:
            done = sync.run(_progress, settings)
        except NeedsPassword as needed:
            if not sys.stdin.isatty():
                raise
            sync.set_password(_ask(f"Password for {needed.label}: ", False), settings)
            done = sync.run(_progress, settings)
        _print_report(done.value, workspace.admin.in_words(done.changes))
        return 0

    return _guarded(body)


def cmd_status(args: argparse.Namespace, open_workspace: Callable[[], Workspace]) -> int:
    def body() -> int:
        sync = open_workspace().sync
        state = sync.status()
        last = f"{state.last_synced.astimezone():%d %b %Y %H:%M}" if state.last_synced else "never"
        print(f"Shared store: {sync.describe()}")
        print(f"Last synced: {last}")
        print(f"Changes waiting to go: {state.waiting}")
        print(f"Conflicts to resolve: {state.conflicts}")
        written_again = state.unsent[1:] if state.waiting else state.unsent
        if written_again:
            print("Found at the last sync (not on the shared store then, written again):")
            for line in written_again:
                print(f"  {line}")
        if state.unreadable:
            print("Files a laptop cannot read (as of the last sync):")
            for line in state.unreadable:
                print(f"  {line}")
        return 0

    return _guarded(body)


def cmd_settings(args: argparse.Namespace, open_workspace: Callable[[], Workspace]) -> int:
    from qa_desktop.workspace.sync import NeedsPassword, StoreUnavailable

    def body() -> int:
        sync, chosen = open_workspace().sync, _one_off(args)
        if chosen is not None:
            password = None
            if args.postgres:  # described first: an address with a password in it is refused before asking
                password = _ask(f"Password for {sync.describe(chosen)}: ", args.password_stdin)
            sync.save_settings(chosen, password=password)
        print(f"Shared store: {sync.describe()}")
        if chosen is not None:
            try:
                state = sync.open_store()
            except (StoreUnavailable, NeedsPassword) as error:
                print(f"  It cannot be opened now ({error}); it is checked at the next sync.")
                return 0
            if state.set_up_now:
                print("  A new encrypted shared store was set up there; this laptop made its team key and keeps it "
                      "in the system keyring. Add the other laptops with `qa-desktop add-laptop`.")
            elif state.holds_key:
                print("  This laptop holds its team key.")
            else:
                print("  It is encrypted with the team key, which this laptop does not hold yet: run "
                      "`qa-desktop add-laptop` on a laptop that syncs with it, then `qa-desktop join CODE` here.")
        return 0

    return _guarded(body)


def cmd_add_laptop(args: argparse.Namespace, open_workspace: Callable[[], Workspace]) -> int:
    """A one-time code (and an invitation in the shared store, or a key file) for a laptop joining."""
    def body() -> int:
        made = open_workspace().sync.add_laptop(Path(args.key_file) if args.key_file else None).value
        where = (f"The key file {made.key_file} is ready: take it to the new laptop (a USB stick), and run there "
                 f"`qa-desktop join CODE --key-file FILE`." if made.key_file else
                 "On the new laptop, choose the same shared store in Sync settings, then run `qa-desktop join "
                 "CODE` (or Sync > Sync settings… > Join the team… in the window).")
        print(f"Code: {made.code}")
        print(f"{where} Tell the officer the code (do not write it beside the file or send it with it). It works "
              f"once, until {made.expires.astimezone():%d %b %Y %H:%M}.")
        return 0

    return _guarded(body)


def cmd_join(args: argparse.Namespace, open_workspace: Callable[[], Workspace]) -> int:
    """Take the team key with a code another laptop showed (``add-laptop``)."""
    def body() -> int:
        code = args.code or _ask("Code shown on the other laptop: ", not sys.stdin.isatty())
        label = open_workspace().sync.join(code, Path(args.key_file) if args.key_file else None).value
        print(f"This laptop now holds the team key of the {label}. Run `qa-desktop sync`.")
        return 0

    return _guarded(body)


def _value_text(value: Any) -> str:
    if isinstance(value, str):
        return value.replace("_", " ") if value in ("met", "not_met", "not_applicable") else value
    return json.dumps(value, ensure_ascii=False)


def cmd_conflicts(args: argparse.Namespace, open_workspace: Callable[[], Workspace]) -> int:
    def body() -> int:
        conflicts = open_workspace().sync.conflicts()
        if not conflicts:
            print("No conflicts.")
            return 0
        for conflict in conflicts:
            print(f"{conflict.short_id}  {conflict.what}")
            for number, value in enumerate(conflict.values, start=1):
                shown = " (shown now)" if value.current else ""
                print(f"    {number}. {_value_text(value.value)!s:40}  {value.actor}, "
                      f"{value.at.astimezone():%d %b %Y %H:%M}{shown}")
        print(f"{len(conflicts)} conflict(s). Resolve with: qa-desktop resolve ID --keep N")
        return 0

    return _guarded(body)


def cmd_resolve(args: argparse.Namespace, open_workspace: Callable[[], Workspace]) -> int:
    def body() -> int:
        sync = open_workspace().sync
        conflict = sync.find_conflict(args.conflict)
        if args.value is not None:
            value: Any = args.value
        else:
            if not 1 <= args.keep <= len(conflict.values):
                raise ValueError(f"Choose a value from 1 to {len(conflict.values)}.")
            value = conflict.values[args.keep - 1].value
        sync.resolve(conflict.key, value)
        print(f"Resolved: {conflict.what} = {_value_text(value)}")
        return 0

    return _guarded(body)


def cmd_export(args: argparse.Namespace, open_workspace: Callable[[], Workspace]) -> int:
    def body() -> int:
        workspace = open_workspace()
        out = workspace.sync.export_bundle(workspace.visits.find(args.visit), Path(args.file)).value
        how = "" if out.code else " with the team key (any laptop of the team opens it)"
        print(f"Bundle written: {out.path} ({out.ops} changes, {out.photos} photos), encrypted{how}")
        if out.code:
            print(f"  Code to open it: {out.code}  (tell the other officer; do not write it on the stick)")
        if out.missing_photos:
            print(f"  {out.missing_photos} photo(s) are not on this laptop and were left out")
        return 0

    return _guarded(body)


def cmd_import_bundle(args: argparse.Namespace, open_workspace: Callable[[], Workspace]) -> int:
    from qa_desktop.workspace.sync import NeedsCode

    def body() -> int:
        workspace = open_workspace()
        sync, path, code = workspace.sync, Path(args.file), args.code
        try:
            done = sync.import_bundle(path, code, _progress)
        except NeedsCode:
            if code or not sys.stdin.isatty():
                raise
            code = input("Code shown on the other laptop when the bundle was made: ")
            done = sync.import_bundle(path, code, _progress)
        _print_report(done.value, workspace.admin.in_words(done.changes))
        return 0

    return _guarded(body)


def add_sync_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser,
                      bind: Callable[[Callable[..., int]], Callable[[argparse.Namespace], int]]) -> None:
    """Register the sync commands; ``bind`` gives each a way to open the workspace when it needs it."""
    sync = sub.add_parser("sync", parents=[common], help="sync with the team's shared store (folder or PostgreSQL)")
    where = sync.add_mutually_exclusive_group()
    where.add_argument("--folder", help="sync with this shared folder, this time only")
    where.add_argument("--postgres", metavar="ADDRESS", help="sync with this PostgreSQL server, this time only")
    sync.add_argument("--accept-held", action="store_true",
                      help="apply the changes held because their laptop's clock is far ahead (see sync-status)")
    sync.set_defaults(func=bind(cmd_sync))

    status = sub.add_parser("sync-status", parents=[common],
                            help="last sync, changes waiting, conflicts, files a laptop cannot read")
    status.set_defaults(func=bind(cmd_status))

    settings = sub.add_parser("sync-settings", parents=[common],
                              help="show or choose the shared store (the password goes to the system keyring)")
    choice = settings.add_mutually_exclusive_group()
    choice.add_argument("--folder", help="the team's shared folder")
    choice.add_argument("--postgres", metavar="ADDRESS", help="postgresql://user@server:5432/database (no password)")
    settings.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    settings.set_defaults(func=bind(cmd_settings))

    add = sub.add_parser("add-laptop", parents=[common],
                         help="a one-time code with which another laptop joins the team (takes the team key)")
    add.add_argument("--key-file", metavar="FILE", help="write the invitation to a file (a USB stick) instead of "
                                                        "the shared store")
    add.set_defaults(func=bind(cmd_add_laptop))

    joining = sub.add_parser("join", parents=[common], help="take the team key with the code another laptop showed")
    joining.add_argument("code", nargs="?", help="the code (asked for if left out)")
    joining.add_argument("--key-file", metavar="FILE", help="the key file the other laptop wrote")
    joining.set_defaults(func=bind(cmd_join))

    conflicts = sub.add_parser("conflicts", parents=[common], help="list answers two officers changed differently")
    conflicts.set_defaults(func=bind(cmd_conflicts))

    resolve = sub.add_parser("resolve", parents=[common], help="settle a conflict")
    resolve.add_argument("conflict", help="the conflict's id from 'qa-desktop conflicts'")
    how = resolve.add_mutually_exclusive_group(required=True)
    how.add_argument("--keep", type=int, metavar="N", help="keep value N of the list")
    how.add_argument("--value", help="a new value (e.g. both notes joined)")
    resolve.set_defaults(func=bind(cmd_resolve))

    export = sub.add_parser("export-visit", parents=[common],
                            help="write a visit to a bundle file for a second laptop (no network needed)")
    export.add_argument("visit", help="the visit's id, the start of it, or its report reference")
    export.add_argument("file", help="the bundle file to write (.qabundle)")
    export.set_defaults(func=bind(cmd_export))

    bundle = sub.add_parser("import-bundle", parents=[common], help="merge a bundle from another laptop")
    bundle.add_argument("file", help="the .qabundle file")
    bundle.add_argument("--code", help="the code shown when it was exported (asked for if needed)")
    bundle.set_defaults(func=bind(cmd_import_bundle))
