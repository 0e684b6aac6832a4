"""The council's letterhead at the top of a report's cover and of a letter: its name and service on
the left with the sender's address block under them, its logo on the right (issue 20, point 4).

The name, service, address block and logo come from the council's settings (``services.council.
branding``); without a logo or an address block the letterhead is the name and service alone, as
before. The logo is drawn as an RGB JPEG flattened onto white: the reports are PDF/A-2b and the
canvas takes RGB colour only (``reports.archival``), and a council's PNG may be a palette or
greyscale picture with transparency.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image as PILImage
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table, TableStyle
from reportlab.platypus import Image as RLImage

from qa_desktop.reports.pages import BASE_FONT
from qa_desktop.reports.pages import p as para

#: The largest the logo is drawn: a letterhead's corner, not a poster.
LOGO_WIDTH_MM = 45.0
LOGO_HEIGHT_MM = 22.0


def logo_jpeg(logo: bytes) -> tuple[bytes, int, int]:
    """The logo as an RGB JPEG on white, with its size in pixels; ``ValueError`` if it cannot be read."""
    try:
        with PILImage.open(io.BytesIO(logo)) as picture:
            picture.load()
            rgba = picture.convert("RGBA")
    except (OSError, PILImage.DecompressionBombError) as error:
        raise ValueError(f"the council's logo cannot be read ({type(error).__name__})") from None
    flat = PILImage.new("RGB", rgba.size, (255, 255, 255))
    flat.paste(rgba, mask=rgba.getchannel("A"))
    out = io.BytesIO()
    flat.save(out, "JPEG", quality=92)
    return out.getvalue(), flat.width, flat.height


def logo_size_mm(width: int, height: int) -> tuple[float, float]:
    """The logo's drawn size: as large as fits ``LOGO_WIDTH_MM`` x ``LOGO_HEIGHT_MM``, its shape kept."""
    scale = min(LOGO_WIDTH_MM / width, LOGO_HEIGHT_MM / height)
    return width * scale, height * scale


def letterhead(council_name: str, service_name: str, address_block: Sequence[str], logo: bytes | None,
               s: dict[str, ParagraphStyle], *, width_mm: float = 170.0) -> list[Flowable]:
    """The letterhead's flowables; a logo that cannot be read is left out (the words still say who)."""
    words: list[Flowable] = [para(council_name, s["council"]), para(service_name, s["body"])]
    if address_block:
        words.append(para("\n".join(address_block), s["small"]))
    picture: Flowable | None = None
    if logo:
        try:
            jpeg, width, height = logo_jpeg(logo)
        except ValueError:
            picture = None
        else:
            drawn_w, drawn_h = logo_size_mm(width, height)
            picture = RLImage(io.BytesIO(jpeg), width=drawn_w * mm, height=drawn_h * mm)
            picture.hAlign = "RIGHT"
    if picture is None:
        return words
    head = Table([[words, picture]], colWidths=[(width_mm - LOGO_WIDTH_MM - 5) * mm, (LOGO_WIDTH_MM + 5) * mm])
    head.setStyle(TableStyle([BASE_FONT, ("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                              ("LEFTPADDING", (0, 0), (0, 0), 0), ("RIGHTPADDING", (1, 0), (1, 0), 0)]))
    return [head]
