"""OpenDocument text, spreadsheets and presentations (odfpy)."""

from __future__ import annotations

import io
import zipfile

from odf import draw, teletype
from odf.opendocument import load
from odf.table import Table

from tinbai.parsers.facts import ENCRYPTED, FileFacts, ParseLimits
from tinbai.parsers.formats import encrypted_detail, parse_xml, unique

_ODF_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
_ODF_SVG = "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
_ODF_FO = "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
_ODF_FONT_ATTRS = (
    f"{{{_ODF_STYLE}}}font-name", f"{{{_ODF_STYLE}}}font-name-asian", f"{{{_ODF_STYLE}}}font-name-complex",
    f"{{{_ODF_FO}}}font-family", f"{{{_ODF_STYLE}}}font-family-asian", f"{{{_ODF_STYLE}}}font-family-complex",
)  # fmt: skip


def read_odf(data: bytes, facts: FileFacts, limits: ParseLimits) -> None:
    """OpenDocument text, spreadsheet, presentation (odfpy): text of the body and of
    the master pages (headers, footers); fonts from the font-face declarations and
    text properties of content.xml and styles.xml."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        manifest = zf.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in names else b""
        if b"encryption-data" in manifest:
            facts.add_finding(ENCRYPTED, encrypted_detail(facts.detected_type))
            return
        style_xml = [zf.read(n) for n in ("content.xml", "styles.xml") if n in names]
    doc = load(io.BytesIO(data))
    blocks = [_odf_text(doc.masterstyles, teletype), _odf_text(doc.body, teletype)]
    facts.text = "\n".join(unique_blocks(blocks))
    facts.fonts = unique(_odf_fonts(style_xml))
    facts.has_pictures = bool(doc.Pictures) or bool(doc.getElementsByType(draw.Image))
    if facts.detected_type == "odp":
        facts.pages = len(doc.getElementsByType(draw.Page))
    elif facts.detected_type == "ods":
        facts.info["sheets"] = len(doc.getElementsByType(Table))


def unique_blocks(blocks: list[str]) -> list[str]:
    """Drop empty and repeated blocks (the same header on every master page)."""
    seen: set[str] = set()
    out = []
    for block in blocks:
        key = block.strip()
        if key and key not in seen:
            seen.add(key)
            out.append(block.strip("\n"))
    return out



def _odf_text(root, teletype) -> str:
    """Paragraphs and headings in document order, one per line; a paragraph inside a
    frame inside a paragraph comes out once, on its own line."""
    lines: list[str] = []

    def walk(node) -> None:
        for child in node.childNodes:
            if child.nodeType != child.ELEMENT_NODE:
                continue
            if _is_para(child):
                lines.append(_own_text(child, teletype))
            walk(child)  # frames and text boxes anchored in a paragraph, cells, sections

    walk(root)
    return "\n".join(line for line in lines if line.strip())


_TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


def _is_para(node) -> bool:
    return node.qname in ((_TEXT_NS, "p"), (_TEXT_NS, "h"))


def _own_text(paragraph, teletype) -> str:
    """A paragraph's text without paragraphs nested in it (they are lines of their own)."""
    parts: list[str] = []
    for child in paragraph.childNodes:
        if child.nodeType == child.TEXT_NODE:
            parts.append(child.data)
        elif child.nodeType != child.ELEMENT_NODE:
            continue
        elif child.qname == (_TEXT_NS, "s"):  # runs of spaces are stored as <text:s text:c="n"/>
            count = child.getAttribute("c")
            parts.append(" " * (int(count) if count and count.isdigit() else 1))
        elif child.qname == (_TEXT_NS, "tab"):
            parts.append("\t")
        elif child.qname == (_TEXT_NS, "line-break"):
            parts.append("\n")
        elif not _contains_para(child):
            parts.append(teletype.extractText(child))
        elif child.qname[0] == _TEXT_NS:
            parts.append(_own_text(child, teletype))  # a span that holds a frame
    return "".join(parts)


def _contains_para(node) -> bool:
    if node.nodeType != node.ELEMENT_NODE:
        return False
    return _is_para(node) or any(_contains_para(c) for c in node.childNodes)


def _odf_fonts(xml_parts: list[bytes]) -> list[str]:
    names: list[str] = []
    for blob in xml_parts:
        tree = parse_xml(blob)
        for face in tree.iter(f"{{{_ODF_STYLE}}}font-face"):
            names.append(face.get(f"{{{_ODF_STYLE}}}name") or "")
            names.append((face.get(f"{{{_ODF_SVG}}}font-family") or "").strip("'\""))
        for props in tree.iter(f"{{{_ODF_STYLE}}}text-properties"):
            names += [(props.get(a) or "").strip("'\"") for a in _ODF_FONT_ATTRS]
    return names
