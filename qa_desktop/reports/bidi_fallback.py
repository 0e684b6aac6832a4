"""Right-to-left lines put into visual order without ``python-bidi``: the fallback for Windows on ARM.

``python-bidi`` (0.5 and later) wraps a Rust crate and ships wheels for Windows x64, macOS and
Linux, but none for Windows on ARM, where pip would have to build it with a Rust toolchain no
council laptop has. So there it is not installed (a marker in ``pyproject.toml``) and reports use
this module instead: the Unicode Bidirectional Algorithm (UAX #9) for one line of typed text, the
rules python-bidi applies to such a line, and nothing more:

* W1-W7 (weak types), N0 (bracket pairs), N1-N2 (neutrals), I1-I2 (implicit levels), L1 (trailing
  white space and separators back to the paragraph level) and L2 (reversal of runs).
* Explicit embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) are not honoured
  (python-bidi honours them): nobody types them. They stay in the text, as neutral characters (the
  isolates) or boundary-neutral ones (the rest), so no character an officer typed is dropped.
* No mirroring (rule L4), as python-bidi does not mirror either, so a report reads the same on
  every laptop (``tests/reports/test_bidi_fallback.py`` compares the two on random text).

The character classes come from Python's own ``unicodedata``; a bracket pair is an opening
punctuation mark (``Ps``) and the closing one (``Pe``) after it in the code chart.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

_STRONG = {"L", "R", "AL"}
#: Neutral and isolate classes (rules N1, N2): "NI" in UAX #9.
_NEUTRAL = {"B", "S", "WS", "ON", "FSI", "LRI", "RLI", "PDI"}
#: Explicit embeddings and overrides: boundary neutrals here, like BN (rule X9, kept in place).
_EMBEDDING = {"LRE", "RLE", "LRO", "RLO", "PDF"}
_MAX_BRACKET_DEPTH = 63  # BD16


def _classes(text: str) -> list[str]:
    found = []
    for char in text:
        kind = unicodedata.bidirectional(char) or "L"  # unassigned code points are L (UAX #9 default)
        found.append("BN" if kind in _EMBEDDING else kind)
    return found


def base_level(text: str) -> int:
    """The paragraph's level from its first strong character (rules P2, P3): 1 right to left, 0 left to right."""
    for kind in _classes(text):
        if kind in ("R", "AL"):
            return 1
        if kind == "L":
            return 0
    return 0


def _closing_partner(char: str) -> str | None:
    """The closing bracket that pairs with ``char`` if it opens a pair (U+0028 -> U+0029, ``[`` -> ``]``)."""
    if unicodedata.category(char) != "Ps" or unicodedata.bidirectional(char) != "ON":
        return None
    for step in (1, 2):
        candidate = chr(ord(char) + step)
        if unicodedata.category(candidate) == "Pe":
            return candidate
    return None


def _canonical(char: str) -> str:
    """U+2329/U+232A and U+3008/U+3009 pair with each other (BD16 compares canonical equivalents)."""
    return unicodedata.normalize("NFD", char)


def _bracket_pairs(text: str, kinds: Sequence[str]) -> list[tuple[int, int]]:
    """Rule BD16: the paired brackets among the ON characters, sorted by their opening position."""
    stack: list[tuple[str, int]] = []
    pairs: list[tuple[int, int]] = []
    for index, char in enumerate(text):
        if kinds[index] != "ON":
            continue
        partner = _closing_partner(char)
        if partner is not None:
            if len(stack) == _MAX_BRACKET_DEPTH:
                return sorted(pairs)
            stack.append((_canonical(partner), index))
            continue
        if unicodedata.category(char) != "Pe":
            continue
        wanted = _canonical(char)
        for depth in range(len(stack) - 1, -1, -1):
            if stack[depth][0] == wanted:
                pairs.append((stack[depth][1], index))
                del stack[depth:]
                break
    return sorted(pairs)


def _strong_direction(kind: str) -> str | None:
    """For N0 and N1: L stays L, R and numbers count as R, anything else has no direction."""
    if kind == "L":
        return "L"
    if kind in ("R", "AL", "EN", "AN"):
        return "R"
    return None


def _resolve_weak(kinds: list[str], sos: str) -> None:
    """Rules W1-W7 on the whole line (one isolating run sequence: no embeddings are honoured)."""
    size = len(kinds)
    # W1: a non-spacing mark takes the type of what it follows (ON after an isolate), sos at the start
    previous = sos
    for i in range(size):
        if kinds[i] == "NSM":
            kinds[i] = "ON" if previous in ("LRI", "RLI", "FSI", "PDI") else previous
        previous = kinds[i]
    # W2: a European number after Arabic letters is an Arabic number
    last_strong = sos
    for i in range(size):
        if kinds[i] in _STRONG:
            last_strong = kinds[i]
        elif kinds[i] == "EN" and last_strong == "AL":
            kinds[i] = "AN"
    # W3
    for i in range(size):
        if kinds[i] == "AL":
            kinds[i] = "R"
    # W4: one separator between two numbers of the same kind
    for i in range(1, size - 1):
        before, here, after = kinds[i - 1], kinds[i], kinds[i + 1]
        if here == "ES" and before == after == "EN":
            kinds[i] = "EN"
        elif here == "CS" and before == after and before in ("EN", "AN"):
            kinds[i] = before
    # W5: terminators (%, currency signs) next to a European number are part of it
    i = 0
    while i < size:
        if kinds[i] != "ET":
            i += 1
            continue
        end = i
        while end < size and kinds[end] == "ET":
            end += 1
        if (i > 0 and kinds[i - 1] == "EN") or (end < size and kinds[end] == "EN"):
            kinds[i:end] = ["EN"] * (end - i)
        i = end
    # W6: separators and terminators left over are neutral
    for i in range(size):
        if kinds[i] in ("ES", "ET", "CS"):
            kinds[i] = "ON"
    # W7: a European number after a left-to-right letter is left to right
    last_strong = sos
    for i in range(size):
        if kinds[i] in ("L", "R"):
            last_strong = kinds[i]
        elif kinds[i] == "EN" and last_strong == "L":
            kinds[i] = "L"


