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

import gc
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from qa_desktop.clock import Clock
from qa_desktop.domain.roles import Role, User
from qa_desktop.workspace.changes import COUNCIL, COUNCIL_TABLES, Done, OpChanges

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from qa_desktop.forms.library import TemplateLibrary
    from qa_desktop.services.register_first_look import RegisterFirstLook
    from qa_desktop.store.database import Store
    from qa_desktop.workspace.admin import AdminService
    from qa_desktop.workspace.council import CouncilService
    from qa_desktop.workspace.documents import DocumentService
    from qa_desktop.workspace.hand_over import HandOverService
    from qa_desktop.workspace.oversight import OversightService
    from qa_desktop.workspace.owners import OwnerLinks
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

T = TypeVar("T")
S = TypeVar("S")
#: (table, id) records -> (their providers, their visits), as looked up within one mutation
_Owners = dict[frozenset[tuple[str, str]], tuple[set[str], set[str]]]
Listener = Callable[[OpChanges], None]

#: Past this many changed records a change is "everything": screens reload rather than look each up.
EVERYTHING_FROM = 5000


class _Service(Generic[S]):
    """A service of the workspace (``ws.register``), made when first asked for: its module, and
    SQLAlchemy and the models with it, are imported then, not before the window's first paint
    (issue 22's cold start). Made once per workspace, whichever thread asks first."""

    def __init__(self, module: str, name: str) -> None:
        self._module, self._name, self._attribute = module, name, ""

    def __set_name__(self, owner: type, attribute: str) -> None:
        self._attribute = attribute

    @overload
    def __get__(self, workspace: None, owner: type) -> _Service[S]: ...

    @overload
    def __get__(self, workspace: Workspace, owner: type) -> S: ...

    def __get__(self, workspace: Workspace | None, owner: type) -> Any:
        if workspace is None:
            return self
        made = workspace.__dict__.get(self._attribute)
        if made is None:
            kind = getattr(import_module(self._module), self._name)  # no lock held while importing
            with workspace._services_lock:  # then the instance's own attribute: found first from then on
                made = workspace.__dict__.setdefault(self._attribute, kind(workspace))
        return made


@dataclass(frozen=True)
class Opening:
    """How to open a store left for later, and what its first look read (``Workspace.open_for_window``)."""

    look: RegisterFirstLook
    data_dir: Path
    clock: Clock
    actor: str | None
    key: bytes
    role: Role | None


