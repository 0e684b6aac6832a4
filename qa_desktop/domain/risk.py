"""Provider risk: Figure 6 (RAG from the yearly count of QA cases) and Figure 7 (IFA risk flags).

Figure 6 as printed:   0 -> (none), 1-4 -> LOW, 4-10 -> MEDIUM, 10+ -> HIGH.
The bands overlap at 4 and at 10. The reading taken here: **each band starts at its first
number**, so 1-3 is LOW, 4-9 MEDIUM and 10 or more HIGH. Reasons: "10+" can only mean "10 or
more", so 10 must be HIGH, and reading "4-10" the same way makes 4 MEDIUM; and where the table is
ambiguous the higher rating errs on the side of oversight, which is what a safeguarding service
wants. Figure 6's own caveat stands: a single significant concern is reviewed case by case,
whatever the count (``rag_for_year(..., significant_concern=True)`` gives HIGH).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qa_desktop.domain.timescales import ConcernLevel

if TYPE_CHECKING:  # framework.py builds the built-in MEDWAY from FIGURE_6_BANDS
    from qa_desktop.domain.framework import Framework


class Rag(enum.StrEnum):
    NONE = "none"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def label(self) -> str:
        return "No cases" if self is Rag.NONE else self.value.upper()

    @property
    def rank(self) -> int:
        return list(Rag).index(self)


#: Figure 6 with the reading above: (lowest count of the band, rating), highest band first.
FIGURE_6_BANDS: tuple[tuple[int, Rag], ...] = ((10, Rag.HIGH), (4, Rag.MEDIUM), (1, Rag.LOW), (0, Rag.NONE))


def rag_for_case_count(count: int, figures: Framework | None = None) -> Rag:
    """Figure 6: the RAG rating of a provider with ``count`` QA cases in one calendar year, by the
    council's bands (``figures``), else Medway's built-in ones."""
    if figures is not None:
        return figures.rag_for_case_count(count)
    if count < 0:
        raise ValueError("a case count cannot be negative")
    for lowest, rating in FIGURE_6_BANDS:
        if count >= lowest:
            return rating
    raise AssertionError("unreachable: the last band starts at 0")


def rag_for_year(count: int, *, significant_concern: bool = False, figures: Framework | None = None) -> Rag:
    """Figure 6 plus its caveat: a significant safeguarding or quality concern means HIGH."""
    return Rag.HIGH if significant_concern else rag_for_case_count(count, figures)


class IfaConcern(enum.StrEnum):
    """What is known in one Figure 7 area, in the framework's words."""

    NONE = "no current concerns"
    LOW_LEVEL = "low-level concerns"
    IDENTIFIED = "a concern has been identified"
    SIGNIFICANT = "significant concerns"


class IfaArea(enum.StrEnum):
    """The three areas the joint Kent and Medway IFA framework flags (Section 12)."""

    PERFORMANCE_PRACTICE = "Performance/Practice"
    SAFEGUARDING = "Safeguarding"
    CONTRACT_COMPLIANCE = "Contract Compliance"


def ifa_flag(concern: IfaConcern, embargo_issued: bool) -> Rag:
    """Figure 7: LOW for none or low-level concerns, MEDIUM for a concern without an embargo,
    HIGH for significant concerns or an embargo issued."""
    if embargo_issued or concern is IfaConcern.SIGNIFICANT:
        return Rag.HIGH
    if concern is IfaConcern.IDENTIFIED:
        return Rag.MEDIUM
    return Rag.LOW


@dataclass(frozen=True)
class IfaRiskFlags:
    """Figure 7 for one IFA: a flag per area; the provider's flag is the highest of the three."""

    performance_practice: Rag
    safeguarding: Rag
    contract_compliance: Rag

    @classmethod
    def assess(cls, concerns: dict[IfaArea, IfaConcern], embargo_issued: bool) -> IfaRiskFlags:
        def flag(area: IfaArea) -> Rag:
            return ifa_flag(concerns.get(area, IfaConcern.NONE), embargo_issued)

        return cls(flag(IfaArea.PERFORMANCE_PRACTICE), flag(IfaArea.SAFEGUARDING), flag(IfaArea.CONTRACT_COMPLIANCE))

    @property
    def overall(self) -> Rag:
        return max((self.performance_practice, self.safeguarding, self.contract_compliance), key=lambda r: r.rank)


class VisitRag(enum.StrEnum):
    """The RAG judgement of one visit, on the front of its report.

    The framework rates providers (Figures 6 and 7) but not a single visit, so this reading ties the
    visit's colour to the urgency Figure 8 gives its worst finding: RED when an action must be put
    right within 48 hours or at once (HIGH or SIGNIFICANT), AMBER when something was not met or an
    action has weeks to run (LOW or MEDIUM), GREEN when everything checked was met or not applicable.
    """

    GREEN = "green"
    AMBER = "amber"
    RED = "red"

    @property
    def label(self) -> str:
        return self.value.upper()

    @property
    def meaning(self) -> str:
        return {"green": "everything checked was met or not applicable, and no actions were raised",
                "amber": "some standards were not met; actions are due within weeks (Figure 8: LOW or MEDIUM)",
                "red": "urgent actions are due within 48 hours or immediately (Figure 8: HIGH or SIGNIFICANT)",
                }[self.value]


def visit_rag(not_met: int, action_levels: list[ConcernLevel]) -> VisitRag:
    if any(level in (ConcernLevel.HIGH, ConcernLevel.SIGNIFICANT) for level in action_levels):
        return VisitRag.RED
    if not_met or action_levels:
        return VisitRag.AMBER
    return VisitRag.GREEN
