"""The local database, as typed SQLAlchemy 2.0 models.

Every synced table carries ``SyncedColumns``: an id made on the device (UUID text, so two laptops
never collide), when and by whom and on which device it was created and last changed, and a
tombstone flag (a deleted row stays, marked, so the deletion can sync and never "comes back").
Those columns are written by ``store.changes.Changes`` only: callers never set them.

``Op`` is the change log (DESIGN.md, Sync) and ``LocalState`` holds what belongs to this laptop
alone (its device id); neither is synced as rows.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import JSON, BigInteger, Boolean, Date, ForeignKey, Index, Integer, LargeBinary, String, Table, Text
from sqlalchemy import text as sql_text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from qa_desktop.domain.compliance import DocumentStatus, ReviewStatus
from qa_desktop.domain.contacts import ContactRole
from qa_desktop.domain.documents import DocumentStatus as LifecycleStatus
from qa_desktop.domain.monitoring import MonitoredBy
from qa_desktop.domain.oversight import (
    AlertKind,
    CaseSource,
    CaseStatus,
    EmbargoKind,
    EmbargoScope,
    InformalReason,
    PlanKind,
    RemovalReason,
)
from qa_desktop.domain.partnership import FundingRecommendation, MeetingKind
from qa_desktop.domain.placements import PlacementKind
from qa_desktop.domain.regulation import ContractRoute, Judgement, Regulator
from qa_desktop.domain.risk import IfaConcern
from qa_desktop.domain.roles import Role
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.tiers import Tier, provider_tier, shown_tier
from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.domain.unregistered import ApplicationStage, IntelligenceSource, PlanningDecision
from qa_desktop.domain.visits import VisitLevel, VisitReason, VisitStatus
from qa_desktop.domain.young_inspector_programme import DebriefBy
from qa_desktop.domain.young_inspectors import Tint, Typeface, WithdrawalReason
from qa_desktop.store.types import EnumText, UtcDateTime


class Base(DeclarativeBase):
    __table__: ClassVar[Table]  # every model here is mapped to a Table (SQLAlchemy's type says any FromClause)


class SyncedColumns:
    """Columns every synced row has. Maintained by the write path, never by hand."""

    # Said for code that holds a type[SyncedColumns]: each synced model is also a Base, which has
    # these (``table_of`` gives the table, which mypy can't be told here without a clash with Base).
    __tablename__: str
    if TYPE_CHECKING:
        def __init__(self, **fields: Any) -> None: ...

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    changed_by: Mapped[str] = mapped_column(String(120))
    device_id: Mapped[str] = mapped_column(String(36))
    #: Not indexed: false on nearly every row, so an index on it selects nothing (migration 0013).
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)

    #: Fields the write path manages; an op is never recorded for them.
    BOOKKEEPING = frozenset({"id", "created_at", "updated_at", "changed_by", "device_id"})


class Commissioner(SyncedColumns, Base):
    """A lead commissioner (Figure 4): people are data, so a change of staff is an edit, not a release."""

    __tablename__ = "commissioners"

    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    organisation: Mapped[str | None] = mapped_column(String(200))
    responsibility: Mapped[str | None] = mapped_column(String(300))
    # Figure 4, as data: the service types (values) and contract routes it leads on (no route: any)
    service_types: Mapped[list[str] | None] = mapped_column(JSON)
    contract_routes: Mapped[list[str] | None] = mapped_column(JSON)


class Provider(SyncedColumns, Base):
    """A commissioned service as the regulator registers it (one URN), with the council's view of it."""

    __tablename__ = "providers"

    name: Mapped[str] = mapped_column(String(300), index=True)
    organisation: Mapped[str | None] = mapped_column(String(300))
    service_type: Mapped[ServiceType] = mapped_column(EnumText(ServiceType), index=True)
    provision_type: Mapped[str | None] = mapped_column(String(200))
    contract_route: Mapped[ContractRoute | None] = mapped_column(EnumText(ContractRoute))
    framework_name: Mapped[str | None] = mapped_column(String(200))
    regulator: Mapped[Regulator | None] = mapped_column(EnumText(Regulator))
    urn: Mapped[str | None] = mapped_column(String(20), index=True)
    registration_status: Mapped[str | None] = mapped_column(String(60))
    sector: Mapped[str | None] = mapped_column(String(60))
    local_authority: Mapped[str | None] = mapped_column(String(120))
    judgement: Mapped[Judgement | None] = mapped_column(EnumText(Judgement))
    judgement_date: Mapped[dt.date | None] = mapped_column(Date)
    #: Ofsted's sub-judgement "How well children and young people are helped and protected", from
    #: the same inspection: the safeguarding finding an officer checks before a placement.
    judgement_helped_protected: Mapped[Judgement | None] = mapped_column(EnumText(Judgement))
    lead_commissioner_id: Mapped[str | None] = mapped_column(ForeignKey("commissioners.id"))
    capacity: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    # Figure 7 (IFA framework providers): what is known in each of the three flagged areas
    ifa_performance: Mapped[IfaConcern | None] = mapped_column(EnumText(IfaConcern))
    ifa_safeguarding: Mapped[IfaConcern | None] = mapped_column(EnumText(IfaConcern))
    ifa_contract: Mapped[IfaConcern | None] = mapped_column(EnumText(IfaConcern))
    ceased_operating_on: Mapped[dt.date | None] = mapped_column(Date)
    # "monitored by us" (``domain.monitoring``): nullable like every column added to a synced table
    # later, so a row made by a laptop not yet updated still syncs (None reads as not monitored)
    monitored: Mapped[bool | None] = mapped_column(Boolean, index=True)
    monitored_by: Mapped[MonitoredBy | None] = mapped_column(EnumText(MonitoredBy))
    monitored_reason: Mapped[str | None] = mapped_column(Text)
    monitored_on: Mapped[dt.date | None] = mapped_column(Date)
    tier_override: Mapped[Tier | None] = mapped_column(EnumText(Tier))
    tier_override_reason: Mapped[str | None] = mapped_column(Text)
    #: A duplicate merged into another provider: the one it was merged into (it is also deleted).
    merged_into: Mapped[str | None] = mapped_column(String(36))

    lead_commissioner: Mapped[Commissioner | None] = relationship()
    settings: Mapped[list[Setting]] = relationship(back_populates="provider", order_by="Setting.name")
    contacts: Mapped[list[Contact]] = relationship(back_populates="provider", order_by="Contact.name")

    @property
    def tier(self) -> Tier | None:
        """Section 3's tier, derived on read so it can never disagree with the judgement."""
        return provider_tier(self.service_type, self.contract_route is ContractRoute.FRAMEWORK,
                             self.regulator, self.judgement)

    @property
    def tier_shown(self) -> Tier | None:
        """The tier as the register shows it: an officer's override, else Section 3's."""
        return shown_tier(self.tier, self.tier_override)

    #: Providers that ceased operating alone (the sanctions list names them; few of a register).
    __table_args__ = (Index("ix_providers_ceased", "ceased_operating_on",
                            sqlite_where=sql_text("ceased_operating_on IS NOT NULL")),)


