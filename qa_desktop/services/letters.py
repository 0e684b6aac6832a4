"""Letters and plans from the records (Section 12), with the same lifecycle as reports
(``services.documents``): the QA improvement plan (its actions, concern levels, Figure 8 due dates
and how to evidence completion), the embargo notification (reasons, scope, next steps, review date),
the removal of an embargo or of a plan, and Young Inspector feedback to the provider.

The words come from the team's templates (``resources/letters/<kind>.yaml``, or the team's own copy
in ``DATA_DIR/letters/``, read first), with ``$placeholders`` filled in from the records; the
council's name comes from the council's settings (``services.council.branding``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING, Any

import yaml
from sqlalchemy import select

from qa_desktop.domain.documents import DocumentKind, DocumentRuleError
from qa_desktop.domain.framework import Framework
from qa_desktop.domain.oversight import EmbargoScope
from qa_desktop.domain.roles import require_officer
from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.forms.template import Audience
from qa_desktop.paths import resources_dir
from qa_desktop.reports.results import ReportResult, Standing
from qa_desktop.reports.visit_content import answer_text
from qa_desktop.services.council import branding, framework
from qa_desktop.services.distribution import LETTERS_FOLDER, MAX_SETTINGS_BYTES
from qa_desktop.services.documents import Source, Target
from qa_desktop.services.reports import visit_facts
from qa_desktop.services.visits import open_visit
from qa_desktop.store.database import Store
from qa_desktop.store.models import ActionPlan, Embargo, PlanAction, Provider, Setting, Visit

if TYPE_CHECKING:  # the letters' builder (ReportLab, python-docx) is imported when a letter is made, not at start
    from qa_desktop.reports.letters import Letter, LetterPart

#: Reference prefixes, so a letter's reference says what it is.
_PREFIX = {DocumentKind.ACTION_PLAN: "QIP", DocumentKind.EMBARGO_NOTICE: "EMB", DocumentKind.EMBARGO_REMOVAL: "EMR",
           DocumentKind.PLAN_REMOVAL: "QIR", DocumentKind.YOUNG_INSPECTOR_FEEDBACK: "YIF"}

LETTER_KINDS = tuple(_PREFIX)


def template(data_dir: Path, kind: DocumentKind) -> dict[str, Any]:
    """The team's words for a kind of letter: their own copy if they made one, else the built-in."""
    for folder in (data_dir / LETTERS_FOLDER, resources_dir() / LETTERS_FOLDER):
        path = folder / f"{kind.value}.yaml"
        try:
            if path.stat().st_size > MAX_SETTINGS_BYTES:
                continue
            loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError, UnicodeDecodeError):
            continue  # a broken copy of the team's: the built-in words still make the letter
        if isinstance(loaded, dict):
            return loaded
    raise DocumentRuleError(f"No template for the {kind.label.lower()} is installed.")


def _day(day: dt.date) -> str:
    """A date as a letter writes it: 7 December 2026."""
    return f"{day.day} {day:%B %Y}"


def _fill(words: Any, fields: dict[str, str]) -> tuple[str, ...]:
    if words is None:
        return ()
    items = words if isinstance(words, list) else [words]
    return tuple(Template(str(item)).safe_substitute(fields) for item in items)


def _address(provider: Provider, setting: Setting | None) -> tuple[str, ...]:
    lines = [provider.name]
    if provider.organisation and provider.organisation != provider.name:
        lines.append(provider.organisation)
    if setting is not None:
        lines += [line for line in (setting.address_line1, setting.address_line2, setting.town, setting.postcode)
                  if line]
    return tuple(lines)


