"""Shared text helpers: Unicode normalisation, diacritics, spaces, HTML to text.

Vietnamese text reaches us in several shapes: precomposed (NFC) from most
clients, decomposed from windows-1258 or NFD sources, with no-break spaces and
zero-width characters from Outlook and webmail HTML. Everything the checks
compare goes through :func:`nfc` and :func:`normalize_spaces` first, and the
regulations' requirement of Unicode text (TCVN 6909:2001) is about NFC.
All functions here are pure.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from html.parser import HTMLParser

__all__ = [
    "aligned_fold",
    "ascii_key",
    "casefold_key",
    "html_to_text",
    "nfc",
    "normalize_spaces",
    "strip_diacritics",
]

# no-break, narrow no-break, figure, ideographic and the other Unicode spaces, tabs
_SPACE_CHARS = "\t\x0b\x0c\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_SPACE_RE = re.compile(f"[{_SPACE_CHARS}]")
# zero-width space/joiners, word joiner, BOM, soft hyphen: invisible, dropped
_INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_RUN_OF_SPACES = re.compile(r" {2,}")


def nfc(text: str | None) -> str:
    """Unicode NFC (precomposed) form; None gives ""."""
    if not text:
        return ""
    return unicodedata.normalize("NFC", text)


class CharTable(dict):
    """A table for str.translate that maps each character through `func`, filled as characters
    are met: a lookup in C per character instead of a Python call (a text has a few dozen
    distinct characters; aligned_fold() and strip_diacritics() ran a million times on a day's mail)."""

    def __init__(self, func: Callable[[str], str | None]) -> None:
        super().__init__()
        self.func = func

    def __missing__(self, code: int) -> str | None:
        self[code] = self.func(chr(code))
        return self[code]


_MARKS = CharTable(lambda ch: None if unicodedata.combining(ch) else ch)


def strip_diacritics(text: str | None) -> str:
    """Vietnamese (and any Latin) text without its marks: "Đặng Thùy" -> "Dang Thuy".

    đ/Đ are letters of their own in Unicode (not d plus a mark), so they are mapped explicitly.
    """
    if not text:
        return ""
    bare = unicodedata.normalize("NFD", text).translate(_MARKS)
    return unicodedata.normalize("NFC", bare.replace("đ", "d").replace("Đ", "D"))


def normalize_spaces(text: str | None, *, collapse: bool = True) -> str:
    """NFC; CRLF/CR to LF; Unicode spaces and tabs to " "; invisible characters dropped;
    each line stripped, and runs of spaces inside a line collapsed to one (unless collapse=False).
    Line breaks are kept."""
    if not text:
        return ""
    text = nfc(text).replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE_RE.sub("", _SPACE_RE.sub(" ", text))
    lines = [line.strip() for line in text.split("\n")]
    if collapse:
        lines = [_RUN_OF_SPACES.sub(" ", line) for line in lines]
    return "\n".join(lines)


def casefold_key(text: str | None) -> str:
    """A comparison key: NFC, casefolded, spaces normalised to single spaces, trimmed
    ("  Văn  phòng CỤC " -> "văn phòng cục"). Diacritics are kept: "Hà" is not "Hạ"."""
    return " ".join(nfc(text).casefold().split())


def ascii_key(text: str | None) -> str:
    """A comparison key without diacritics: "Văn phòng Cục" -> "van phong cuc"."""
    return " ".join(strip_diacritics(nfc(text)).casefold().split())


def _aligned_fold_char(ch: str) -> str:
    if ch in "đĐÐð":
        return "d"
    base = unicodedata.normalize("NFD", ch)[0].lower()
    return base if len(base) == 1 else ch


_ALIGNED_FOLD = CharTable(_aligned_fold_char)


def aligned_fold(text: str) -> str:
    """Lower case without diacritics (đ -> d), one character for one character.

    The result has the length of `text`, so a match in the folded text is a span of
    the original: "Số: 117/QĐ-CTHADS" -> "so: 117/qd-cthads". Give NFC text (a decomposed
    letter's marks are characters of their own and are kept). Unlike the keys above, spaces
    are not touched.
    """
    if len(text) <= _FOLDS_KEPT_LEN:
        return _aligned_fold_line(text)
    return text.translate(_ALIGNED_FOLD)


# The checks read a message line by line and each folds the lines it reads: the same line of a
# message is folded by half a dozen of them (the date search, the document header, the reply and
# attribution marks, the contact form…), and a unit's greetings and signature block come again in
# message after message. Lines are short; whole texts are not kept.
_FOLDS_KEPT_LEN = 300


@functools.lru_cache(maxsize=1024)  # at most ~1.3 MB
def _aligned_fold_line(text: str) -> str:
    return text.translate(_ALIGNED_FOLD)


# ---------------------------------------------------------------------------------------------
# HTML to text

# tags whose content is never shown
_SKIP_TAGS = frozenset({"script", "style", "head", "title", "noscript", "template", "xml", "svg", "object"})
# tags that start and end a line of their own
_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "li", "main", "nav", "ol", "pre", "section", "table", "tbody", "tfoot", "thead", "tr", "ul",
    "caption",
})
# tags that are followed by an empty line (paragraphs)
_PARAGRAPH_TAGS = frozenset({"p"})
_CELL_TAGS = frozenset({"td", "th"})
_VOID_TAGS = frozenset({"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "wbr", "source"})
CELL_SEPARATOR = " | "
# <div> classes mail clients wrap a forwarded or quoted message in (Gmail, Thunderbird, Yahoo,
# Proton): with mark_quotes their lines are marked like a <blockquote>'s, so that what follows
# the container (a signature placed below the forward) is told from what it holds
_QUOTE_DIV_CLASSES = frozenset({"gmail_quote", "moz-forward-container", "yahoo_quoted", "protonmail_quote"})


class _TextExtractor(HTMLParser):
    def __init__(self, mark_quotes: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.mark_quotes = mark_quotes
        self.lines: list[tuple[int, str]] = []  # (quote depth, text)
        self.current: list[str] = []
        self.current_depth = 0
        self.skip = 0
        self.pre = 0
        self.quote = 0
        self.divs: list[bool] = []  # open <div>s, True for a quote container
        self.pending_blank = False

    # -- line buffer
    def _has_content(self) -> bool:
        return bool("".join(self.current).strip())

    def _end_line(self, *, force: bool = False) -> None:
        """Close the current line; an empty line is only kept when forced (<br>) or for paragraphs."""
        text = "".join(self.current)
        self.current = []
        depth = max(self.current_depth, self.quote)
        self.current_depth = self.quote
        if text.strip():
            if self.pending_blank and self.lines and self.lines[-1][1] != "":
                self.lines.append((depth, ""))
            self.pending_blank = False
            self.lines.append((depth, text))
        elif force:
            self.lines.append((depth, ""))
            self.pending_blank = False

    def _paragraph_break(self) -> None:
        self._end_line()
        self.pending_blank = True

    # -- parser callbacks
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            if tag not in _VOID_TAGS:
                self.skip += 1
            return
        if self.skip:
            return
        if tag == "br":
            # "a<br>b": two lines; "a<br><br>b": an empty line between them
            self._end_line(force=not self._has_content())
            return
        if tag in _PARAGRAPH_TAGS:
            self._paragraph_break()
        elif tag in _BLOCK_TAGS:
            self._end_line()
        elif tag in _CELL_TAGS:
            text = "".join(self.current).rstrip()
            if text and not text.endswith("|"):
                self.current = [text, CELL_SEPARATOR]
        container = tag == "div" and bool(_QUOTE_DIV_CLASSES & set((dict(attrs).get("class") or "").split()))
        if tag == "div":
            self.divs.append(container)
        if tag == "blockquote" or container:
            self.quote += 1
            self.current_depth = max(self.current_depth, self.quote)
        if tag == "pre":
            self.pre += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            if tag not in _VOID_TAGS and self.skip:
                self.skip -= 1
            return
        if self.skip:
            return
        if tag in _PARAGRAPH_TAGS:
            self._paragraph_break()
        elif tag in _BLOCK_TAGS:
            self._end_line()
        container = tag == "div" and bool(self.divs) and self.divs.pop()
        if (tag == "blockquote" or container) and self.quote:
            self._end_line()
            self.quote -= 1
            self.current_depth = self.quote
        if tag == "pre" and self.pre:
            self.pre -= 1

    def handle_data(self, data: str) -> None:
        if self.skip or not data:
            return
        if self.pre:
            parts = data.replace("\r\n", "\n").split("\n")
            for i, part in enumerate(parts):
                if i:
                    self._end_line(force=True)
                self.current.append(part)
            return
        data = re.sub(r"[ \t\r\n\f]+", " ", data)
        if not self.current or not "".join(self.current).strip():
            data = data.lstrip(" ")
            if not data:
                return
        elif "".join(self.current).endswith(" ") and data.startswith(" "):
            data = data[1:]
        self.current.append(data)
        self.current_depth = max(self.current_depth, self.quote)

    def close(self) -> None:
        super().close()
        self._end_line()

    def text(self) -> str:
        out: list[str] = []
        for depth, line in self.lines:
            line = line.strip().strip("|").strip() if "|" in line else line.strip()
            if self.mark_quotes and depth:
                line = ("> " * depth + line).rstrip()
            out.append(line)
        # at most one empty line in a row, none at the ends
        text = "\n".join(out)
        text = re.sub(r"\n(?:[ >]*\n){2,}", "\n\n", text)
        return text.strip("\n")


def html_to_text(html: str | None, *, mark_quotes: bool = False) -> str:
    """The visible text of an HTML body, one line per <br>, paragraph, block and table row.

    Cells of one table row are joined with " | " (so "Họ và tên:" and its value stay on one
    line); <p> paragraphs are followed by an empty line; scripts, styles and comments (including
    Outlook's conditional comments) are dropped; entities are decoded (&nbsp; becomes a space).
    With mark_quotes, lines inside <blockquote> (and the <div>s mail clients wrap a forwarded
    message in) start with "> " per level, as in a plain-text reply.
    The result is NFC with normalised spaces (see normalize_spaces).
    """
    if not html:
        return ""
    parser = _TextExtractor(mark_quotes)
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):
        # html.parser is lenient; some malformed declarations ("<![…") still raise in older
        # Pythons. What was read up to there is kept.
        parser.lines.append((0, "".join(parser.current)))
    return normalize_spaces(parser.text()).strip("\n")
