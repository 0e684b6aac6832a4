"""``qa-desktop``: the headless commands, over the same workspace as the window.

With no command it opens the window. Errors are one plain sentence on stderr and a non-zero exit
status (2 for bad input, 3 when the data cannot be opened, 70 for an error nobody expected, which
also names the log file), never a traceback: these are run by officers, not developers. Every run
writes to the log file (``qa_desktop.logs``).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from contextlib import closing, redirect_stderr, redirect_stdout
from pathlib import Path
from typing import TYPE_CHECKING

from qa_desktop.cli_regulator import print_changes
from qa_desktop.cli_text import TerminalSafe, parse_day, table
from qa_desktop.domain.service_types import ServiceType, parse_service_type
from qa_desktop.paths import default_data_dir

if TYPE_CHECKING:
    from qa_desktop.workspace import Workspace
    from qa_desktop.workspace.register import DueItem

EXIT_BAD_INPUT = 2
#: An error nobody expected (BSD's EX_SOFTWARE): said in one sentence with the log file's path.
EXIT_UNEXPECTED = 70
#: Skipped rows an import prints; every one of them is in the list file it names.
SKIPPED_ON_SCREEN = 20


Command = Callable[[argparse.Namespace, Callable[[], "Workspace"]], int]


def _data_dir(args: argparse.Namespace) -> Path:
    if args.data_dir:
        return Path(args.data_dir).expanduser()
    base = default_data_dir()
    return base / "demo" if getattr(args, "demo", False) else base


def _open_workspace(args: argparse.Namespace) -> Workspace:
    """The data folder's workspace. The fictional demo folder may keep its key in a file where there
    is no keyring (``workspace.admin.open_demo``); real data never does. A command that reads the
    register once (its parser's ``reads_first_look``: ``providers``) opens it as the window does,
    from its first look, and opens the store only if it needs it (``register.search_once``)."""
    from qa_desktop.workspace import Workspace

    data_dir = _data_dir(args)
    if getattr(args, "demo", False) and not args.data_dir:
        from qa_desktop.workspace.admin import open_demo  # the demo's data and its loader: only for the demo

        return open_demo(data_dir)
    if getattr(args, "reads_first_look", False):
        return Workspace.open_for_window(data_dir, register_only=True)
    return Workspace.open(data_dir)


def bind(command: Command) -> Callable[[argparse.Namespace], int]:
    """``command`` with a workspace opened when it first asks (after checking its arguments, so a
    typing mistake is said before any data is opened) and closed when it ends."""

    def run(args: argparse.Namespace) -> int:
        opened: list[Workspace] = []

        def open_workspace() -> Workspace:
            if not opened:
                opened.append(_open_workspace(args))
            return opened[0]

        try:
            return command(args, open_workspace)
        finally:
            for workspace in opened:
                workspace.close()

    return run


def cmd_demo(args: argparse.Namespace, open_workspace: Callable[[], Workspace]) -> int:
    workspace = open_workspace()
    report = workspace.admin.load_demo().value
    if report is None:
        print(f"Demo data is already loaded in {workspace.data_dir}.")
    else:
        print(f"Demo data loaded in {workspace.data_dir}: {report.summary()}.")
    return 0


def cmd_import(args: argparse.Namespace, open_workspace: Callable[[], Workspace]) -> int:
    from qa_desktop.workspace.register import ImportFileError

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty() and total:
            print(f"\rImporting {done}/{total} rows", end="", file=sys.stderr, flush=True)

    try:
        report = open_workspace().register.import_providers(
            Path(args.file), progress=progress, skipped_list=Path(args.skipped_list) if args.skipped_list else None
        ).value
    except ImportFileError as error:
        print(f"Import failed: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if sys.stderr.isatty():
        print(file=sys.stderr)
    workspace = open_workspace()
    print(f"{report.summary()} (read as {report.encoding}, {report.layout} layout).")
    shown = report.skipped if report.skipped_list is None else report.skipped[:SKIPPED_ON_SCREEN]
    for skipped in shown:
        print(f"  skipped {skipped}")
    if report.skipped_list is not None:
        hidden = report.skipped_total - len(shown)
        more = f"the {hidden:,} not shown here and " if hidden else ""
        print(f"  every skipped row ({more}those above) is listed in {report.skipped_list}")
    else:
        if report.unlisted:
            print(f"  ... and {report.unlisted:,} more rows skipped.")
        if report.skipped_list_problem:
            print(f"  {report.skipped_list_problem}", file=sys.stderr)
    for cleaned in report.cleaned:
        print(f"  {cleaned}")
    if report.ignored_columns:
        print(f"  columns not used: {', '.join(report.ignored_columns)}")
    if report.alerts or report.closed_alerts:
        print(f"  Section 12: {report.alerts} regulatory alert(s) raised (on the sanctions list, reviewed in 12 "
              f"weeks), {report.closed_alerts} closed.")
    register = workspace.register
    print_changes(register.import_record(report.import_id), register.import_changes(report.import_id))
    return 0


def cmd_providers(args: argparse.Namespace, open_workspace: Callable[[], Workspace]) -> int:
    from qa_desktop.domain.regulation import Judgement
    from qa_desktop.workspace.register import DueFilter

    service_type: ServiceType | None = None
    if args.type:
        service_type = parse_service_type(args.type)
        if service_type is None:
            known = ", ".join(t.value for t in ServiceType)
            print(f"Unknown service type {args.type!r}. Use one of: {known}.", file=sys.stderr)
            return EXIT_BAD_INPUT
    judgement = None
    if args.judgement:
        wanted = args.judgement.lower().replace(" ", "_")
        judgement = next((j for j in Judgement if wanted in (j.value, j.label.lower())), None)
        if judgement is None:
            print(f"Unknown judgement {args.judgement!r}. Use one of: {', '.join(j.value for j in Judgement)}.",
                  file=sys.stderr)
            return EXIT_BAD_INPUT
    register = open_workspace().register
    if args.due:
        rows = register.search(" ".join(args.search), service_type, judgement=judgement, due=DueFilter(args.due),
                               local_authority=args.local_authority)
    else:  # from the register's first look: no SQLAlchemy imported, the store not opened (issue 22)
        rows = register.search_once(" ".join(args.search), service_type, judgement=judgement,
                                    local_authority=args.local_authority)
    print(table(["URN", "Name", "Service type", "Judgement", "Tier", "Town", "Postcode"],
                [[r.urn or "", r.name, r.service_type.label, r.judgement.label if r.judgement else "",
                  r.tier or "", r.towns, r.postcodes] for r in rows]))
    print(f"{len(rows)} provider{'s' if len(rows) != 1 else ''}")
    return 0


def cmd_provider(args: argparse.Namespace, open_workspace: Callable[[], Workspace]) -> int:
    from qa_desktop.domain.visits import VisitRuleError
    from qa_desktop.workspace.register import RegisterError

    register = open_workspace().register
    try:
        page = register.page(register.resolve(args.provider))
    except (VisitRuleError, RegisterError) as error:
        print(str(error), file=sys.stderr)
        return EXIT_BAD_INPUT
    print(page.name)
    for warning in page.warnings:
        print(f"!! {warning}")
    print(table(["", ""], [[k, v] for k, v in page.facts]))
    print("\nSettings")
    print(table(["Setting", "Address", "Next QA visit"],
                [[s.name, s.address, _due_words(s.next_visit)] for s in page.settings]))
    print("\nWhat is due")
    print(table(["Status", "Due", "What", "Setting", "Why"],
                [[i.due.status.value.upper(), f"{i.due.due_on:%d/%m/%Y}" if i.due.due_on else "now", i.due.kind.value,
                  i.setting_name or "", i.due.reason] for i in page.due]))
    print("\nVisits")
    print(table(["Date", "Setting", "Level", "Announced", "Status", "Officers", "Actions"],
                [[f"{v.visit_date:%d/%m/%Y}", v.setting, v.level, "yes" if v.announced else "no", v.status,
                  v.officers, str(v.actions)] for v in page.visits]))
    print(f"\nActions ({len(page.actions)}, {page.overdue_actions} overdue)")
    print(table(["Due", "Level", "Action", "From"],
                [[f"{a.due_at.astimezone():%d/%m/%Y %H:%M}" + (" OVERDUE" if a.overdue else ""), a.level.label,
                  a.text, a.source] for a in page.actions]))
    print(f"\nQA cases ({len(page.cases)}); risk rating by year (Figure 6): "
          + (", ".join(f"{r.year} {r.rag.label} ({r.cases})" for r in page.ratings) or "no cases"))
    if page.ifa is not None:
        print(f"Figure 7 flags: performance/practice {page.ifa.performance_practice.label}, safeguarding "
              f"{page.ifa.safeguarding.label}, contract compliance {page.ifa.contract_compliance.label}")
    print(table(["Opened", "Source", "Category", "Status", "Summary"],
                [[f"{c.opened_on:%d/%m/%Y}", c.source.label, c.category, c.status.label, c.summary]
                 for c in page.cases]))
    print(f"\nSanctions in force: {'; '.join(s.sanction.value for s in page.sanctions) or 'none'}")
    return 0


def _due_words(item: DueItem | None) -> str:
    if item is None:
        return "not required"
    when = f"{item.due.due_on:%d/%m/%Y}" if item.due.due_on else "now"
    return f"{item.due.status.value} ({when})"


def cmd_due(args: argparse.Namespace, open_workspace: Callable[[], Workspace]) -> int:
    as_at = None
    if args.today:
        try:
            as_at = parse_day(args.today, "--today")
        except ValueError as error:
            print(error, file=sys.stderr)
            return EXIT_BAD_INPUT
    workspace = open_workspace()
    today = as_at or workspace.clock.today()
    items = workspace.register.due(today=today, include_scheduled=args.all, everyone=args.all_providers)
    print(table(["Status", "Due", "What", "Provider", "Setting", "Why"],
                [[i.due.status.value.upper(), f"{i.due.due_on:%d/%m/%Y}" if i.due.due_on else "before placing",
                  i.what, i.provider_name, i.setting_name or "", i.due.reason] for i in items]))
    overdue = sum(1 for i in items if i.due.is_overdue)
    whose = "every provider" if args.all_providers else "providers monitored by us; --all-providers for every one"
    print(f"{len(items)} item{'s' if len(items) != 1 else ''}, {overdue} overdue (as at {today:%d/%m/%Y}, {whose})")
    replies = workspace.documents.replies_due()
    if replies:
        print("\nProviders' replies awaited:")
        print(table(["Status", "Due", "Provider", "Document", "Issued"],
                    [["OVERDUE" if r.overdue else "DUE", f"{r.due_on:%d/%m/%Y}", r.provider, r.document,
                      f"{r.issued_on:%d/%m/%Y}" if r.issued_on else ""] for r in replies]))
    return 0


def cmd_templates(args: argparse.Namespace, open_workspace: Callable[[], Workspace]) -> int:
    overview = open_workspace().admin.templates()
    print(table(["Key", "Version", "Title", "Kind", "For", "Sections", "Items"],
                [[t.key, t.version, t.title, t.kind.value, t.audience.value.replace("_", " "), len(t.sections),
                  len(t.items)] for t in overview.templates]))
    print(f"{len(overview.templates)} templates; add your own in {overview.team_folder}")
    for broken in overview.broken:
        print(f"BROKEN {broken.path}:")
        for problem in broken.problems:
            print(f"  {problem}")
    return 1 if overview.broken else 0


def cmd_report(args: argparse.Namespace, open_workspace: Callable[[], Workspace]) -> int:
    from qa_desktop.domain.visits import VisitRuleError

    visits = open_workspace().visits
    try:
        result = visits.report(visits.find(args.visit), Path(args.out) if args.out else None).value
    except VisitRuleError as error:
        print(str(error), file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as error:
        print(f"The report could not be written: {error.strerror or error}.", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.out:
        print(f"Report written: {result.path} ({result.pages} pages, {result.photos} photos). It is not "
              "encrypted: it is OFFICIAL-SENSITIVE and yours to protect.")
    else:
        name = result.path.name.removesuffix(".sealed")
        said = ("Nothing has changed since the last revision" if result.reused
                else f"Report made ({result.pages} pages, {result.photos} photos)")
        print(f"{said}: {name}, kept encrypted in the data folder. To read or send it, save a copy with "
              f"`qa-desktop report {args.visit} --out FILE.pdf`.")
        if result.reused:
            return 0
    for warning in result.warnings:
        print(f"  warning: {warning}")
    return 0


def cmd_young_inspector(args: argparse.Namespace, open_workspace: Callable[[], Workspace]) -> int:
    """A visit's Young Inspector form: whether it was withdrawn, or withdraw it with the reason."""
    from qa_desktop.domain.visits import VisitRuleError
    from qa_desktop.workspace.visits import WithdrawalReason

    visits = open_workspace().visits
    try:
        visit_id = visits.find(args.visit)
        if args.withdraw:
            officer = args.officer or open_workspace().user.name
            visits.withdraw_young_inspector_form(visit_id, reason=WithdrawalReason(args.withdraw),
                                                 detail=args.details or "", officer=officer)
        if not visits.has_young_inspector_form(visit_id):
            print("This visit has no Young Inspector form.")
            return 0
        withdrawn = visits.young_inspector_withdrawal(visit_id)
    except VisitRuleError as error:
        print(str(error), file=sys.stderr)
        return EXIT_BAD_INPUT
    if withdrawn is None:
        print("The Young Inspector form is in use (not withdrawn).")
    else:
        print(f"Withdrawn by {withdrawn.by} on {withdrawn.at.astimezone():%d %b %Y %H:%M}: {withdrawn.reason.label}"
              + (f". {withdrawn.detail}" if withdrawn.detail else ""))
    return 0


def cmd_user(args: argparse.Namespace, open_workspace: Callable[[], Workspace]) -> int:
    """Who uses this laptop: their name (recorded with every change) and role."""
    from qa_desktop.domain.roles import Role

    role = None
    if args.role:
        try:
            role = Role(args.role.lower().replace(" ", "_"))
        except ValueError:
            role = None
        if role not in (Role.QA_OFFICER, Role.QA_LEAD):
            print(f"Unknown role {args.role!r}: a laptop's user is a qa_officer or the qa_lead. A Young Inspector "
                  "uses the officer's laptop through the visit's Young Inspector > Hand over, which shows their "
                  "form and nothing else.", file=sys.stderr)
            return EXIT_BAD_INPUT
    workspace = open_workspace()
    user = workspace.admin.set_user(args.name, role).value if (args.name or role) else workspace.user
    print(f"{user.name}, {user.role.label}")
    return 0


def cmd_recover(args: argparse.Namespace) -> int:
    """Put unreadable data aside and fill a fresh workspace from the shared store."""
    from qa_desktop.clock import Clock
    from qa_desktop.workspace import DatabaseDamaged, KeyLost
    from qa_desktop.workspace.admin import recover
    from qa_desktop.workspace.sync import NeedsPassword, NeedsTeamKey, StoreUnavailable

    data_dir = _data_dir(args)
    try:
        with closing(_open_workspace(args)) as workspace:
            workspace.admin.check()
        print(f"Nothing to recover: the data in {data_dir} opens with this computer's key and reads whole.")
        return 0
    except DatabaseDamaged as error:
        print(str(error).split(". Run")[0] + ".")
    except KeyLost:
        pass
    aside = recover(data_dir, Clock.from_environment())  # no workspace opens here to ask its clock
    print(f"The unreadable files are kept in {aside} (put them back if the key turns up).")
    with closing(_open_workspace(args)) as workspace:
        unreachable: Exception | None = None
        try:
            report = workspace.sync.run().value
        except (StoreUnavailable, NeedsPassword, NeedsTeamKey, OSError, ValueError) as error:
            report, unreachable = None, error
        salvaged = workspace.admin.salvage(aside).value
        if salvaged.readable:
            print(salvaged.summary())
        if report is None:
            print(f"A fresh store is ready, but the shared store could not be reached ({unreachable}). "
                  "Run `qa-desktop sync` when it can.", file=sys.stderr)
            return 3
        if salvaged.changes:
            workspace.sync.run()  # what was brought back goes to the shared store now
    print(f"Recovered from the shared store: {report.summary()}")
    return 0


def cmd_gui(args: argparse.Namespace) -> int:
    from qa_desktop.ui.app import run_app
    from qa_desktop.workspace import Workspace

    # the window's own way in: the register read first, the store opened after the first paint (issue 22)
    opened = _open_workspace(args) if args.demo else Workspace.open_for_window(_data_dir(args))
    with closing(opened) as workspace:
        if args.demo:
            workspace.admin.load_demo()
        return run_app(workspace)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", default=argparse.SUPPRESS, metavar="DIR",
                        help="folder of the local database (default: your user data folder)")
    parser = argparse.ArgumentParser(prog="qa-desktop", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="store_true",
                        help="show the version, the database schema, the data folder and the log file")
    parser.add_argument("--data-dir", default=None, metavar="DIR",
                        help="folder of the local database (default: your user data folder)")
    parser.add_argument("--demo", action="store_true",
                        help="open the window on demo data, in a demo folder of its own")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser("demo", parents=[common], help="load fictional demo providers, settings and visits")
    demo.set_defaults(func=bind(cmd_demo))

    imp = sub.add_parser("import-providers", parents=[common],
                         help="import or update providers from Ofsted's provider-level or in-year file, or a council's "
                              "list (CSV or .xlsx), and say what changed")
    imp.add_argument("file", help="the CSV or Excel (.xlsx) file")
    imp.add_argument("--skipped-list", metavar="FILE",
                     help="where to list every skipped row (default: FILE-skipped-rows.txt beside the file)")
    imp.set_defaults(func=bind(cmd_import))

    prov = sub.add_parser("providers", parents=[common], help="list providers, or search by name, URN, postcode, town")
    prov.add_argument("search", nargs="*", help="words to search for")
    prov.add_argument("--type", help="only this service type (e.g. residential, supported_accommodation)")
    prov.add_argument("--judgement", help="only this latest judgement (e.g. inadequate, requires_improvement)")
    prov.add_argument("--local-authority", metavar="NAME", help="only providers in this local authority (e.g. Medway)")
    prov.add_argument("--due", choices=["overdue", "due"],
                      help="only providers with a visit or review overdue, or due soon or overdue")
    prov.set_defaults(func=bind(cmd_providers), reads_first_look=True)

    one = sub.add_parser("provider", parents=[common],
                         help="one provider's page: settings, what is due, visits and actions")
    one.add_argument("provider", help="its URN, or words of its name")
    one.set_defaults(func=bind(cmd_provider))

    due = sub.add_parser("due", parents=[common], help="visits and compliance reviews due or overdue (Figures 1, 2)")
    due.add_argument("--all", action="store_true", help="also list what is scheduled later")
    due.add_argument("--today", help="as at this date (YYYY-MM-DD), for planning")
    due.add_argument("--all-providers", action="store_true",
                     help="every provider in the register, not only those monitored by us")
    due.set_defaults(func=bind(cmd_due))

    report = sub.add_parser("report", parents=[common], help="write the PDF report of a visit")
    report.add_argument("visit", help="the visit's id, the start of it, or its report reference")
    report.add_argument("--out", help="where to save a readable copy of the PDF (without it, the report is kept "
                                      "encrypted in the data folder)")
    report.set_defaults(func=bind(cmd_report))

    young = sub.add_parser("young-inspector", parents=[common],
                           help="a visit's Young Inspector form: whether it was withdrawn, or withdraw it")
    young.add_argument("visit", help="the visit's id, the start of it, or its report reference")
    young.add_argument("--withdraw", choices=["opted_out", "unavailable", "other"],
                       help="withdraw the form so the visit can complete (the report says a Young Inspector was "
                            "due but did not take part)")
    young.add_argument("--details", help="why, in words (kept in the record, not put in the report)")
    young.add_argument("--officer", help="the officer withdrawing it (default: this laptop's user)")
    young.set_defaults(func=bind(cmd_young_inspector))

    user = sub.add_parser("user", parents=[common], help="who uses this laptop: name and role (qa_officer, qa_lead)")
    user.add_argument("--name", help="your name as it should appear on records and in the audit trail")
    user.add_argument("--role", help="qa_officer or qa_lead")
    user.set_defaults(func=bind(cmd_user))

    recover = sub.add_parser("recover", parents=[common],
                             help="this laptop's data cannot be read (key lost): put it aside and start again "
                                  "from the shared store")
    recover.set_defaults(func=cmd_recover)

    templates = sub.add_parser("templates", parents=[common],
                               help="list visit templates (built-in and the team's own) and any that are broken")
    templates.set_defaults(func=bind(cmd_templates))

    from qa_desktop.cli_caseload import add_caseload_commands
    from qa_desktop.cli_council import add_council_commands
    from qa_desktop.cli_documents import add_document_commands
    from qa_desktop.cli_oversight import add_oversight_commands
    from qa_desktop.cli_regulator import add_regulator_commands
    from qa_desktop.cli_sync import add_sync_commands
    from qa_desktop.cli_tracker import add_tracker_commands

    add_sync_commands(sub, common, bind)
    add_oversight_commands(sub, common, bind)
    add_tracker_commands(sub, common, bind)
    add_caseload_commands(sub, common, bind)
    add_regulator_commands(sub, common, bind)
    add_document_commands(sub, common, bind)
    add_council_commands(sub, common, bind)
    return parser


