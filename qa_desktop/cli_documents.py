"""The document commands of ``qa-desktop`` (issue 18): a visit's report revisions, submitting one,
the QA lead's approval, issuing it (an e-mail draft with the PDF attached), the provider's reply,
and reopening a completed visit. The same ``workspace.documents`` as the visit screen's buttons."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from qa_desktop.cli_oversight import _date
from qa_desktop.cli_text import table

if TYPE_CHECKING:
    from qa_desktop.workspace import Workspace
    from qa_desktop.workspace.documents import Addressee, DocumentInfo

EXIT_BAD_INPUT = 2
OpenWorkspace = Callable[[], "Workspace"]


def _guarded(body: Callable[[], int]) -> int:
    """A refusal of the services (a lifecycle step not allowed, a visit not found) in one sentence."""
    try:
        return body()
    except ValueError as error:
        print(str(error), file=sys.stderr)
        return EXIT_BAD_INPUT


def _latest(workspace: Workspace, visit_text: str, kind: str) -> DocumentInfo:
    from qa_desktop.workspace.documents import DocumentKind, DocumentRuleError

    visit_id = workspace.visits.find(visit_text)
    wanted = DocumentKind(kind)
    found = workspace.documents.latest(visit_id, wanted)
    if found is None:
        if wanted is DocumentKind.VISIT_REPORT:
            workspace.visits.report(visit_id)
        else:
            workspace.visits.young_inspector_report(visit_id)
        found = workspace.documents.latest(visit_id, wanted)
    if found is None:
        raise DocumentRuleError("That visit has no such document yet.")
    return found


def _show(info: DocumentInfo) -> str:
    where = str(info.path) if info.path else "(not made on this laptop yet: run qa-desktop report)"
    return f"{info.label}: {where}"


def cmd_documents(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    def body() -> int:
        workspace = open_workspace()
        rows = workspace.documents.of_visit(workspace.visits.find(args.visit))
        print(table(["Document", "Revision", "Status", "Approved by", "Issued", "Sent to", "Reply due", "Reply"],
                    [[d.kind.label, d.revision, d.status.label, d.approved_by or "",
                      f"{d.issued_at:%d/%m/%Y}" if d.issued_at else "",
                      "; ".join(f"{s.name} ({s.role})" for s in d.sent_to),
                      f"{d.reply_due_on:%d/%m/%Y}" if d.reply_due_on else "",
                      f"{d.reply_received_on:%d/%m/%Y}" if d.reply_received_on else ""] for d in rows]))
        return 0
    return _guarded(body)


def cmd_submit(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    def body() -> int:
        workspace = open_workspace()
        info = _latest(workspace, args.visit, args.kind)
        result = workspace.documents.submit(info.id).value
        print(f"Submitted for the QA lead's approval: {result.path}")
        return 0
    return _guarded(body)


def cmd_approve(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    def body() -> int:
        workspace = open_workspace()
        info = _latest(workspace, args.visit, args.kind)
        result = workspace.documents.approve(info.id).value
        print(f"Approved for issue by {workspace.user.name}: {result.path}")
        return 0
    return _guarded(body)


def _chosen(workspace: Workspace, provider_id: str, provider: str, to: list[str] | None) -> list[Addressee] | None:
    """Who it goes to: the named people or roles from the provider's list (every one with an e-mail
    when none is named); ``None`` (said why) when a name is not on the list."""
    everyone = workspace.documents.distribution(provider_id)
    if not to:
        return [a for a in everyone if a.email]
    wanted = {name.strip().lower() for name in to}
    chosen = [a for a in everyone if a.name.lower() in wanted or a.role.lower() in wanted]
    missing = wanted - {a.name.lower() for a in chosen} - {a.role.lower() for a in chosen}
    if missing:
        print(f"Not on {provider}'s distribution list: {', '.join(sorted(missing))}. "
              f"It has: {', '.join(f'{a.name} ({a.role})' for a in everyone) or 'nobody yet'}.", file=sys.stderr)
        return None
    return chosen


def _issue(workspace: Workspace, info: DocumentInfo, provider_id: str, provider: str, args: argparse.Namespace) -> int:
    chosen = _chosen(workspace, provider_id, provider, args.to)
    if chosen is None:
        return EXIT_BAD_INPUT
    due = _date(args.reply_due, "reply due date", today=workspace.clock.today()) if args.reply_due else None
    issued = workspace.documents.issue(info.id, chosen, Path(args.out), due).value
    people = ", ".join(f"{a.name} ({a.role})" for a in issued.to)
    print(f"Issued to {people}; reply due {issued.reply_due_on:%d/%m/%Y}")
    print(f"E-mail draft, PDF attached: {issued.eml}")
    return 0


def cmd_issue(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    def body() -> int:
        workspace = open_workspace()
        info = _latest(workspace, args.visit, args.kind)
        header = workspace.visits.header(info.visit_id or "")
        return _issue(workspace, info, header.provider_id, header.provider, args)
    return _guarded(body)


def cmd_reply(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    def body() -> int:
        workspace = open_workspace()
        info = _latest(workspace, args.visit, args.kind)
        received = _date(args.received, "date received", today=workspace.clock.today())
        workspace.documents.record_reply(info.id, received, args.note or "")
        print(f"Reply to {info.kind.label.lower()} revision {info.revision} recorded as received {received:%d/%m/%Y}")
        return 0
    return _guarded(body)


def cmd_reopen(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    def body() -> int:
        workspace = open_workspace()
        visit_id = workspace.visits.find(args.visit)
        workspace.visits.reopen(visit_id, args.reason)
        print("Visit reopened; the next report revision will say what it corrects.")
        return 0
    return _guarded(body)


def cmd_letters(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    """A provider's plans and embargoes in force (with the ids ``letter`` takes) and its letters."""
    from qa_desktop.cli_oversight import _provider

    def body() -> int:
        workspace = open_workspace()
        provider_id = _provider(workspace, args.provider)
        assert provider_id is not None
        page = workspace.register.page(provider_id)
        print(table(["Sanction", "Since", "Id (for qa-desktop letter)"],
                    [[r.sanction.value, f"{r.since:%d/%m/%Y}", r.record[1]] for r in page.sanctions
                     if r.record is not None and r.record[0] in ("embargo", "plan")]))
        letters = workspace.documents.of_provider(provider_id)
        if letters:
            print(table(["Letter", "Revision", "Status", "About (id)", "File"],
                        [[d.kind.label, d.revision, d.status.label, d.subject_id or "", str(d.path or "")]
                         for d in letters]))
        return 0
    return _guarded(body)


