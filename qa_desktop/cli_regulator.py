"""The regulator-watch commands of ``qa-desktop`` (issue 17): what each provider import changed, this
council's own names as an owner, and the placement check. The same workspace services as the window.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from qa_desktop.cli_text import table

if TYPE_CHECKING:
    from qa_desktop.workspace import Workspace
    from qa_desktop.workspace.register import ChangeLine, ImportRecord

EXIT_BAD_INPUT = 2
OpenWorkspace = Callable[[], "Workspace"]

#: Lines of a change report printed after an import; the rest are in ``qa-desktop imports``.
PRINTED_AT_MOST = 200


def print_changes(record: ImportRecord | None, lines: Sequence[ChangeLine], *, limit: int = PRINTED_AT_MOST) -> None:
    """The change report as a table: the changes to providers already held first, then the ones
    added (counted, not listed, when there are many: a first import adds the whole file)."""
    from qa_desktop.workspace.register import What

    added = [line for line in lines if line.what is What.ADDED]
    changed = [line for line in lines if line.what is not What.ADDED]
    if not lines:
        print("Nothing changed in the register.")
        return
    shown = changed[:limit]
    if shown:
        print(f"What changed ({len(changed):,} line(s) about providers already in the register):")
        print(table(["Provider", "URN", "What changed", "Before", "After", "Note"],
                    [line.cells for line in shown]))
    if len(changed) > len(shown):
        print(f"... and {len(changed) - len(shown):,} more.")
    if added and len(added) <= 20 and len(shown) + len(added) <= limit:
        print(f"Added to the register ({len(added)}):")
        print(table(["Provider", "URN", "What", "Facts"], [[a.provider, a.urn, a.what.value, a.after] for a in added]))
    elif added:
        print(f"{len(added):,} provider(s) added to the register.")
    if record is not None:
        print(f"The whole report: qa-desktop imports {record.id[:8]} (add --export FILE.xlsx to save it).")


def cmd_imports(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    """List the imports kept, or show (and export) what one changed."""
    workspace = open_workspace()
    records = workspace.register.imports()
    if not args.record:
        if not records:
            print("No provider file has been imported yet.")
            return 0
        print(table(["Import", "When", "By", "What it did"],
                    [[r.id[:8], f"{r.imported_at.astimezone():%d/%m/%Y %H:%M}", r.imported_by, r.summary]
                     for r in records]))
        return 0
    wanted = args.record.lower()
    found = [r for r in records if r.id.startswith(wanted)] if wanted != "last" else records[:1]
    if len(found) != 1:
        print(f"No single import starts with {args.record!r}: run `qa-desktop imports` for the list.", file=sys.stderr)
        return EXIT_BAD_INPUT
    record = found[0]
    lines = workspace.register.import_changes(record.id)
    if args.what:
        words = args.what.lower()
        lines = [line for line in lines if words in line.what.value.lower()]
    print(f"{record.summary}\nImported {record.imported_at.astimezone():%d/%m/%Y %H:%M} by {record.imported_by}.")
    if args.export:
        path = Path(args.export)
        try:
            count = workspace.register.export_import_changes(lines, path, title=f"What {record.file_name} changed")
        except ValueError as error:
            print(str(error), file=sys.stderr)
            return EXIT_BAD_INPUT
        except OSError as error:
            print(f"Could not write {path}: {error.strerror or error}.", file=sys.stderr)
            return EXIT_BAD_INPUT
        print(f"{count:,} line(s) written to {path}.")
        return 0
    print_changes(None, lines, limit=args.limit)
    return 0


def cmd_internal_owners(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    """Show or set the names this council owns homes under."""
    from qa_desktop.workspace.admin import SettingError

    workspace = open_workspace()
    if args.names or args.clear:
        try:
            changed = workspace.admin.set_internal_owners([] if args.clear else args.names).value
        except SettingError as error:
            print(str(error), file=sys.stderr)
            return EXIT_BAD_INPUT
        print(f"{changed} provider(s) marked again.")
    names = workspace.admin.internal_owners()
    if names:
        print("Homes owned under these names are internally commissioned (Figure 2):")
        for name in names:
            print(f"  {name}")
    else:
        print("No names set: no home is marked internally commissioned by its owner.")
    return 0


def add_regulator_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser,
                           bind: Callable[[Callable[..., int]], Callable[[argparse.Namespace], int]]) -> None:
    imports = sub.add_parser("imports", parents=[common],
                             help="provider imports kept, and what one changed (judgements, status, names, ...)")
    imports.add_argument("record", nargs="?", help="an import's id (the start of it), or 'last'")
    imports.add_argument("--what", help="only lines about this (e.g. judgement, status, sanctions)")
    imports.add_argument("--export", metavar="FILE", help="write the lines to FILE (.xlsx or .csv)")
    imports.add_argument("--limit", type=int, default=PRINTED_AT_MOST, help="print at most this many lines")
    imports.set_defaults(func=bind(cmd_imports))

    owners = sub.add_parser("internal-owners", parents=[common],
                            help="this council's own names as an owner: its homes are internally commissioned")
    owners.add_argument("names", nargs="*", help="the names, as Ofsted writes the owner (replaces the list)")
    owners.add_argument("--clear", action="store_true", help="no names")
    owners.set_defaults(func=bind(cmd_internal_owners))
