"""PowerPoint presentations: .pptx and .pptm through python-pptx, .ppt through catppt or LibreOffice."""

from __future__ import annotations

import io
from collections.abc import Iterator

import olefile
from pptx.package import Package

from tinbai.parsers.facts import FileFacts, ParseLimits
from tinbai.parsers.formats import TextBuffer, convert_with_soffice, parse_xml, temp_file, tool_text, unique
from tinbai.parsers.office.encryption import OLE_MAGIC, encrypted
from tinbai.parsers.office.ooxml import DML, package_info


def read_pptx(data: bytes, facts: FileFacts, limits: ParseLimits) -> None:
    """PowerPoint 2007+ (python-pptx): text of every shape (groups, tables) and the
    speaker notes, slide by slide; typefaces of slides, layouts, masters and theme."""
    if data[:8] == OLE_MAGIC:
        if not encrypted(data, facts):
            raise ValueError("an OLE2 file that is not an encrypted OOXML package")
        return
    package = Package.open(io.BytesIO(data))
    presentation = package.presentation_part.presentation
    buffer = TextBuffer()
    slides = list(presentation.slides)
    facts.pages = len(slides)
    pictures = False
    for slide in slides:
        lines: list[str] = []
        for shape in _shapes(slide.shapes):
            pictures = pictures or shape.shape_type == 13  # MSO_SHAPE_TYPE.PICTURE
            lines.extend(_shape_text(shape))
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
            lines.append(slide.notes_slide.notes_text_frame.text)
        if not buffer.add("\n".join(line for line in lines if line.strip())):
            break
    facts.text = buffer.text()
    partnames = [str(p.partname) for p in package.iter_parts()]
    facts.has_pictures = pictures or any(n.startswith("/ppt/media/") and _is_image(n) for n in partnames)
    facts.fonts = _pptx_fonts(package)
    package_info({str(p.partname): p.blob for p in package.iter_parts()
                   if str(p.partname) == "/docProps/app.xml" or str(p.partname).startswith("/_xmlsignatures/")},
                  facts)


def _is_image(partname: str) -> bool:
    return partname.lower().rsplit(".", 1)[-1] in ("png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "emf", "wmf")


def _shapes(shapes) -> Iterator:
    for shape in shapes:
        yield shape
        if shape.shape_type == 6:  # MSO_SHAPE_TYPE.GROUP
            yield from _shapes(shape.shapes)


def _shape_text(shape) -> list[str]:
    out = []
    if shape.has_text_frame:
        out.append(shape.text_frame.text)
    if getattr(shape, "has_table", False) and shape.has_table:
        for row in shape.table.rows:
            out.append("\t".join(cell.text for cell in row.cells))
    return out


def _pptx_fonts(package) -> list[str]:
    names: list[str] = []
    theme_refs: list[str] = []
    theme = None
    for part in package.iter_parts():
        ct = part.content_type or ""
        if not ct.endswith("+xml"):
            continue
        if ct.endswith(".theme+xml"):
            theme = theme if theme is not None else parse_xml(part.blob)
            continue
        if not any(k in ct for k in ("slide", "presentation.main", "notes")):
            continue
        tree = parse_xml(part.blob)
        for font in tree.iter(DML + "latin", DML + "ea", DML + "cs", DML + "sym"):
            face = font.get("typeface") or ""
            (theme_refs if face.startswith("+") else names).append(face)
    if theme is not None:
        # "+mn-lt" = minor latin, "+mj-ea" = major East Asian…
        for ref in unique(theme_refs):
            group = "majorFont" if ref.startswith("+mj") else "minorFont"
            script = {"lt": "latin", "ea": "ea", "cs": "cs"}.get(ref[-2:], "latin")
            names += [f.get("typeface") or "" for g in theme.iter(DML + group) for f in g.iter(DML + script)]
    return unique(names)


def read_ppt(data: bytes, facts: FileFacts, limits: ParseLimits) -> None:
    """PowerPoint 97-2003: catppt; when it finds nothing (it reads no LibreOffice-made
    .ppt), LibreOffice converts to .pptx and python-pptx reads that."""
    if encrypted(data, facts):
        return
    with temp_file(data, "ppt") as path:
        text = tool_text(["catppt", "-d", "utf-8", path], limits.seconds_per_file)
    converted = None
    if not text.strip():
        converted = convert_with_soffice(data, "ppt", "pptx", limits.seconds_per_file)
    if converted:
        inner = FileFacts(detected_type="pptx")
        read_pptx(converted, inner, limits)
        facts.text, facts.fonts, facts.pages = inner.text, inner.fonts, inner.pages
        facts.has_pictures = inner.has_pictures
        facts.info["converted_with"] = "libreoffice"
        return
    facts.text = text
    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        facts.has_pictures = ole.exists("Pictures") and ole.get_size("Pictures") > 0
