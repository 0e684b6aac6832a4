"""Ofsted unique reference numbers: ``SC123456`` for social care settings, 7 digits for others.

Kept as text, never as a number: a spreadsheet that turned ``1234567`` into ``1234567.0`` or
dropped a leading zero would otherwise corrupt the one key imports match on.
"""

from __future__ import annotations

import re

_URN = re.compile(r"^(?:[A-Z]{2}\d{6}|\d{6,7})$")
_SPACE = re.compile(r"\s+")
_WHOLE_AS_DECIMAL = re.compile(r"\d+\.0+")  # a spreadsheet's 1234567.0
#: A URN already as ``normalise_urn`` gives it (as nearly every one of a file is): nothing to undo.
_PLAIN_URN = re.compile(r"[A-Z]{2}\d{6}|\d{6,7}")


class InvalidUrn(ValueError):
    pass


def is_normal_urn(text: str) -> bool:
    """Whether ``text`` is a URN as ``normalise_urn`` gives it (and so gives it back unchanged)."""
    return _PLAIN_URN.fullmatch(text) is not None


def normalise_urn(text: str) -> str:
    """Upper-cased, spaces removed, a spreadsheet's trailing ``.0`` undone; raises ``InvalidUrn``."""
    if _PLAIN_URN.fullmatch(text):  # (no space, lower case or ".0" in it: it is its own normal form)
        return text
    value = _SPACE.sub("", text).upper()  # compiled once: an import normalises two per row
    if _WHOLE_AS_DECIMAL.fullmatch(value):
        value = value.split(".")[0]
    if not _URN.match(value):
        raise InvalidUrn(f"URN {text.strip()!r} is not an Ofsted URN (two letters and 6 digits, "
                         f"such as SC123456, or 6-7 digits)")
    return value


def normalise_postcode(text: str) -> str:
    """UK postcode in its usual form (``ME4 4TR``): upper case, one space before the inward code."""
    compact = _SPACE.sub("", text).upper()
    if len(compact) > 3:
        return f"{compact[:-3]} {compact[-3:]}"
    return compact
