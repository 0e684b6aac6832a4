"""The tracker's commands of ``qa-desktop`` (issue 19): the meeting log and funding requests
(Section 13), unregistered providers, the planning list and intelligence (Sections 10 and 13), the
Young Inspectors programme, and the annual figures, the committee's PDF and the whole workbook.
The same workspace services as the Tracker window.

A record is named on the command line by the start of its id, as the lists print it (``#1a2b3c4d``),
or by its reference where it has one (a funding request's, a planning application's, a Young
Inspector's)."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from qa_desktop.cli_oversight import _choice, _date, _guarded
from qa_desktop.cli_text import table

if TYPE_CHECKING:
    from qa_desktop.domain.reporting_year import ReportingYear
    from qa_desktop.workspace import Workspace

OpenWorkspace = Callable[[], "Workspace"]
Line = TypeVar("Line")


def _short(record_id: str) -> str:
    return f"#{record_id[:8]}"


def _pick(lines: Sequence[Line], text: str, what: str, reference: Callable[[Line], str] = lambda _: "") -> Line:
    """The one line whose id starts with ``text`` (with or without ``#``) or whose reference it is."""
    wanted = text.strip().lstrip("#").casefold()
    found = [line for line in lines if getattr(line, "id", "").startswith(wanted)
             or (reference(line) and reference(line).casefold() == wanted)] if wanted else []
    if len(found) != 1:
        raise ValueError(f"No single {what} matches {text!r}: give the start of its id as the list prints it "
                         "(#1a2b3c4d), or its reference.")
    return found[0]


def _day(value: dt.date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def _year(workspace: Workspace, text: str | None, financial: bool) -> ReportingYear:
    from qa_desktop.domain.reporting_year import ReportingYear, YearKind

    kind = YearKind.FINANCIAL if financial else YearKind.CALENDAR
    return ReportingYear.parse(text, kind) if text else workspace.tracker.this_year(kind)


def _providers(workspace: Workspace, names: Sequence[str] | None) -> list[str]:
    return [workspace.register.resolve(name) for name in names or ()]


# -- meetings and funding requests ------------------------------------------------------------------

def cmd_meetings(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    from qa_desktop.domain.partnership import MeetingKind
    from qa_desktop.domain.timescales import ConcernLevel

    def body() -> int:
        workspace = open_workspace()
        partnership, today = workspace.partnership, workspace.clock.today()
        if args.add:
            done = partnership.record_meeting(
                _choice(MeetingKind, args.add, "kind of meeting"), held_on=_date(args.date, today=today),
                attendees=(args.attendees or "").split(","), title=args.title, notes=args.notes,
                providers=_providers(workspace, args.provider), references=args.reference or [])
            print(f"Meeting recorded: {_short(done.value)}")
        if args.action:
            meeting = _pick(partnership.meetings(), args.meeting or "", "meeting")
            provider = workspace.register.resolve(args.action_provider) if args.action_provider else None
            due = (dt.datetime.combine(_date(args.due, "due date", today=today), dt.time(17)).astimezone()
                   if args.due else None)
            partnership.add_action(meeting.id, args.action, provider_id=provider, owner=args.owner, due_at=due,
                                   level=_choice(ConcernLevel, args.level, "concern level") if args.level else None)
            print(f"Action added to the meeting of {meeting.held_on:%d/%m/%Y}")
        year = _year(workspace, args.year, args.financial) if args.year else None
        lines = partnership.meetings(span=workspace.tracker.span(year) if year else None,
                                     kind=_choice(MeetingKind, args.kind, "kind of meeting") if args.kind else None,
                                     text=" ".join(args.words))
        print(table(["Id", "Held", "Kind", "Title", "Attendees", "Discussed", "Open actions"],
                    [[_short(m.id), _day(m.held_on), m.kind.label, m.title or "", ", ".join(m.attendees), m.discussed,
                      str(m.open_actions)] for m in lines]))
        print(f"{len(lines)} meeting(s)")
        regular = partnership.regular_meetings()
        print("\nRegular meetings (Section 13): " + "; ".join(
            f"{r.kind.label} next {_day(r.next_on)}{' OVERDUE' if r.overdue else ''}" for r in regular))
        return 0

    return _guarded(body)


def cmd_funding(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    from qa_desktop.domain.partnership import FundingRecommendation

    def body() -> int:
        workspace = open_workspace()
        partnership, today = workspace.partnership, workspace.clock.today()
        if args.add:
            provider = None
            if args.provider:
                try:
                    provider = workspace.register.resolve(args.provider)
                except ValueError:
                    provider = None  # not in the register: kept by name
            partnership.record_funding_request(reference=args.add, summary=args.summary or "",
                                               received_on=_date(args.date, today=today), provider_id=provider,
                                               provider_name=None if provider else args.provider,
                                               requested_by=args.requested_by)
        if args.feedback:
            request = _pick(partnership.funding_requests(), args.feedback, "funding request", lambda r: r.reference)
            partnership.give_funding_feedback(
                request.id, recommendation=_choice(FundingRecommendation, args.recommendation or "", "recommendation"),
                feedback=args.text or "", on=_date(args.date, today=today))
        lines = partnership.funding_requests(awaiting=args.awaiting)
        print(table(["Id", "Received", "Reference", "Provider", "Request", "QA's view", "Fed back"],
                    [[_short(r.id), _day(r.received_on), r.reference, r.provider, r.summary,
                      r.recommendation.label if r.recommendation else "AWAITING FEEDBACK", _day(r.feedback_on)]
                     for r in lines]))
        print(f"{len(lines)} request(s), {sum(r.awaiting_feedback for r in lines)} awaiting QA's feedback")
        return 0

    return _guarded(body)


# -- unregistered providers, planning, intelligence -------------------------------------------------

def cmd_unregistered(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    from qa_desktop.domain.unregistered import ApplicationStage

    def body() -> int:
        workspace = open_workspace()
        unregistered, today = workspace.unregistered, workspace.clock.today()
        day = _date(args.date, today=today)
        if args.notify:
            unregistered.notify_ofsted(workspace.register.resolve(args.notify), summary=args.summary or "",
                                       notified_on=day, placement_reference=args.placement,
                                       ofsted_reference=args.ofsted_reference)
        if args.update:
            notification = _pick(unregistered.notifications(), args.update, "notification")
            unregistered.send_update(notification.id, summary=args.summary or "", sent_on=day)
        if args.apply:
            unregistered.start_application(workspace.register.resolve(args.apply), support_began_on=day)
        if args.move:
            application = _pick(unregistered.applications(), args.move, "application")
            unregistered.move_application(application.id, _choice(ApplicationStage, args.stage or "", "stage"), on=day,
                                          urn=args.urn)
        notes = unregistered.notifications()
        print("Unregulated placements notified to Ofsted (Section 10)")
        print(table(["Id", "Notified", "Provider", "Placement", "Last update", "Ended", "Summary"],
                    [[_short(n.id), _day(n.notified_on), n.provider, n.placement_reference or "", _day(n.last_update),
                      _day(n.placement_ended_on), n.summary] for n in notes]))
        print("\nRegistration applications (supported to register)")
        apps = unregistered.applications()
        print(table(["Id", "Provider", "Stage", "Support began", "Submitted", "Ended", "URN"],
                    [[_short(a.id), a.provider, a.stage.label, _day(a.support_began_on), _day(a.submitted_on),
                      _day(a.ended_on), a.urn or ""] for a in apps]))
        return 0

    return _guarded(body)


def cmd_planning(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    def body() -> int:
        workspace = open_workspace()
        unregistered, today = workspace.unregistered, workspace.clock.today()
        if args.add:
            unregistered.log_planning_application(reference=args.add, address=args.address or "",
                                                  proposal=args.proposal or "", postcode=args.postcode,
                                                  applicant=args.applicant, listed_on=_date(args.date, today=today))
        if args.feedback or args.link:
            application = _pick(unregistered.planning_applications(), args.feedback or args.link,
                                "planning application", lambda a: a.reference)
            if args.feedback:
                unregistered.give_planning_feedback(application.id, feedback=args.text or "",
                                                    sent_on=_date(args.date, today=today))
            if args.link:
                unregistered.link_provider("planning", application.id,
                                           workspace.register.resolve(args.provider) if args.provider else None)
        lines = unregistered.planning_applications(text=" ".join(args.words), awaiting_feedback=args.awaiting)
        print(table(["Id", "Listed", "Reference", "Address", "Postcode", "Use", "Feedback sent", "Provider",
                     "Intelligence"],
                    [[_short(a.id), _day(a.listed_on), a.reference, a.address, a.postcode or "", a.change_of_use,
                      _day(a.feedback_sent_on) or "AWAITING", a.provider, str(a.intelligence or "")] for a in lines]))
        for line in lines:
            if not line.provider_id:
                for match in unregistered.possible_providers(line.address, line.postcode):
                    print(f"  {line.reference}: possibly {match.provider} ({match.setting})"
                          + (", same address" if match.same_address else ", same postcode"))
        return 0

    return _guarded(body)


def cmd_intelligence(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    from qa_desktop.domain.unregistered import IntelligenceSource

    def body() -> int:
        workspace = open_workspace()
        unregistered, today = workspace.unregistered, workspace.clock.today()
        if args.add:
            unregistered.record_intelligence(address=args.add, postcode=args.postcode, summary=args.summary or "",
                                             source=_choice(IntelligenceSource, args.source, "source"),
                                             received_on=_date(args.date, today=today))
        if args.respond:
            line = _pick(unregistered.intelligence(), args.respond, "piece of intelligence")
            unregistered.respond_to_intelligence(line.id, response=args.text or "", on=_date(args.date, today=today))
        lines = unregistered.intelligence(text=" ".join(args.words), postcode=args.postcode if not args.add else None)
        print(table(["Id", "Received", "Source", "Address", "Postcode", "Provider", "Summary", "Responded"],
                    [[_short(i.id), _day(i.received_on), i.source.label, i.address, i.postcode or "", i.provider,
                      i.summary, _day(i.responded_on)] for i in lines]))
        return 0

    return _guarded(body)


# -- the Young Inspectors programme -----------------------------------------------------------------

def cmd_young_inspectors(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    from qa_desktop.domain.young_inspector_programme import DebriefBy

    def body() -> int:
        workspace = open_workspace()
        programme, today = workspace.young_inspectors, workspace.clock.today()
        day = _date(args.date, today=today)
        if args.add:
            programme.add(args.add, joined_on=day)
        roster = programme.roster()

        def inspector() -> Any:
            return _pick(roster, args.inspector or "", "Young Inspector", lambda y: y.name)

        if args.trained or args.dbs:
            programme.update(inspector().id, trained_on=day if args.trained else None,
                             dbs_checked_on=day if args.dbs else None)
        if args.join:
            programme.join_visit(inspector().id, workspace.visits.find(args.join))
        if args.briefed or args.debriefed or args.opted_out_of:
            visit_id = workspace.visits.find(args.briefed or args.debriefed or args.opted_out_of)
            joined = next((j for j in programme.joined_visits(inspector_id=inspector().id) if j.visit_id == visit_id),
                          None)
            if joined is None:
                raise ValueError("That Young Inspector has not joined that visit.")
            programme.record_support(
                joined.id, briefed_on=day if args.briefed else None, debriefed_on=day if args.debriefed else None,
                debrief_by=_choice(DebriefBy, args.debrief_by, "who gave the debrief") if args.debrief_by else None,
                opted_out=True if args.opted_out_of else None)
        if args.incentive:
            programme.give_incentive(inspector().id, description=args.incentive, given_on=day,
                                     value_pence=round(args.value * 100) if args.value is not None else None)
        if args.opt_out:
            programme.opt_out(inspector().id, on=day, reason=args.reason)
        roster = programme.roster()
        print(table(["Reference", "Joined", "Trained", "DBS checked", "Visits", "Incentives", "Status"],
                    [[y.name, _day(y.joined_on), _day(y.trained_on), _day(y.dbs_checked_on), str(y.visits),
                      str(y.incentives), "active" if y.active else f"opted out {_day(y.opted_out_on)}"]
                     for y in roster]))
        due = programme.due()
        print(f"\nDue ({len(due)})")
        print(table(["Young Inspector", "Due", "What"],
                    [[d.name, _day(d.due.due_on) + (" OVERDUE" if d.due.overdue else ""), d.due.words]
                     for d in due]))
        return 0

    return _guarded(body)


# -- the figures ------------------------------------------------------------------------------------

def cmd_figures(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    def body() -> int:
        workspace = open_workspace()
        figures = workspace.tracker.figures(_year(workspace, args.year, args.financial))
        span, previous = figures.span, figures.previous_span
        print(f"QA tracker: {span.label} beside {previous.label}"
              + (" (counted to date: both years to the same day)" if figures.to_date else ""))
        heads = ["", span.label, previous.label, "Change"]
        print(table(heads, [[c.label, str(c.current), str(c.previous), c.change_words] for c in figures.headline]))
        if args.all:
            for part in figures.breakdowns:
                print(f"\n{part.title}")
                rows = [[c.label, str(c.current), str(c.previous), c.change_words] for c in part.rows]
                if part.total is not None:
                    rows.append([f"Total: {part.total.label}", str(part.total.current), str(part.total.previous),
                                 part.total.change_words])
                print(table(heads, rows))
            print("\nActions by Figure 8 level (raised in the year; on time by the due date in force)")
            print(table(["Level", "Raised", "Completed", "On time", "Overdue now", f"Raised {previous.label}",
                         f"On time {previous.label}"],
                        [[c.level.label, str(c.raised), str(c.completed), str(c.on_time), str(c.overdue),
                          str(p.raised), str(p.on_time)]
                         for c, p in zip(figures.actions.current, figures.actions.previous, strict=True)]))
        if args.alerts:
            lines = workspace.tracker.alerts(span=span, affecting_only=args.alerts == "affecting")
            print("\nRegulatory alerts" + (" affecting children we have placed" if args.alerts == "affecting" else ""))
            print(table(["Received", "Provider", "Alert", "Closed", "Affects our children"],
                        [[_day(a.received_on), a.provider, f"{a.regulator.label}: {a.kind.label}", _day(a.closed_on),
                          ", ".join(a.placements) if a.affects_our_children else "no"] for a in lines]))
        return 0

    return _guarded(body)


def cmd_annual_report(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    def body() -> int:
        if args.out and Path(args.out).suffix.lower() != ".pdf":
            raise ValueError(f"{Path(args.out).name}: the annual report is written to a .pdf file.")
        workspace = open_workspace()
        year = _year(workspace, args.year, args.financial)
        # where the officer runs it, not the data folder: that one holds nothing readable at rest (issue 15)
        path = Path(args.out) if args.out else Path.cwd() / f"QA tracker annual figures {year.label}.pdf"
        report = workspace.tracker.annual_report(path, year)
        print(f"Annual report written: {report.path} ({report.pages} pages). It is not encrypted: it is "
              "OFFICIAL-SENSITIVE and yours to protect.")
        return 0

    return _guarded(body)


def cmd_export_workbook(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    def body() -> int:
        if Path(args.file).suffix.lower() != ".xlsx":
            raise ValueError(f"{Path(args.file).name}: export to an Excel workbook (.xlsx).")
        workspace = open_workspace()
        report = workspace.tracker.export_workbook(Path(args.file), _year(workspace, args.year, args.financial))
        print(f"Workbook written: {report.path} ({len(report.sheets)} sheets, {report.rows} rows). "
              "It is OFFICIAL-SENSITIVE.")
        for name, rows in report.sheets.items():
            print(f"  {name}: {rows}")
        return 0

    return _guarded(body)


def add_tracker_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser,
                         bind: Callable[[Callable[..., int]], Callable[[argparse.Namespace], int]]) -> None:
    """Register the tracker's commands; ``bind`` gives each a way to open the workspace when it needs it."""
    meetings = sub.add_parser("meetings", parents=[common],
                              help="the meeting log (Section 13): list, record a meeting, add an action")
    meetings.add_argument("words", nargs="*", help="words to search for")
    meetings.add_argument("--add", metavar="KIND", help="record a meeting of this kind: lado, education_send, "
                                                        "art_drop_in, strategy, professionals, jem, "
                                                        "allegation_management, planning, risk_management, ccrag, "
                                                        "joint_visit, other")
    meetings.add_argument("--attendees", help="who attended, separated by commas")
    meetings.add_argument("--title", help="what the meeting was about")
    meetings.add_argument("--notes", help="notes of the meeting")
    meetings.add_argument("--provider", action="append", help="a provider discussed (URN or name; again for more)")
    meetings.add_argument("--reference", action="append", help="a case reference discussed (again for more)")
    meetings.add_argument("--date", help="held on (YYYY-MM-DD, default today)")
    meetings.add_argument("--action", metavar="TEXT", help="add an action arising to the meeting named by --meeting")
    meetings.add_argument("--meeting", help="the meeting (#id as listed)")
    meetings.add_argument("--action-provider", help="the action is for this provider (then --level is needed)")
    meetings.add_argument("--level", help="low, medium, high or significant (Figure 8)")
    meetings.add_argument("--owner", help="who the action is for, when not a provider")
    meetings.add_argument("--due", help="the date agreed for an action not for a provider (YYYY-MM-DD)")
    meetings.add_argument("--kind", help="only meetings of this kind")
    meetings.add_argument("--year", help="only this year: 2025, or 2025-26 for a financial year")
    meetings.add_argument("--financial", action="store_true", help="--year is a financial year")
    meetings.set_defaults(func=bind(cmd_meetings))

    funding = sub.add_parser("funding-requests", parents=[common],
                             help="placement funding requests and QA's feedback (Section 13)")
    funding.add_argument("--add", metavar="REFERENCE", help="record a request with this reference")
    funding.add_argument("--summary", help="what is requested")
    funding.add_argument("--provider", help="the provider (URN or name; a name not in the register is kept as typed)")
    funding.add_argument("--requested-by", help="the team or social worker asking")
    funding.add_argument("--feedback", metavar="REQUEST", help="give QA's feedback on this request (#id or reference)")
    funding.add_argument("--recommendation", help="supported, supported_with_conditions, not_supported, "
                                                  "more_information")
    funding.add_argument("--text", help="the feedback")
    funding.add_argument("--date", help="received on, or fed back on (YYYY-MM-DD, default today)")
    funding.add_argument("--awaiting", action="store_true", help="only those awaiting QA's feedback")
    funding.set_defaults(func=bind(cmd_funding))

    unregistered = sub.add_parser("unregistered", parents=[common],
                                  help="unregulated placements notified to Ofsted, and registration applications")
    unregistered.add_argument("--notify", metavar="PROVIDER", help="record QA's notification to Ofsted")
    unregistered.add_argument("--update", metavar="NOTIFICATION", help="record an update sent to Ofsted (#id)")
    unregistered.add_argument("--summary", help="what Ofsted was told")
    unregistered.add_argument("--placement", help="the placement's reference")
    unregistered.add_argument("--ofsted-reference", help="Ofsted's reference")
    unregistered.add_argument("--apply", metavar="PROVIDER", help="QA begins supporting the provider's application")
    unregistered.add_argument("--move", metavar="APPLICATION", help="move an application (#id) to --stage")
    unregistered.add_argument("--stage", help="submitted, registered, withdrawn, refused or preparing")
    unregistered.add_argument("--urn", help="with --stage registered: the URN Ofsted gave")
    unregistered.add_argument("--date", help="on this date (YYYY-MM-DD, default today)")
    unregistered.set_defaults(func=bind(cmd_unregistered))

    planning = sub.add_parser("planning", parents=[common],
                              help="the weekly planning list: change of use (C3 to C2) by address, QA's feedback")
    planning.add_argument("words", nargs="*", help="words to search for (reference, address, postcode)")
    planning.add_argument("--add", metavar="REFERENCE", help="log an application from the planning list")
    planning.add_argument("--address", help="its address")
    planning.add_argument("--postcode", help="its postcode")
    planning.add_argument("--proposal", help="the proposal as the list gives it")
    planning.add_argument("--applicant", help="the applicant")
    planning.add_argument("--feedback", metavar="APPLICATION", help="QA's feedback sent to planning (reference)")
    planning.add_argument("--text", help="the feedback")
    planning.add_argument("--link", metavar="APPLICATION", help="link the application to --provider (reference)")
    planning.add_argument("--provider", help="the provider behind it (URN or name; none to unlink)")
    planning.add_argument("--date", help="listed on, or feedback sent on (YYYY-MM-DD, default today)")
    planning.add_argument("--awaiting", action="store_true", help="only those awaiting QA's feedback")
    planning.set_defaults(func=bind(cmd_planning))

    intelligence = sub.add_parser("intelligence", parents=[common],
                                  help="intelligence by address from police, PCSOs, councillors and residents")
    intelligence.add_argument("words", nargs="*", help="words to search for")
    intelligence.add_argument("--add", metavar="ADDRESS", help="record intelligence about this address")
    intelligence.add_argument("--postcode", help="its postcode (also: only this postcode)")
    intelligence.add_argument("--source", default="other", help="police, pcso, councillor, resident, lado, "
                                                                "other_authority, other")
    intelligence.add_argument("--summary", help="what was shared")
    intelligence.add_argument("--respond", metavar="ID", help="record QA's response (#id)")
    intelligence.add_argument("--text", help="the response")
    intelligence.add_argument("--date", help="received on, or responded on (YYYY-MM-DD, default today)")
    intelligence.set_defaults(func=bind(cmd_intelligence))

    young = sub.add_parser("young-inspectors", parents=[common],
                           help="the Young Inspectors programme: roster, training and DBS, visits, incentives")
    young.add_argument("--add", metavar="NAME", help="put a Young Inspector on the roster under the name they are "
                                                     "known by: a reference such as YI-04, or a first name")
    young.add_argument("--inspector", help="the Young Inspector the options below are about (as known)")
    young.add_argument("--trained", action="store_true", help="trained on --date")
    young.add_argument("--dbs", action="store_true", help="DBS checked on --date")
    young.add_argument("--join", metavar="VISIT", help="joins this visit (its id or report reference)")
    young.add_argument("--briefed", metavar="VISIT", help="briefed on --date before this visit")
    young.add_argument("--debriefed", metavar="VISIT", help="debriefed on --date after this visit")
    young.add_argument("--debrief-by", help="personal_adviser, team_manager, qa_lead or qa_officer")
    young.add_argument("--opted-out-of", metavar="VISIT", help="opted out of this visit")
    young.add_argument("--incentive", metavar="WHAT", help="an incentive given on --date")
    young.add_argument("--value", type=float, help="its value in pounds")
    young.add_argument("--opt-out", action="store_true", help="leaves the programme on --date")
    young.add_argument("--reason", help="with --opt-out: why, if they want it recorded")
    young.add_argument("--date", help="the date of what is recorded (YYYY-MM-DD, default today)")
    young.set_defaults(func=bind(cmd_young_inspectors))

    figures = sub.add_parser("figures", parents=[common],
                             help="the tracker's figures for a year beside the previous year")
    figures.add_argument("--year", help="2025 (calendar), or 2025-26 for a financial year (default: this year)")
    figures.add_argument("--financial", action="store_true", help="this (or --year's) financial year")
    figures.add_argument("--all", action="store_true", help="every breakdown, not only the headline figures")
    figures.add_argument("--alerts", choices=["all", "affecting"],
                         help="list the year's alerts, or those affecting children we have placed")
    figures.set_defaults(func=bind(cmd_figures))

    report = sub.add_parser("annual-report", parents=[common],
                            help="the committee's PDF of a year's figures beside the previous year's, with charts")
    report.add_argument("--year", help="2025 (calendar), or 2025-26 for a financial year (default: this year)")
    report.add_argument("--financial", action="store_true", help="this (or --year's) financial year")
    report.add_argument("--out", help="where to write the PDF (default: the reports folder of the data folder)")
    report.set_defaults(func=bind(cmd_annual_report))

    workbook = sub.add_parser("export-workbook", parents=[common],
                              help="everything to one Excel workbook, a sheet each, with a year's figures")
    workbook.add_argument("file", help="the workbook to write (.xlsx)")
    workbook.add_argument("--year", help="the figures of 2025 (calendar), or 2025-26 (default: this year)")
    workbook.add_argument("--financial", action="store_true", help="this (or --year's) financial year")
    workbook.set_defaults(func=bind(cmd_export_workbook))