class Setting(SyncedColumns, Base):
    """A property or address where a provider cares for children: what an officer visits."""

    __tablename__ = "settings"

    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    address_line1: Mapped[str | None] = mapped_column(String(300))
    address_line2: Mapped[str | None] = mapped_column(String(300))
    town: Mapped[str | None] = mapped_column(String(120), index=True)
    county: Mapped[str | None] = mapped_column(String(120))
    postcode: Mapped[str | None] = mapped_column(String(12), index=True)
    capacity: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)

    provider: Mapped[Provider] = relationship(back_populates="settings")

    @property
    def address(self) -> str:
        parts = (self.address_line1, self.address_line2, self.town, self.county, self.postcode)
        return ", ".join(p for p in parts if p)


class Contact(SyncedColumns, Base):
    """Someone to contact about a provider: ``kind`` is the part they play (``domain.contacts``,
    what reports are distributed by), ``role`` their own job title."""

    __tablename__ = "contacts"

    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(60))
    email: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[ContactRole | None] = mapped_column(EnumText(ContactRole))
    setting_id: Mapped[str | None] = mapped_column(ForeignKey("settings.id"))
    organisation: Mapped[str | None] = mapped_column(String(200))

    provider: Mapped[Provider] = relationship(back_populates="contacts")


class Visit(SyncedColumns, Base):
    """A QA visit to a setting (Section 11). Answers and templates arrive with the forms issue."""

    __tablename__ = "visits"

    setting_id: Mapped[str] = mapped_column(ForeignKey("settings.id"), index=True)
    visit_date: Mapped[dt.date] = mapped_column(Date, index=True)
    level: Mapped[VisitLevel] = mapped_column(EnumText(VisitLevel))
    announced: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[VisitReason] = mapped_column(EnumText(VisitReason))
    status: Mapped[VisitStatus] = mapped_column(EnumText(VisitStatus))
    officers: Mapped[list[str]] = mapped_column(JSON)
    #: A planned visit's start (for the calendar invitation) and how long it is expected to take.
    planned_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    #: Why a completed visit was opened again (issue 21): each reopening is an op, so the audit
    #: trail keeps every reason, and the next report revision says what it corrects.
    reopen_reason: Mapped[str | None] = mapped_column(Text)

    setting: Mapped[Setting] = relationship()


class PackageElement(SyncedColumns, Base):
    """One element of a bespoke package (Section 9), monitored by its own service type, where it
    is delivered (a setting of the package's provider, if it has one)."""

    __tablename__ = "package_elements"

    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    service_type: Mapped[ServiceType] = mapped_column(EnumText(ServiceType))
    setting_id: Mapped[str | None] = mapped_column(ForeignKey("settings.id"))
    delivered_by: Mapped[str | None] = mapped_column(String(300))
    notes: Mapped[str | None] = mapped_column(Text)