class Workspace:
    """The open data of one user on one laptop, and every service over it."""

    register: _Service[RegisterService] = _Service("qa_desktop.workspace.register", "RegisterService")
    visits: _Service[VisitService] = _Service("qa_desktop.workspace.visits", "VisitService")
    oversight: _Service[OversightService] = _Service("qa_desktop.workspace.oversight", "OversightService")
    sync: _Service[SyncService] = _Service("qa_desktop.workspace.sync", "SyncService")
    admin: _Service[AdminService] = _Service("qa_desktop.workspace.admin", "AdminService")
    # the tracker (issue 19)
    partnership: _Service[PartnershipService] = _Service("qa_desktop.workspace.partnership", "PartnershipService")
    unregistered: _Service[UnregisteredService] = _Service("qa_desktop.workspace.unregistered",
                                                           "UnregisteredService")
    young_inspectors: _Service[YoungInspectorService] = _Service("qa_desktop.workspace.young_inspectors",
                                                                 "YoungInspectorService")
    tracker: _Service[TrackerService] = _Service("qa_desktop.workspace.tracker", "TrackerService")
    # the team's caseload (issue 16): providers managed in the app, reviews, placements, visit planning
    providers: _Service[ProviderService] = _Service("qa_desktop.workspace.providers", "ProviderService")
    reviews: _Service[ReviewService] = _Service("qa_desktop.workspace.reviews", "ReviewService")
    placements: _Service[PlacementService] = _Service("qa_desktop.workspace.placements", "PlacementService")
    planning: _Service[PlanningService] = _Service("qa_desktop.workspace.planning", "PlanningService")
    documents: _Service[DocumentService] = _Service("qa_desktop.workspace.documents", "DocumentService")
    hand_over: _Service[HandOverService] = _Service("qa_desktop.workspace.hand_over", "HandOverService")
    council: _Service[CouncilService] = _Service("qa_desktop.workspace.council", "CouncilService")

    def __init__(self, store: Store | None, library: TemplateLibrary | None = None, *,
                 opening: Opening | None = None) -> None:
        """On an open ``store``; or, with ``opening`` (``Workspace.open_for_window``), on a store
        opened when first needed, its register already read by the first look."""
        self._opened = store
        self._library = library
        #: The cyclic collector is paused from ``open_for_window`` to the window's first paint (``started``).
        self._collector_paused = False
        self._listeners: list[Listener] = []
        self._lock = threading.RLock()
        self._opening_lock = threading.Lock()
        self._services_lock = threading.Lock()
        #: The owner links read so far (``workspace.owners.OwnerLinks``: made when first needed, as the
        #: models are imported then), forgotten row by row as changes touch them.
        self._owner_links: OwnerLinks | None = None
        self._opening = opening
        #: The register as the store's first look read it, before the store was opened (or None).
        self.first_look = opening.look if opening is not None else None
        if store is not None:
            self._position = store.last_op_position()
        elif opening is not None:
            self._position = opening.look.position  # every change after the snapshot is caught up
        else:
            raise ValueError("a workspace needs a store, or the way to open one")

    @classmethod
    def open(cls, data_dir: Path, *, actor: str | None = None, key: bytes | None = None, role: Role | None = None,
             assigned_visit: str | None = None, clock: Clock | None = None) -> Workspace:
        """Open (and if need be create, encrypt or migrate) the data folder's store.

        Raises ``store.keys.KeyLost`` (re-exported as ``workspace.KeyLost``) when this computer's
        keyring no longer holds the folder's key."""
        from qa_desktop.store.database import Store

        return cls(Store(data_dir, actor, key=key, role=role, assigned_visit=assigned_visit, clock=clock))

    @classmethod
    def open_for_window(cls, data_dir: Path, *, actor: str | None = None, key: bytes | None = None,
                        role: Role | None = None, clock: Clock | None = None,
                        register_only: bool = False) -> Workspace:
        """The workspace the window starts on (issue 22's cold start): when the store can be read as
        it is (``store.first_look``), its register is read with plain SQL (``first_look``) and the
        store itself (SQLAlchemy, the schema check, the laptop's settings) is opened when first
        needed: by the window's background read of what is due, after its first paint. Otherwise
        opened at once, as ``open`` does, with the same errors. ``register_only``: a first look of the
        providers and their places alone (``read_first_look``), for a search of the register
        (``register.search_once``): its ``first_look.context`` then holds no sanctions or ratings."""
        from qa_desktop.services.register_first_look import register_first_look
        from qa_desktop.store.first_look import read_first_look

        # Start-up makes some 200,000 objects that live as long as the window (the first look's rows,
        # modules, widgets): the cyclic collector, run every 700 allocations, would walk them again
        # and again before the first paint (about a tenth of a cold start at 20,000 providers, issue
        # 22). Paused until the window's first paint (``started``), the store's opening or ``close``.
        paused = gc.isenabled()
        gc.disable()
        try:
            clock = clock or Clock.from_environment()
            if key is None:
                from qa_desktop.store.keys import folder_key

                key = folder_key(data_dir)  # None: a new folder, a key still to move, no keyring: opened at once
            found = read_first_look(data_dir, key, clock.today(), register_only=register_only) \
                if key is not None else None
            look = register_first_look(found, actor, role) if found is not None else None
            if look is None or key is None:
                return cls.open(data_dir, actor=actor, key=key, role=role, clock=clock)
            workspace = cls(None, opening=Opening(look, data_dir, clock, actor, key, role))
            workspace._collector_paused, paused = paused, False
            return workspace
        finally:
            if paused:  # no first look: the store is open, the collector runs as ever
                gc.enable()

    def started(self) -> None:
        """The window on this workspace has been painted: the collector paused by ``open_for_window``
        runs again, what start-up made moved out of its sight first (``gc.freeze``, as
        ``ui.app.run_app`` does before the window's first paint), so no collection walks it."""
        if self._collector_paused:
            self._collector_paused = False
            gc.freeze()
            gc.enable()

    def _resume_collector(self) -> None:
        """The store is opened, or closed, before any first paint: the collector runs again."""
        if self._collector_paused:
            self._collector_paused = False
            gc.enable()

    @property
    def _store(self) -> Store:
        """The open store: opened now if it was left for later (``open_for_window``); one thread
        opens it, any other asking meanwhile waits for it."""
        store = self._opened
        if store is None:
            with self._opening_lock:
                store = self._opened
                if store is None:
                    opening = self._opening
                    assert opening is not None  # no store without the way to open one (__init__)
                    from qa_desktop.store.database import Store

                    self._resume_collector()
                    store = Store(opening.data_dir, opening.actor, key=opening.key, role=opening.role,
                                  clock=opening.clock)
                    self._opened = store
        return store

    @property
    def is_open(self) -> bool:
        """Whether the store is open (always, but for a workspace from ``open_for_window`` until first needed)."""
        return self._opened is not None

    # -- who, where, when ----------------------------------------------------------------------------

    @property
    def clock(self) -> Clock:
        return self._opening.clock if self._opened is None and self._opening is not None else self._store.clock

    @property
    def user(self) -> User:
        return self._opening.look.user if self._opened is None and self._opening is not None else self._store.user

    @property
    def data_dir(self) -> Path:
        return self._opening.data_dir if self._opened is None and self._opening is not None else self._store.data_dir

    @property
    def device_id(self) -> str:
        if self._opened is None and self._opening is not None:
            return self._opening.look.device_id
        return self._store.device_id

    @property
    def library(self) -> TemplateLibrary:
        """The built-in templates and the team's own (read once, when first needed)."""
        if self._library is None:
            from qa_desktop.forms.library import library_for

            self._library = library_for(self.data_dir)
        return self._library

    def reload_library(self) -> TemplateLibrary:
        self._library = None
        return self.library

    def close(self) -> None:
        self._resume_collector()
        if self._opened is not None:  # a store never opened has nothing to close
            self._opened.close()

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
            links = self._owner_links
            if links is not None:  # any row may have changed, links included
                with links.lock:
                    links.clear()
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
        """The providers and visits whose screens show the touched records. The owner links of the
        touched rows are forgotten first (a change to a row may have moved it: a placement to another
        setting), the others are those read before (``OwnerLinks``)."""
        by_entity: dict[str, set[str]] = defaultdict(set)
        for entity, entity_id in touched:
            by_entity[entity].add(entity_id)
        providers = set(by_entity.get("providers", ()))
        visits = set(by_entity.get("visits", ()))
        if set(by_entity) <= {"providers"}:
            return providers, visits
        from qa_desktop.workspace.owners import OwnerLinks, owners_of  # the models: imported when first needed

        with self._lock:
            links = self._owner_links = self._owner_links or OwnerLinks()
        with links.lock:
            links.forget(touched)
            with self._store.read() as session:
                more_providers, visits = owners_of(session, by_entity, visits, links)
        return providers | more_providers, visits

    # -- for the services of the workspace (never for screens) ---------------------------------------

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with self._store.read() as session:
            yield session
