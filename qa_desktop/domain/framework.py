"""The framework's figures as one value a council can change: how often each service type is visited
(Figure 2) and has its documents reviewed (Figure 1), the Figure 6 bands that turn a year's QA
cases into a risk rating, and the Figure 8 action timescales.

The built-in framework is Medway's (``MEDWAY``: the constants of ``schedule``, ``compliance``,
``risk`` and ``timescales``, where each figure is quoted). Another council (the scrutiny report
names Jersey and the Regional Care Co-operative) keeps its own figures in its council settings
(``services.council``), synced to the whole team, and validated here: ``Framework.from_dict`` says
what is wrong in one sentence naming the field (``figure_2.residential``), never a traceback.

The stored form is plain data (months, counts, hours) so it travels through sync as JSON and reads
in a YAML file: ``to_dict`` and ``from_dict`` round-trip. Unset service types have no routine visit
or review, as in the framework (Figure 2 lists six service types).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from qa_desktop.domain.compliance import FIGURE_1
from qa_desktop.domain.periods import Period
from qa_desktop.domain.risk import FIGURE_6_BANDS, Rag
from qa_desktop.domain.schedule import FIGURE_2
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.timescales import FIGURE_8, ActionTimescale, ConcernLevel

#: Longest visit or review cycle accepted: ten years (a longer one is a typing mistake).
MAX_MONTHS = 120
#: Longest action timescale accepted: a year, in hours.
MAX_HOURS = 24 * 366
MAX_CASES = 10_000


class FrameworkError(ValueError):
    """A framework's figures that cannot be used; the message names the field and says why."""


def period_of(months: int) -> Period:
    """A cycle of ``months`` in the framework's own words ("yearly", "3 monthly", "every 2 years")."""
    if months % 12 == 0:
        years = months // 12
        return Period(months, "yearly" if years == 1 else f"every {years} years")
    return Period(months, f"{months} monthly" if months in (2, 3, 4) else f"every {months} months")


def _hours_words(hours: int) -> str:
    if hours == 0:
        return "immediately"
    if hours % (24 * 7) == 0:
        weeks = hours // (24 * 7)
        return f"{weeks} week{'s' if weeks != 1 else ''}"
    if hours % 24 == 0 and hours > 48:
        days = hours // 24
        return f"{days} days"
    return f"{hours} hours"


def timescale_of(shortest_hours: int, longest_hours: int) -> ActionTimescale:
    """A Figure 8 window from hours, worded as the framework words it ("2-4 weeks", "24-48 hours")."""
    if longest_hours == 0:
        wording = "immediately"
    elif shortest_hours == longest_hours:
        wording = _hours_words(longest_hours)
    else:
        low, high = _hours_words(shortest_hours), _hours_words(longest_hours)
        same_unit = low.split(" ")[-1].rstrip("s") == high.split(" ")[-1].rstrip("s")
        wording = f"{low.split(' ')[0]}-{high}" if same_unit and shortest_hours else f"{low} to {high}"
    return ActionTimescale(dt.timedelta(hours=shortest_hours), dt.timedelta(hours=longest_hours), wording)


@dataclass(frozen=True)
class Framework:
    """A council's QA framework figures. Read with the methods; made with ``from_dict`` (checked)."""

    name: str
    visit_months: Mapping[ServiceType, int] = field(default_factory=dict)   # Figure 2
    review_months: Mapping[ServiceType, int] = field(default_factory=dict)  # Figure 1's frequency
    #: Figure 6: the lowest yearly count of QA cases rated LOW, MEDIUM and HIGH
    rag_from: tuple[int, int, int] = (1, 4, 10)
    #: Figure 8: (shortest, longest) hours to complete an action, by concern level
    action_hours: Mapping[ConcernLevel, tuple[int, int]] = field(default_factory=dict)

    def visit_frequency(self, service_type: ServiceType) -> Period | None:
        months = self.visit_months.get(service_type)
        return period_of(months) if months else None

    def review_frequency(self, service_type: ServiceType) -> Period | None:
        months = self.review_months.get(service_type)
        return period_of(months) if months else None

    def rag_for_case_count(self, count: int) -> Rag:
        if count < 0:
            raise ValueError("a case count cannot be negative")
        low, medium, high = self.rag_from
        return Rag.HIGH if count >= high else Rag.MEDIUM if count >= medium else Rag.LOW if count >= low else Rag.NONE

    def timescale(self, level: ConcernLevel) -> ActionTimescale:
        shortest, longest = self.action_hours[level]
        return timescale_of(shortest, longest)

    def action_due(self, level: ConcernLevel, raised_at: dt.datetime) -> dt.datetime:
        return self.timescale(level).due(raised_at)

    # -- the stored form ---------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "figure_1_review_months": {t.value: m for t, m in sorted(self.review_months.items())},
            "figure_2_visit_months": {t.value: m for t, m in sorted(self.visit_months.items())},
            "figure_6_rag_from": dict(zip(("low", "medium", "high"), self.rag_from, strict=True)),
            "figure_8_action_hours": {level.value: list(hours) for level, hours in self.action_hours.items()},
        }

    @classmethod
    def from_dict(cls, data: Any) -> Framework:
        """The figures in ``data`` (as ``to_dict`` writes them), checked; ``FrameworkError`` says what is wrong."""
        if not isinstance(data, Mapping):
            raise FrameworkError("The framework's figures must be a set of named values (name, figure_1_review_"
                                 "months, figure_2_visit_months, figure_6_rag_from, figure_8_action_hours).")
        known = {"name", "figure_1_review_months", "figure_2_visit_months", "figure_6_rag_from",
                 "figure_8_action_hours"}
        unknown = sorted(str(k) for k in data if k not in known)
        if unknown:
            raise FrameworkError(f"{unknown[0]}: not a figure of the framework (use {', '.join(sorted(known))}).")
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            raise FrameworkError("name: give the framework a name, e.g. \"Jersey QA framework 2027\".")
        reviews = _months(data.get("figure_1_review_months"), "figure_1_review_months")
        visits = _months(data.get("figure_2_visit_months"), "figure_2_visit_months")
        bands = _bands(data.get("figure_6_rag_from"))
        hours = _action_hours(data.get("figure_8_action_hours"))
        return cls(name.strip(), visits, reviews, bands, hours)