def cmd_version(args: argparse.Namespace) -> int:
    """``--version``: the version, the schema of the data folder (read without changing anything),
    where the data and the log are."""
    from qa_desktop.workspace.admin import describe

    about = describe(_data_dir(args))
    print(f"qa-desktop {about.version}")
    for what, value in about.lines()[1:]:
        print(f"{what}: {value}")
    return 0


def _streams_for_windows() -> None:
    """A windowed Windows program has no console (``sys.stdout`` is None), and a redirected one
    writes in the ANSI code page, which has no Arabic or Polish letters: never fail for that."""
    import os

    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 (for the life of the program)
        elif hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


def unexpected(error: BaseException, log: str) -> str:
    """The one sentence an officer reads when a command stops on an error nobody expected."""
    from qa_desktop.logs import describe_error

    return (f"QA Desktop stopped on an unexpected error ({describe_error(error)}); nothing already saved is "
            f"lost, so try again, and if it happens again send IT support the log file: {log}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; everything it prints goes through ``TerminalSafe`` (no raw control characters)."""
    _streams_for_windows()
    args = build_parser().parse_args(argv)
    with redirect_stdout(TerminalSafe(sys.stdout)), redirect_stderr(TerminalSafe(sys.stderr)):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    from qa_desktop import logs
    from qa_desktop.credentials import CredentialsError  # not from workspace.sync: that imports all of sync
    from qa_desktop.domain.roles import NotAllowed
    from qa_desktop.safe_text import ControlCharacters
    from qa_desktop.workspace import KeyLost

    if args.version:
        return cmd_version(args)
    logs.start_logging()
    logs.started(args.command or "window")
    try:
        code = cmd_gui(args) if args.command is None else args.func(args)
        logging.getLogger(__name__).info("%s ended with exit status %d", args.command or "window", code)
        return code
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)
        return 130
    except (NotAllowed, ControlCharacters) as error:
        print(str(error), file=sys.stderr)
        return EXIT_BAD_INPUT
    except (KeyLost, CredentialsError) as error:  # the data cannot be opened: said plainly, nothing changed
        print(str(error), file=sys.stderr)
        if args.command is None:
            from qa_desktop.ui.app import show_startup_error

            show_startup_error(str(error))
        return 3
    except Exception as error:  # noqa: BLE001 (logged with where it happened, said in words; nothing half-saved)
        logs.log_uncaught(error, args.command or "window")
        print(unexpected(error, logs.where_the_log_is()), file=sys.stderr)
        if args.command is None:
            _show_crash(error)
        return EXIT_UNEXPECTED


def _show_crash(error: BaseException) -> None:
    """The window could not open: the crash dialog, unless Qt itself is what failed."""
    from qa_desktop import logs

    try:
        from qa_desktop.ui.app import show_crash

        show_crash(error)
    except Exception as second:  # noqa: BLE001 (the sentence on stderr and the log already say it)
        logs.log_uncaught(second, "crash dialog")


if __name__ == "__main__":
    raise SystemExit(main())
