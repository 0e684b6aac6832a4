"""The register's rows as plain values, made from the columns read: ``ProviderRow`` and what is
shown beside each (``RegisterContext``).

Kept apart from ``services.register`` (which reads the columns with SQLAlchemy) so that the
register's first look (``services.register_first_look``), read before SQLAlchemy is imported,
makes its rows from the same columns by the same functions (issue 22's cold start).
"""

from __future__ import annotations

import enum
import functools
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar, overload

from qa_desktop.domain.framework import Framework
from qa_desktop.domain.regulation import ContractRoute, Judgement, Regulator
from qa_desktop.domain.risk import Rag, rag_for_year
from qa_desktop.domain.schedule import DueStatus
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.tiers import Tier, provider_tier, shown_tier
from qa_desktop.services.register_filter import RegisterFilter, search_text

if TYPE_CHECKING:
    from qa_desktop.services.due import DueItem

V = TypeVar("V")


@dataclass(frozen=True)
class ProviderRow:
    """One line of the register, as lists and tables show it."""

    id: str
    name: str
    urn: str | None
    service_type: ServiceType
    organisation: str | None
    judgement: Judgement | None
    tier: Tier | None
    towns: str
    postcodes: str
    settings: int
    registration_status: str | None
    due: DueItem | None = None  # the most urgent visit or review, when worked out
    risk: Rag | None = None     # Figure 6 this year, when worked out (NONE: no cases)
    sanctions: tuple[str, ...] = ()  # in force: embargo, action plan, restriction...
    local_authority: str | None = None
    monitored: bool = False     # by us (``domain.monitoring``)
    monitored_reason: str | None = None
    #: What the search looks in (``register_filter.search_text``): kept with the row so a screen
    #: can search the rows it holds without asking the database again.
    search_text: str = field(default="", repr=False, compare=False)


@dataclass(frozen=True)
class RegisterContext:
    """What the register shows beside each provider, worked out once for the whole register."""

    due: Mapping[str, DueItem]
    risk: Mapping[str, Rag]
    sanctions: Mapping[str, tuple[str, ...]]

    def only(self, provider_ids: Collection[str]) -> RegisterContext:
        """The part of the context about these providers."""
        wanted = set(provider_ids)
        return RegisterContext(_only(self.due, wanted), _only(self.risk, wanted), _only(self.sanctions, wanted))

    def updated(self, provider_ids: Collection[str], fresh: RegisterContext) -> RegisterContext:
        """This context with what it says of ``provider_ids`` replaced by ``fresh`` (worked out
        again for them alone): a provider absent from ``fresh`` has nothing due, no rating, no
        sanction. Copies the maps (fast, in C) rather than work the register out again."""
        return RegisterContext(_replaced(self.due, provider_ids, fresh.due),
                               _replaced(self.risk, provider_ids, fresh.risk),
                               _replaced(self.sanctions, provider_ids, fresh.sanctions))


def _only(part: Mapping[str, V], keys: set[str]) -> dict[str, V]:
    return {k: v for k, v in part.items() if k in keys}


def _replaced(old: Mapping[str, V], keys: Collection[str], new: Mapping[str, V]) -> dict[str, V]:
    merged = dict(old)
    for key in keys:
        merged.pop(key, None)
    merged.update(new)
    return merged


class DueFilter(enum.StrEnum):
    OVERDUE = "overdue"
    DUE = "due"  # overdue, or due within 30 days

    @property
    def label(self) -> str:
        return "Overdue" if self is DueFilter.OVERDUE else "Due soon or overdue"

    def accepts(self, item: DueItem | None) -> bool:
        wanted = {DueStatus.OVERDUE} if self is DueFilter.OVERDUE else {DueStatus.OVERDUE, DueStatus.DUE}
        return item is not None and item.due.status in wanted


def ratings_of(cases: Iterable[tuple[str, Any]], figures: Framework) -> dict[str, Rag]:
    """Figure 6 per provider from (provider id, significant) of each case of the year: providers
    with no cases are absent (no rating)."""
    counts: dict[str, int] = defaultdict(int)
    significant: set[str] = set()
    for provider_id, is_significant in cases:
        counts[provider_id] += 1
        if is_significant:
            significant.add(provider_id)
    rags: dict[tuple[int, bool], Rag] = {}  # a few counts in a whole register: each rated once
    ratings = {}
    for pid, n in counts.items():
        key = (n, pid in significant)
        rag = rags.get(key)
        if rag is None:
            rag = rags[key] = rag_for_year(n, significant_concern=key[1], figures=figures)
        ratings[pid] = rag
    return ratings


