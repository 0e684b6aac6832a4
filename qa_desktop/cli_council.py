"""``qa-desktop council`` and ``qa-desktop framework``: the council's own settings from the command line.

Both show what is in force with no options. ``council`` changes what reports and letters say of
the council (any officer); ``framework`` exports the figures to a YAML file to edit, sets them from
one, or goes back to the built-in Medway framework (QA lead only). A bad value is refused with
one sentence naming the field, and nothing is changed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from qa_desktop.cli_text import table
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.timescales import ConcernLevel

if TYPE_CHECKING:
    from qa_desktop.workspace import Workspace
    from qa_desktop.workspace.council import CouncilView

EXIT_BAD_INPUT = 2
RESETTABLE = ("council_name", "service_name", "address_block", "protective_marking", "logo")


def _short(value: str) -> str:
    """A value on one line of a table: new lines as " / ", at most 60 characters."""
    value = " / ".join(value.splitlines())
    return value if len(value) <= 60 else value[:57] + "..."


def _show_council(view: CouncilView) -> None:
    brand = view.branding

    def shown(name: str, value: str) -> str:
        return f"{value} (built in)" if name in view.defaults else value

    rows = [["Council", shown("council_name", brand.council_name)],
            ["Service", shown("service_name", brand.service_name)],
            ["Protective marking", shown("protective_marking", brand.protective_marking)],
            ["Address block", " / ".join(brand.address_block) or "none"],
            ["Logo", f"{len(brand.logo) // 1024 + 1} KB picture" if brand.logo else "none"],
            ["Framework", shown("framework", view.framework.name)]]
    print(table(["", ""], rows))


def cmd_council(args: argparse.Namespace, open_workspace: Callable[[], Workspace]) -> int:
    from qa_desktop.workspace.council import CouncilSettingError

    changes = {"council_name": args.council_name, "service_name": args.service_name,
               "protective_marking": args.marking, "address_block": args.address}
    logo = None
    try:
        if args.address_file:
            changes["address_block"] = Path(args.address_file).read_text(encoding="utf-8")
        if args.logo:
            logo = Path(args.logo).read_bytes()
    except OSError as error:
        print(f"{error.filename}: {error.strerror}.", file=sys.stderr)
        return EXIT_BAD_INPUT
    council = open_workspace().council
    if args.audit:
        print(table(["When", "Who", "Laptop", "Field", "Value"],
                    [[f"{line.when.astimezone():%d/%m/%Y %H:%M}", line.who, line.device, line.field,
                      _short(line.value)] for line in council.audit()]))
        return 0
    if any(v is not None for v in changes.values()) or logo is not None or args.reset:
        try:
            view = council.set_details(**changes, logo=logo, clear=frozenset(args.reset or ())).value
        except CouncilSettingError as error:
            print(str(error), file=sys.stderr)
            return EXIT_BAD_INPUT
        print("Saved; the team has it at its next sync.")
    else:
        view = council.settings()
    _show_council(view)
    return 0


def _show_framework(view: CouncilView) -> None:
    figures = view.framework
    print(f"{figures.name}{' (built in)' if 'framework' in view.defaults else ''}")
    print("\nFigures 1 and 2: how often, by service type")
    print(table(["Service type", "QA visit (Figure 2)", "Compliance review (Figure 1)"],
                [[t.label, str(figures.visit_frequency(t) or "none"), str(figures.review_frequency(t) or "none")]
                 for t in ServiceType]))
    low, medium, high = figures.rag_from
    print(f"\nFigure 6: QA cases in a year: {low}-{medium - 1} LOW, {medium}-{high - 1} MEDIUM, {high}+ HIGH")
    print("Figure 8: " + "; ".join(f"{level.label} {figures.timescale(level).wording}" for level in ConcernLevel))


def cmd_framework(args: argparse.Namespace, open_workspace: Callable[[], Workspace]) -> int:
    from qa_desktop.domain.roles import NotAllowed
    from qa_desktop.workspace.council import FrameworkError

    council = open_workspace().council
    if args.export:
        Path(args.export).write_text(council.framework_yaml(), encoding="utf-8")
        print(f"The framework's figures are in {args.export}: edit them, then `qa-desktop framework --set "
              f"{args.export}` (QA lead).")
        return 0
    try:
        if args.set:
            try:
                text = Path(args.set).read_text(encoding="utf-8")
            except OSError as error:
                print(f"{args.set}: {error.strerror}.", file=sys.stderr)
                return EXIT_BAD_INPUT
            view = council.set_framework_yaml(text).value
            print("Saved: what is due follows these figures now, here and on every laptop after its next sync.")
        elif args.builtin:
            view = council.set_framework(None).value
            print("Back to the built-in framework.")
        else:
            view = council.settings()
    except FrameworkError as error:
        print(f"{args.set}: {error}" if args.set else str(error), file=sys.stderr)
        return EXIT_BAD_INPUT
    except NotAllowed as error:
        print(str(error), file=sys.stderr)
        return EXIT_BAD_INPUT
    _show_framework(view)
    return 0


def add_council_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser,
                         bind: Callable[[Callable[..., int]], Callable[[argparse.Namespace], int]]) -> None:
    council = sub.add_parser("council", parents=[common],
                             help="the council's details on reports and letters (shown, or changed with options)")
    council.add_argument("--council-name", help="e.g. Medway Council")
    council.add_argument("--service-name", help="e.g. Children's Commissioning Quality Assurance")
    council.add_argument("--marking", help="the protective marking, e.g. OFFICIAL-SENSITIVE")
    where = council.add_mutually_exclusive_group()
    where.add_argument("--address", help="the letters' address block, lines separated by new lines")
    where.add_argument("--address-file", metavar="FILE", help="the address block from a text file, line by line")
    council.add_argument("--logo", metavar="FILE", help="a PNG or JPEG logo (at most 256 KB)")
    council.add_argument("--reset", nargs="+", choices=RESETTABLE, metavar="FIELD",
                         help=f"back to the built-in value: {', '.join(RESETTABLE)}")
    council.add_argument("--audit", action="store_true", help="who changed the council's settings, and when")
    council.set_defaults(func=bind(cmd_council))

    framework = sub.add_parser("framework", parents=[common],
                               help="the framework's figures (Figures 1, 2, 6, 8): shown, exported, or set (QA lead)")
    how = framework.add_mutually_exclusive_group()
    how.add_argument("--export", metavar="FILE.yaml", help="write the figures in force to a file to edit")
    how.add_argument("--set", metavar="FILE.yaml", help="use the figures in this file from now on (QA lead)")
    how.add_argument("--builtin", action="store_true", help="go back to the built-in Medway framework (QA lead)")
    framework.set_defaults(func=bind(cmd_framework))
