"""What a file really is, from its bytes: the `detected_type` of the check report.

The name of an attachment is a claim by the sender; the content decides. Order of
evaluation: fixed signatures (magic numbers) first, then containers that need a
look inside (ZIP: OOXML / ODF / JAR / APK; OLE2: doc / xls / ppt / msi / msg),
then text (html, xml, svg, scripts, plain text), then libmagic as a last resort
for binary formats our table does not know.

Vocabulary: the contract's names (pdf, docx, jpg, mp3, zip, exe, unknown…) plus a
few of our own, listed in tinbai.filekinds.TYPES. Office files with VBA macros are
reported as docm / xlsm / pptm (not docx…): the macro-enabled format is a different
format to Word, and the name "x.docx" on a docm is exactly the mismatch reviewers
should see. An encrypted OOXML file (OLE2 container with EncryptionInfo and
EncryptedPackage) does not reveal whether it is a document, workbook or
presentation; there the file name decides among the OOXML types (default docx).
"""

from tinbai.parsers.sniff.detect import detect_type
from tinbai.parsers.sniff.names import canonical_type, extension_of, is_executable_name, mime_of, same_format

__all__ = ["canonical_type", "detect_type", "extension_of", "is_executable_name", "mime_of", "same_format"]