class ComplianceReview(SyncedColumns, Base):
    """A review of a provider's essential documents (Figure 1), full or the minimum urgent set."""

    __tablename__ = "compliance_reviews"

    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"), index=True)
    review_date: Mapped[dt.date] = mapped_column(Date, index=True)
    minimum_only: Mapped[bool] = mapped_column(Boolean, default=False)
    reviewed_by: Mapped[str] = mapped_column(String(200))
    outcome: Mapped[str | None] = mapped_column(Text)
    #: None: recorded before reviews were filled in here, complete when recorded.
    status: Mapped[ReviewStatus | None] = mapped_column(EnumText(ReviewStatus))
    template_key: Mapped[str | None] = mapped_column(String(80))
    snapshot_id: Mapped[str | None] = mapped_column(ForeignKey("template_snapshots.id"))
    element_id: Mapped[str | None] = mapped_column(ForeignKey("package_elements.id"), index=True)
    placement_id: Mapped[str | None] = mapped_column(ForeignKey("placements.id"))
    completed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())

    provider: Mapped[Provider] = relationship()


class ReviewItem(SyncedColumns, Base):
    """What the officer recorded of one item of a review: a document (seen with its date and
    expiry, not seen, not applicable) or a written answer, and a note. Its id is derived from
    (review, item), so two officers on one review meet on one row."""

    __tablename__ = "review_items"

    review_id: Mapped[str] = mapped_column(ForeignKey("compliance_reviews.id"), index=True)
    item_key: Mapped[str] = mapped_column(String(80))
    label: Mapped[str] = mapped_column(String(300))
    status: Mapped[DocumentStatus | None] = mapped_column(EnumText(DocumentStatus))
    dated: Mapped[dt.date | None] = mapped_column(Date)
    expires: Mapped[dt.date | None] = mapped_column(Date, index=True)
    text: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)


class Placement(SyncedColumns, Base):
    """That a placement began at a setting, and when: all the 24-48 hour rule needs.

    Deliberately no child's name or details: a case reference from the council's case system is
    enough to find the child there, and keeps children's personal data off the laptop.
    """

    __tablename__ = "placements"

    setting_id: Mapped[str] = mapped_column(ForeignKey("settings.id"), index=True)
    started_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    ended_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    reference: Mapped[str | None] = mapped_column(String(60))
    kind: Mapped[PlacementKind | None] = mapped_column(EnumText(PlacementKind))  # None: before kinds (emergency)
    element_id: Mapped[str | None] = mapped_column(ForeignKey("package_elements.id"))

    setting: Mapped[Setting] = relationship()


class TemplateSnapshot(SyncedColumns, Base):
    """The exact text of a template version a visit was started with.

    Synced with the visit, so a second laptop opening it sees the same questions even if its own
    library has a newer (or older) version; and a report issued later reads the same version.
    Its id is derived from key, version and digest, so every device stores a version once.
    """

    __tablename__ = "template_snapshots"

    key: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)


class VisitTemplate(SyncedColumns, Base):
    """One checklist of a visit: which template snapshot, at which scope (visit level).

    A Young Inspector's form is theirs until an officer has read it and accepted it into the
    visit (``accepted_by``/``accepted_at``); only then does it count towards completing the visit.
    """

    __tablename__ = "visit_templates"

    visit_id: Mapped[str] = mapped_column(ForeignKey("visits.id"), index=True)
    snapshot_id: Mapped[str] = mapped_column(ForeignKey("template_snapshots.id"))
    template_key: Mapped[str] = mapped_column(String(80))
    scope: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer)
    accepted_by: Mapped[str | None] = mapped_column(String(200))
    accepted_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    #: the Young Inspector the form was handed to (``YoungInspector.id``)
    young_inspector_id: Mapped[str | None] = mapped_column(String(36))
    #: a Young Inspector form withdrawn by an officer (an opt-out, nobody free): the visit completes without it
    withdrawn_reason: Mapped[WithdrawalReason | None] = mapped_column(EnumText(WithdrawalReason))
    withdrawn_detail: Mapped[str | None] = mapped_column(Text)
    withdrawn_by: Mapped[str | None] = mapped_column(String(200))
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())

    snapshot: Mapped[TemplateSnapshot] = relationship()


class Answer(SyncedColumns, Base):
    """An officer's answer, note and evidence for one item of one visit.

    The id is derived from (visit, template, item) as DESIGN.md asks: two officers answering the
    same item on two laptops write to the same row, field by field, and sync can compare them.
    """

    __tablename__ = "answers"

    visit_id: Mapped[str] = mapped_column(ForeignKey("visits.id"), index=True)
    template_key: Mapped[str] = mapped_column(String(80))
    item_key: Mapped[str] = mapped_column(String(80))
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    note: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)  # [{"blob": hash, "caption": words}]


class ActionTracking:
    """How an action is followed up (Section 12): an extension agreed with its reason, and its
    completion with the evidence seen. Shared by actions raised on visits and on action plans."""

    extended_to: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    extension_reason: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    evidence: Mapped[str | None] = mapped_column(Text)


class VisitAction(ActionTracking, SyncedColumns, Base):
    """An action raised from an item on a visit, due by Figure 8 for its concern level."""

    __tablename__ = "visit_actions"

    visit_id: Mapped[str] = mapped_column(ForeignKey("visits.id"), index=True)
    template_key: Mapped[str] = mapped_column(String(80))
    item_key: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)
    level: Mapped[ConcernLevel] = mapped_column(EnumText(ConcernLevel))
    raised_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    due_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())

    #: The actions still open alone: the lists of open actions read those, not every action ever raised.
    __table_args__ = (Index("ix_visit_actions_open", "visit_id", sqlite_where=sql_text("completed_at IS NULL")),)