def _source(store: Store, kind: DocumentKind, subject_id: str, provider: Provider, letter: Letter,
            visit_id: str | None = None, setting_name: str = "") -> Source:
    from qa_desktop.reports.letters import build_letter_docx, build_letter_pdf  # ReportLab, python-docx

    # who made it is not what it says: the lead approving it must not make it "changed"
    fingerprint = hashlib.sha256(json.dumps(asdict(letter) | {"revision": None, "sender": None}, default=str,
                                            sort_keys=True).encode("utf-8")).hexdigest()

    def build(standing: Standing, revision: int, path: Target) -> ReportResult:
        return build_letter_pdf(replace(letter, revision=revision), path, standing)

    def build_word(standing: Standing, revision: int, path: Target) -> ReportResult:
        return build_letter_docx(replace(letter, revision=revision), path, standing)

    return Source(kind, letter.reference, fingerprint, build, visit_id=visit_id, provider_id=provider.id,
                  subject_id=subject_id, provider_name=provider.name, setting_name=setting_name or provider.name,
                  build_word=build_word)


def figure_8_words(figures: Framework) -> str:
    """The council's Figure 8 timescales in a letter's words ("low 2-4 weeks, medium 1-2 weeks, high
    24-48 hours, significant immediately"): a letter quotes the framework in force, not Medway's."""
    return ", ".join(f"{level.label.lower()} {figures.timescale(level).wording}" for level in ConcernLevel)


def _base_fields(store: Store, provider: Provider) -> dict[str, str]:
    brand = branding(store)
    with store.read() as session:
        figures = framework(session)
    return {"provider": provider.name, "council": brand.council_name, "service": brand.service_name,
            "sender": store.user.name, "figure_8": figure_8_words(figures)}


def _letter(store: Store, kind: DocumentKind, subject_id: str, date_text: str, words: dict[str, Any],
            to: tuple[str, ...], about: str, parts: tuple[LetterPart, ...], urn: str | None) -> Letter:
    from qa_desktop.reports.letters import Letter

    brand = branding(store)
    return Letter(brand.council_name, brand.service_name, kind.label,
                  f"{_PREFIX[kind]}-{date_text}-{subject_id[:8].upper()}", 1, str(words.get("title") or kind.label),
                  to, about, parts, store.user.name, urn or "", address_block=brand.address_block, logo=brand.logo)


def plan_source(store: Store, plan_id: str, kind: DocumentKind = DocumentKind.ACTION_PLAN) -> Source:
    """The QA improvement plan of an action plan (its actions, concern levels and Figure 8 dates), or
    the letter removing it."""
    from qa_desktop.reports.letters import LetterPart, LetterTable

    require_officer(store.user, "or make letters")
    with store.read() as session:
        plan = session.get(ActionPlan, plan_id)
        if plan is None or plan.deleted:
            raise DocumentRuleError("That action plan does not exist (it may have been deleted).")
        provider = session.get(Provider, plan.provider_id)
        assert provider is not None
        setting = session.scalars(select(Setting).where(Setting.provider_id == provider.id,
                                                        Setting.deleted.is_(False)).order_by(Setting.name)).first()
        actions = session.scalars(select(PlanAction).where(PlanAction.plan_id == plan_id,
                                                           PlanAction.deleted.is_(False))
                                  .order_by(PlanAction.due_at)).all()
        words = template(store.data_dir, kind)
        fields = _base_fields(store, provider) | {
            "setting": setting.name if setting else provider.name, "issued_on": _day(plan.issued_on),
            "reason": plan.reason, "removed_on": _day(plan.removed_on) if plan.removed_on else "not yet",
            "removal_reason": plan.removal_reason.label if plan.removal_reason else "not recorded"}
        if kind is DocumentKind.PLAN_REMOVAL:
            if plan.removed_on is None:
                raise DocumentRuleError("This plan has not been removed: record its removal first.")
            parts: tuple[LetterPart, ...] = (LetterPart(None, _fill(words.get("opening"), fields)),
                                             LetterPart(None, _fill(words.get("closing"), fields)))
        else:
            rows = tuple((a.text, a.level.label, f"{(a.extended_to or a.due_at):%d/%m/%Y %H:%M}",
                          "Completed " + f"{a.completed_at:%d/%m/%Y}" if a.completed_at else "Open")
                         for a in actions)
            flagged = tuple(n for n, a in enumerate(actions) if a.level.value in ("high", "significant"))
            parts = (LetterPart(None, _fill(words.get("opening"), fields)),
                     LetterPart("Actions", (), LetterTable(("Action", "Concern level", "Complete by (Figure 8)",
                                                            "Status"), rows, (88, 24, 36, 26), flagged)
                                if rows else None),
                     LetterPart("How to evidence completion", _fill(words.get("evidence"), fields)),
                     LetterPart(None, _fill(words.get("closing"), fields)))
        letter = _letter(store, kind, plan_id, f"{plan.issued_on:%Y%m%d}", words, _address(provider, setting),
                         provider.name, parts, provider.urn)
        return _source(store, kind, plan_id, provider, letter)


