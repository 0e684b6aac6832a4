"""The workspace: the one way into QA Desktop's core, for the window and the command line alike.

A ``Workspace`` owns the open store, the clock and the template library, and hands out the
services grouped by what they are about (``register``, ``visits``, ``oversight``, ``sync``,
``admin``, and the caseload's ``providers``, ``reviews``, ``placements``, ``planning``). Screens
and commands hold a workspace and nothing else of the core: they never open a
database session, build a query or touch a sync store (a test reads every import to keep it so).

Three promises, each kept in one place:

- **One clock.** ``workspace.clock`` (``qa_desktop.clock``) is where every "now" and "today" comes
  from; tests set it.
- **Reads give plain data.** Frozen dataclasses from the services, never ORM rows or sessions.
- **One change signal.** Every mutation returns ``Done(value, changes)``, and every change that
  reaches the op log, from this program or any other on the same data folder, is told once to
  every ``subscribe``-d listener as an ``OpChanges``. The op log is the single source: its ops are
  numbered in commit order, and ``catch_up`` reads what came after the last one told. A mutation
  catches up as it returns; the window also calls ``catch_up`` on a timer, for changes made by
  another program (``qa-desktop sync`` in a terminal while the window is open).

Listeners are called on the thread that made the change or caught up (a sync runs in a worker
thread): the window's ``ChangeHub`` passes them to the UI thread.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from qa_desktop.clock import Clock
from qa_desktop.domain.roles import Role, User
from qa_desktop.forms.library import TemplateLibrary, library_for
from qa_desktop.store.database import Store
from qa_desktop.store.models import (
    ActionPlan,
    AddressIntelligence,
    Answer,
    ComplianceReview,
    Contact,
    Embargo,
    FundingRequest,
    MeetingAction,
    MeetingTopic,
    NotificationUpdate,
    PackageElement,
    Placement,
    PlanAction,
    PlanningApplication,
    QaCase,
    RegistrationApplication,
    RegulatoryAlert,
    ReportRecipient,
    ReportRevision,
    ReviewAction,
    ReviewItem,
    Setting,
    UnregulatedNotification,
    Visit,
    VisitAction,
    VisitTemplate,
)
from qa_desktop.store.oplog import CHUNK
from qa_desktop.workspace.changes import COUNCIL, COUNCIL_TABLES, Done, OpChanges

T = TypeVar("T")
#: (table, id) records -> (their providers, their visits), as looked up within one mutation
_Owners = dict[frozenset[tuple[str, str]], tuple[set[str], set[str]]]
Listener = Callable[[OpChanges], None]

#: Past this many changed records a change is "everything": screens reload rather than look each up.
EVERYTHING_FROM = 5000

#: Tables whose rows belong to a provider directly, to a setting, or to a visit.
_BY_PROVIDER: dict[str, Any] = {"compliance_reviews": ComplianceReview, "qa_cases": QaCase, "action_plans": ActionPlan,
                "embargoes": Embargo, "regulatory_alerts": RegulatoryAlert, "contacts": Contact,
                # the tracker's records that name a provider (the others belong to no provider's page)
                "meeting_topics": MeetingTopic, "meeting_actions": MeetingAction, "funding_requests": FundingRequest,
                "unregulated_notifications": UnregulatedNotification,
                "registration_applications": RegistrationApplication, "planning_applications": PlanningApplication,
                "address_intelligence": AddressIntelligence,
                "package_elements": PackageElement, "report_revisions": ReportRevision}
_BY_REVIEW: dict[str, Any] = {"review_items": ReviewItem, "review_actions": ReviewAction}
_BY_SETTING: dict[str, Any] = {"visits": Visit, "placements": Placement}
_BY_VISIT: dict[str, Any] = {"answers": Answer, "visit_templates": VisitTemplate, "visit_actions": VisitAction,
             "report_revisions": ReportRevision}


class Workspace:
    """The open data of one user on one laptop, and every service over it."""

    def __init__(self, store: Store, library: TemplateLibrary | None = None) -> None:
        self._store = store
        self._library = library
        self._listeners: list[Listener] = []
        self._lock = threading.RLock()
        self._position = store.last_op_position()
        from qa_desktop.workspace.admin import AdminService
        from qa_desktop.workspace.council import CouncilService
        from qa_desktop.workspace.documents import DocumentService
        from qa_desktop.workspace.hand_over import HandOverService
        from qa_desktop.workspace.oversight import OversightService
        from qa_desktop.workspace.partnership import PartnershipService
        from qa_desktop.workspace.placements import PlacementService
        from qa_desktop.workspace.planning import PlanningService
        from qa_desktop.workspace.providers import ProviderService
        from qa_desktop.workspace.register import RegisterService
        from qa_desktop.workspace.reviews import ReviewService
        from qa_desktop.workspace.sync import SyncService
        from qa_desktop.workspace.tracker import TrackerService
        from qa_desktop.workspace.unregistered import UnregisteredService
        from qa_desktop.workspace.visits import VisitService
        from qa_desktop.workspace.young_inspectors import YoungInspectorService

        self.register = RegisterService(self)
        self.visits = VisitService(self)
        self.oversight = OversightService(self)
        self.sync = SyncService(self)
        self.admin = AdminService(self)
        # the tracker (issue 19)
        self.partnership = PartnershipService(self)
        self.unregistered = UnregisteredService(self)
        self.young_inspectors = YoungInspectorService(self)
        self.tracker = TrackerService(self)
        # the team's caseload (issue 16): providers managed in the app, reviews, placements, visit planning
        self.providers = ProviderService(self)
        self.reviews = ReviewService(self)
        self.placements = PlacementService(self)
        self.planning = PlanningService(self)
        self.documents = DocumentService(self)
        self.hand_over = HandOverService(self)
        self.council = CouncilService(self)

    @classmethod
    def open(cls, data_dir: Path, *, actor: str | None = None, key: bytes | None = None, role: Role | None = None,
             assigned_visit: str | None = None, clock: Clock | None = None) -> Workspace:
        """Open (and if need be create, encrypt or migrate) the data folder's store.

        Raises ``store.keys.KeyLost`` (re-exported as ``workspace.KeyLost``) when this computer's
        keyring no longer holds the folder's key."""
        return cls(Store(data_dir, actor, key=key, role=role, assigned_visit=assigned_visit, clock=clock))

    # -- who, where, when ----------------------------------------------------------------------------

    @property
    def clock(self) -> Clock:
        return self._store.clock

    @property
    def user(self) -> User:
        return self._store.user

    @property
    def data_dir(self) -> Path:
        return self._store.data_dir

    @property
    def device_id(self) -> str:
        return self._store.device_id

    @property
    def library(self) -> TemplateLibrary:
        """The built-in templates and the team's own (read once, when first needed)."""
        if self._library is None:
            self._library = library_for(self._store.data_dir)
        return self._library

    def reload_library(self) -> TemplateLibrary:
        self._library = None
        return self.library

    def close(self) -> None:
        self._store.close()

    # -- the change signal ---------------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with every change from now on; returns what unsubscribes it."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def catch_up(self, named: Iterable[str] = ()) -> OpChanges:
        """Tell every listener what reached the op log since it was last told (by anyone), and any
        ``named`` change outside the log; returns it (empty when nothing happened)."""
        return self._catch_up(named)

    def _catch_up(self, named: Iterable[str] = (), owners: _Owners | None = None) -> OpChanges:
        with self._lock:
            position, found = self._store.ops_after(self._position)
            # the log numbered afresh (a rebuilt or recovered database): anything may have changed
            rebuilt = position < self._position
            self._position = position
            listeners = list(self._listeners)
        changes = self._describe(found.touched, named, ops=found.ops, everything=rebuilt or found.everything,
                                 owners=owners)  # outside the lock
        if changes:
            for listener in listeners:
                listener(changes)
        return changes

    def notify(self, *named: str) -> OpChanges:
        """Something outside the op log changed (the laptop's user, the sync settings)."""
        return self.catch_up(named)

    def _mutation(self, work: Callable[[], T], *named: str) -> Done[T]:
        """Run one mutation of the services; return its result and the records it changed, and
        tell the listeners (with anything else that arrived meanwhile)."""
        with self._store.collecting() as collected:
            value = work()
        # what the log shows is, as a rule, just what the mutation wrote: whose screens show those
        # records is looked up once for both (an answer's save used to look it up twice)
        owners: _Owners = {}
        self._catch_up(named, owners)
        return Done(value, self._describe(collected.touched, named, ops=collected.ops,
                                          everything=collected.everything, owners=owners))

    def _describe(self, touched: Iterable[tuple[str, str]], named: Iterable[str] = (), *,
                  ops: Iterable[str] = (), everything: bool = False, owners: _Owners | None = None) -> OpChanges:
        """``owners``: the providers and visits already looked up for a set of records, within one
        mutation (they are read again for any other set)."""
        touched = set(touched)
        if any(entity in COUNCIL_TABLES for entity, _ in touched):
            # the framework's figures may have changed (here, or on another laptop and synced): screens
            # showing what is due, ratings or timescales hear it by name, as the mutation itself names it
            named = {*named, COUNCIL}
        if everything or len(touched) > EVERYTHING_FROM:
            return OpChanges.of(touched, named=named, ops=ops, everything=True)
        key = frozenset(touched)
        if owners is not None and key in owners:
            providers, visits = owners[key]
        else:
            providers, visits = self._owners(touched)
            if owners is not None:
                owners[key] = providers, visits
        return OpChanges.of(touched, providers=providers, visits=visits, named=named, ops=ops)

    def _owners(self, touched: set[tuple[str, str]]) -> tuple[set[str], set[str]]:
        """The providers and visits whose screens show the touched records."""
        by_entity: dict[str, set[str]] = defaultdict(set)
        for entity, entity_id in touched:
            by_entity[entity].add(entity_id)
        providers = set(by_entity.get("providers", ()))
        visits = set(by_entity.get("visits", ()))
        if set(by_entity) <= {"providers"}:
            return providers, visits
        with self._store.read() as session:
            # a document's recipients belong to its revision, which belongs to a visit or a provider
            revisions = set(by_entity.get("report_revisions", ()))
            revisions |= _column(session, ReportRecipient, ReportRecipient.revision_id,
                                 by_entity.get("report_recipients", ()))
            if revisions:
                by_entity["report_revisions"] = revisions
            for entity, model in _BY_VISIT.items():
                visits |= _column(session, model, model.visit_id, by_entity.get(entity, ()))
            plans = _column(session, PlanAction, PlanAction.plan_id, by_entity.get("plan_actions", ()))
            providers |= _column(session, ActionPlan, ActionPlan.provider_id, plans)
            notified = _column(session, NotificationUpdate, NotificationUpdate.notification_id,
                               by_entity.get("notification_updates", ()))
            providers |= _column(session, UnregulatedNotification, UnregulatedNotification.provider_id, notified)
            reviews: set[str] = set()
            for entity, model in _BY_REVIEW.items():
                reviews |= _column(session, model, model.review_id, by_entity.get(entity, ()))
            providers |= _column(session, ComplianceReview, ComplianceReview.provider_id, reviews)
            for entity, model in _BY_PROVIDER.items():
                providers |= _column(session, model, model.provider_id, by_entity.get(entity, ()))
            settings = set(by_entity.get("settings", ()))
            settings |= _column(session, Visit, Visit.setting_id, visits)
            for entity, model in _BY_SETTING.items():
                settings |= _column(session, model, model.setting_id, by_entity.get(entity, ()))
            providers |= _column(session, Setting, Setting.provider_id, settings)
        return providers, visits

    # -- for the services of the workspace (never for screens) ---------------------------------------

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with self._store.read() as session:
            yield session


def _column(session: Session, model: type, column: object, ids: Iterable[str]) -> set[str]:
    """``column`` of the rows of ``model`` with these ids (each a small indexed look-up)."""
    wanted = sorted(set(ids))
    found: set[str] = set()
    for start in range(0, len(wanted), CHUNK):
        found.update(v for v in session.scalars(select(column).where(  # type: ignore[call-overload]
            model.id.in_(wanted[start:start + CHUNK]))) if v)  # type: ignore[attr-defined]
    return found
