"""The caseload commands of ``qa-desktop`` (issue 16): providers and settings managed here (add, edit,
merge, monitored by us, contacts, bespoke elements, Figure 4's commissioners), placements, compliance
reviews filled in document by document, and visit planning (planned visits, "my visits", the
calendar invitation, the list of visits with their reference). The same workspace services as the
window's Provider, Review and Visit screens.

Records are named as an officer would type them: a provider by URN or words of its name, a setting
by words of its name, anything else by its reference (``CR-...`` for a review, ``QA-...`` for a
visit) or the first characters of its id, as the lists print them. A refusal is one sentence on
stderr naming the field, exit status 2, nothing changed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from qa_desktop.cli_text import DAY_FORMS, parse_day, parse_moment, parse_time, table

if TYPE_CHECKING:
    from qa_desktop.workspace import Workspace

EXIT_BAD_INPUT = 2
OpenWorkspace = Callable[[], "Workspace"]
T = TypeVar("T")


# -- reading what was typed ------------------------------------------------------------------------------

def _day(text: str | None, what: str) -> dt.date | None:
    return parse_day(text, what) if text else None


def _moment(text: str | None, what: str) -> dt.datetime | None:
    """A local date and time ("22/11/2026 16:30", "2026-11-22 16:30"), as an aware datetime."""
    return parse_moment(text, what) if text else None


def _enum(kind: Any, text: str, what: str) -> Any:
    key = text.strip().lower().replace("-", "_").replace(" ", "_")
    for member in kind:
        if key in (member.value, member.name.lower(), str(getattr(member, "label", "")).lower().replace(" ", "_")):
            return member
    raise ValueError(f"{what}: {text!r} is not one of {', '.join(m.value for m in kind)}.")


def _service_type(text: str) -> Any:
    from qa_desktop.domain.service_types import ServiceType, parse_service_type

    found = parse_service_type(text)
    if found is None:
        raise ValueError(f"Service type: {text!r} is not one of {', '.join(t.value for t in ServiceType)}.")
    return found


def _one(items: Sequence[T], text: str, key: Callable[[T], str], ident: Callable[[T], str], what: str) -> T:
    """The one item named by words of its name or the start of its id."""
    wanted = text.strip().casefold()
    by_id = [i for i in items if ident(i).casefold().startswith(wanted)]
    if len(by_id) == 1:
        return by_id[0]
    by_name = [i for i in items if wanted in key(i).casefold()]
    exact = [i for i in by_name if key(i).casefold() == wanted]
    chosen = exact if len(exact) == 1 else by_name
    if len(chosen) != 1:
        raise ValueError(f"{what}: no single one matches {text!r}; give more of its name or its id.")
    return chosen[0]


def _setting_id(workspace: Workspace, provider_id: str, text: str | None) -> str:
    page = workspace.register.page(provider_id)
    if text:
        return _one(page.settings, text, lambda s: s.name, lambda s: s.id, "Setting").id
    if len(page.settings) != 1:
        raise ValueError(f"Setting: {page.name} has {len(page.settings)} settings; name one with --setting.")
    return page.settings[0].id


def _guarded(body: Callable[[], int]) -> int:
    from qa_desktop.workspace.reviews import StoreBusy

    try:
        return body()
    except ValueError as error:  # every refusal of the services is one
        print(str(error), file=sys.stderr)
        return EXIT_BAD_INPUT
    except StoreBusy as error:
        print(f"Not saved: {error}", file=sys.stderr)
        return 3
    except OSError as error:
        print(f"Could not write {getattr(error, 'filename', '') or 'the file'}: {error.strerror or error}.",
              file=sys.stderr)
        return EXIT_BAD_INPUT


def _short(record_id: str) -> str:
    return record_id[:8]


# -- providers ---------------------------------------------------------------------------------------------

def _provider_fields(args: argparse.Namespace, workspace: Workspace) -> dict[str, Any]:
    from qa_desktop.domain.regulation import ContractRoute, Regulator
    from qa_desktop.domain.tiers import Tier

    fields: dict[str, Any] = {}
    if getattr(args, "name", None):
        fields["name"] = args.name
    if args.type:
        fields["service_type"] = _service_type(args.type)
    for option, name in (("urn", "urn"), ("organisation", "organisation"), ("framework", "framework_name"),
                         ("notes", "notes"), ("places", "capacity")):
        value = getattr(args, option)
        if value is not None:
            fields[name] = value or None
    if args.route is not None:
        fields["contract_route"] = _enum(ContractRoute, args.route, "Contract route") if args.route else None
    if args.regulator:
        fields["regulator"] = _enum(Regulator, args.regulator, "Regulator")
    if args.commissioner is not None:
        fields["lead_commissioner_id"] = (_one(workspace.providers.commissioners(), args.commissioner,
                                               lambda c: c.name, lambda c: c.id, "Commissioner").id
                                          if args.commissioner else None)
    if args.tier is not None:
        derived = args.tier.lower() in ("", "derived", "none")
        fields["tier_override"] = None if derived else _enum(Tier, args.tier, "Tier")
    if args.tier_reason is not None:
        fields["tier_override_reason"] = args.tier_reason
    return fields


def cmd_provider_add(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    def body() -> int:
        workspace = open_workspace()
        fields = _provider_fields(args, workspace)
        service_type = fields.pop("service_type", None)
        if service_type is None:
            raise ValueError("Service type: give --type (e.g. residential, supported_accommodation, bespoke).")
        setting = {k: v for k, v in (("name", args.setting), ("address_line1", args.address), ("town", args.town),
                                     ("postcode", args.postcode)) if v}
        provider_id = workspace.providers.add(name=fields.pop("name", ""), service_type=service_type, setting=setting,
                                              monitored_reason=args.monitored, **fields).value
        record = workspace.providers.provider(provider_id)
        print(f"Added {record.name} ({record.service_type.label})"
              + (f", monitored by us: {record.monitored_reason}" if record.monitored else "") + ".")
        return 0

    return _guarded(body)


def cmd_provider_edit(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    def body() -> int:
        workspace = open_workspace()
        provider_id = workspace.register.resolve(args.provider)
        fields = _provider_fields(args, workspace)
        if not fields:
            raise ValueError("Nothing to change: give at least one option (see --help).")
        record = workspace.providers.provider(provider_id)
        changed = workspace.providers.edit(provider_id, fields, record.seen).value
        after = workspace.providers.provider(provider_id)
        print(f"{after.name}: " + (f"changed {', '.join(sorted(changed))}." if changed else "nothing changed."))
        if after.monitored and not record.monitored:
            print(f"Now monitored by us: {after.monitored_reason}.")
        return 0

    return _guarded(body)


def cmd_provider_merge(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    def body() -> int:
        workspace = open_workspace()
        keep = workspace.register.resolve(args.keep)
        duplicate = workspace.register.resolve(args.duplicate)
        moved = workspace.providers.merge(keep, duplicate, args.reason).value
        words = ", ".join(f"{n} {table_name.replace('_', ' ')}" for table_name, n in sorted(moved.items()))
        print(f"Merged into {workspace.providers.provider(keep).name}" + (f": moved {words}." if words else "."))
        return 0

    return _guarded(body)


def cmd_monitor(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    def body() -> int:
        workspace = open_workspace()
        if args.provider:
            provider_id = workspace.register.resolve(args.provider)
            workspace.providers.set_monitored(provider_id, not args.off, args.reason or "")
            record = workspace.providers.provider(provider_id)
            print(f"{record.name}: {'monitored by us' if record.monitored else 'no longer monitored'} "
                  f"({record.monitored_reason}).")
            return 0
        rows = workspace.register.search(monitored=True)
        print(table(["URN", "Name", "Service type", "Monitored because"],
                    [[r.urn or "", r.name, r.service_type.label, r.monitored_reason or ""] for r in rows]))
        print(f"{len(rows)} provider{'s' if len(rows) != 1 else ''} monitored by us")
        return 0

    return _guarded(body)


def cmd_settings(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    def body() -> int:
        workspace = open_workspace()
        provider_id = workspace.register.resolve(args.provider)
        fields = {k: v for k, v in (("address_line1", args.address), ("town", args.town), ("county", args.county),
                                    ("postcode", args.postcode), ("capacity", args.places)) if v is not None}
        if args.add:
            workspace.providers.add_setting(provider_id, {"name": args.add, **fields})
        elif args.edit:
            setting_id = _setting_id(workspace, provider_id, args.edit)
            if args.name:
                fields["name"] = args.name
            workspace.providers.edit_setting(setting_id, fields, workspace.providers.setting(setting_id).seen)
        elif args.remove:
            workspace.providers.remove_setting(_setting_id(workspace, provider_id, args.remove))
        page = workspace.register.page(provider_id)
        print(table(["Id", "Setting", "Address", "Places"],
                    [[_short(s.id), s.name, s.address, str(s.capacity or "")] for s in page.settings]))
        return 0

    return _guarded(body)


def cmd_contacts(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    from qa_desktop.domain.contacts import ContactRole, parse_contact_role

    def body() -> int:
        workspace = open_workspace()
        provider_id = workspace.register.resolve(args.provider)
        providers = workspace.providers
        if args.add:
            role = parse_contact_role(args.role or "") if args.role else None
            if role is None:
                raise ValueError(f"Role: give --role, one of {', '.join(r.value for r in ContactRole)}.")
            setting = _setting_id(workspace, provider_id, args.setting) if args.setting else None
            providers.add_contact(provider_id, name=args.add, kind=role, role=args.job, phone=args.phone,
                                  email=args.email, organisation=args.organisation, setting_id=setting)
        elif args.remove:
            contact = _one(providers.contacts(provider_id), args.remove, lambda c: c.name, lambda c: c.id, "Contact")
            providers.remove_contact(contact.id)
        rows = providers.contacts(provider_id)
        print(table(["Id", "Role", "Name", "Job title", "Organisation", "Phone", "Email", "Setting"],
                    [[_short(c.id), c.kind_label, c.name, c.role or "", c.organisation or "", c.phone or "",
                      c.email or "", c.setting or ""] for c in rows]))
        return 0

    return _guarded(body)


def cmd_elements(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    def body() -> int:
        workspace = open_workspace()
        provider_id = workspace.register.resolve(args.provider)
        providers = workspace.providers
        if args.add:
            setting = _setting_id(workspace, provider_id, args.setting) if args.setting else None
            providers.add_element(provider_id, name=args.add, service_type=_service_type(args.type) if args.type
                                  else None, setting_id=setting, delivered_by=args.delivered_by)
        elif args.remove:
            element = _one(providers.elements(provider_id), args.remove, lambda e: e.name, lambda e: e.id, "Element")
            providers.remove_element(element.id)
        print(table(["Id", "Element", "Service type", "Where", "Delivered by"],
                    [[_short(e.id), e.name, e.service_type.label, e.setting or "", e.delivered_by or ""]
                     for e in providers.elements(provider_id)]))
        return 0

    return _guarded(body)


def cmd_commissioners(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    from qa_desktop.domain.regulation import ContractRoute

    def body() -> int:
        workspace = open_workspace()
        if args.add:
            workspace.providers.add_commissioner(
                name=args.add, email=args.email, organisation=args.organisation,
                responsibility=args.responsibility,
                service_types=[_service_type(t) for t in args.type or ()],
                contract_routes=[_enum(ContractRoute, r, "Contract route") for r in args.route or ()])
        rows = workspace.providers.commissioners()
        print(table(["Id", "Name", "Email", "Organisation", "Leads on (Figure 4)"],
                    [[_short(c.id), c.name, c.email or "", c.organisation or "", c.covers_words] for c in rows]))
        return 0

    return _guarded(body)


# -- placements --------------------------------------------------------------------------------------------

def cmd_placement(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    from qa_desktop.domain.placements import PlacementKind

    def body() -> int:
        workspace = open_workspace()
        provider_id = workspace.register.resolve(args.provider)
        start = _moment(args.start, "Start")
        end = _moment(args.end, "End")
        setting_id = _setting_id(workspace, provider_id, args.setting)
        element = None
        if args.element:
            element = _one(workspace.providers.elements(provider_id), args.element, lambda e: e.name, lambda e: e.id,
                           "Element").id
        for warning in workspace.placements.warnings(setting_id):
            print(f"!! {warning}")
        kind = PlacementKind.PLANNED if args.planned else PlacementKind.EMERGENCY
        workspace.placements.record(setting_id=setting_id, reference=args.reference, kind=kind, started_at=start,
                                    ended_at=end, element_id=element)
        print(f"{kind.label} placement {args.reference.strip()} recorded.")
        for item in workspace.register.due(provider_id=provider_id):
            when = f"{item.due.due_on:%d/%m/%Y}" if item.due.due_on else "now"
            print(f"  {item.due.status.value.upper()} {when}: {item.what}"
                  f"{' at ' + item.setting_name if item.setting_name else ''}: {item.due.reason}")
        return 0

    return _guarded(body)


def cmd_placements(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    def body() -> int:
        workspace = open_workspace()
        provider_id = workspace.register.resolve(args.provider) if args.provider else None
        rows = workspace.placements.lines(provider_id, current_only=args.current)
        if args.end:
            chosen = _one(rows, args.end, lambda p: p.reference, lambda p: p.id, "Placement")
            workspace.placements.end(chosen.id, _moment(args.at, "End"))
            rows = workspace.placements.lines(provider_id, current_only=args.current)
        print(table(["Id", "Reference", "Kind", "When", "Provider", "Setting", "Now"],
                    [[_short(p.id), p.reference, p.kind.label, p.when, p.provider, p.setting,
                      "placed" if p.current else ""] for p in rows]))
        print(f"{len(rows)} placement(s), {sum(p.current for p in rows)} current")
        return 0

    return _guarded(body)


# -- compliance reviews ------------------------------------------------------------------------------------

def _print_sheet(workspace: Workspace, review_id: str) -> None:
    sheet = workspace.reviews.sheet(review_id)
    element = f" ({sheet.element})" if sheet.element else ""
    print(f"{sheet.reference}  {sheet.scope.label} of {sheet.provider}{element}")
    print(f"Figure 1 row: {sheet.figure_row}; {sheet.review_date:%d/%m/%Y} by {sheet.reviewed_by}; "
          f"{sheet.status.label.lower()}")
    rows = []
    for item in sheet.items:
        if item.is_document:
            state = item.status.label if item.status else "NOT MARKED"
            dates = " ".join(p for p in (f"dated {item.dated:%d/%m/%Y}" if item.dated else "",
                                         f"expires {item.expires:%d/%m/%Y}" if item.expires else "") if p)
            rows.append([item.key, item.label, state, dates, item.note or ""])
        else:
            rows.append([item.key, item.label, "written" if item.text else ("REQUIRED" if item.required else ""),
                         (item.text or "")[:50], item.note or ""])
    print(table(["Item", "Document", "Found", "Dates", "Note"], rows))
    if sheet.outcome:
        print(f"Notes: {sheet.outcome}")
    for action in sheet.actions:
        print(f"Action ({action.level.label}, due {action.due_at.astimezone():%d/%m/%Y %H:%M}): {action.text}")
    if not sheet.complete:
        problem = sheet.problem_before_completion()
        print(problem or "Every document is marked: complete it with `qa-desktop review complete "
                         f"{sheet.reference}`.")


def cmd_review(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    from qa_desktop.domain.compliance import DocumentStatus, ReviewScope
    from qa_desktop.domain.timescales import ConcernLevel

    def body() -> int:
        workspace = open_workspace()
        reviews = workspace.reviews
        if args.action == "start":
            provider_id = workspace.register.resolve(args.target)
            element = None
            if args.element:
                element = _one(workspace.providers.elements(provider_id), args.element, lambda e: e.name,
                               lambda e: e.id, "Element").id
            review_id = reviews.start(provider_id, ReviewScope.MINIMUM if args.minimum else ReviewScope.FULL,
                                      review_date=_day(args.date, "Date"), reviewed_by=args.by,
                                      element_id=element).value
            _print_sheet(workspace, review_id)
            return 0
        review_id = reviews.find(args.target)
        if args.action == "doc":
            status = {"seen": DocumentStatus.SEEN, "not-seen": DocumentStatus.NOT_SEEN,
                      "na": DocumentStatus.NOT_APPLICABLE, "clear": None}[args.status]
            item = _item(workspace, review_id, args.item)
            reviews.record_document(review_id, item.key, status, _day(args.dated, "Dated"),
                                    _day(args.expires, "Expires"), seen=item.seen)
            if args.note is not None:
                reviews.set_note(review_id, item.key, args.note, seen=_item(workspace, review_id, item.key).seen)
        elif args.action == "text":
            item = _item(workspace, review_id, args.item)
            reviews.record_text(review_id, item.key, args.text, seen=item.seen)
        elif args.action == "notes":
            reviews.set_outcome(review_id, args.text, seen=reviews.sheet(review_id).seen)
        elif args.action == "action":
            item_key = _item(workspace, review_id, args.item).key if args.item else None
            reviews.raise_action(review_id, args.text, _enum(ConcernLevel, args.level, "Concern level"), item_key)
        elif args.action == "complete":
            reviews.complete(review_id)
            print("Review complete.")
        _print_sheet(workspace, review_id)
        return 0

    return _guarded(body)


def _item(workspace: Workspace, review_id: str, text: str) -> Any:
    return _one(workspace.reviews.sheet(review_id).items, text, lambda i: i.label, lambda i: i.key, "Item")


def cmd_reviews(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    from qa_desktop.domain.compliance import ReviewStatus

    def body() -> int:
        workspace = open_workspace()
        rows = workspace.reviews.lines(
            provider_id=workspace.register.resolve(args.provider) if args.provider else None,
            status=_enum(ReviewStatus, args.status, "Status") if args.status else None, officer=args.officer,
            since=_day(args.since, "Since"), until=_day(args.until, "Until"))
        print(table(["Reference", "Date", "Provider", "Review", "Status", "By"],
                    [[r.reference, f"{r.review_date:%d/%m/%Y}", r.provider + (f" ({r.element})" if r.element else ""),
                      r.scope.label, r.status.label, r.reviewed_by] for r in rows]))
        print(f"{len(rows)} review(s)")
        return 0

    return _guarded(body)


# -- visit planning ---------------------------------------------------------------------------------------

def _visit_rows(rows: Sequence[Any]) -> str:
    return table(["Reference", "When", "Provider", "Setting", "Level", "Announced", "Status", "Officers"],
                 [[v.reference, v.when, v.provider, v.setting, v.level.label, "yes" if v.announced else "NO",
                   v.status.value.replace("_", " "), ", ".join(v.officers)] for v in rows])


def cmd_visits(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    from qa_desktop.domain.visits import VisitStatus

    def body() -> int:
        workspace = open_workspace()
        if args.mine:
            rows = workspace.planning.my_visits()
        else:
            rows = workspace.planning.visits(
                provider_id=workspace.register.resolve(args.provider) if args.provider else None,
                status=_enum(VisitStatus, args.status, "Status") if args.status else None, officer=args.officer,
                since=_day(args.since, "Since"), until=_day(args.until, "Until"))
        print(_visit_rows(rows))
        print(f"{len(rows)} visit(s); the reference works with `report`, `export-visit` and `audit --visit`")
        return 0

    return _guarded(body)


def cmd_plan_visit(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    from qa_desktop.domain.visits import VisitLevel, VisitReason

    def body() -> int:
        workspace = open_workspace()
        provider_id = workspace.register.resolve(args.provider)
        day = _day(args.date, "Date")
        if day is None:
            raise ValueError(f"Date: give --date, as {DAY_FORMS}.")
        starts = dt.datetime.combine(day, parse_time(args.time)).astimezone() if args.time else None
        visit_id = workspace.planning.plan(
            setting_id=_setting_id(workspace, provider_id, args.setting), visit_date=day,
            level=_enum(VisitLevel, args.level, "Level"), announced=not args.unannounced,
            officers=args.officer or [workspace.user.name],
            reason=_enum(VisitReason, args.reason, "Reason"), starts_at=starts, duration_minutes=args.minutes).value
        summary = workspace.planning.summary(visit_id)
        print(f"Planned: {summary.reference}, {summary.when}, {summary.level.label} visit to {summary.setting} "
              f"with {', '.join(summary.officers)}.")
        if args.ics is not None:
            path = workspace.planning.save_invitation(visit_id, Path(args.ics) if args.ics else None)
            print(f"Invitation written: {path}")
        return 0

    return _guarded(body)


def cmd_visit_invite(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    def body() -> int:
        workspace = open_workspace()
        visit_id = workspace.visits.find(args.visit)
        path = workspace.planning.save_invitation(visit_id, Path(args.out) if args.out else None)
        print(f"Invitation written: {path} (open it in Outlook to add the visit to your calendar)")
        return 0

    return _guarded(body)


def cmd_visit_begin(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    def body() -> int:
        workspace = open_workspace()
        visit_id = workspace.planning.begin(workspace.visits.find(args.visit)).value
        summary = workspace.planning.summary(visit_id)
        print(f"Visit {summary.reference} begun: open it in the window (Visit > Open a visit in progress).")
        return 0

    return _guarded(body)


def cmd_visit_record(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    """A visit done before QA Desktop was used, from the team's tracker."""
    from qa_desktop.domain.visits import VisitLevel, VisitReason

    def body() -> int:
        workspace = open_workspace()
        provider_id = workspace.register.resolve(args.provider)
        day = _day(args.date, "Date")
        if day is None:
            raise ValueError(f"Date: give --date, as {DAY_FORMS}.")
        visit_id = workspace.planning.record_past(
            setting_id=_setting_id(workspace, provider_id, args.setting), visit_date=day,
            level=_enum(VisitLevel, args.level, "Level"), announced=not args.unannounced,
            officers=args.officer or [workspace.user.name], reason=_enum(VisitReason, args.reason, "Reason")).value
        print(f"Recorded: {workspace.planning.summary(visit_id).reference}, completed {day:%d/%m/%Y}.")
        return 0

    return _guarded(body)


