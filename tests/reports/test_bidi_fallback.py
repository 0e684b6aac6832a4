"""The plain-Python bidi fallback (Windows on ARM, where python-bidi has no wheel) against python-bidi
itself: the same glyphs in the same visual order, line after line of mixed Arabic, Hebrew, Urdu,
Latin, digits, brackets and punctuation; and a report made with python-bidi missing."""

import random
import subprocess
import sys
import textwrap
import unicodedata

import pytest
from bidi import get_display as python_bidi
from hypothesis import given, settings
from hypothesis import strategies as st

from qa_desktop.reports.bidi_fallback import base_level, get_display

#: What officers and Young Inspectors type: letters of both directions, both kinds of digits, marks,
#: brackets (Latin and CJK), separators, joiners (Persian and Urdu use ZWNJ) and the direction marks.
ALPHABET = (list("abc DEF") + list("שלום") + list("مرحبا") + list("ہےپ\u06d4،") + list("0123") + list("٠١٢۱")
            + list(" ,.:-+%$#/()[]{}!?") + ["「", "」", "〈", "〉", "\u2329", "\u232a", "《", "》", "（", "）"]  # noqa: RUF001
            + ["\u200f", "\u200e", "\u200c", "\u200d", "\u064e", "\u05b4", "\u00ad"])


def glyphs(text: str) -> str:
    """What is drawn: boundary neutrals (joiners, soft hyphens) have no width, so where they sit
    in visual order shows nowhere (python-bidi and UAX #9's section 5.2 place them differently)."""
    return "".join(c for c in text if unicodedata.bidirectional(c) != "BN")


@pytest.mark.parametrize("line, base, expected", [
    ("abc (שלום) def", "R", "def )םולש( abc"),  # no mirroring (rule L4), as python-bidi
    ("مرحبا 123 world", None, "world 123 ابحرم"),
    ("1-2 שלום", "L", "1-2 םולש"),
    ("שלום 1-2", "L", "1-2 םולש"),
    ("abc  ", "R", "  abc"),  # trailing white space at the paragraph's end (rule L1)
    ("א (ב [c) d]", "R", "]d )c[ ב( א"),
    ("", "R", ""),
])
def test_known_lines(line, base, expected):
    options = {"base_dir": base} if base else {}
    assert get_display(line, **options) == expected == python_bidi(line, **options)


def test_the_paragraph_direction_is_that_of_its_first_strong_letter():
    assert base_level("123 שלום abc") == 1
    assert base_level("- abc שלום") == 0
    assert base_level("123 !") == 0


def test_thousands_of_random_lines_read_as_python_bidi_reads_them():
    rng = random.Random(20)
    for _ in range(1500):
        line = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 30)))
        for base in ("L", "R"):
            assert glyphs(get_display(line, base_dir=base)) == glyphs(python_bidi(line, base_dir=base)), (line, base)
        assert glyphs(get_display(line)) == glyphs(python_bidi(line)), line


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(ALPHABET), max_size=40), st.sampled_from(["L", "R"]))
def test_any_line_reads_as_python_bidi_reads_it(line, base):
    assert glyphs(get_display(line, base_dir=base)) == glyphs(python_bidi(line, base_dir=base))


@given(st.text(max_size=30), st.sampled_from(["L", "R"]))
@settings(max_examples=150, deadline=None)
def test_no_character_is_lost_or_added(line, base):
    """Whatever is typed (any code point, explicit embeddings included) is only reordered."""
    assert sorted(get_display(line, base_dir=base)) == sorted(line)


def test_a_report_without_python_bidi_uses_the_fallback(tmp_path):
    """With python-bidi missing (as on Windows on ARM) the report still lays Arabic out right to left."""
    script = textwrap.dedent("""
        import sys
        sys.modules["bidi"] = None  # import bidi now raises ImportError, as where it is not installed
        from qa_desktop.reports import text
        assert text.get_display.__module__ == "qa_desktop.reports.bidi_fallback", text.get_display.__module__
        lines = text.visual_lines("غرفة النوم نظيفة 12 abc", 1000, "DejaVuSans", 9)
        print(lines[0])
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, encoding="utf-8",
                          check=False)
    assert done.returncode == 0, done.stderr
    import arabic_reshaper

    shaped = arabic_reshaper.reshape("غرفة النوم نظيفة 12 abc")
    assert done.stdout.strip() == python_bidi(shaped, base_dir="R")