def _scope_words(embargo: Embargo, setting: Setting | None) -> str:
    if embargo.scope is EmbargoScope.PROPERTY and setting is not None:
        return f"the property {setting.name}"
    if embargo.scope is EmbargoScope.FOSTER_CARER and embargo.foster_carer:
        return f"the foster carer(s) {embargo.foster_carer}"
    return "the provider, at every one of its settings"


def embargo_source(store: Store, embargo_id: str, kind: DocumentKind = DocumentKind.EMBARGO_NOTICE) -> Source:
    """The formal notification of an embargo (reasons, scope, next steps, review date), or the letter
    removing it."""
    from qa_desktop.reports.letters import LetterPart

    require_officer(store.user, "or make letters")
    with store.read() as session:
        embargo = session.get(Embargo, embargo_id)
        if embargo is None or embargo.deleted:
            raise DocumentRuleError("That embargo does not exist (it may have been deleted).")
        provider = session.get(Provider, embargo.provider_id)
        assert provider is not None
        setting = session.get(Setting, embargo.setting_id) if embargo.setting_id else session.scalars(
            select(Setting).where(Setting.provider_id == provider.id, Setting.deleted.is_(False))
            .order_by(Setting.name)).first()
        words = template(store.data_dir, kind)
        scope = _scope_words(embargo, setting)
        fields = _base_fields(store, provider) | {
            "scope": scope, "start_on": _day(embargo.start_on),
            "review_on": _day(embargo.review_on) if embargo.review_on else "a date we will agree with you",
            "end_on": _day(embargo.end_on) if embargo.end_on else "not yet",
            "reason": embargo.reason, "approved_by": embargo.approved_by or "senior management"}
        if kind is DocumentKind.EMBARGO_REMOVAL:
            if embargo.end_on is None:
                raise DocumentRuleError("This embargo is still in force: record its end first.")
            parts: tuple[LetterPart, ...] = (LetterPart(None, _fill(words.get("opening"), fields)),
                                             LetterPart(None, _fill(words.get("closing"), fields)))
        else:
            parts = (LetterPart(None, _fill(words.get("opening"), fields)),
                     LetterPart(str(words.get("reasons_heading") or "Reasons"), (embargo.reason,)),
                     LetterPart(str(words.get("scope_heading") or "Scope"),
                                (f"{embargo.scope.label}: no new placements with {scope}.",)),
                     LetterPart(str(words.get("next_steps_heading") or "Next steps"),
                                _fill(words.get("next_steps"), fields)),
                     LetterPart(None, _fill(words.get("closing"), fields)))
        letter = _letter(store, kind, embargo_id, f"{embargo.start_on:%Y%m%d}", words, _address(provider, setting),
                         setting.name if embargo.scope is EmbargoScope.PROPERTY and setting else provider.name,
                         parts, provider.urn)
        return _source(store, kind, embargo_id, provider, letter)


#: Said when a team's own copy of the feedback template predates the ``withdrawn`` paragraph.
_NOT_TAKEN_PART = ("A Young Inspector was due to take part in this visit but did not take part, so there is no "
                   "Young Inspector feedback for this visit.")


