"""Regulators, contract routes and regulatory judgements (Sections 2-12 of the framework)."""

from __future__ import annotations

import enum
from functools import lru_cache

from qa_desktop.domain.text import fold, is_blank


class Regulator(enum.StrEnum):
    """Who registers and inspects a service. The framework names "Ofsted/CQC/Care Inspectorate"
    (Section 1) and "The Care Inspectorate (Wales and Scotland)" (Section 3); children placed out of
    England are also in Wales (Care Inspectorate Wales) and, as the scrutiny report's peer councils
    show, Jersey (Jersey Care Commission). ``CARE_INSPECTORATE`` keeps its stored value and means
    Scotland's."""

    OFSTED = "ofsted"
    CQC = "cqc"
    CARE_INSPECTORATE = "care_inspectorate"
    CARE_INSPECTORATE_WALES = "care_inspectorate_wales"
    JERSEY_CARE_COMMISSION = "jersey_care_commission"
    NONE = "none"

    @property
    def label(self) -> str:
        return _REGULATOR_LABELS[self]


_REGULATOR_LABELS = {
    Regulator.OFSTED: "Ofsted",
    Regulator.CQC: "CQC",
    Regulator.CARE_INSPECTORATE: "Care Inspectorate (Scotland)",
    Regulator.CARE_INSPECTORATE_WALES: "Care Inspectorate Wales",
    Regulator.JERSEY_CARE_COMMISSION: "Jersey Care Commission",
    Regulator.NONE: "None",
}

#: What a spreadsheet writes for each regulator (folded by ``fold``), beside the labels and codes.
REGULATOR_NAMES: dict[str, Regulator] = {
    "ofsted": Regulator.OFSTED,
    "office for standards in education childrens services and skills": Regulator.OFSTED,
    "cqc": Regulator.CQC,
    "care quality commission": Regulator.CQC,
    "care inspectorate": Regulator.CARE_INSPECTORATE,
    "care inspectorate scotland": Regulator.CARE_INSPECTORATE,
    "the care inspectorate": Regulator.CARE_INSPECTORATE,
    "ci": Regulator.CARE_INSPECTORATE,
    "care inspectorate wales": Regulator.CARE_INSPECTORATE_WALES,
    "ciw": Regulator.CARE_INSPECTORATE_WALES,
    "arolygiaeth gofal cymru": Regulator.CARE_INSPECTORATE_WALES,
    "jersey care commission": Regulator.JERSEY_CARE_COMMISSION,
    "jcc": Regulator.JERSEY_CARE_COMMISSION,
    "none": Regulator.NONE,
    "unregulated": Regulator.NONE,
    "not regulated": Regulator.NONE,
}
for _member in Regulator:
    REGULATOR_NAMES.setdefault(fold(_member.label), _member)
    REGULATOR_NAMES.setdefault(fold(_member.value), _member)


class ContractRoute(enum.StrEnum):
    """How the council buys the service: framework, spot, DPS (Sections 6-7), bespoke (Section 9)
    or unregulated (Section 10)."""

    FRAMEWORK = "framework"
    SPOT = "spot"
    DPS = "dps"
    BESPOKE = "bespoke"
    UNREGULATED = "unregulated"

    @property
    def label(self) -> str:
        return "DPS" if self is ContractRoute.DPS else self.value.capitalize()


class Judgement(enum.StrEnum):
    """The overall judgement of the latest full inspection, on the regulators' four-point scale."""

    OUTSTANDING = "outstanding"
    GOOD = "good"
    REQUIRES_IMPROVEMENT = "requires_improvement"
    INADEQUATE = "inadequate"
    NOT_YET_INSPECTED = "not_yet_inspected"

    @property
    def label(self) -> str:
        return _JUDGEMENT_LABELS[self]


_JUDGEMENT_LABELS = {
    Judgement.OUTSTANDING: "Outstanding",
    Judgement.GOOD: "Good",
    Judgement.REQUIRES_IMPROVEMENT: "Requires improvement",
    Judgement.INADEQUATE: "Inadequate",
    Judgement.NOT_YET_INSPECTED: "Not yet inspected",
}

_JUDGEMENT_ALIASES = {
    "outstanding": Judgement.OUTSTANDING,
    "good": Judgement.GOOD,
    "requires improvement": Judgement.REQUIRES_IMPROVEMENT,
    "requires improvement to be good": Judgement.REQUIRES_IMPROVEMENT,
    "ri": Judgement.REQUIRES_IMPROVEMENT,
    "inadequate": Judgement.INADEQUATE,
    "not yet inspected": Judgement.NOT_YET_INSPECTED,
    "not inspected": Judgement.NOT_YET_INSPECTED,
    "awaiting inspection": Judgement.NOT_YET_INSPECTED,
    "1": Judgement.OUTSTANDING,
    "2": Judgement.GOOD,
    "3": Judgement.REQUIRES_IMPROVEMENT,
    "4": Judgement.INADEQUATE,
}


class UnknownValue(ValueError):
    """A cell holds text that is not one of the values the field allows."""


@lru_cache(maxsize=512)  # a handful of wordings, one or two per row of an import
def parse_judgement(text: str | None) -> Judgement | None:
    """Judgement from Ofsted's wording ("Requires improvement to be good") or a 1-4 grade.

    Blank, NULL and REDACTED mean "no judgement given" and return None; anything else that is not
    a judgement raises ``UnknownValue`` so an import can say which row and cell is wrong.
    """
    if is_blank(text):
        return None
    found = _JUDGEMENT_ALIASES.get(fold(text or ""))
    if found is None:
        raise UnknownValue(f"{text!r} is not a judgement (Outstanding, Good, Requires improvement, Inadequate)")
    return found


def parse_regulator(text: str | None) -> Regulator | None:
    """The regulator a cell names; ``UnknownValue`` naming the ones there are for anything else.
    (A blank cell is "not given": ``None``, unlike the word "None", which is ``Regulator.NONE``.)"""
    if text is None or not text.strip() or (is_blank(text) and fold(text) not in REGULATOR_NAMES):
        return None
    found = REGULATOR_NAMES.get(fold(text))
    if found is None:
        known = ", ".join(r.label for r in Regulator)
        raise UnknownValue(f"{text!r} is not a regulator ({known})")
    return found


def parse_contract_route(text: str | None) -> ContractRoute | None:
    if is_blank(text):
        return None
    key = fold(text or "")
    for member in ContractRoute:
        if key == member.value:
            return member
    if key in ("dynamic purchasing system",):
        return ContractRoute.DPS
    raise UnknownValue(f"{text!r} is not a contract route (framework, spot, DPS, bespoke, unregulated)")
