"""Vietnamese text encodings: find legacy TCVN3 (ABC) and VNI text and convert it to Unicode.

The regulations demand Unicode (TCVN 6909:2001). Offices still type in the 8-bit
font encodings of the 1990s: TCVN3/ABC (TCVN 5712:1993, charset VN3; fonts
.VnTime, .VnArial…, with "H" fonts such as .VnTimeH for capitals) and VNI
(fonts VNI-Times, VNI-Helve…). Such a file holds no Vietnamese letters at all:
every extractor (python-docx, pdf text, rtf, txt read as windows-1252) hands us
characters whose code points are the legacy BYTES, e.g. TCVN3 "Th«ng b¸o" for
"Thông báo" or VNI "Thoâng baùo". We read those bytes back through the
published tables.

How we decide, without trusting fonts alone: every word is read twice, as it
stands and through a legacy table, and checked against the structure of a
Vietnamese syllable. Legacy text turns gibberish ("b¸o") into syllables
("báo"); Unicode Vietnamese is already made of syllables and a legacy reading
breaks them ("báo" -> "bỏo"). English, French or German words are not
Vietnamese syllables in either reading, so they weigh nothing.

Views of the bytes 0x80-0x9F: VN3 and VNI put no letter there (TCVN3 needs the
"H" fonts for capitals with tones precisely because VN3 leaves that range to
the Windows punctuation), so the windows-1252 view (“ ” – …) and the Latin-1
view (C1 control characters U+0080-U+009F) must give the same result: the
Latin-1 view is turned into the windows-1252 punctuation it stands for.
"""

from tinbai.parsers.vietnamese.conversion import from_unicode, to_unicode
from tinbai.parsers.vietnamese.detection import decode_legacy, detect_encoding
from tinbai.parsers.vietnamese.fonts import font_encoding, is_capital_font
from tinbai.parsers.vietnamese.runs import convert_runs
from tinbai.parsers.vietnamese.syllables import is_vietnamese_syllable
from tinbai.parsers.vietnamese.tables import LEGACY_ENCODINGS
from tinbai.parsers.vietnamese.words import normalize

__all__ = [
    "LEGACY_ENCODINGS",
    "convert_runs",
    "decode_legacy",
    "detect_encoding",
    "font_encoding",
    "from_unicode",
    "is_capital_font",
    "is_vietnamese_syllable",
    "normalize",
    "to_unicode",
]