class ReviewAction(ActionTracking, SyncedColumns, Base):
    """An action raised on a compliance review (a document not seen, say), due by Figure 8."""

    __tablename__ = "review_actions"

    review_id: Mapped[str] = mapped_column(ForeignKey("compliance_reviews.id"), index=True)
    item_key: Mapped[str | None] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)
    level: Mapped[ConcernLevel] = mapped_column(EnumText(ConcernLevel))
    raised_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    due_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class ReportRevision(SyncedColumns, Base):
    """A revision of a document that goes out (``domain.documents``): a visit's report, or a letter
    or plan made from a provider's records (``provider_id`` and ``subject_id``: the plan or embargo).

    Its lifecycle (draft, submitted, approved, issued) is fields here, each change an op, so it
    syncs and is in the audit trail. A revision once issued is never changed: a correction is the
    next revision, which says what it corrects (``corrects``). The file is made on each laptop from
    the records (``fingerprint``: a hash of everything it says) and kept in ``DATA_DIR/reports``.
    """

    __tablename__ = "report_revisions"

    visit_id: Mapped[str | None] = mapped_column(ForeignKey("visits.id"), index=True)
    provider_id: Mapped[str | None] = mapped_column(ForeignKey("providers.id"), index=True)
    subject_id: Mapped[str | None] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(40))
    revision: Mapped[int] = mapped_column(Integer)
    fingerprint: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(200))
    pages: Mapped[int] = mapped_column(Integer)
    #: ``None`` on revisions made before the lifecycle existed: read as a draft.
    status: Mapped[LifecycleStatus | None] = mapped_column(EnumText(LifecycleStatus))
    corrects: Mapped[str | None] = mapped_column(Text)
    submitted_by: Mapped[str | None] = mapped_column(String(200))
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    approved_by: Mapped[str | None] = mapped_column(String(200))
    approved_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    issued_by: Mapped[str | None] = mapped_column(String(200))
    issued_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    #: The provider's reply (factual accuracy comments, its response to a plan): due, and received.
    reply_due_on: Mapped[dt.date | None] = mapped_column(Date)
    reply_received_on: Mapped[dt.date | None] = mapped_column(Date)
    reply_note: Mapped[str | None] = mapped_column(Text)

    @property
    def state(self) -> LifecycleStatus:
        return self.status or LifecycleStatus.DRAFT


