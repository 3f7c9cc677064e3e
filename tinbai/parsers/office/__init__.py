"""Office documents: Word, Excel, PowerPoint (OOXML and 97-2003) and OpenDocument.

Each reader fills a FileFacts: the text as stored (legacy TCVN3/VNI text is left
as the characters the file holds, for tinbai.parsers.vietnamese to recognise),
the font names the file uses (a ".VnTime" font is how TCVN3 shows itself), and
whether it holds pictures. Password-protected files become attachment.encrypted.
"""

from tinbai.parsers.office.excel import read_xls, read_xlsx
from tinbai.parsers.office.opendocument import read_odf
from tinbai.parsers.office.powerpoint import read_ppt, read_pptx
from tinbai.parsers.office.word import read_doc, read_docx

__all__ = ["read_doc", "read_docx", "read_odf", "read_ppt", "read_pptx", "read_xls", "read_xlsx"]
