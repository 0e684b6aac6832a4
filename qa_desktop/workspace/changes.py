"""What a change changed, as screens need to hear it (after Anki's ``OpChanges``).

Every mutation of the workspace returns a ``Done`` whose ``changes`` say which records it touched,
and every change, wherever it was made (this window, a sync or a bundle import in a worker thread,
the command line or another program on the same data folder), reaches every open screen as an
``OpChanges`` through ``Workspace.subscribe``. A screen decides for itself whether to redraw: the
register refreshes the providers named, a visit screen the items of its visit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")

#: Named changes that are not records of the op log (they do not sync).
USER = "user"                    # who uses this laptop, or their role
SYNC_SETTINGS = "sync settings"  # which shared store, its secrets
SYNC_STATE = "sync state"        # last synced, what is waiting to go
#: The council's settings changed (here or by a sync): its framework's figures decide what is due, the
#: risk ratings and the actions' timescales everywhere, so every screen showing those works them out again.
COUNCIL = "council settings"
#: The table whose change is a ``COUNCIL`` change, wherever it was made.
COUNCIL_TABLES = frozenset({"council_settings"})

#: What changes, answer by answer, while a visit is filled in: shown on the visit screen only, never on
#: the register or a provider's page (which show a visit's date, status and actions, not its answers).
#: A screen that shows none of it skips such a change, so an officer's answers never wait on a redraw.
FILLING_IN = frozenset({"answers", "template_snapshots", "visit_templates", "report_revisions"})


@dataclass(frozen=True)
class OpChanges:
    """The records one change touched, by table, and what that means for the screens.

    ``providers`` and ``visits`` name the providers and visits whose screens show something that
    changed (an answer changes its visit and its provider's page; a case changes its provider).
    ``everything`` is set when too much changed to list (a large import or first sync): screens
    reload as at start.
    """

    records: Mapping[str, frozenset[str]] = field(default_factory=dict)
    providers: frozenset[str] = frozenset()
    visits: frozenset[str] = frozenset()
    named: frozenset[str] = frozenset()
    everything: bool = False
    #: The ops behind the change, where known (what a screen's own save wrote, or what reached the log).
    ops: frozenset[str] = frozenset()

    @classmethod
    def of(cls, touched: Iterable[tuple[str, str]], *, providers: Iterable[str] = (), visits: Iterable[str] = (),
           named: Iterable[str] = (), everything: bool = False, ops: Iterable[str] = ()) -> OpChanges:
        records: dict[str, set[str]] = defaultdict(set)
        for entity, entity_id in touched:
            records[entity].add(entity_id)
        return cls({k: frozenset(v) for k, v in records.items()}, frozenset(providers), frozenset(visits),
                   frozenset(named), everything, frozenset(ops))

    def __bool__(self) -> bool:
        return bool(self.records or self.named or self.everything)

    def touches(self, *entities: str) -> bool:
        """Whether any record of these tables changed (always true when ``everything``)."""
        return self.everything or any(self.records.get(e) for e in entities)

    def only(self, entities: frozenset[str]) -> bool:
        """Whether every record this change touched is of these tables (and nothing else changed)."""
        return not self.everything and not self.named and self.records.keys() <= entities

    def ids(self, entity: str) -> frozenset[str]:
        return self.records.get(entity, frozenset())

    def touches_provider(self, provider_id: str | None) -> bool:
        return self.everything or (provider_id is not None and provider_id in self.providers)

    def touches_visit(self, visit_id: str | None) -> bool:
        return self.everything or (visit_id is not None and visit_id in self.visits)

    def within(self, other: OpChanges) -> bool:
        """Whether this change is only ``other`` heard again (a screen's own save, told back through
        the change signal): every op it names is one of ``other``'s. Records alone would not do:
        another program's op on the same answer, arriving with it, must not pass for an echo."""
        if self.everything:
            return other.everything
        if self.ops or other.ops:
            return self.ops <= other.ops
        return all(ids <= other.ids(entity) for entity, ids in self.records.items())

    def merged(self, other: OpChanges) -> OpChanges:
        records = {k: self.ids(k) | other.ids(k) for k in {*self.records, *other.records}}
        return OpChanges(records, self.providers | other.providers, self.visits | other.visits,
                         self.named | other.named, self.everything or other.everything, self.ops | other.ops)

    @property
    def count(self) -> int:
        return sum(len(ids) for ids in self.records.values())


NOTHING = OpChanges()


@dataclass(frozen=True)
class Done(Generic[T]):
    """What a mutation gives back: its result (an id, a report) and what it changed."""

    value: T
    changes: OpChanges