#: Enum columns read as their stored text and turned into members here: ten times faster than the
#: column type's own conversion on 20,000 rows.
_SERVICE_TYPES = {member.value: member for member in ServiceType}
_JUDGEMENTS = {member.value: member for member in Judgement}
_REGULATORS = {member.value: member for member in Regulator}
_TIERS = {member.value: member for member in Tier}


def rows_of(records: list[Any], settings: Iterable[Any], context: RegisterContext | None, *,
            words: Iterable[str] = (), accepts: Callable[[ProviderRow], bool] | None = None,
            limit: int | None = None) -> list[ProviderRow]:
    """The register's rows by name (case-folded) from the providers' columns (``records``, in
    ``services.register._ROW_COLUMNS``'s order: sorted here, in place) and their settings' places
    ``(provider id, name, town, postcode)``: those whose search text holds every word and that
    ``accepts`` keeps, ``limit`` at most."""
    by_provider: dict[str, list[Any]] = defaultdict(list)
    for place in settings:
        by_provider[place[0]].append(place)
    records.sort(key=lambda r: r[1].casefold())
    words = tuple(words)
    rows = []
    no_places: tuple[Any, ...] = ()
    for record in records:
        mine = by_provider.get(record[0], no_places)
        haystack = search_text(record[1], record[4], record[2], mine)
        if words and not all(word in haystack for word in words):
            continue
        row = make_row(record, mine, haystack, context)
        if accepts is not None and not accepts(row):  # what is due, the risk rating (worked out from the context)
            continue
        rows.append(row)
        if limit is not None and len(rows) >= limit:
            break
    return rows


class RowsOnDemand(Sequence[ProviderRow]):
    """The register's rows by name, each made when first read (issue 22's cold start).

    The window's first paint reads some thirty rows of 20,000: making every ``ProviderRow`` before it
    (about a fifth of the start's own work) is left for later. Holds the providers' columns sorted
    as ``rows_of`` sorts them and their settings' places; a row read is made by ``rows_of``'s own
    ``make_row`` and kept, so it is the same object each time, equal to the row ``rows_of`` makes.
    Reading every row (iterating, ``make_all``) makes them all; the window makes the rest just after
    its first paint, so that no key typed pays for them."""

    #: A model keeps these rows as they are rather than copy them into a list (``ui.rows_model``).
    made_when_read = True

    def __init__(self, records: list[Any], settings: Iterable[Any], context: RegisterContext) -> None:
        by_provider: dict[str, list[Any]] = defaultdict(list)
        for place in settings:
            by_provider[place[0]].append(place)
        records.sort(key=lambda r: r[1].casefold())  # as ``rows_of`` sorts them
        self._records = records
        self._places = by_provider
        self.context = context
        self._made: list[ProviderRow | None] = [None] * len(records)
        self._unmade = len(records)

    def __len__(self) -> int:
        return len(self._made)

    @overload
    def __getitem__(self, at: int) -> ProviderRow: ...

    @overload
    def __getitem__(self, at: slice) -> list[ProviderRow]: ...

    def __getitem__(self, at: int | slice) -> ProviderRow | list[ProviderRow]:
        if isinstance(at, slice):
            return [self[n] for n in range(*at.indices(len(self)))]
        row = self._made[at]
        return row if row is not None else self._make(at)

    def _make(self, at: int) -> ProviderRow:
        record = self._records[at]
        mine = self._places.get(record[0], ())
        row = self._made[at] = make_row(record, mine, search_text(record[1], record[4], record[2], mine), self.context)
        self._unmade -= 1
        if not self._unmade:  # the columns read are in the rows now: let them go
            self._records, self._places = [], {}
        return row

    def __iter__(self) -> Iterator[ProviderRow]:
        return iter(self.make_all())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and self.make_all() == list(other)

    __hash__ = None  # type: ignore[assignment]  # a sequence that compares by its rows

    @property
    def all_made(self) -> bool:
        return self._unmade == 0

    def search(self, wanted: RegisterFilter, *, limit: int | None = None) -> list[ProviderRow] | None:
        """The rows ``wanted`` keeps (no due or risk filter: those need the due items), by name, made
        as ``register.search`` makes them without a context (``rows_of`` over the same columns, so
        equal to its rows): one pass over the columns read, a row made only for a provider found.
        ``None`` once every row is made (the columns read are gone): ask the store."""
        if self.all_made or wanted.due is not None or wanted.risk is not None:
            return None
        filtered = (wanted.service_type, wanted.judgement, wanted.local_authority) != (None, None, None) or \
            wanted.monitored is not None
        places = (place for mine in self._places.values() for place in mine)
        return rows_of(list(self._records), places, None, words=wanted.words,
                       accepts=wanted.accepts if filtered else None, limit=limit)

    def make_some(self, count: int) -> bool:
        """Make up to ``count`` of the rows not yet made; whether every row is made now."""
        made = self._made
        at = 0
        while count > 0 and self._unmade:
            at = made.index(None, at)
            self._make(at)
            count -= 1
        return self._unmade == 0

    def make_all(self) -> list[ProviderRow]:
        """Every row, made now if not yet."""
        if self._unmade:
            for at, row in enumerate(self._made):
                if row is None:
                    self._make(at)
        return self._made  # type: ignore[return-value]  # every one made

    def local_authorities(self) -> set[str | None]:
        """Every row's local authority, without making the rows."""
        if not self._unmade:
            return {row.local_authority for row in self._made if row is not None}
        return {record[9] for record in self._records}


