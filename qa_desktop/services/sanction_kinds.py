"""The kinds of sanction in force (Section 12), and which a provider has, from plain rows.

Kept apart from ``services.sanctions`` (which reads them with SQLAlchemy, and makes the list and
its exports) so that the register's first look (``services.register_first_look``, read before
SQLAlchemy is imported) turns the same rows into the same sanctions by the same functions.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from qa_desktop.domain.oversight import AlertKind, EmbargoScope, PlanKind, is_active


class Sanction(enum.StrEnum):
    EMBARGO_PROVIDER = "Embargo on provider/agency"
    EMBARGO_PROPERTY = "Embargo on specific property"
    EMBARGO_FOSTER_CARERS = "Embargo on foster carers"
    ACTION_PLAN = "Action plan"
    REGULATORY_ACTION_PLAN = "Regulatory action plan"
    POOR_JUDGEMENT_RESTRICTION = "Poor judgement/restriction"
    CEASED_OPERATING = "Ceased operating"


_EMBARGO_SANCTION = {EmbargoScope.PROVIDER: Sanction.EMBARGO_PROVIDER, EmbargoScope.PROPERTY: Sanction.EMBARGO_PROPERTY,
                     EmbargoScope.FOSTER_CARER: Sanction.EMBARGO_FOSTER_CARERS}
_SANCTION_ORDER = tuple(Sanction)
_SANCTION_RANK = {sanction: rank for rank, sanction in enumerate(_SANCTION_ORDER)}
_SANCTION_WORDS = {sanction: sanction.value for sanction in _SANCTION_ORDER}  # an enum's .value is slow in a loop
_QA_PLAN, _TERMINATION = PlanKind.QA.value, AlertKind.TERMINATION.value  # (so is a member's lookup)


def embargo_lines(rows: Iterable[tuple[Any, ...]], today: dt.date) -> list[tuple[str, Sanction]]:
    """(provider id, scope, start, end) of embargoes begun by ``today``: those in force."""
    return [(owner, _EMBARGO_SANCTION[EmbargoScope(scope)]) for owner, scope, start_on, end_on in rows
            if is_active(start_on, end_on, today)]


def plan_lines(rows: Iterable[tuple[Any, ...]]) -> list[tuple[str, Sanction]]:
    """(provider id, kind) of the action plans not removed."""
    return [(owner, Sanction.ACTION_PLAN if kind == _QA_PLAN else Sanction.REGULATORY_ACTION_PLAN)
            for owner, kind in rows]


def alert_lines(rows: Iterable[tuple[Any, ...]], terminated: set[str]) -> list[tuple[str, Sanction]]:
    """(provider id, kind as stored) of the open alerts that are not a lifting; adds the
    providers whose registration was terminated to ``terminated``."""
    lines: list[tuple[str, Sanction]] = []
    restriction, ceased = Sanction.POOR_JUDGEMENT_RESTRICTION, Sanction.CEASED_OPERATING
    for owner, kind in rows:
        if kind == _TERMINATION:
            terminated.add(owner)
            lines.append((owner, ceased))
        else:
            lines.append((owner, restriction))
    return lines


def ceased_lines(owners: Iterable[str], terminated: set[str]) -> list[tuple[str, Sanction]]:
    """Providers recorded as ceased operating by today, but for those a termination already lists."""
    return [(owner, Sanction.CEASED_OPERATING) for owner in owners if owner not in terminated]


def sanction_kinds(lines: Iterable[tuple[str, Sanction]]) -> dict[str, tuple[str, ...]]:
    """Each provider's sanctions in force, in words, each kind once, in the list's order."""
    kinds: dict[str, set[Sanction]] = defaultdict(set)
    for provider_id, sanction in lines:
        kinds[provider_id].add(sanction)
    return {provider_id: tuple(_SANCTION_WORDS[s] for s in sorted(found, key=_SANCTION_RANK.__getitem__))
            if len(found) > 1 else (_SANCTION_WORDS[next(iter(found))],) for provider_id, found in kinds.items()}