def _whole(value: Any, where: str, low: int, high: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise FrameworkError(f"{where}: {value!r} is not {what} ({low} to {high}).")
    return value


def _months(value: Any, where: str) -> dict[ServiceType, int]:
    if not isinstance(value, Mapping):
        raise FrameworkError(f"{where}: give months per service type, e.g. residential: 36.")
    found: dict[ServiceType, int] = {}
    for key, months in value.items():
        try:
            service_type = ServiceType(str(key))
        except ValueError:
            known = ", ".join(t.value for t in ServiceType)
            raise FrameworkError(f"{where}.{key}: not a service type (use {known}).") from None
        if months is None:  # no routine visit or review for this service type
            continue
        found[service_type] = _whole(months, f"{where}.{key}", 1, MAX_MONTHS, "a number of months")
    return found


def _bands(value: Any) -> tuple[int, int, int]:
    where = "figure_6_rag_from"
    if not isinstance(value, Mapping) or set(value) != {"low", "medium", "high"}:
        raise FrameworkError(f"{where}: give the lowest yearly count of QA cases rated low, medium and high, "
                             "e.g. low: 1, medium: 4, high: 10.")
    low = _whole(value["low"], f"{where}.low", 1, MAX_CASES, "a number of cases")
    medium = _whole(value["medium"], f"{where}.medium", 1, MAX_CASES, "a number of cases")
    high = _whole(value["high"], f"{where}.high", 1, MAX_CASES, "a number of cases")
    if not low < medium < high:
        raise FrameworkError(f"{where}: the bands must rise: low ({low}) below medium ({medium}) below high ({high}).")
    return low, medium, high


def _action_hours(value: Any) -> dict[ConcernLevel, tuple[int, int]]:
    where = "figure_8_action_hours"
    if not isinstance(value, Mapping):
        raise FrameworkError(f"{where}: give the shortest and longest hours per concern level, e.g. high: [24, 48].")
    missing = [level.value for level in ConcernLevel if level.value not in value]
    if missing:
        raise FrameworkError(f"{where}.{missing[0]}: missing (every concern level needs a timescale).")
    found: dict[ConcernLevel, tuple[int, int]] = {}
    for key, pair in value.items():
        try:
            level = ConcernLevel(str(key))
        except ValueError:
            raise FrameworkError(f"{where}.{key}: not a concern level (use low, medium, high, significant).") from None
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise FrameworkError(f"{where}.{key}: give two numbers of hours, the shortest and the longest.")
        shortest = _whole(pair[0], f"{where}.{key}", 0, MAX_HOURS, "a number of hours")
        longest = _whole(pair[1], f"{where}.{key}", 0, MAX_HOURS, "a number of hours")
        if shortest > longest:
            raise FrameworkError(f"{where}.{key}: the shortest ({shortest} hours) is longer than the longest "
                                 f"({longest} hours).")
        found[level] = (shortest, longest)
    order = [found[level][1] for level in ConcernLevel]
    if order != sorted(order, reverse=True):
        raise FrameworkError(f"{where}: a more serious concern cannot have longer to put right than a lesser one "
                             "(low, medium, high, significant: each no longer than the one before).")
    return found


def _hours(delta: dt.timedelta) -> int:
    return int(delta.total_seconds() // 3600)


#: The built-in framework: Medway's Children's Commissioning QA Framework, from the figures' constants.
MEDWAY = Framework(
    name="Medway Children's Commissioning QA Framework",
    visit_months={service_type: period.months for service_type, period in FIGURE_2.items()},
    review_months={service_type: row.frequency.months for service_type, row in FIGURE_1.items()},
    rag_from=(next(n for n, r in FIGURE_6_BANDS if r is Rag.LOW), next(n for n, r in FIGURE_6_BANDS if r is Rag.MEDIUM),
              next(n for n, r in FIGURE_6_BANDS if r is Rag.HIGH)),
    action_hours={level: (_hours(t.shortest), _hours(t.longest)) for level, t in FIGURE_8.items()},
)


def framework_in_force(stored: Any) -> Framework:
    """The figures in force from the council's stored value (``None`` or empty: the built-in ones). A
    value that does not check (refused when set; a synced value from a newer version) is not used:
    the built-in figures are."""
    if stored:
        try:
            return Framework.from_dict(stored)
        except FrameworkError:
            return MEDWAY
    return MEDWAY