@functools.cache
def _tier(kind_text: str, route: str | None, regulator_text: str | None, judgement_text: str | None,
          override: str | None) -> Tier | None:
    """The tier shown (``domain.tiers``) from the columns as stored: a few combinations in a whole
    register, each worked out once."""
    kind = _SERVICE_TYPES[kind_text]
    judgement = _JUDGEMENTS.get(judgement_text) if judgement_text else None
    regulator = _REGULATORS.get(regulator_text) if regulator_text else None
    return shown_tier(provider_tier(kind, route == ContractRoute.FRAMEWORK.value, regulator, judgement),
                      _TIERS.get(override) if override else None)


_new_row = object.__new__
_set_fields = object.__setattr__


def make_row(record: Any, settings: Sequence[Any], haystack: str,
             context: RegisterContext | None) -> ProviderRow:
    """One ``ProviderRow`` from its provider's columns and its settings' places.

    Made as the dataclass would make it, but with its fields set in one step rather than one
    ``object.__setattr__`` per field (a frozen dataclass's ``__init__``): 1.8 rather than 6 µs a
    row, a tenth of a second on 20,000 providers before the window's first paint (issue 22).
    Every field is given here (``tests/services/test_register_first_look.py`` holds it to the
    dataclass's own constructor)."""
    (provider_id, name, urn, kind_text, organisation, judgement_text, route, regulator_text, status, authority,
     monitored, monitored_reason, override) = record
    if len(settings) == 1:
        _, _, town, postcode = settings[0]
        towns, postcodes = town or "", postcode or ""
    else:
        towns = ", ".join(sorted({s[2] for s in settings if s[2]}))
        postcodes = ", ".join(sorted({s[3] for s in settings if s[3]}))
    row = _new_row(ProviderRow)
    _set_fields(row, "__dict__", {
        "id": provider_id, "name": name, "urn": urn, "service_type": _SERVICE_TYPES[kind_text],
        "organisation": organisation, "judgement": _JUDGEMENTS.get(judgement_text) if judgement_text else None,
        "tier": _tier(kind_text, route, regulator_text, judgement_text, override),
        "towns": towns, "postcodes": postcodes, "settings": len(settings), "registration_status": status,
        "due": context.due.get(provider_id) if context is not None else None,
        "risk": context.risk.get(provider_id, Rag.NONE) if context is not None else None,
        "sanctions": context.sanctions.get(provider_id, ()) if context is not None else (),
        "local_authority": authority, "monitored": bool(monitored), "monitored_reason": monitored_reason,
        "search_text": haystack})
    return row
