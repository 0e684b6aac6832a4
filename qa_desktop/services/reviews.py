"""Compliance reviews (Figure 1 and Section 11), filled in document by document.

A review starts from the Figure 1 template of the provider's service type (for an element of a
bespoke package, the element's): the full review of the essential documents, or the minimum urgent
review (health and safety documents, staff training, insurance, and notes of the urgent meeting)
when a placement cannot wait. The review keeps a snapshot of the template version it started with
(as a visit does), so a later template cannot change it.

Each document is recorded as seen (with its date and, if it runs out, its expiry), not seen, or not
applicable, each in its own unit of work (an officer's entry is on disk as soon as it is made), with
a note; actions are raised with Figure 8 due dates. A review is completed only when every document
is marked and the required written items are written; completed, it is kept as it was (read only).
A minimum review leaves the full one due within 48 hours of the placement starting, and the expiry
dates recorded make the documents due for renewal before they run out (``services.due``).

Rows are identified by (review, item) (``derived_id``), so two officers filling one review on two
laptops write to the same rows, field by field; an edit is written over what the screen showed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from qa_desktop.domain.compliance import (
    ComplianceError,
    DocumentCheck,
    DocumentStatus,
    ReviewScope,
    ReviewStatus,
    check_document,
    completion_problem,
    compliance_requirement,
)
from qa_desktop.domain.roles import require_officer
from qa_desktop.domain.schedule import scheduled_as
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.timescales import ConcernLevel, action_due
from qa_desktop.forms.checklist import Checklist
from qa_desktop.forms.library import TemplateLibrary
from qa_desktop.forms.template import Item, ResponseType, Template, TemplateKind, parse_template
from qa_desktop.services.council import framework
from qa_desktop.services.providers import Seen, shown_heads
from qa_desktop.services.visits import _snapshot
from qa_desktop.store.access import officer
from qa_desktop.store.changes import Changes, derived_id
from qa_desktop.store.database import Store
from qa_desktop.store.models import (
    ComplianceReview,
    PackageElement,
    Placement,
    Provider,
    ReviewAction,
    ReviewItem,
    Setting,
    TemplateSnapshot,
)


def review_reference(review_id: str, review_date: dt.date) -> str:
    """The short reference lists and commands use: CR-20261122-1A2B3C4D."""
    return f"CR-{review_date:%Y%m%d}-{review_id[:8].upper()}"


def review_template(library: TemplateLibrary, service_type: ServiceType, scope: ReviewScope) -> Template:
    """The Figure 1 template a service type is reviewed with (the row's own, for a type without one)."""
    requirement = compliance_requirement(service_type)
    if requirement is None:
        raise ComplianceError(f"Service type: {service_type.label} has no Figure 1 documents of its own; review each "
                              "element of the package (Section 9).")
    for wanted in (service_type, requirement.row_type):
        found = [t for t in library.latest() if t.kind is TemplateKind.COMPLIANCE_REVIEW
                 and scope.value in t.scopes and wanted in t.service_types]
        if found:
            return found[0]
    raise ComplianceError(f"No compliance review template covers a {scope.label.lower()} of {service_type.label} "
                          f"(Figure 1 row '{requirement.figure_row}').")


def start_review(store: Store, library: TemplateLibrary, *, provider_id: str, scope: ReviewScope,
                 review_date: dt.date, reviewed_by: str, element_id: str | None = None,
                 placement_id: str | None = None) -> str:
    """Start a review of a provider (or of one element of its bespoke package); its id."""
    require_officer(store.user, "or start compliance reviews")
    by = " ".join((reviewed_by or "").split())
    if not by:
        raise ComplianceError("Reviewed by: name the officer carrying out the review.")
    with store.write() as changes:
        session = changes.session
        provider = session.get(Provider, provider_id)
        if provider is None or provider.deleted:
            raise ComplianceError("Provider: that provider is not in the register (it may have been deleted).")
        service_type = scheduled_as(provider.service_type, provider.monitored)  # a monitored boarding school
        if element_id:
            element = session.get(PackageElement, element_id)
            if element is None or element.deleted or element.provider_id != provider.id:
                raise ComplianceError("Element: that element is not part of this provider's package.")
            service_type = element.service_type
        elif provider.service_type is ServiceType.BESPOKE:
            raise ComplianceError("Element: a bespoke package is reviewed element by element (Section 9); choose the "
                                  "element.")
        if placement_id:
            placement = session.get(Placement, placement_id)
            setting = session.get(Setting, placement.setting_id) if placement is not None else None
            if placement is None or placement.deleted or setting is None or setting.provider_id != provider.id:
                raise ComplianceError("Placement: that placement is not at this provider.")
        template = review_template(library, service_type, scope)
        snapshot = _snapshot(changes, template)
        session.flush()  # the snapshot's row first: the review refers to it (no relationship orders them)
        review = changes.create(ComplianceReview, provider_id=provider.id, review_date=review_date,
                                minimum_only=scope is ReviewScope.MINIMUM, reviewed_by=by,
                                status=ReviewStatus.IN_PROGRESS, template_key=template.key,
                                snapshot_id=snapshot.id, element_id=element_id or None,
                                placement_id=placement_id or None)
        return review.id


# -- reading -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReviewItemLine:
    """One item of a review as its screen shows it: a document or a written answer."""

    key: str
    label: str
    section: str
    is_document: bool
    required: bool
    status: DocumentStatus | None = None
    dated: dt.date | None = None
    expires: dt.date | None = None
    text: str | None = None
    note: str | None = None
    seen: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def expired_on(self, day: dt.date) -> bool:
        return self.status is DocumentStatus.SEEN and self.expires is not None and self.expires < day


@dataclass(frozen=True)
class ReviewActionLine:
    id: str
    item_key: str | None
    text: str
    level: ConcernLevel
    raised_at: dt.datetime
    due_at: dt.datetime
    completed_at: dt.datetime | None


@dataclass(frozen=True)
class ReviewSheet:
    """A review with everything its screen and ``qa-desktop review`` show."""

    id: str
    reference: str
    provider_id: str
    provider: str
    element_id: str | None
    element: str | None
    service_type: ServiceType
    figure_row: str
    scope: ReviewScope
    status: ReviewStatus
    review_date: dt.date
    reviewed_by: str
    outcome: str | None
    title: str
    items: tuple[ReviewItemLine, ...]
    actions: tuple[ReviewActionLine, ...]
    completed_at: dt.datetime | None
    seen: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return self.status is ReviewStatus.COMPLETED

    def problem_before_completion(self) -> str | None:
        return completion_problem([DocumentCheck(i.label, i.status) for i in self.items if i.is_document],
                                  [i.label for i in self.items if not i.is_document and i.required
                                   and not (i.text or "").strip()])


def _review(session: Session, review_id: str) -> ComplianceReview:
    review = session.get(ComplianceReview, review_id)
    if review is None or review.deleted:
        raise ComplianceError("That review is not recorded (it may have been deleted).")
    return review


@lru_cache(maxsize=32)
def _parsed(snapshot_id: str, text: str, source: str) -> Template:
    """A snapshot's template, parsed once: a snapshot's id is derived from its text, which never
    changes, and parsing (about 0.1 s) would otherwise come with every document recorded."""
    return parse_template(text, source)


def _template_of(session: Session, review: ComplianceReview) -> Template | None:
    snapshot = session.get(TemplateSnapshot, review.snapshot_id) if review.snapshot_id else None
    return _parsed(snapshot.id, snapshot.text, f"{snapshot.key} v{snapshot.version} (as started)") if snapshot else None


def review_sheet(session: Session, review_id: str, device_id: str | None = None) -> ReviewSheet:
    officer(session, "compliance reviews")
    review = _review(session, review_id)
    provider = session.get(Provider, review.provider_id)
    element = session.get(PackageElement, review.element_id) if review.element_id else None
    service_type = element.service_type if element is not None else (
        scheduled_as(provider.service_type, provider.monitored) if provider is not None else ServiceType.RESIDENTIAL)
    requirement = compliance_requirement(service_type)
    scope = ReviewScope.MINIMUM if review.minimum_only else ReviewScope.FULL
    template = _template_of(session, review)
    rows = {r.item_key: r for r in session.scalars(select(ReviewItem).where(ReviewItem.review_id == review.id,
                                                                            ReviewItem.deleted.is_(False)))}
    heads = {key: shown_heads(session, "review_items", row.id, device_id) for key, row in rows.items()} \
        if device_id else {}
    items: list[ReviewItemLine] = []
    if template is not None:
        checklist = Checklist(template, scope.value, review.review_date)
        for section in checklist.sections():
            for item in checklist.visible_items(section):
                if item.response not in (ResponseType.DOCUMENT, ResponseType.TEXT):
                    continue
                row = rows.get(item.key)
                items.append(ReviewItemLine(
                    item.key, item.label, section.title, item.response is ResponseType.DOCUMENT, item.required,
                    row.status if row else None, row.dated if row else None, row.expires if row else None,
                    row.text if row else None, row.note if row else None, heads.get(item.key, {})))
    actions = tuple(ReviewActionLine(a.id, a.item_key, a.text, a.level, a.raised_at, a.extended_to or a.due_at,
                                     a.completed_at)
                    for a in session.scalars(select(ReviewAction).where(ReviewAction.review_id == review.id,
                                                                        ReviewAction.deleted.is_(False))
                                             .order_by(ReviewAction.raised_at)))
    return ReviewSheet(
        review.id, review_reference(review.id, review.review_date), review.provider_id,
        provider.name if provider else "", review.element_id, element.name if element else None, service_type,
        requirement.figure_row if requirement else "", scope, review.status or ReviewStatus.COMPLETED,
        review.review_date, review.reviewed_by, review.outcome, template.title if template else "Compliance review",
        tuple(items), actions, review.completed_at,
        shown_heads(session, "compliance_reviews", review.id, device_id) if device_id else {})


# -- filling it in -------------------------------------------------------------------------------------------

def _open_review(changes: Changes, review_id: str) -> tuple[ComplianceReview, Template]:
    officer(changes.session, "or fill in compliance reviews")
    review = _review(changes.session, review_id)
    if review.status is not ReviewStatus.IN_PROGRESS:
        raise ComplianceError("This review is complete and kept as it was; start a new review to record changes.")
    template = _template_of(changes.session, review)
    if template is None:
        raise ComplianceError("This review was recorded without a template; it cannot be filled in here.")
    return review, template


def _visible(review: ComplianceReview, template: Template) -> dict[str, Item]:
    """The items of the review's template at its scope (full, or the minimum urgent set)."""
    scope = ReviewScope.MINIMUM if review.minimum_only else ReviewScope.FULL
    return {item.key: item for item in Checklist(template, scope.value, review.review_date).visible_items()}


def _item_row(changes: Changes, review: ComplianceReview, template: Template, item_key: str) -> ReviewItem:
    item = _visible(review, template).get(item_key)
    if item is None:
        raise ComplianceError(f"{item_key!r} is not an item of this {template.title}.")
    row_id = derived_id("review_item", review.id, item_key)
    row = changes.session.get(ReviewItem, row_id)
    if row is None:
        row = changes.create(ReviewItem, id=row_id, review_id=review.id, item_key=item_key, label=item.label)
    return row


def _seen_for(seen: Seen | None, names: list[str]) -> dict[str, list[str]] | None:
    shown = {name: list(seen[name]) for name in names if seen and name in seen}
    return shown or None


def record_document(store: Store, review_id: str, item_key: str, status: DocumentStatus | None,
                    dated: dt.date | None = None, expires: dt.date | None = None, *, seen: Seen | None = None,
                    busy_ms: int | None = None) -> DocumentCheck:
    """Record one document: seen (with its date and expiry), not seen, not applicable, or unmarked."""
    with store.write(busy_ms=busy_ms) as changes:
        review, template = _open_review(changes, review_id)
        item = _visible(review, template).get(item_key)
        if item is None or item.response is not ResponseType.DOCUMENT:
            raise ComplianceError(f"{item_key!r} is not a document of {template.title}.")
        check = check_document(item.label, status, dated, expires)
        row = _item_row(changes, review, template, item_key)
        fields = {"status": check.status, "dated": check.dated, "expires": check.expires}
        changes.update(row, seen=_seen_for(seen, list(fields)), **fields)
        return check


def record_text(store: Store, review_id: str, item_key: str, text: str, *, seen: Seen | None = None,
                busy_ms: int | None = None) -> None:
    """A written item of the review (the findings, the urgent meeting's notes)."""
    with store.write(busy_ms=busy_ms) as changes:
        review, template = _open_review(changes, review_id)
        row = _item_row(changes, review, template, item_key)
        changes.update(row, seen=_seen_for(seen, ["text"]), text=text.strip() or None)


def set_item_note(store: Store, review_id: str, item_key: str, note: str, *, seen: Seen | None = None,
                  busy_ms: int | None = None) -> None:
    with store.write(busy_ms=busy_ms) as changes:
        review, template = _open_review(changes, review_id)
        row = _item_row(changes, review, template, item_key)
        changes.update(row, seen=_seen_for(seen, ["note"]), note=note.strip() or None)


def set_outcome(store: Store, review_id: str, text: str, *, seen: Seen | None = None,
                busy_ms: int | None = None) -> None:
    """The review's notes: what was found overall and the feedback given."""
    with store.write(busy_ms=busy_ms) as changes:
        review, _ = _open_review(changes, review_id)
        changes.update(review, seen=_seen_for(seen, ["outcome"]), outcome=text.strip() or None)


def raise_review_action(store: Store, review_id: str, text: str, level: ConcernLevel, raised_at: dt.datetime,
                        item_key: str | None = None) -> str:
    """An action for the provider, due by Figure 8 for its concern level."""
    words = (text or "").strip()
    if not words:
        raise ComplianceError("Action: say what the provider must do.")
    if not isinstance(level, ConcernLevel):
        raise ComplianceError("Concern level: choose low, medium, high or significant (Figure 8).")
    with store.write() as changes:
        review, template = _open_review(changes, review_id)
        if item_key is not None and item_key not in _visible(review, template):
            raise ComplianceError(f"{item_key!r} is not an item of {template.title}.")
        return changes.create(ReviewAction, review_id=review.id, item_key=item_key, text=words, level=level,
                              raised_at=raised_at,
                              due_at=action_due(level, raised_at, framework(changes.session))).id


def complete_review(store: Store, review_id: str, completed_at: dt.datetime) -> None:
    """Complete the review: refused, in one sentence naming the documents, while any is unmarked."""
    with store.read() as session:
        sheet = review_sheet(session, review_id)
    if sheet.complete:
        raise ComplianceError("This review is already complete.")
    problem = sheet.problem_before_completion()
    if problem:
        raise ComplianceError(problem)
    with store.write() as changes:
        review, _ = _open_review(changes, review_id)
        changes.update(review, status=ReviewStatus.COMPLETED, completed_at=completed_at)


def delete_review(store: Store, review_id: str) -> None:
    """A review started by mistake (not yet complete) is removed."""
    with store.write() as changes:
        review, _ = _open_review(changes, review_id)
        changes.delete(review)


# -- lists -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReviewLine:
    id: str
    reference: str
    provider_id: str
    provider: str
    element: str | None
    scope: ReviewScope
    status: ReviewStatus
    review_date: dt.date
    reviewed_by: str
    outcome: str | None


def reviews(session: Session, *, provider_id: str | None = None, status: ReviewStatus | None = None,
            officer_name: str | None = None, since: dt.date | None = None,
            until: dt.date | None = None) -> list[ReviewLine]:
    """Reviews, newest first, filtered by provider, status, the officer and dates."""
    officer(session, "compliance reviews")
    query = (select(ComplianceReview, Provider.name, PackageElement.name)
             .join(Provider, ComplianceReview.provider_id == Provider.id)
             .outerjoin(PackageElement, ComplianceReview.element_id == PackageElement.id)
             .where(ComplianceReview.deleted.is_(False)))
    if provider_id is not None:
        query = query.where(ComplianceReview.provider_id == provider_id)
    if since is not None:
        query = query.where(ComplianceReview.review_date >= since)
    if until is not None:
        query = query.where(ComplianceReview.review_date <= until)
    found = []
    for review, provider, element in session.execute(query.order_by(ComplianceReview.review_date.desc())):
        state = review.status or ReviewStatus.COMPLETED
        if status is not None and state is not status:
            continue
        if officer_name and officer_name.casefold() not in review.reviewed_by.casefold():
            continue
        found.append(ReviewLine(review.id, review_reference(review.id, review.review_date), review.provider_id,
                                provider, element, ReviewScope.MINIMUM if review.minimum_only else ReviewScope.FULL,
                                state, review.review_date, review.reviewed_by, review.outcome))
    return found


def find_review_id(session: Session, text: str) -> str:
    """A review's id from its reference (CR-YYYYMMDD-XXXXXXXX), its id or the start of it."""
    parts = text.strip().lower().split("-")
    prefix = parts[2] if len(parts) >= 3 and parts[0] == "cr" else text.strip().lower()
    if not prefix:
        raise ComplianceError("Review: give its reference (CR-YYYYMMDD-XXXXXXXX).")
    ids = session.scalars(select(ComplianceReview.id).where(ComplianceReview.deleted.is_(False),
                                                            ComplianceReview.id.like(f"{prefix}%"))).all()
    if len(ids) != 1:
        raise ComplianceError(f"No single review matches {text!r}: give its reference (CR-YYYYMMDD-XXXXXXXX).")
    return ids[0]


def record_past_review(store: Store, *, provider_id: str, review_date: dt.date, scope: ReviewScope,
                       reviewed_by: str, outcome: str, today: dt.date, element_id: str | None = None) -> str:
    """A review done before QA Desktop was used (from the team's tracker), recorded as complete so
    the Figure 1 cycle runs from it; its documents were not recorded here, and it says so. Its id."""
    by = " ".join((reviewed_by or "").split())
    if not by:
        raise ComplianceError("Reviewed by: name the officer who carried out the review.")
    if review_date > today:
        raise ComplianceError(f"Date: a review already done is dated today or earlier, not {review_date:%d/%m/%Y}.")
    if not (outcome or "").strip():
        raise ComplianceError("Outcome: say what the review found (from the tracker).")
    with store.write() as changes:
        officer(changes.session, "or record compliance reviews")
        provider = changes.session.get(Provider, provider_id)
        if provider is None or provider.deleted:
            raise ComplianceError("Provider: that provider is not in the register (it may have been deleted).")
        if element_id:
            element = changes.session.get(PackageElement, element_id)
            if element is None or element.deleted or element.provider_id != provider.id:
                raise ComplianceError("Element: that element is not part of this provider's package.")
        return changes.create(ComplianceReview, provider_id=provider.id, review_date=review_date,
                              minimum_only=scope is ReviewScope.MINIMUM, reviewed_by=by, outcome=outcome.strip(),
                              status=ReviewStatus.COMPLETED, element_id=element_id or None,
                              completed_at=changes.now()).id