def young_inspector_feedback_source(store: Store, visit_id: str) -> Source:
    """Young Inspector feedback to the provider: their answers in their own words (never a child's
    name: their form has none), from their accepted form; when their form was withdrawn, that a
    Young Inspector was due but did not take part (issue 16)."""
    from qa_desktop.reports.letters import LetterPart

    require_officer(store.user, "or make letters")
    kind = DocumentKind.YOUNG_INSPECTOR_FEEDBACK
    facts = visit_facts(store, visit_id)
    form = next((c for c in open_visit(store, visit_id).checklists.values()
                 if c.template.audience is Audience.YOUNG_INSPECTOR), None)
    with store.read() as session:
        visit = session.get(Visit, visit_id)
        assert visit is not None
        setting = session.get(Setting, visit.setting_id)
        assert setting is not None
        provider = session.get(Provider, setting.provider_id)
        assert provider is not None
        words = template(store.data_dir, kind)
        fields = _base_fields(store, provider) | {"setting": setting.name, "visit_date": _day(visit.visit_date)}
        opening = LetterPart(None, _fill(words.get("opening"), fields))
        closing = LetterPart(None, _fill(words.get("closing"), fields))
        if form is None or facts.young_inspector:
            # No Young Inspector took part (their form withdrawn, yi's ``withdraw_young_inspector_form``,
            # or none was added): the letter says one was due but did not take part, and neither opens
            # with "one of our Young Inspectors visited" nor thanks the provider for welcoming them.
            # Answers given before a withdrawal are kept on the visit but are not the provider's to read.
            opening = LetterPart(None, _fill(words.get("withdrawn_opening", "Dear $provider,"), fields))
            closing = LetterPart(None, _fill(words.get("withdrawn_closing", "Yours sincerely,"), fields))
            body: tuple[LetterPart, ...] = (LetterPart(None, _fill(words.get("withdrawn") or _NOT_TAKEN_PART,
                                                                  fields)),)
            words = {**words, "title": words.get("withdrawn_title") or "Young Inspector feedback"}
        else:
            body = tuple(
                LetterPart(section.title, tuple(f"{item.label} {answer_text(item, form.records[item.key].answer)[0]}"
                                                for item in form.visible_items(section)
                                                if item.key in form.records
                                                and form.records[item.key].answer not in (None, "", [])))
                for section in form.sections())
            body = tuple(part for part in body if part.paragraphs)
        parts = (opening, *body, closing)
        letter = _letter(store, kind, visit_id, f"{visit.visit_date:%Y%m%d}", words, _address(provider, setting),
                         f"{setting.name} ({provider.name}), visited {visit.visit_date:%d %B %Y}", parts, provider.urn)
        letter = replace(letter, reference=f"YIF-{facts.reference.removeprefix('QA-')}")
        return _source(store, kind, visit_id, provider, letter, visit_id=visit_id, setting_name=setting.name)


SOURCES: dict[DocumentKind, Callable[[Store, str], Source]] = {
    DocumentKind.ACTION_PLAN: lambda store, subject: plan_source(store, subject, DocumentKind.ACTION_PLAN),
    DocumentKind.PLAN_REMOVAL: lambda store, subject: plan_source(store, subject, DocumentKind.PLAN_REMOVAL),
    DocumentKind.EMBARGO_NOTICE: lambda store, subject: embargo_source(store, subject, DocumentKind.EMBARGO_NOTICE),
    DocumentKind.EMBARGO_REMOVAL: lambda store, subject: embargo_source(store, subject,
                                                                       DocumentKind.EMBARGO_REMOVAL),
    DocumentKind.YOUNG_INSPECTOR_FEEDBACK: young_inspector_feedback_source,
}


def letter_source(store: Store, kind: DocumentKind, subject_id: str) -> Source:
    """What a letter of this kind about this plan, embargo or visit is made from, as the records are now."""
    if kind not in SOURCES:
        raise DocumentRuleError(f"A {kind.label.lower()} is not a letter.")
    return SOURCES[kind](store, subject_id)
