"""PDF/A-2b for the reports and letters QA Desktop writes (the team keeps them five years, Section 11).

ReportLab (the open-source library) writes plain PDF; what PDF/A-2b (ISO 19005-2, level B) asks
on top, and where each is done:

- **Fonts embedded, none referenced without its program.** Every font is an embedded TrueType
  subset (``reports.fonts``); the canvas starts in DejaVu Sans rather than Helvetica, which
  ReportLab otherwise names (unembedded) in every page's preamble. Subset fonts carry one cmap
  encoding and no /Encoding entry, as PDF/A asks of symbolic TrueType fonts; no text ever uses
  the .notdef glyph (``reports.shaping`` prints an uncovered character's code instead).
- **Colour.** An output intent with an sRGB ICC profile (made by LittleCMS through Pillow, so no
  profile file with its own licence is shipped); the canvas refuses anything but RGB colour.
- **Metadata.** An XMP packet, unfiltered, that says title, author, subject, keywords, language,
  producer and dates exactly as the document information dictionary does, and declares
  ``pdfaid:part 2, conformance B``; the catalog's /Lang.
- **Dates** come from the workspace clock (``qa_desktop.clock``), not ReportLab's own, so the
  information dictionary and the XMP packet agree to the second and tests are repeatable.

**Not done: tagging.** ReportLab's open-source library cannot write a structure tree (tagged PDF,
PDF/UA); only its commercial edition can. Reports are therefore PDF/A-2b, not 2a or 2u, and a
screen-reader user is given the Word copy (``reports.word``), whose headings, tables and image
descriptions are real Word structure (and Word's "Save as PDF" makes a tagged PDF of it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from xml.sax.saxutils import escape

from PIL import ImageCms
from reportlab.pdfbase.pdfdoc import PDFArray, PDFCatalog, PDFDictionary, PDFName, PDFStream, PDFString
from reportlab.pdfgen.canvas import Canvas

#: ReportLab's information dictionary names the library; the XMP packet must say the same.
PRODUCER = "ReportLab PDF Library - (opensource)"
CREATOR = "QA Desktop"
LANGUAGE = "en-GB"


@dataclass(frozen=True)
class Metadata:
    """What a document says about itself, in its information dictionary and its XMP packet."""

    title: str
    author: str
    subject: str
    keywords: str
    made_at: dt.datetime  # timezone-aware, from the workspace clock
    language: str = LANGUAGE


@cache
def srgb_profile() -> bytes:
    """An sRGB ICC profile, made by LittleCMS from the standard's own parameters.

    LittleCMS writes it as ICC version 4.4; PDF/A-2 cites ISO 15076-1 (version 4.2), and the tags a
    built-in sRGB profile holds (description, copyright, white point, adaptation, colorants, curves,
    chromaticities) are the same in both, so the header says 4.2. The profile carries no ID
    checksum (LittleCMS leaves it zero), which the change would otherwise break."""
    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    assert data[36:40] == b"acsp" and not any(data[84:100]), "an sRGB profile as LittleCMS makes it"
    data[8:12] = bytes([0x04, 0x20, 0x00, 0x00])
    return bytes(data)


def _xmp_date(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds")


def xmp_packet(meta: Metadata) -> bytes:
    """The XMP metadata packet (PDF/A-2 section 6.6), saying what the information dictionary says."""
    e = escape
    when = _xmp_date(meta.made_at)
    body = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <pdfaid:part>2</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{e(meta.title)}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{e(meta.author)}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{e(meta.subject)}</rdf:li></rdf:Alt></dc:description>
   <dc:language><rdf:Bag><rdf:li>{e(meta.language)}</rdf:li></rdf:Bag></dc:language>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
   <xmp:CreatorTool>{e(CREATOR)}</xmp:CreatorTool>
   <xmp:CreateDate>{when}</xmp:CreateDate>
   <xmp:ModifyDate>{when}</xmp:ModifyDate>
   <xmp:MetadataDate>{when}</xmp:MetadataDate>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
   <pdf:Producer>{e(PRODUCER)}</pdf:Producer>
   <pdf:Keywords>{e(meta.keywords)}</pdf:Keywords>
   <pdf:Trapped>False</pdf:Trapped>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return body.encode("utf-8")


class _Stamp:
    """ReportLab's timestamp, set from the workspace clock (it reads the wall clock by itself)."""

    def __init__(self, moment: dt.datetime) -> None:
        utc = moment.astimezone(dt.UTC)
        self.t = utc.timestamp()
        self.lt = utc.timetuple()
        self.YMDhms = tuple(utc.timetuple())[:6]
        self.dhh = self.dmm = 0
        self.tzname = "UTC"


def make_archival(canvas: Canvas, meta: Metadata) -> None:
    """Make the canvas's document PDF/A-2b: call before the canvas is saved."""
    doc = canvas._doc  # type: ignore[attr-defined]  # ReportLab keeps its document there, unannotated
    doc._timeStamp = _Stamp(meta.made_at)
    canvas.setTitle(meta.title)
    canvas.setAuthor(meta.author)
    canvas.setSubject(meta.subject)
    canvas.setKeywords(meta.keywords)
    canvas.setCreator(CREATOR)
    doc.info.producer = PRODUCER
    catalog = doc.Catalog
    catalog.Lang = PDFString(meta.language)
    metadata = PDFStream(PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}),
                         content=xmp_packet(meta))  # no filter: PDF/A keeps XMP readable
    catalog.Metadata = metadata
    profile = PDFStream(PDFDictionary({"N": 3}), content=srgb_profile())
    intent = PDFDictionary({"Type": PDFName("OutputIntent"), "S": PDFName("GTS_PDFA1"),
                            "OutputConditionIdentifier": PDFString("sRGB IEC61966-2.1"),
                            "Info": PDFString("sRGB IEC61966-2.1"),
                            "DestOutputProfile": doc.Reference(profile, "sRGBProfile")})
    catalog.OutputIntents = PDFArray([intent])
    # ReportLab's catalog writes only the keys it knows; PDF/A needs one more
    catalog.__NoDefault__ = [*PDFCatalog.__NoDefault__, "OutputIntents"]
