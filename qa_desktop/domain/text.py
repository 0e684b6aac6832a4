"""Normalising free text from spreadsheets and regulator files before matching it to a rule."""

from __future__ import annotations

import re

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})
_NON_WORD = re.compile(r"[^a-z0-9+]+")

#: Values that public data sets put in a cell to say "there is nothing here for you".
BLANK_MARKERS = frozenset({"", "null", "none", "n/a", "na", "redacted", "-", "--", "not applicable"})


def fold(text: str) -> str:
    """Lower-case, curly apostrophes and punctuation folded, so "Children’s Home" == "children's home"."""
    text = text.translate(_APOSTROPHES).lower().replace("'", "")
    return _NON_WORD.sub(" ", text).strip()


def is_blank(value: str | None) -> bool:
    """True for empty cells and for the placeholders (NULL, REDACTED, ...) that mean the same."""
    return value is None or value.strip().lower() in BLANK_MARKERS
