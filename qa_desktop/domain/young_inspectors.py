"""Young Inspectors as people the team works with: why a form was withdrawn, and how each of them
likes to read.

The scrutiny report's risk table offers a Young Inspector an opt-out, and sometimes none is free on
the day: either way the form is withdrawn by an officer with the reason (``WithdrawalReason``), so
the visit can complete, and the report says a Young Inspector was due but did not take part.

Reading comfort (issue 21): a tinted background, a clearer or larger font and more space between
lines help many readers, dyslexic readers especially (the British Dyslexia Association's style
guide: cream or soft pastel backgrounds, sans-serif fonts such as Verdana or Comic Sans, 1.5 line
spacing). The choices are few and named in words; each Young Inspector's are kept with them, so
they are the same on any laptop the next time.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class WithdrawalReason(enum.StrEnum):
    OPTED_OUT = "opted_out"
    UNAVAILABLE = "unavailable"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"opted_out": "The Young Inspector chose not to take part (opt-out)",
                "unavailable": "No Young Inspector was available",
                "other": "Another reason (say which)"}[self.value]

    @property
    def in_report(self) -> str:
        """How the visit report says it: about the visit, never about the young person's reasons."""
        return {"opted_out": "they chose not to take part",
                "unavailable": "no Young Inspector was available on the day",
                "other": "the form was withdrawn"}[self.value]


class Tint(enum.StrEnum):
    NONE = "none"
    CREAM = "cream"
    BLUE = "blue"
    GREEN = "green"
    PINK = "pink"
    YELLOW = "yellow"

    @property
    def label(self) -> str:
        return {"none": "No tint (white)", "cream": "Cream", "blue": "Soft blue", "green": "Soft green",
                "pink": "Soft pink", "yellow": "Soft yellow"}[self.value]

    @property
    def colour(self) -> str | None:
        return {"none": None, "cream": "#FBF5E6", "blue": "#DDEBF7", "green": "#E2F0D9", "pink": "#F8E1EA",
                "yellow": "#FFF7C2"}[self.value]


class Typeface(enum.StrEnum):
    STANDARD = "standard"
    WIDE = "wide"
    INFORMAL = "informal"

    @property
    def label(self) -> str:
        return {"standard": "Standard", "wide": "Wide and clear (Verdana)",
                "informal": "Hand-written style"}[self.value]

    @property
    def families(self) -> tuple[str, ...]:
        """Font families to try, in order (what a Windows laptop has first, then what Linux has)."""
        return {"standard": (), "wide": ("Verdana", "DejaVu Sans"),
                "informal": ("Comic Sans MS", "Comic Neue", "DejaVu Sans")}[self.value]


#: Text size, as a percentage of the Young Inspector screen's own (already large) size.
TEXT_SIZES = (100, 125, 150, 200)
#: Space between lines, as a percentage of the font's height.
LINE_SPACINGS = (100, 150, 200)


@dataclass(frozen=True)
class Comfort:
    """How one Young Inspector likes to read."""

    tint: Tint = Tint.NONE
    typeface: Typeface = Typeface.STANDARD
    text_size: int = 100
    line_spacing: int = 100

    def __post_init__(self) -> None:
        if self.text_size not in TEXT_SIZES:
            raise ValueError(f"Text size must be one of {', '.join(f'{s}%' for s in TEXT_SIZES)}.")
        if self.line_spacing not in LINE_SPACINGS:
            raise ValueError(f"Line spacing must be one of {', '.join(f'{s}%' for s in LINE_SPACINGS)}.")