def cmd_review_record(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    """A review done before QA Desktop was used, from the team's tracker."""
    from qa_desktop.domain.compliance import ReviewScope

    def body() -> int:
        workspace = open_workspace()
        day = _day(args.date, "Date")
        if day is None:
            raise ValueError(f"Date: give --date, as {DAY_FORMS}.")
        review_id = workspace.reviews.record_past(
            workspace.register.resolve(args.provider), ReviewScope.MINIMUM if args.minimum else ReviewScope.FULL,
            review_date=day, reviewed_by=args.by or workspace.user.name, outcome=args.outcome or "").value
        print(f"Recorded: {workspace.reviews.sheet(review_id).reference}, completed {day:%d/%m/%Y}.")
        return 0

    return _guarded(body)


# -- registering the commands -------------------------------------------------------------------------------

def _provider_options(parser: argparse.ArgumentParser, *, adding: bool) -> None:
    if adding:
        parser.add_argument("name", help="the provider's name")
        parser.add_argument("--type", help="service type (residential, ifa, parent_and_child_fostering, bespoke, ...)")
    else:
        parser.add_argument("provider", help="its URN, or words of its name")
        parser.add_argument("--name", help="a new name")
        parser.add_argument("--type", help="a new service type")
    parser.add_argument("--urn", help="Ofsted URN (blank to clear)")
    parser.add_argument("--organisation", help="the organisation that owns it")
    parser.add_argument("--regulator", help="ofsted, cqc, care_inspectorate or none")
    parser.add_argument("--route",
                        help="contract route: framework, spot, dps, bespoke, unregulated (marks it monitored)")
    parser.add_argument("--framework", help="the framework or contract's name")
    parser.add_argument("--commissioner", help="its lead commissioner (name), instead of Figure 4's; blank to clear")
    parser.add_argument("--tier", help="tier set by hand (A, B, C), or 'derived' for Section 3's")
    parser.add_argument("--tier-reason", help="why the tier is set by hand")
    parser.add_argument("--places", help="number of places")
    parser.add_argument("--notes", help="notes")


def add_caseload_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser,
                          bind: Callable[[Callable[..., int]], Callable[[argparse.Namespace], int]]) -> None:
    add = sub.add_parser("provider-add", parents=[common], help="add a provider (and its first setting) by hand")
    _provider_options(add, adding=True)
    add.add_argument("--setting", help="the first setting's name (default: the provider's)")
    add.add_argument("--address", help="the first setting's first address line")
    add.add_argument("--town", help="its town")
    add.add_argument("--postcode", help="its postcode")
    add.add_argument("--monitored", metavar="REASON", help="mark it monitored by us, for this reason")
    add.set_defaults(func=bind(cmd_provider_add))

    edit = sub.add_parser("provider-edit", parents=[common], help="change a provider's details")
    _provider_options(edit, adding=False)
    edit.set_defaults(func=bind(cmd_provider_edit))

    merge = sub.add_parser("provider-merge", parents=[common], help="merge a duplicate provider into another")
    merge.add_argument("keep", help="the provider kept (URN or name)")
    merge.add_argument("duplicate", help="the duplicate merged into it and removed")
    merge.add_argument("--reason", required=True, help="why they are one provider")
    merge.set_defaults(func=bind(cmd_provider_merge))

    monitor = sub.add_parser("monitor", parents=[common],
                             help="providers monitored by us; mark one monitored (or --off), with the reason")
    monitor.add_argument("provider", nargs="?", help="the provider (URN or name); none: list the monitored ones")
    monitor.add_argument("--reason", help="why (kept with the flag and in the audit trail)")
    monitor.add_argument("--off", action="store_true", help="no longer monitored")
    monitor.set_defaults(func=bind(cmd_monitor))

    settings = sub.add_parser("settings", parents=[common], help="a provider's settings; add, change or remove one")
    settings.add_argument("provider", help="the provider (URN or name)")
    settings.add_argument("--add", metavar="NAME", help="add a setting with this name")
    settings.add_argument("--edit", metavar="SETTING", help="change this setting (words of its name or its id)")
    settings.add_argument("--remove", metavar="SETTING", help="remove this setting")
    settings.add_argument("--name", help="with --edit: a new name")
    for option in ("address", "town", "county", "postcode", "places"):
        settings.add_argument(f"--{option}")
    settings.set_defaults(func=bind(cmd_settings))

    contacts = sub.add_parser("contacts", parents=[common], help="a provider's contacts by role; add or remove one")
    contacts.add_argument("provider", help="the provider (URN or name)")
    contacts.add_argument("--add", metavar="NAME", help="add a contact with this name")
    contacts.add_argument("--role", help="provider, registered_manager, placing_social_worker, iro, commissioner, "
                                         "access_to_resources")
    contacts.add_argument("--job", help="their job title")
    contacts.add_argument("--organisation")
    contacts.add_argument("--phone")
    contacts.add_argument("--email")
    contacts.add_argument("--setting", help="the setting they are contact for")
    contacts.add_argument("--remove", metavar="CONTACT", help="remove this contact (name or id)")
    contacts.set_defaults(func=bind(cmd_contacts))

    elements = sub.add_parser("elements", parents=[common], help="the elements of a bespoke package (Section 9)")
    elements.add_argument("provider", help="the bespoke package (URN or name)")
    elements.add_argument("--add", metavar="NAME", help="add an element with this name")
    elements.add_argument("--type", help="its service type (each element is monitored by its own)")
    elements.add_argument("--setting", help="where it is delivered (one of the package's settings)")
    elements.add_argument("--delivered-by", help="who delivers it")
    elements.add_argument("--remove", metavar="ELEMENT", help="remove this element (name or id)")
    elements.set_defaults(func=bind(cmd_elements))

    commissioners = sub.add_parser("commissioners", parents=[common], help="lead commissioners (Figure 4); add one")
    commissioners.add_argument("--add", metavar="NAME", help="add a commissioner")
    commissioners.add_argument("--email")
    commissioners.add_argument("--organisation")
    commissioners.add_argument("--responsibility", help="what they lead on, in words")
    commissioners.add_argument("--type", action="append", help="a service type they lead on (repeat for more)")
    commissioners.add_argument("--route", action="append", help="only this contract route (repeat; none: any route)")
    commissioners.set_defaults(func=bind(cmd_commissioners))

    placement = sub.add_parser("placement", parents=[common],
                               help="record a placement at a provider (the child's case reference only)")
    placement.add_argument("provider", help="the provider (URN or name)")
    placement.add_argument("--reference", required=True, help="the child's case reference (never a name)")
    kind = placement.add_mutually_exclusive_group(required=True)
    kind.add_argument("--planned", action="store_true", help="a planned placement (review and visit due before it)")
    kind.add_argument("--emergency", action="store_true", help="an emergency placement (due within 24-48 hours)")
    placement.add_argument("--start", help="when it starts, 'YYYY-MM-DD HH:MM' (default now)")
    placement.add_argument("--end", help="when it ends, 'YYYY-MM-DD HH:MM'")
    placement.add_argument("--setting", help="which setting (words of its name), if the provider has several")
    placement.add_argument("--element", help="the element of a bespoke package it is for")
    placement.set_defaults(func=bind(cmd_placement))

    placements = sub.add_parser("placements", parents=[common], help="placements; end one")
    placements.add_argument("provider", nargs="?", help="only this provider (URN or name)")
    placements.add_argument("--current", action="store_true", help="only placements current now")
    placements.add_argument("--end", metavar="PLACEMENT", help="end this placement (reference or id)")
    placements.add_argument("--at", help="with --end: when, 'YYYY-MM-DD HH:MM' (default now)")
    placements.set_defaults(func=bind(cmd_placements))

    review = sub.add_parser("review", parents=[common], help="a compliance review: start, record documents, complete")
    review.add_argument("action", choices=["start", "show", "doc", "text", "notes", "action", "complete"],
                        help="start PROVIDER | show/doc/text/notes/action/complete REVIEW")
    review.add_argument("target", help="start: the provider (URN or name); otherwise the review's reference (CR-...)")
    review.add_argument("item", nargs="?", help="doc/text/action: the item (words of its name or its key)")
    review.add_argument("text", nargs="?", help="text/notes/action: the words")
    review.add_argument("--minimum", action="store_true", help="start: the minimum urgent review (Section 11)")
    review.add_argument("--element", help="start: the element of a bespoke package reviewed")
    review.add_argument("--date", help="start: the review's date (default today)")
    review.add_argument("--by", help="start: the officer (default this laptop's user)")
    review.add_argument("--status", choices=["seen", "not-seen", "na", "clear"], default="seen",
                        help="doc: seen (default), not-seen, na (not applicable), clear")
    review.add_argument("--dated", help="doc: the document's date (YYYY-MM-DD)")
    review.add_argument("--expires", help="doc: when it expires (YYYY-MM-DD)")
    review.add_argument("--note", help="doc: a note on the document")
    review.add_argument("--level", default="medium", help="action: low, medium, high, significant (Figure 8)")
    review.set_defaults(func=bind(cmd_review))

    review_record = sub.add_parser("review-record", parents=[common],
                                   help="record a review done before QA Desktop (from the team's tracker)")
    review_record.add_argument("provider", help="the provider (URN or name)")
    review_record.add_argument("--date", required=True, help="when it was done (YYYY-MM-DD)")
    review_record.add_argument("--minimum", action="store_true", help="it was the minimum urgent review")
    review_record.add_argument("--by", help="the officer (default this laptop's user)")
    review_record.add_argument("--outcome", required=True, help="what it found")
    review_record.set_defaults(func=bind(cmd_review_record))

    reviews = sub.add_parser("reviews", parents=[common], help="compliance reviews, with their reference")
    reviews.add_argument("provider", nargs="?", help="only this provider (URN or name)")
    reviews.add_argument("--status", help="in_progress or completed")
    reviews.add_argument("--officer", help="only reviews by this officer (words of the name)")
    reviews.add_argument("--since", help="from this date (YYYY-MM-DD)")
    reviews.add_argument("--until", help="to this date (YYYY-MM-DD)")
    reviews.set_defaults(func=bind(cmd_reviews))

    visits = sub.add_parser("visits", parents=[common],
                            help="visits with their reference (for report, export-visit, audit --visit)")
    visits.add_argument("provider", nargs="?", help="only this provider (URN or name)")
    visits.add_argument("--status", help="planned, in_progress or completed")
    visits.add_argument("--officer", help="only visits with this officer assigned (words of the name)")
    visits.add_argument("--since", help="from this date (YYYY-MM-DD)")
    visits.add_argument("--until", help="to this date (YYYY-MM-DD)")
    visits.add_argument("--mine", action="store_true", help="my visits: planned or in progress with me assigned")
    visits.set_defaults(func=bind(cmd_visits))

    mine = sub.add_parser("my-visits", parents=[common], help="visits planned or in progress with me assigned")
    mine.set_defaults(func=bind(cmd_visits), mine=True, provider=None, status=None, officer=None, since=None,
                      until=None)

    plan = sub.add_parser("plan-visit", parents=[common], help="plan a visit: date, time, level, officers")
    plan.add_argument("provider", help="the provider (URN or name)")
    plan.add_argument("--date", required=True, help="the day (YYYY-MM-DD)")
    plan.add_argument("--time", help="the start (HH:MM, default 10:00)")
    plan.add_argument("--minutes", type=int, help="how long it takes (default by level)")
    plan.add_argument("--level", default="full", help="full, assurance_monitoring or property_only")
    plan.add_argument("--unannounced", action="store_true", help="unannounced: two officers (Section 11)")
    plan.add_argument("--officer", action="append", help="an officer assigned (repeat; default me)")
    plan.add_argument("--reason", default="routine",
                      help="routine, concern_raised, pre_placement or after_placement_start")
    plan.add_argument("--setting", help="which setting (words of its name), if the provider has several")
    plan.add_argument("--ics", nargs="?", const="", metavar="FILE",
                      help="also write the calendar invitation (to FILE, or the data folder's invitations)")
    plan.set_defaults(func=bind(cmd_plan_visit))

    invite = sub.add_parser("visit-invite", parents=[common], help="write a planned visit's calendar invitation (.ics)")
    invite.add_argument("visit", help="the visit's reference (QA-...) or id")
    invite.add_argument("--out", help="where to write it (default the data folder's invitations)")
    invite.set_defaults(func=bind(cmd_visit_invite))

    begin = sub.add_parser("visit-begin", parents=[common], help="begin a planned visit today (adds its checklists)")
    begin.add_argument("visit", help="the visit's reference (QA-...) or id")
    begin.set_defaults(func=bind(cmd_visit_begin))

    record = sub.add_parser("visit-record", parents=[common],
                            help="record a visit done before QA Desktop (from the team's tracker)")
    record.add_argument("provider", help="the provider (URN or name)")
    record.add_argument("--date", required=True, help="when it was done (YYYY-MM-DD)")
    record.add_argument("--level", default="full", help="full, assurance_monitoring or property_only")
    record.add_argument("--unannounced", action="store_true")
    record.add_argument("--officer", action="append", help="an officer (repeat; default me)")
    record.add_argument("--reason", default="routine")
    record.add_argument("--setting", help="which setting, if several")
    record.set_defaults(func=bind(cmd_visit_record))