class ReportRecipient(SyncedColumns, Base):
    """Someone an issued revision was sent to, with their role and when (the distribution record)."""

    __tablename__ = "report_recipients"

    revision_id: Mapped[str] = mapped_column(ForeignKey("report_revisions.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(120))
    sent_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class QaCase(SyncedColumns, Base):
    """A concern or activity logged against a provider (the duty log); their yearly count gives
    the provider's Figure 6 rating."""

    __tablename__ = "qa_cases"

    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"), index=True)
    opened_on: Mapped[dt.date] = mapped_column(Date, index=True)
    source: Mapped[CaseSource] = mapped_column(EnumText(CaseSource))
    category: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(Text)
    safeguarding: Mapped[bool] = mapped_column(Boolean, default=False)
    significant: Mapped[bool] = mapped_column(Boolean, default=False)  # Figure 6's caveat: reviewed as HIGH
    status: Mapped[CaseStatus] = mapped_column(EnumText(CaseStatus))
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(Text)
    #: A quality concern (Figures 1 and 2: "or, If a Quality Concern or Safeguarding Matter is
    #: raised"); a safeguarding or significant case is one too. None: logged before it was asked.
    quality_concern: Mapped[bool | None] = mapped_column(Boolean)


class ActionPlan(SyncedColumns, Base):
    """An action plan issued to a provider by the QA team, or a regulatory one QA monitors."""

    __tablename__ = "action_plans"

    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"), index=True)
    kind: Mapped[PlanKind] = mapped_column(EnumText(PlanKind))
    issued_on: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    social_work_informed_on: Mapped[dt.date | None] = mapped_column(Date)
    removed_on: Mapped[dt.date | None] = mapped_column(Date)
    removal_reason: Mapped[RemovalReason | None] = mapped_column(EnumText(RemovalReason))


class PlanAction(ActionTracking, SyncedColumns, Base):
    """One action of an action plan: Figure 8 due date, extensions, completion with evidence."""

    __tablename__ = "plan_actions"

    plan_id: Mapped[str] = mapped_column(ForeignKey("action_plans.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    level: Mapped[ConcernLevel] = mapped_column(EnumText(ConcernLevel))
    raised_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    due_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class Embargo(SyncedColumns, Base):
    """An embargo on a provider, one of its properties, or foster carers (Section 12)."""

    __tablename__ = "embargoes"

    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"), index=True)
    kind: Mapped[EmbargoKind] = mapped_column(EnumText(EmbargoKind))
    scope: Mapped[EmbargoScope] = mapped_column(EnumText(EmbargoScope))
    setting_id: Mapped[str | None] = mapped_column(ForeignKey("settings.id"))
    foster_carer: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    informal_reason: Mapped[InformalReason | None] = mapped_column(EnumText(InformalReason))
    approved_by: Mapped[str | None] = mapped_column(String(200))
    start_on: Mapped[dt.date] = mapped_column(Date)
    review_on: Mapped[dt.date | None] = mapped_column(Date)
    end_on: Mapped[dt.date | None] = mapped_column(Date)
    social_work_informed_on: Mapped[dt.date | None] = mapped_column(Date)


class RegulatoryAlert(SyncedColumns, Base):
    """An Ofsted alert (restriction, suspension, termination, inadequate, lifted) or a CQC / Care
    Inspectorate judgement of requires improvement or below, with its 12-week review date.

    Logged by an officer from the regulator's letter, or raised by an import from the regulator's
    data (``source`` names the file; ``effective_on`` is the inspection or the change it stands for)."""

    __tablename__ = "regulatory_alerts"

    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"), index=True)
    regulator: Mapped[Regulator] = mapped_column(EnumText(Regulator))
    kind: Mapped[AlertKind] = mapped_column(EnumText(AlertKind))
    received_on: Mapped[dt.date] = mapped_column(Date)
    review_on: Mapped[dt.date | None] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)  # lifted, or superseded by a later alert
    #: Where it came from when not an officer's typing: "Ofsted provider-level data, imported 22/11/2026".
    source: Mapped[str | None] = mapped_column(Text)
    #: The day the fact it stands for took effect (the inspection, the suspension), when known.
    effective_on: Mapped[dt.date | None] = mapped_column(Date)
    #: The later alert that replaced this one (Section 12: Ofsted sends an updated alert).
    superseded_by: Mapped[str | None] = mapped_column(String(36))

    #: The open alerts alone: the sanctions list reads those, however many were closed before.
    __table_args__ = (Index("ix_regulatory_alerts_open", "provider_id", sqlite_where=sql_text("closed_on IS NULL")),)


class ProviderImport(SyncedColumns, Base):
    """One import of a provider file, kept as a dated record for the team: which file, in which
    layout, when and by whom, and what it did. What it changed, provider by provider, is in
    ``ProviderImportChanges`` (one row per batch of the file, so a large file is never one value)."""

    __tablename__ = "provider_imports"

    file_name: Mapped[str] = mapped_column(String(300))
    layout: Mapped[str] = mapped_column(String(60))
    read_as: Mapped[str] = mapped_column(String(60))
    imported_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)
    imported_by: Mapped[str] = mapped_column(String(120))
    rows: Mapped[int] = mapped_column(Integer)
    added: Mapped[int] = mapped_column(Integer)
    updated: Mapped[int] = mapped_column(Integer)
    unchanged: Mapped[int] = mapped_column(Integer)
    skipped: Mapped[int] = mapped_column(Integer)
    repeated: Mapped[int] = mapped_column(Integer)  # rows of a provider already in the file (earlier inspections)
    alerts: Mapped[int] = mapped_column(Integer)    # regulatory alerts raised
    #: None when the whole file was read; otherwise why it stopped (the batches before it were kept).
    stopped: Mapped[str | None] = mapped_column(Text)


class ProviderImportChanges(SyncedColumns, Base):
    """What one batch of an import changed: a list of lines [provider id, URN, name, what, before,
    after, note] (``services.import_changes``)."""

    __tablename__ = "provider_import_changes"

    import_id: Mapped[str] = mapped_column(String(36), index=True)
    position: Mapped[int] = mapped_column(Integer)
    entries: Mapped[list[list[str]]] = mapped_column(JSON)


class TeamSetting(SyncedColumns, Base):
    """A setting the whole team shares, synced and audited like any record, by ``key`` (its id is
    derived from the key, so two laptops setting it meet on one row). ``internal_owners``: the
    names this council owns homes under (``domain.provision_types``). What reports say of the
    council, and the framework's figures, are ``CouncilSettings``'s (one typed row)."""

    __tablename__ = "team_settings"

    key: Mapped[str] = mapped_column(String(80), index=True)
    value: Mapped[Any] = mapped_column(JSON, nullable=True)


class TeamMember(SyncedColumns, Base):
    """An officer of the QA team (or the lead), as the visit forms offer them (``services.team``).
    Synced, so every laptop picks from the same names; the id is derived from the name."""

    __tablename__ = "team_members"

    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(EnumText(Role))


# -- the tracker: partnership work, unregistered providers, the Young Inspectors programme ------------

class Meeting(SyncedColumns, Base):
    """A multi-agency meeting or joint visit the QA team attended (Section 13; the scrutiny report's
    Figure 2). Who attended is a list of names; providers and cases discussed are ``MeetingTopic``
    rows, so two officers adding a provider each on two laptops both keep theirs."""

    __tablename__ = "meetings"

    held_on: Mapped[dt.date] = mapped_column(Date, index=True)
    kind: Mapped[MeetingKind] = mapped_column(EnumText(MeetingKind))
    title: Mapped[str | None] = mapped_column(String(300))
    setting_id: Mapped[str | None] = mapped_column(ForeignKey("settings.id"))  # where a joint visit went
    attendees: Mapped[list[str]] = mapped_column(JSON)
    notes: Mapped[str | None] = mapped_column(Text)


class MeetingTopic(SyncedColumns, Base):
    """A provider or case discussed at a meeting (its id derived from the meeting and what was
    discussed). A case is a QA case of the duty log, or a reference from another service (a LADO
    reference): never a child's name."""

    __tablename__ = "meeting_topics"

    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"), index=True)
    provider_id: Mapped[str | None] = mapped_column(ForeignKey("providers.id"), index=True)
    case_id: Mapped[str | None] = mapped_column(ForeignKey("qa_cases.id"))
    reference: Mapped[str | None] = mapped_column(String(60))
    note: Mapped[str | None] = mapped_column(Text)


class MeetingAction(ActionTracking, SyncedColumns, Base):
    """An action arising from a meeting: for a provider (due by Figure 8 for its level, tracked with
    every other action on the provider), or for someone else (a date agreed, or none)."""

    __tablename__ = "meeting_actions"

    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"), index=True)
    provider_id: Mapped[str | None] = mapped_column(ForeignKey("providers.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(200))
    level: Mapped[ConcernLevel | None] = mapped_column(EnumText(ConcernLevel))
    raised_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    due_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


class FundingRequest(SyncedColumns, Base):
    """A placement funding request and QA's feedback on it (Section 13, Access to Resources). The
    provider may not be in the register yet; the child is named by the request's reference only."""

    __tablename__ = "funding_requests"

    received_on: Mapped[dt.date] = mapped_column(Date, index=True)
    reference: Mapped[str] = mapped_column(String(60))
    provider_id: Mapped[str | None] = mapped_column(ForeignKey("providers.id"), index=True)
    provider_name: Mapped[str | None] = mapped_column(String(300))
    service_type: Mapped[ServiceType | None] = mapped_column(EnumText(ServiceType))
    requested_by: Mapped[str | None] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    recommendation: Mapped[FundingRecommendation | None] = mapped_column(EnumText(FundingRecommendation))
    feedback: Mapped[str | None] = mapped_column(Text)
    feedback_on: Mapped[dt.date | None] = mapped_column(Date)


class UnregulatedNotification(SyncedColumns, Base):
    """QA's notification to Ofsted of an unregulated placement (Section 10), with the updates sent
    while it lasts (``NotificationUpdate``)."""

    __tablename__ = "unregulated_notifications"

    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"), index=True)
    setting_id: Mapped[str | None] = mapped_column(ForeignKey("settings.id"))
    placement_id: Mapped[str | None] = mapped_column(ForeignKey("placements.id"))
    placement_reference: Mapped[str | None] = mapped_column(String(60))
    notified_on: Mapped[dt.date] = mapped_column(Date, index=True)
    ofsted_reference: Mapped[str | None] = mapped_column(String(60))
    summary: Mapped[str] = mapped_column(Text)
    placement_ended_on: Mapped[dt.date | None] = mapped_column(Date)


class NotificationUpdate(SyncedColumns, Base):
    """An update to Ofsted on an unregulated placement ("regular updates throughout the placement")."""

    __tablename__ = "notification_updates"

    notification_id: Mapped[str] = mapped_column(ForeignKey("unregulated_notifications.id"), index=True)
    sent_on: Mapped[dt.date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text)


class RegistrationApplication(SyncedColumns, Base):
    """A provider's application to register a children's home, supported by QA (Section 10), from
    the start of the support to registered (a provider *supported to register*), withdrawn or refused."""

    __tablename__ = "registration_applications"

    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"), index=True)
    stage: Mapped[ApplicationStage] = mapped_column(EnumText(ApplicationStage))
    support_began_on: Mapped[dt.date] = mapped_column(Date)
    submitted_on: Mapped[dt.date | None] = mapped_column(Date)
    ended_on: Mapped[dt.date | None] = mapped_column(Date, index=True)  # registered, withdrawn or refused
    urn: Mapped[str | None] = mapped_column(String(20))
    notes: Mapped[str | None] = mapped_column(Text)


class PlanningApplication(SyncedColumns, Base):
    """An application for change of use (C3 to C2) from the weekly planning list (Section 13,
    Planning), with QA's feedback to the planning team and the provider behind it once known. Its
    id is derived from the planning reference, so two officers logging it from the same list meet."""

    __tablename__ = "planning_applications"

    reference: Mapped[str] = mapped_column(String(60), index=True)
    address: Mapped[str] = mapped_column(String(400))
    postcode: Mapped[str | None] = mapped_column(String(12), index=True)
    listed_on: Mapped[dt.date] = mapped_column(Date, index=True)
    proposal: Mapped[str] = mapped_column(Text)
    applicant: Mapped[str | None] = mapped_column(String(300))
    use_from: Mapped[str] = mapped_column(String(10), default="C3")
    use_to: Mapped[str] = mapped_column(String(10), default="C2")
    decision: Mapped[PlanningDecision] = mapped_column(EnumText(PlanningDecision), default=PlanningDecision.PENDING)
    qa_feedback: Mapped[str | None] = mapped_column(Text)
    feedback_sent_on: Mapped[dt.date | None] = mapped_column(Date)
    provider_id: Mapped[str | None] = mapped_column(ForeignKey("providers.id"), index=True)


class AddressIntelligence(SyncedColumns, Base):
    """What the police, a PCSO, a councillor or a resident told the team about an address (Section 13,
    External Professionals), the team's response, and the provider there once known."""

    __tablename__ = "address_intelligence"

    address: Mapped[str] = mapped_column(String(400))
    postcode: Mapped[str | None] = mapped_column(String(12), index=True)
    source: Mapped[IntelligenceSource] = mapped_column(EnumText(IntelligenceSource))
    received_on: Mapped[dt.date] = mapped_column(Date, index=True)
    summary: Mapped[str] = mapped_column(Text)
    provider_id: Mapped[str | None] = mapped_column(ForeignKey("providers.id"), index=True)
    response: Mapped[str | None] = mapped_column(Text)
    responded_on: Mapped[dt.date | None] = mapped_column(Date)


class YoungInspector(SyncedColumns, Base):
    """A Young Inspector on the programme's roster: the name the officers know them by (a reference
    such as YI-04, or a first name where the team prefers: never more of a care leaver's identity),
    when they joined, their training and DBS check, and when they opted out of the programme. The
    programme's dates are optional, so a Young Inspector first met at a hand-over is one row too."""

    __tablename__ = "young_inspectors"

    name: Mapped[str] = mapped_column(String(200))
    joined_on: Mapped[dt.date | None] = mapped_column(Date)
    trained_on: Mapped[dt.date | None] = mapped_column(Date)
    dbs_checked_on: Mapped[dt.date | None] = mapped_column(Date)
    opted_out_on: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    #: how they like to read on the hand-over screen (``domain.young_inspectors.Comfort``, issue 21)
    tint: Mapped[Tint] = mapped_column(EnumText(Tint), default=Tint.NONE)
    typeface: Mapped[Typeface] = mapped_column(EnumText(Typeface), default=Typeface.STANDARD)
    text_size: Mapped[int] = mapped_column(Integer, default=100)
    line_spacing: Mapped[int] = mapped_column(Integer, default=100)


class YoungInspectorVisit(SyncedColumns, Base):
    """A Young Inspector joining a QA visit, with the support around it (scrutiny report section 7:
    a pre-visit briefing, the option to opt out, a debrief). Id derived from inspector and visit."""

    __tablename__ = "young_inspector_visits"

    young_inspector_id: Mapped[str] = mapped_column(ForeignKey("young_inspectors.id"), index=True)
    visit_id: Mapped[str] = mapped_column(ForeignKey("visits.id"), index=True)
    briefed_on: Mapped[dt.date | None] = mapped_column(Date)
    debriefed_on: Mapped[dt.date | None] = mapped_column(Date)
    debrief_by: Mapped[DebriefBy | None] = mapped_column(EnumText(DebriefBy))
    opted_out: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)


class Incentive(SyncedColumns, Base):
    """An incentive given to a Young Inspector (scrutiny report 2.4), in pence where it has a value."""

    __tablename__ = "young_inspector_incentives"

    young_inspector_id: Mapped[str] = mapped_column(ForeignKey("young_inspectors.id"), index=True)
    given_on: Mapped[dt.date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(String(300))
    value_pence: Mapped[int | None] = mapped_column(Integer)


class CouncilSettings(SyncedColumns, Base):
    """The council's own settings, one row for the whole team (synced; its id is ``COUNCIL_ID`` on
    every laptop, so two laptops setting it meet on this row): what reports and letters say of the
    council, and the framework's figures (``domain.framework``; ``None``: the built-in Medway one).
    A field left empty means the built-in default (``services.council``)."""

    __tablename__ = "council_settings"

    council_name: Mapped[str | None] = mapped_column(String(200))
    service_name: Mapped[str | None] = mapped_column(String(200))
    address_block: Mapped[str | None] = mapped_column(Text)  # the letters' sender block, one line per line
    protective_marking: Mapped[str | None] = mapped_column(String(60))
    #: a PNG or JPEG, base64 (at most 256 KB): it travels in the op itself, as any other value
    logo: Mapped[str | None] = mapped_column(Text)
    framework: Mapped[Any] = mapped_column(JSON, nullable=True)


#: The one row of ``council_settings``.
COUNCIL_ID = "council"


class Op(Base):
    """One recorded change of one field (DESIGN.md, Sync). Immutable once written."""

    __tablename__ = "ops"

    op_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str] = mapped_column(String(36))
    field: Mapped[str] = mapped_column(String(60))
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    hlc: Mapped[str] = mapped_column(String(22), index=True)
    device_id: Mapped[str] = mapped_column(String(36))
    actor: Mapped[str] = mapped_column(String(120))
    #: The ops of the same field this one was written over (the value its writer saw). Two ops
    #: neither of which is in the other's base were written without seeing each other: if their
    #: values differ, that is a conflict (``store.oplog``). ``None`` for ops recorded before sync.
    base: Mapped[list[str] | None] = mapped_column(JSON)
    #: The shared store a pulled op came from (so it is not pushed back there); ``None`` if made here.
    received_from: Mapped[str | None] = mapped_column(String(200))
    #: Its value was removed under the retention policy (the fact of the change stays, for the audit).
    #: Triggers (migration 0008) refuse any other change; a migration that rebuilds this table must
    #: create them again.
    redacted: Mapped[bool] = mapped_column(Boolean, default=False)
    #: When the edit was made, by the wall clock of the device that made it (ms since the epoch):
    #: what the audit trail shows. ``None`` for ops recorded before it was kept (migration 0009).
    wall: Mapped[int | None] = mapped_column(BigInteger)
    #: Its place in its device's hash chain, the chain's link, and the hash of its value (kept when
    #: retention removes the value): ``store.chain``. ``None`` for ops from before the chain.
    dseq: Mapped[int | None] = mapped_column(Integer)
    chain: Mapped[str | None] = mapped_column(String(64))
    vhash: Mapped[str | None] = mapped_column(String(64))

    #: One index serves look-ups by row and by field (a row's ops are a prefix of it); a second one on
    #: (entity, entity_id) alone cost every write a random B-tree insert for nothing (migration 0014).
    #: ``ix_ops_chain`` finds a device's chain neighbours (migration 0019).
    __table_args__ = (Index("ix_ops_field", "entity", "entity_id", "field"),
                      Index("ix_ops_chain", "device_id", "dseq"))


class HeldOp(Base):
    """An op received with a clock far ahead of this laptop's (``sync.held``): kept here, not
    applied and not adopted by the clock, until an officer accepts it or this laptop's clock
    catches up. Nothing is lost, and one wrong clock cannot move every laptop's time."""

    __tablename__ = "held_ops"

    op_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    received_from: Mapped[str] = mapped_column(String(200))
    hlc: Mapped[str] = mapped_column(String(22))
    device_id: Mapped[str] = mapped_column(String(36))
    actor: Mapped[str] = mapped_column(String(120))
    op: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: Where it came from, for people: the shared store's file or the bundle.
    source: Mapped[str] = mapped_column(String(300))
    held_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class RecordKeyRow(Base):
    """A key that seals the values of one record retention deletes, as this laptop holds it
    (``sync.records``): made here, or taken from the shared store. Destroyed when the record is."""

    __tablename__ = "record_keys"

    key_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    unit: Mapped[str] = mapped_column(String(36), index=True)
    secret: Mapped[bytes] = mapped_column(LargeBinary)


class ShreddedUnit(Base):
    """A record deleted under retention, here or on another laptop: its keys are destroyed, its
    values blank and redacted here, and any change to it that arrives later is blanked on arrival."""

    __tablename__ = "shredded_units"

    unit: Mapped[str] = mapped_column(String(36), primary_key=True)
    shredded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    #: Whether this laptop's log has been redacted for it since it was shredded.
    redacted: Mapped[bool] = mapped_column(Boolean)


class KeyWaitingOp(Base):
    """A change received sealed under a record key this laptop does not hold yet (a sync client
    delivering the key's file after the change file): kept, and applied when the key comes."""

    __tablename__ = "key_waiting_ops"

    op_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    received_from: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(36), index=True)
    op: Mapped[dict[str, Any]] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(300))


class FieldHeads(Base):
    """A field whose latest ops were written without seeing each other (more than one head).

    Local and derived from the op log (every device computes the same from the same ops); kept as a
    table so the conflict list and the next local edit do not scan the log. ``conflict`` is false
    when the heads agree, or when the field merges itself (a photo list: both officers' photos kept).
    """

    __tablename__ = "field_heads"

    entity: Mapped[str] = mapped_column(String(60), primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    field: Mapped[str] = mapped_column(String(60), primary_key=True)
    heads: Mapped[list[str]] = mapped_column(JSON)
    conflict: Mapped[bool] = mapped_column(Boolean, index=True)


class PendingRow(Base):
    """A row whose ops arrived but which cannot be made yet (a required field or the row it belongs
    to is still on its way, e.g. a sync cut off mid-way). Its ops are kept; it is made when they come."""

    __tablename__ = "pending_rows"

    entity: Mapped[str] = mapped_column(String(60), primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(36), primary_key=True)


class LocalState(Base):
    """Facts about this installation (its device id), never synced."""

    __tablename__ = "local_state"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


def table_of(model: type[SyncedColumns]) -> Table:
    """The table a synced model is mapped to."""
    assert issubclass(model, Base)
    return model.__table__


#: The tracker's tables (issue 19), parents before children.
TRACKER_MODELS: tuple[type[SyncedColumns], ...] = (Meeting, MeetingTopic, MeetingAction, FundingRequest,
                                                   UnregulatedNotification, NotificationUpdate, RegistrationApplication,
                                                   PlanningApplication, AddressIntelligence, YoungInspector,
                                                   YoungInspectorVisit, Incentive)

SYNCED_MODELS: tuple[type[SyncedColumns], ...] = (Commissioner, Provider, Setting, Contact, Visit, PackageElement,
                                                  Placement, TemplateSnapshot, ComplianceReview, ReviewItem,
                                                  ReviewAction, VisitTemplate, Answer, VisitAction,
                                                  ReportRevision, QaCase, ActionPlan, PlanAction, Embargo,
                                                  RegulatoryAlert, TeamMember, *TRACKER_MODELS, ProviderImport,
                                                  ProviderImportChanges, TeamSetting, ReportRecipient, CouncilSettings)
