"""A .docx run's font from its styles, and the styles read once for each template."""

from __future__ import annotations

import io
import zipfile

from docx import Document

from tinbai.parsers.facts import FileFacts, ParseLimits
from tinbai.parsers.formats import parse_xml
from tinbai.parsers.office.word import read_docx
from tinbai.parsers.office.word_styles import Theme, style_sheet

TCVN3_TEXT = "Ban Bi\u00aan t\u00cbp"  # "Ban Biên tập" typed with a .VnTime font (TCVN3 bytes as Latin-1)


def word_file(normal_font: str | None, heading_font: str | None = None) -> bytes:
    doc = Document()
    if normal_font:
        doc.styles["Normal"].font.name = normal_font
    if heading_font:
        doc.styles["Heading 1"].font.name = heading_font
        doc.add_heading("Tin bài", level=1)
    doc.add_paragraph(TCVN3_TEXT)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def read(data: bytes) -> FileFacts:
    facts = FileFacts(detected_type="docx")
    read_docx(data, facts, ParseLimits())
    return facts


def parts(data: bytes) -> tuple[bytes, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("word/styles.xml"), z.read("word/theme/theme1.xml")


def test_a_run_takes_its_paragraph_styles_font_and_the_styles_of_each_template_are_their_own():
    legacy = word_file(".VnTime")
    unicode_doc = word_file("Times New Roman", heading_font="Arial")
    for _ in range(2):  # the second time from the kept style sheets: the same answers
        runs = dict((text.strip(), font) for text, font in read(legacy).info["runs"] if text.strip())
        assert runs[TCVN3_TEXT] == ".VnTime"
        assert ".VnTime" in read(legacy).fonts
        facts = read(unicode_doc)
        runs = dict((text.strip(), font) for text, font in facts.info["runs"] if text.strip())
        assert runs[TCVN3_TEXT] == "Times New Roman"  # not the first template's .VnTime
        assert runs["Tin bài"] == "Arial"  # Heading 1's own font
        assert {"Times New Roman", "Arial"} <= set(facts.fonts) and ".VnTime" not in facts.fonts


def test_a_style_sheet_is_read_once_for_the_same_styles_and_theme():
    styles, theme_xml = parts(word_file(".VnTime"))
    other_styles, _ = parts(word_file("Times New Roman"))
    theme = Theme(parse_xml(theme_xml))
    first = style_sheet(styles, theme_xml, theme)
    assert style_sheet(styles, theme_xml, Theme(parse_xml(theme_xml))) is first
    assert style_sheet(other_styles, theme_xml, theme) is not first
    assert style_sheet(styles, theme_xml.replace(b"Calibri", b"Cambria"), theme) is not first
    assert first.fonts["Normal"] == ".VnTime" and first.default_paragraph == "Normal"