def cmd_letter(args: argparse.Namespace, open_workspace: OpenWorkspace) -> int:
    """Make a letter (a draft until submitted and approved), and take it a step further if asked."""
    from qa_desktop.workspace.documents import DocumentKind

    def body() -> int:
        workspace = open_workspace()
        kind = DocumentKind(args.kind)
        subject = workspace.visits.find(args.subject) if kind is DocumentKind.YOUNG_INSPECTOR_FEEDBACK else args.subject
        result = workspace.documents.letter(kind, subject).value
        info = [d for d in workspace.documents.of_provider_or_visit(subject) if d.kind is kind][-1]
        if args.submit:
            result = workspace.documents.submit(info.id).value
        if args.approve:
            result = workspace.documents.approve(info.id).value
        print(f"{kind.label}, revision {info.revision}: {result.path}")
        if args.word:
            print(f"Word copy: {workspace.documents.word(info.id, Path(args.word)).path}")
        if args.issue:
            provider_id = info.provider_id or ""
            return _issue(workspace, info, provider_id, workspace.register.page(provider_id).name, args)
        return 0
    return _guarded(body)


def add_document_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser,
                          bind: Callable[[Callable[..., int]], Callable[[argparse.Namespace], int]]) -> None:
    kinds = ["visit", "young_inspector"]

    def visit_command(name: str, help_text: str, func: Callable[..., int]) -> argparse.ArgumentParser:
        parser = sub.add_parser(name, parents=[common], help=help_text)
        parser.add_argument("visit", help="the visit's id, the start of it, or its report reference")
        parser.add_argument("--kind", choices=kinds, default="visit", help="the visit report (default) or the "
                            "Young Inspector report")
        parser.set_defaults(func=bind(func))
        return parser

    visit_command("documents", "a visit's report revisions: status, approval, who they were sent to, replies",
                  cmd_documents)
    visit_command("submit", "submit the visit's report for the QA lead's approval (the visit must be complete)",
                  cmd_submit)
    visit_command("approve", "approve a submitted report for issue (the QA lead only)", cmd_approve)
    issue = visit_command("issue", "issue an approved report: an e-mail draft (.eml) with the PDF attached",
                          cmd_issue)
    issue.add_argument("--to", action="append", metavar="NAME_OR_ROLE",
                       help="who to send it to (repeat; default: everyone on the distribution list with an e-mail)")
    issue.add_argument("--out", default=".", metavar="DIR", help="where to write the .eml (default: here)")
    issue.add_argument("--reply-due", metavar="YYYY-MM-DD", help="when the provider's reply is due "
                       "(default: the team's number of working days)")
    reply = visit_command("reply", "record the provider's reply to an issued report", cmd_reply)
    reply.add_argument("--received", metavar="YYYY-MM-DD", help="when it arrived (default: today)")
    reply.add_argument("--note", help="what it said, briefly")
    letters = sub.add_parser("letters", parents=[common], help="a provider's plans and embargoes, and its letters")
    letters.add_argument("provider", help="the provider (URN or name)")
    letters.set_defaults(func=bind(cmd_letters))
    letter = sub.add_parser("letter", parents=[common], help="make a letter or plan from the records (a draft "
                            "until submitted and approved)")
    letter.add_argument("kind", choices=["action_plan", "plan_removal", "embargo_notice", "embargo_removal",
                                         "young_inspector_feedback"])
    letter.add_argument("subject", help="the plan's or embargo's id (qa-desktop letters PROVIDER), or the visit")
    letter.add_argument("--submit", action="store_true", help="submit it for the QA lead's approval")
    letter.add_argument("--approve", action="store_true", help="approve it for issue (the QA lead only)")
    letter.add_argument("--word", metavar="FILE.docx", help="also write it as Word")
    letter.add_argument("--issue", action="store_true", help="issue it (approved): an e-mail draft with the PDF")
    letter.add_argument("--to", action="append", metavar="NAME_OR_ROLE", help="with --issue: who to send it to")
    letter.add_argument("--out", default=".", metavar="DIR", help="with --issue: where to write the .eml")
    letter.add_argument("--reply-due", metavar="YYYY-MM-DD", help="with --issue: when the provider's reply is due")
    letter.set_defaults(func=bind(cmd_letter))
    reopen = sub.add_parser("reopen", parents=[common], help="reopen a completed visit, saying why")
    reopen.add_argument("visit", help="the visit's id, the start of it, or its report reference")
    reopen.add_argument("--reason", required=True, help="why it is reopened (kept in the audit trail)")
    reopen.set_defaults(func=bind(cmd_reopen))
