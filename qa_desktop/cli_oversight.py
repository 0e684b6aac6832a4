"""The oversight commands of ``qa-desktop`` (Section 12): cases, actions, embargoes, alerts, the
sanctions list and the dashboard. The same ``workspace.oversight`` as the window's Oversight screens.

Each command receives ``open_workspace`` and calls it once its arguments are checked; "today" is
the workspace clock's unless a date is given."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa_desktop.cli_text import parse_day
from qa_desktop.cli_text import table as _table

if TYPE_CHECKING:
    from qa_desktop.workspace import Workspace

EXIT_BAD_INPUT = 2
OpenWorkspace = Callable[[], "Workspace"]


def _date(text: str | None, what: str = "date", *, today: dt.date) -> dt.date:
    return parse_day(text, what[:1].upper() + what[1:]) if text else today


def _guarded(body: Callable[[], int]) -> int:
    """A refusal in one plain sentence (every refusal of the services, an ``OversightError``, a
    provider not found, is a ``ValueError``), never a traceback."""
    try:
        return body()
    except ValueError as error:
        print(str(error), file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as error:
        print(f"Could not write {getattr(error, 'filename', '') or 'the file'}: {error.strerror or error}.",
              file=sys.stderr)
        return EXIT_BAD_INPUT


def _choice(enum_type: Any, text: str, what: str) -> Any:
    for member in enum_type:
        if text.lower().replace("-", "_").replace(" ", "_") == member.value:
            return member
    raise ValueError(f"Unknown {what} {text!r}. Use one of: {', '.join(m.value for m in enum_type)}.")


def _provider(workspace: Workspace, text: str | None) -> str | None:
    """The provider named on the command line (URN or words of its name), if one is."""
    return workspace.register.resolve(text) if text else None


def cmd_cases(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    from qa_desktop.domain.oversight import CaseSource

    def body() -> int:
        workspace = open_workspace()
        oversight = workspace.oversight
        # the provider named, which --add needs
        provider_id = workspace.register.resolve(args.provider or "") if args.add or args.provider else None
        if args.close:
            wanted = args.close.strip().lower()
            matches = [c for c in oversight.cases(provider_id) if c.id.startswith(wanted)]
            if len(matches) != 1:
                raise ValueError(f"Case: no single case has an id starting {args.close!r}; the list shows them.")
            oversight.close_case(matches[0].id, outcome=args.outcome or "",
                                 closed_on=_date(args.date, "closing date", today=workspace.clock.today()))
            print(f"Case {matches[0].id[:8]} closed.")
        elif provider_id and args.add:
            concern = args.safeguarding or args.significant or args.quality_concern
            oversight.log_case(provider_id, opened_on=_date(args.date, today=workspace.clock.today()),
                               source=_choice(CaseSource, args.source, "source"), category=args.category or "",
                               summary=args.add, safeguarding=args.safeguarding, significant=args.significant,
                               quality_concern=args.quality_concern)
            if concern:
                for item in workspace.register.due(provider_id=provider_id):
                    print(f"Now due: {item.what}{' at ' + item.setting_name if item.setting_name else ''}: "
                          f"{item.due.reason}")
                print("An unannounced visit (two officers, Section 11) can be planned with `qa-desktop plan-visit "
                      f"{args.provider} --date YYYY-MM-DD --unannounced --officer A --officer B --reason "
                      "concern_raised`.")
        print(_table(["Id", "Opened", "Provider", "Source", "Category", "Concern", "Status", "Summary"],
                     [[c.id[:8], f"{c.opened_on:%d/%m/%Y}", c.provider, c.source.label, c.category,
                       "significant" if c.significant else "safeguarding" if c.safeguarding else "",
                       c.status.label + (f" {c.closed_on:%d/%m/%Y}: {c.outcome}" if c.closed_on else ""), c.summary]
                      for c in oversight.cases(provider_id)]))
        if provider_id:
            print("\nRisk rating by year (Figure 6)")
            print(_table(["Year", "Cases", "Rating"], [[str(r.year), str(r.cases), r.rag.label]
                                                      for r in oversight.rating_history(provider_id)]))
        return 0

    return _guarded(body)


def cmd_actions(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    def body() -> int:
        workspace = open_workspace()
        actions = workspace.oversight.tracked_actions(_provider(workspace, args.provider),
                                                      everyone=args.all_providers or bool(args.provider))
        if args.overdue:
            actions = [a for a in actions if a.overdue]
        print(_table(["Due", "Level", "Provider", "Action", "From"],
                     [[f"{a.due_at.astimezone():%d/%m/%Y %H:%M}" + (" OVERDUE" if a.overdue else "")
                       + (" (extended)" if a.extended else ""), a.level.label, a.provider, a.text, a.source]
                      for a in actions]))
        print(f"{len(actions)} open action(s), {sum(a.overdue for a in actions)} overdue")
        return 0

    return _guarded(body)


def cmd_embargoes(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    from qa_desktop.domain.oversight import EmbargoKind, EmbargoScope, InformalReason

    def body() -> int:
        workspace = open_workspace()
        today = workspace.clock.today()
        if args.add:
            formal = args.approved_by is not None
            workspace.oversight.issue_embargo(
                workspace.register.resolve(args.provider or ""),
                kind=EmbargoKind.FORMAL if formal else EmbargoKind.INFORMAL,
                scope=EmbargoScope.FOSTER_CARER if args.foster_carer else EmbargoScope.PROVIDER, reason=args.add,
                start_on=_date(args.date, today=today), approved_by=args.approved_by,
                informal_reason=_choice(InformalReason, args.informal, "informal reason") if args.informal else None,
                foster_carer=args.foster_carer,
                review_on=_date(args.review, "review date", today=today) if args.review else None)
        embargoes = workspace.oversight.active_embargoes(on=today)
        print(_table(["Provider", "Kind", "On", "Since", "Review", "Social work told", "Reason"],
                     [[e.provider, e.kind.label, e.scope.label, f"{e.start_on:%d/%m/%Y}",
                       f"{e.review_on:%d/%m/%Y}" if e.review_on else "",
                       f"{e.social_work_informed_on:%d/%m/%Y}" if e.social_work_informed_on else "NOT RECORDED",
                       e.reason] for e in embargoes]))
        return 0

    return _guarded(body)


def cmd_alerts(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    from qa_desktop.domain.oversight import AlertKind
    from qa_desktop.domain.regulation import Regulator

    def body() -> int:
        workspace = open_workspace()
        if args.add:
            workspace.oversight.log_alert(
                workspace.register.resolve(args.provider or ""),
                regulator=_choice(Regulator, args.regulator, "regulator"),
                kind=_choice(AlertKind, args.kind, "kind of alert"),
                received_on=_date(args.date, today=workspace.clock.today()), summary=args.add)
        print(_table(["Received", "Provider", "Regulator", "Alert", "Review (12 weeks)", "Summary"],
                     [[f"{a.received_on:%d/%m/%Y}", a.provider, a.regulator.label, a.kind.label,
                       f"{a.review_on:%d/%m/%Y}" if a.review_on else "", a.summary]
                      for a in workspace.oversight.open_alerts()]))
        return 0

    return _guarded(body)


def cmd_sanctions(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    from qa_desktop.workspace.oversight import EXPORT_COLUMNS, Sanction, export_cells

    def body() -> int:
        chosen = next((s for s in Sanction if args.type and args.type.lower() in s.value.lower()), None)
        if args.type and chosen is None:
            raise ValueError(f"Unknown sanction {args.type!r}. Use words of one of: "
                             f"{'; '.join(s.value for s in Sanction)}.")
        workspace = open_workspace()
        today = workspace.clock.today()
        if args.export:
            written = workspace.oversight.export_sanctions(Path(args.export), chosen)
            print(f"Sanctions list written: {args.export} ({written} rows)")
            return 0
        rows = workspace.oversight.sanctions(chosen)
        print(_table(list(EXPORT_COLUMNS), [[f"{c:%d/%m/%Y}" if isinstance(c, dt.date) else str(c)
                                             for c in export_cells(r)] for r in rows]))
        print(f"{len(rows)} sanction(s) in force on {today:%d/%m/%Y}")
        return 0

    return _guarded(body)


def cmd_audit(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    """The audit trail of a visit (its id or report reference) or a provider (URN or name)."""

    def body() -> int:
        workspace = open_workspace()
        if args.verify:
            check = workspace.admin.verify_audit()
            print(check.summary())
            for finding in check.findings:
                print(f"  {finding}")
            return 4 if check.findings else 0
        if args.visit:
            lines = workspace.visits.audit(workspace.visits.find(args.visit))
        else:
            lines = workspace.register.audit(workspace.register.resolve(args.provider or ""))
        print(_table(["When", "Who", "Device", "What", "Field", "Value"],
                     [[a.when_words("%d/%m/%Y %H:%M:%S"), a.who, a.device, a.what, a.label or a.field,
                       _short(a.words or a.value)] for a in lines]))
        print(f"{len(lines)} change(s), newest first; times by the clock of the laptop that made each change"
              + ("; \"about\": from before that was recorded, by the sync clock" if any(a.estimated for a in lines)
                 else ""))
        return 0

    return _guarded(body)


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def cmd_retention(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    """List what is past the 5-year retention (Section 11); with --delete, delete it after confirmation."""
    from qa_desktop.workspace.oversight import RETENTION_YEARS

    def body() -> int:
        workspace = open_workspace()
        today = _date(args.today, "date", today=workspace.clock.today())
        expired = workspace.oversight.past_retention(today)
        print(_table(["Ended", "Kind", "Provider", "What"],
                     [[f"{e.ended_on:%d/%m/%Y}", e.kind, e.provider, e.description] for e in expired]))
        print(f"{len(expired)} record(s) past retention ({RETENTION_YEARS} years) on {today:%d/%m/%Y}")
        if not args.delete or not expired:
            return 0
        if not args.yes:
            if not sys.stdin.isatty():
                raise ValueError("Deleting needs confirmation: run it in a terminal, or add --yes.")
            if input(f"Type DELETE to delete these {len(expired)} record(s) for good: ").strip() != "DELETE":
                print("Nothing was deleted.")
                return 0
        print(workspace.oversight.apply_retention(expired).value.summary())
        return 0

    return _guarded(body)


def cmd_placement_check(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    """Before a placement: everything QA holds that should stop or worry, in words; ``--pdf`` writes
    the one page for the Access to Resources team. Exit 0 either way (a check, not a refusal)."""

    def body() -> int:
        workspace = open_workspace()
        check = workspace.oversight.placement_check(workspace.register.resolve(args.provider),
                                                    _date(args.date, today=workspace.clock.today()))
        print(check.as_text())
        if args.pdf:
            path = workspace.oversight.placement_check_pdf(check, Path(args.pdf))
            print(f"\nOne page for the Access to Resources team written to {path}.")
        return 0

    return _guarded(body)


def cmd_dashboard(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    def body() -> int:
        board = open_workspace().oversight.dashboard(everyone=args.all_providers)
        print("Visits and compliance reviews due (Figures 1 and 2)")
        print(_table(["Status", "Due", "What", "Provider", "Setting"],
                     [[i.due.status.value.upper(), f"{i.due.due_on:%d/%m/%Y}" if i.due.due_on else "now",
                       i.what, i.provider_name, i.setting_name or ""] for i in board.due]))
        print("\nActions overdue (Figure 8)")
        print(_table(["Due", "Level", "Provider", "Action"],
                     [[f"{a.due_at.astimezone():%d/%m/%Y %H:%M}", a.level.label, a.provider, a.text]
                      for a in board.overdue_actions]))
        print("\nRestrictions and embargoes due for review")
        print(_table(["Review", "Provider", "What"], [[f"{r.review_on:%d/%m/%Y}" + (" OVERDUE" if r.overdue else ""),
                                                      r.provider, r.what] for r in board.reviews]))
        return 0

    return _guarded(body)


def add_oversight_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser,
                           bind: Callable[[Callable[..., int]], Callable[[argparse.Namespace], int]]) -> None:
    """Register the oversight commands; ``bind`` gives each a way to open the workspace when it needs it."""
    cases = sub.add_parser("cases", parents=[common], help="QA cases (the duty log), and log a new one")
    cases.add_argument("provider", nargs="?", help="only this provider (URN or name); with --add, the provider")
    cases.add_argument("--add", metavar="SUMMARY", help="log a case with this summary")
    cases.add_argument("--source", default="other", help="lado, ofsted_alert, social_worker, police, councillor, ...")
    cases.add_argument("--category", default="General", help="the case's category")
    cases.add_argument("--date", help="opened on (YYYY-MM-DD, default today)")
    cases.add_argument("--safeguarding", action="store_true", help="a safeguarding matter")
    cases.add_argument("--significant", action="store_true", help="a significant concern (rated HIGH, Figure 6)")
    cases.add_argument("--quality-concern", action="store_true",
                       help="a quality concern (a review, and a visit, due now: Figures 1 and 2)")
    cases.add_argument("--close", metavar="CASE", help="close this case (the start of its id, as listed)")
    cases.add_argument("--outcome", help="with --close: the case's outcome")
    cases.set_defaults(func=bind(cmd_cases))

    actions = sub.add_parser("actions", parents=[common], help="open actions from action plans and visits (Figure 8)")
    actions.add_argument("provider", nargs="?", help="only this provider (URN or name)")
    actions.add_argument("--overdue", action="store_true", help="only overdue actions")
    actions.add_argument("--all-providers", action="store_true", help="every provider's, not only those we monitor")
    actions.set_defaults(func=bind(cmd_actions))

    embargoes = sub.add_parser("embargoes", parents=[common], help="embargoes in force, and issue one")
    embargoes.add_argument("provider", nargs="?", help="with --add: the provider (URN or name)")
    embargoes.add_argument("--add", metavar="REASON", help="issue an embargo for this reason")
    embargoes.add_argument("--approved-by", help="formal: the senior manager who agreed it")
    embargoes.add_argument("--informal", metavar="WHY", help="informal: investigation, not_known_to_council, "
                                                             "regulator_restriction")
    embargoes.add_argument("--foster-carer", help="on these foster carers (their reference) rather than the provider")
    embargoes.add_argument("--date", help="starts on (YYYY-MM-DD, default today)")
    embargoes.add_argument("--review", help="review date (YYYY-MM-DD)")
    embargoes.set_defaults(func=bind(cmd_embargoes))

    alerts = sub.add_parser("alerts", parents=[common], help="open regulatory alerts, and log one")
    alerts.add_argument("provider", nargs="?", help="with --add: the provider (URN or name)")
    alerts.add_argument("--add", metavar="SUMMARY", help="log an alert with this summary")
    alerts.add_argument("--regulator", default="ofsted", help="ofsted, cqc or care_inspectorate")
    alerts.add_argument("--kind", default="restriction",
                        help="restriction, suspension, termination, inadequate, lifted, poor_judgement")
    alerts.add_argument("--date", help="received on (YYYY-MM-DD, default today)")
    alerts.set_defaults(func=bind(cmd_alerts))

    sanctions = sub.add_parser("sanctions", parents=[common], help="the provider sanctions list (Section 12)")
    sanctions.add_argument("--type", help="only this sanction (words of it, e.g. 'embargo on provider')")
    sanctions.add_argument("--export", metavar="FILE", help="write it to FILE (.xlsx or .csv)")
    sanctions.set_defaults(func=bind(cmd_sanctions))

    audit = sub.add_parser("audit", parents=[common], help="who changed what and when: a provider's or a visit's trail")
    audit.add_argument("provider", nargs="?", help="the provider (URN or name)")
    audit.add_argument("--visit", help="a visit's id or report reference instead")
    audit.add_argument("--verify", action="store_true",
                       help="check the whole audit log against every laptop's hash chain (exit 4 if tampered with)")
    audit.set_defaults(func=bind(cmd_audit))

    retention = sub.add_parser("retention", parents=[common],
                               help="records past the 5-year retention (Section 11); --delete deletes them")
    retention.add_argument("--today", help="as at this date (YYYY-MM-DD, default today)")
    retention.add_argument("--delete", action="store_true", help="delete what is listed, after confirmation")
    retention.add_argument("--yes", action="store_true", help="with --delete: do not ask (for scripts)")
    retention.set_defaults(func=bind(cmd_retention))

    check = sub.add_parser("placement-check", parents=[common],
                           help="before placing a child: everything QA holds on a provider that should stop or worry")
    check.add_argument("provider", help="its URN, or words of its name")
    check.add_argument("--date", help="as at this date (YYYY-MM-DD, default today)")
    check.add_argument("--pdf", metavar="FILE", help="also write it as one printed page (PDF) for the Access to "
                                                     "Resources team")
    check.set_defaults(func=bind(cmd_placement_check))

    board = sub.add_parser("dashboard", parents=[common], help="what is due and overdue: visits, reviews, actions")
    board.add_argument("--all-providers", action="store_true", help="every provider's, not only those we monitor")
    board.set_defaults(func=bind(cmd_dashboard))