def _resolve_brackets(text: str, original: Sequence[str], kinds: list[str], embedding: str, sos: str) -> None:
    """Rule N0: a bracket pair takes the embedding direction when the text inside has it, else the
    direction inside when the text before agrees with it, else the embedding direction."""
    for start, end in _bracket_pairs(text, kinds):
        inside = {_strong_direction(k) for k in kinds[start + 1:end]} - {None}
        if not inside:
            continue
        if embedding in inside:
            direction = embedding
        else:
            before = next((d for d in (_strong_direction(k) for k in reversed(kinds[:start])) if d), sos)
            direction = before if before != embedding else embedding
        for index in (start, end):
            kinds[index] = direction
            following = index + 1
            while following < len(kinds) and original[following] == "NSM":
                kinds[following] = direction
                following += 1


def _resolve_neutrals(kinds: list[str], embedding: str, sos: str, eos: str) -> None:
    """Rules N1 and N2: a run of neutrals between two things of one direction takes it, otherwise
    the embedding direction."""
    size = len(kinds)
    i = 0
    while i < size:
        if kinds[i] not in _NEUTRAL:
            i += 1
            continue
        end = i
        while end < size and kinds[end] in _NEUTRAL:
            end += 1
        before = _strong_direction(kinds[i - 1]) if i > 0 else sos
        after = _strong_direction(kinds[end]) if end < size else eos
        kinds[i:end] = [before if before == after and before else embedding] * (end - i)
        i = end


def levels(text: str, base: int) -> list[int]:
    """The resolved embedding level of each character of one line (rules W1-I2 and L1).

    Boundary neutrals (joiners, soft hyphens, the embedding codes) are set aside while the others
    are resolved (rule X9) and then take the level of the character before them (UAX #9, 5.2)."""
    every = _classes(text)
    kept = [i for i, kind in enumerate(every) if kind != "BN"]
    original = [every[i] for i in kept]
    visible = "".join(text[i] for i in kept)
    kinds = list(original)
    embedding = "R" if base % 2 else "L"
    _resolve_weak(kinds, embedding)
    _resolve_brackets(visible, original, kinds, embedding, embedding)
    _resolve_neutrals(kinds, embedding, embedding, embedding)
    resolved = [base] * len(text)
    for i, kind in zip(kept, kinds, strict=True):  # I1, I2
        if base % 2 == 0:
            resolved[i] = base + (1 if kind == "R" else 2 if kind in ("AN", "EN") else 0)
        else:
            resolved[i] = base + (1 if kind in ("L", "EN", "AN") else 0)
    for i, kind in enumerate(every):
        if kind == "BN" and i > 0:
            resolved[i] = resolved[i - 1]
    # L1: separators, and white space before them or at the end of the line, at the paragraph level
    # (python-bidi places a tab differently in some lines that mix directions around it)
    trailing = True
    for index in range(len(text) - 1, -1, -1):
        kind = every[index]
        if kind in ("S", "B"):
            resolved[index] = base
            trailing = True
        elif trailing and kind in ("WS", "FSI", "LRI", "RLI", "PDI"):
            resolved[index] = base
        elif kind != "BN":  # a boundary neutral keeps the level it took, as python-bidi does
            trailing = False
    return resolved


def reorder(text: str, resolved: Sequence[int]) -> str:
    """Rule L2: from the highest level down to the lowest odd one, reverse every run at or above it."""
    chars = list(text)
    order = list(range(len(chars)))
    if not resolved:
        return text
    highest = max(resolved)
    lowest_odd = min((level for level in resolved if level % 2), default=highest + 1)
    current = list(resolved)
    for level in range(highest, lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if current[i] < level:
                i += 1
                continue
            end = i
            while end < len(order) and current[end] >= level:
                end += 1
            order[i:end] = reversed(order[i:end])
            current[i:end] = reversed(current[i:end])
            i = end
    return "".join(chars[index] for index in order)


def get_display(text: str, base_dir: str | None = None) -> str:
    """``text`` (one line) in visual order, as ``bidi.get_display``: ``base_dir`` "L", "R", or None
    for the direction of the first strong letter."""
    base = {"L": 0, "R": 1}[base_dir] if base_dir else base_level(text)
    return reorder(text, levels(text, base))
