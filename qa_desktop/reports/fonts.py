"""The embedded fonts, shipped with their licences in ``qa_desktop/resources/fonts`` so names such as
Zoë, Łukasz and Siobhán, and notes in the scripts a council's children and families write in, print
the same on every machine, installed fonts or not (ReportLab's built-in Helvetica has no glyphs
beyond Latin-1; an empty box or a dropped letter in a report is a finding lost).

- **DejaVu Sans** (regular and bold): Latin (Polish, Romanian, Irish...), Greek, Cyrillic.
- **Noto Sans** Bengali, Gurmukhi (Punjabi), Gujarati, Tamil and Ethiopic (Tigrinya, Amharic), and
  **Noto Naskh Arabic** (Arabic, Urdu, Persian): from Debian's ``fonts-noto-core``, SIL OFL 1.1.
  Urdu is printed in Naskh, which every Urdu reader reads, rather than Nastaliq: Noto Nastaliq Urdu
  relies on vertical glyph positioning that a PDF text line cannot express reliably.
- **Droid Sans Fallback**: Chinese, Japanese and Korean.

Every font is a TrueType (glyf) font, which ReportLab embeds as a subset of the glyphs used, so a
report in six scripts stays small. ``font_for`` says which font draws a character; ``SHAPED`` names
the fonts whose text must go through HarfBuzz (``reports.shaping``): scripts whose letters join,
reorder or stack, which a PDF cannot draw one character at a time.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import SUBSETN, TTFont

from qa_desktop.paths import resources_dir

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
FALLBACK = "DroidSansFallback"
BENGALI = "NotoSansBengali"
GURMUKHI = "NotoSansGurmukhi"
GUJARATI = "NotoSansGujarati"
TAMIL = "NotoSansTamil"
ETHIOPIC = "NotoSansEthiopic"
ARABIC = "NotoNaskhArabic"

_FILES = {
    REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf", FALLBACK: "DroidSansFallback.ttf",
    BENGALI: "NotoSansBengali-Regular.ttf", GURMUKHI: "NotoSansGurmukhi-Regular.ttf",
    GUJARATI: "NotoSansGujarati-Regular.ttf", TAMIL: "NotoSansTamil-Regular.ttf",
    ETHIOPIC: "NotoSansEthiopic-Regular.ttf", ARABIC: "NotoNaskhArabic-Regular.ttf",
}

#: Unicode blocks drawn by a script's own font, whatever the primary font covers (DejaVu has
#: Arabic letters too, but not all of Urdu's and Persian's, and it does not join them as Naskh does).
_SCRIPTS: tuple[tuple[int, int, str], ...] = (
    (0x0600, 0x06FF, ARABIC), (0x0750, 0x077F, ARABIC), (0x08A0, 0x08FF, ARABIC),
    (0xFB50, 0xFDFF, ARABIC), (0xFE70, 0xFEFF, ARABIC),
    (0x0980, 0x09FF, BENGALI), (0x0A00, 0x0A7F, GURMUKHI), (0x0A80, 0x0AFF, GUJARATI),
    (0x0B80, 0x0BFF, TAMIL), (0x11FC0, 0x11FFF, TAMIL),
    (0x1200, 0x139F, ETHIOPIC), (0x2D80, 0x2DDF, ETHIOPIC), (0xAB00, 0xAB2F, ETHIOPIC),
)

#: Fonts whose runs are shaped by HarfBuzz: letters that join (Arabic) or reorder and stack (Indic).
SHAPED = frozenset({BENGALI, GURMUKHI, GUJARATI, TAMIL, ARABIC})

#: Danda and double danda (Devanagari block) end sentences in Bengali, Gurmukhi and Gujarati too.
_SHARED_INDIC = {0x0964, 0x0965}


class ShapingFont(TTFont):
    """A TrueType font whose joined glyphs read back as the letters they join.

    HarfBuzz can substitute a glyph that no character maps to (Arabic's lam-alef); ReportLab gives it
    a private-use code, which would read back as nothing. ``pua_text`` records, for each such code,
    the letters it was shaped from, and the font's ToUnicode map is written with them."""

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename)
        self.pua_text: dict[int, str] = {}

    def addObjects(self, doc: pdfdoc.PDFDocument) -> None:  # noqa: N802 (ReportLab's name)
        state = self.state.get(doc)
        subsets = [list(subset) for subset in state.subsets] if state is not None else []
        super().addObjects(doc)
        for number, subset in enumerate(subsets):
            if not any(code in self.pua_text for code in subset):
                continue
            base = b"".join((SUBSETN(number), b"+", self.face.name, self.face.subfontNameX)).decode("pdfdoc")
            stream = doc.idToObject["toUnicodeCMap:" + base]
            assert isinstance(stream, pdfdoc.PDFStream)
            stream.content = _to_unicode(base, [self.pua_text.get(code, chr(code)) for code in subset])


