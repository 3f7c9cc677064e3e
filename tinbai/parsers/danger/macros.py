"""Macros: VBA (olevba), Excel 4 macro sheets and OpenDocument Basic."""

from __future__ import annotations

import io
import logging
import re
import warnings
import zipfile
from pathlib import PurePosixPath

from tinbai.parsers.danger.containers import OLE_MAGIC, SMALL_PART, ZIP_ERRORS, ZIP_MAGIC

with warnings.catch_warnings():  # olevba's import warns about pyparsing deprecations
    warnings.simplefilter("ignore", DeprecationWarning)
    from oletools import olevba


def macro_info(data: bytes) -> list[str] | None:
    """Names of the macros and of their dangerous keywords (AutoOpen, Shell…), or None without macros.

    Covers VBA in Word/Excel/PowerPoint 97-2003 and 2007+ (olevba), OOXML
    with a vbaProject part even when olevba cannot parse it, Excel 4 (XLM)
    macro sheets, and Basic or script libraries in OpenDocument files.
    """
    if data.startswith(OLE_MAGIC):
        return _olevba_names(data) or None
    if data.startswith(ZIP_MAGIC):
        return _zip_macros(data) or None
    head = data[:4096].lstrip().lower()
    if head.startswith((b"<?xml", b"mime-version", b"<?mso")) and (
        b"editdata.mso" in data or re.search(rb"vbaproject", data, re.IGNORECASE)
    ):
        # Word 2003 XML and MHTML keep the VBA project as an embedded base64 OLE file
        return _olevba_names(data) or None
    return None


def _zip_macros(data: bytes) -> list[str]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except ZIP_ERRORS:
        return []
    with zf:
        names = zf.namelist()
        vba_parts = [n for n in names if n.lower().endswith("vbaproject.bin")]
        vba_parts += [n for n in _declared_vba_parts(zf) if n in names and n not in vba_parts]
        found: list[str] = []
        if _has_ole_part(zf, names):
            # olevba reads every part of the package: only worth it when one is an OLE file
            found += _olevba_names(data)
        if vba_parts and not found:
            found += [PurePosixPath(n).name for n in vba_parts]
        found += [f"XLM:{PurePosixPath(n).stem}" for n in names if n.lower().startswith("xl/macrosheets/")]
        found += _odf_macros(names)
    return list(dict.fromkeys(found))


def _has_ole_part(zf: zipfile.ZipFile, names: list[str]) -> bool:
    """VBA projects, embedded documents and ActiveX controls are OLE files stored as .bin parts.

    Other .bin parts (printer settings of spreadsheets) are not: 8 bytes tell.
    """
    for name in names:
        if not name.lower().endswith(".bin"):
            continue
        try:
            with zf.open(name) as part:
                if part.read(len(OLE_MAGIC)) == OLE_MAGIC:
                    return True
        except ZIP_ERRORS:
            continue
    return False


def _declared_vba_parts(zf: zipfile.ZipFile) -> list[str]:
    """Parts that [Content_Types].xml declares as VBA projects, whatever they are named."""
    try:
        info = zf.getinfo("[Content_Types].xml")
        if info.file_size > SMALL_PART:
            return []
        text = zf.read(info).decode("utf-8", errors="replace")
    except (KeyError, *ZIP_ERRORS):
        return []
    parts = []
    for override in re.findall(r"<Override\b[^>]*>", text):
        if "vbaProject" in override:
            m = re.search(r'PartName\s*=\s*"/?([^"]+)"', override)
            if m:
                parts.append(m.group(1))
    return parts


def _odf_macros(names: list[str]) -> list[str]:
    """OpenDocument Basic modules (Basic/<library>/<module>.xml) and script files (Scripts/…)."""
    index_files = {"script-lc.xml", "script-lb.xml", "dialog-lc.xml", "dialog-lb.xml"}
    found = []
    for n in names:
        p = PurePosixPath(n)
        if n.startswith("Basic/") and p.suffix == ".xml" and p.name not in index_files and len(p.parts) == 3:
            found.append(f"Basic:{p.parts[1]}.{p.stem}")
        elif n.startswith("Scripts/") and not n.endswith("/"):
            found.append(f"Script:{p.name}")
    return found


def _olevba_names(data: bytes) -> list[str]:
    """olevba's view: auto-run and suspicious keywords first, then the module names."""
    vba_parser = _olevba_parser_class()
    try:
        parser = vba_parser("attachment", data=data)
    except Exception:  # an algorithm pypdf cannot run: no opening without help either
        return []
    try:
        if not parser.detect_vba_macros():
            return []
        names: list[str] = []
        for kind, keyword, _description in parser.analyze_macros():
            if kind in ("AutoExec", "Suspicious"):
                names.append(keyword)
        for _filename, _stream, vba_filename, _code in parser.extract_macros():
            names.append(vba_filename)
        return list(dict.fromkeys(names)) or ["VBA"]
    except Exception:  # an algorithm pypdf cannot run: no opening without help either
        return ["VBA"]
    finally:
        parser.close()


def _olevba_parser_class() -> type:
    """olevba's VBA_Parser, kept quiet: it logs the parse trouble of hostile files at ERROR,
    and the report already says what matters."""
    for name in ("olevba", "olefile", "ppt_parser", "xls_parser", "ooxml"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    return olevba.VBA_Parser