def utf16_hex(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def _to_unicode(name: str, texts: list[str]) -> str:
    """A ToUnicode CMap mapping each code of a subset to its text (one or more characters)."""
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        f"/CIDSystemInfo << /Registry ({name}) /Ordering ({name}) /Supplement 0 >> def",
        f"/CMapName /{name} def", "/CMapType 2 def",
        "1 begincodespacerange", f"<00> <{len(texts) - 1:02X}>", "endcodespacerange",
        f"{len(texts)} beginbfchar", *(f"<{i:02X}> <{utf16_hex(t)}>" for i, t in enumerate(texts)), "endbfchar",
        "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"])


def register_fonts() -> None:
    """Register the text fonts with ReportLab once (safe to call again). The others are read from
    disk the first time a character needs them (``covered``): most reports are in English, and
    loading a font costs tens of milliseconds (Droid Sans Fallback's 3 MB more)."""
    if BOLD in pdfmetrics.getRegisteredFontNames():
        return
    _register(REGULAR)
    _register(BOLD)
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)


def _register(name: str) -> None:
    if name not in pdfmetrics.getRegisteredFontNames():
        kind = ShapingFont if name in SHAPED else TTFont
        pdfmetrics.registerFont(kind(name, str(resources_dir() / "fonts" / _FILES[name])))


@cache
def covered(font_name: str) -> frozenset[int]:
    """The characters a font has glyphs for (registering the font on first use)."""
    register_fonts()
    _register(font_name)
    font = pdfmetrics.getFont(font_name)
    assert isinstance(font, TTFont), font_name  # the report's fonts are all ours, all TrueType
    return frozenset(font.face.charToGlyph)


def script_font(char: str) -> str | None:
    """The font of the script ``char`` belongs to, if it is one drawn by a script font."""
    code = ord(char)
    for low, high, font in _SCRIPTS:
        if low <= code <= high:
            return font
    return None


def font_for(char: str, primary: str, previous: str | None = None) -> str | None:
    """The font that draws ``char`` in text set in ``primary``; ``previous``: the font of the
    character before it. ``None``: no embedded font has it (the caller prints its code instead,
    never the empty ".notdef" box, which PDF/A forbids and which reads as nothing).

    Combining marks, joiners and sentence marks stay with the letter before them when its font has
    them (a Bengali vowel sign belongs to the Bengali run, whatever DejaVu also covers)."""
    code = ord(char)
    if previous is not None and (unicodedata.category(char) in ("Mn", "Mc", "Me") or code in (0x200C, 0x200D)
                                 or code in _SHARED_INDIC) and code in covered(previous):
        return previous
    own = script_font(char)
    if own is not None and code in covered(own):
        return own
    if code in covered(primary):
        return primary
    for other in (FALLBACK, REGULAR, *sorted(SHAPED), ETHIOPIC):
        if code in covered(other):
            return other
    return None
