"""Legacy Vietnamese encodings (TCVN3/ABC, VNI) -> Unicode: tables, detection, documents."""

from __future__ import annotations

import io
import unicodedata

import docx
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tinbai.parsers.vietnamese import (
    convert_runs,
    decode_legacy,
    detect_encoding,
    font_encoding,
    from_unicode,
    is_capital_font,
    is_vietnamese_syllable,
    normalize,
    to_unicode,
)

VOWELS = "aăâeêioôơuưy"
TONES = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")
LOWER_LETTERS = sorted(
    {unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES} - set("aeiouy") | {"đ"}
)
ALL_LETTERS = LOWER_LETTERS + [c.upper() for c in LOWER_LETTERS]
TCVN3_CAPITALS = "ĂÂÊÔƠƯĐ"

SENTENCE = "Thông báo của Sở Tư pháp về việc tổ chức Hội nghị tập huấn nghiệp vụ năm 2026."


def test_the_letter_set_is_the_134_letters() -> None:
    assert len(LOWER_LETTERS) == 67 and len(set(ALL_LETTERS)) == 134


# --------------------------------------------------------------------------- tables
def test_published_samples_decode() -> None:
    # strings as they appear in real legacy files, independent of our encoder
    assert to_unicode("Th«ng b¸o", "tcvn3") == "Thông báo"
    assert to_unicode("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "tcvn3") == "Cộng hoà xã hội chủ nghĩa Việt Nam"
    assert to_unicode("tr\xadêng, §éc lËp", "tcvn3") == "trường, Độc lập"
    assert to_unicode("Vieät Nam", "vni") == "Việt Nam"
    assert (
        to_unicode("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "vni") == "Cộng hòa xã hội chủ nghĩa Việt Nam"
    )
    assert to_unicode("ÑOÄC LAÄP - Töï do - Haïnh phuùc", "vni") == "ĐỘC LẬP - Tự do - Hạnh phúc"


@pytest.mark.parametrize("letter", ALL_LETTERS)
def test_vni_round_trip_every_letter(letter: str) -> None:
    legacy = from_unicode(letter, "vni")
    assert all(ord(c) <= 0xFF for c in legacy)  # ì í Ì Í are the same bytes in VNI and Latin-1
    assert to_unicode(legacy, "vni") == letter
    assert to_unicode("x" + legacy + "x", "vni") == "x" + letter + "x"


@pytest.mark.parametrize("letter", LOWER_LETTERS + list(TCVN3_CAPITALS))
def test_tcvn3_round_trip_lowercase_and_plain_capitals(letter: str) -> None:
    legacy = from_unicode(letter, "tcvn3")
    assert len(legacy) == 1 and 0xA0 < ord(legacy) <= 0xFF
    assert to_unicode(legacy, "tcvn3") == letter


@pytest.mark.parametrize("letter", [c.upper() for c in LOWER_LETTERS if c.upper() not in TCVN3_CAPITALS])
def test_tcvn3_toned_capitals_come_back_through_an_h_font(letter: str) -> None:
    legacy = from_unicode(letter, "tcvn3")  # the lowercase byte, drawn as a capital by .VnTimeH
    assert legacy == from_unicode(letter.lower(), "tcvn3")
    assert convert_runs([("T" + legacy + "N", ".VnTimeH")])[0] == "T" + letter + "N"
    assert to_unicode("T" + legacy + "N", "tcvn3") == "T" + letter + "N"  # the plain capitals tell


def test_tables_are_one_to_one() -> None:
    for enc in ("tcvn3", "vni"):
        codes = [from_unicode(c, enc) for c in LOWER_LETTERS]
        assert len(set(codes)) == len(codes), enc


# --------------------------------------------------------------------------- views of the bytes
def _views(text: str, enc: str) -> tuple[str, str]:
    """Legacy text as an extractor hands it over: windows-1252 view and Latin-1 view."""
    raw = from_unicode(text, enc).encode("cp1252")
    return raw.decode("cp1252"), raw.decode("latin-1")


@pytest.mark.parametrize("enc", ["tcvn3", "vni"])
def test_cp1252_and_latin1_views_give_the_same_text(enc: str) -> None:
    original = "“Hội nghị” – tổng kết… năm 2025 • đạt 95‰"
    cp1252_view, latin1_view = _views(original, enc)
    assert cp1252_view != latin1_view  # the 0x80-0x9F bytes really differ between the views
    assert any(0x80 <= ord(c) < 0xA0 for c in latin1_view)
    for view in (cp1252_view, latin1_view):
        assert to_unicode(view, enc) == original
        assert decode_legacy(view) == (original, enc)


# --------------------------------------------------------------------------- detection
@pytest.mark.parametrize("enc", ["tcvn3", "vni"])
def test_detects_legacy_text_without_fonts(enc: str) -> None:
    legacy = from_unicode(SENTENCE, enc)
    assert detect_encoding(legacy) == enc
    assert decode_legacy(legacy) == (SENTENCE, enc)


@pytest.mark.parametrize(
    "text",
    [
        "The quick brown fox jumps over the lazy dog. Version 2.0 (c) 2024",
        "Le café est très bon, à côté de l'église; déjà vu. Müller, Größe, schön, für Öl.",
        "¿Dónde está el niño? España, año, señor.",
        SENTENCE,
        unicodedata.normalize("NFD", SENTENCE),
        "«Thông báo» © 2025 Sở Tư pháp · Bản quyền ® thuộc về Cổng thông tin ±5%, 30°C",
        "Cô Tô, cơ sở, mét, tè, toá",  # words that are syllables in both readings
        "Hà Nội",
    ],
)
def test_does_not_flag_unicode_or_foreign_text(text: str) -> None:
    assert detect_encoding(text) == "unicode"
    out, enc = decode_legacy(text)
    assert enc == "unicode" and out == unicodedata.normalize("NFC", text)


def test_nfd_input_comes_back_nfc() -> None:
    nfd = unicodedata.normalize("NFD", SENTENCE)
    assert nfd != SENTENCE
    assert normalize(nfd) == SENTENCE
    assert decode_legacy(nfd) == (SENTENCE, "unicode")


def test_no_letters_is_none() -> None:
    assert detect_encoding("") is None
    assert detect_encoding("12/04/2026 — 3.5% · ¸ «» ©") is None
    assert decode_legacy("  42 ") == ("  42 ", None)


def test_fonts_help_but_do_not_decide() -> None:
    assert detect_encoding("Report 2025, page 3", fonts=[".VnTime"]) == "unicode"
    assert detect_encoding("b¸o", fonts=[".VnTime"]) == "tcvn3"  # one word is enough with the font
    assert detect_encoding("b¸o") == "unicode"  # but not on its own
    assert detect_encoding(SENTENCE, fonts=[".VnTime", "VNI-Times"]) == "unicode"


def test_font_names() -> None:
    assert font_encoding(".VnTime") == "tcvn3"
    assert font_encoding("ABCDEF+.VnArial NarrowH,Bold") == "tcvn3"
    assert font_encoding("VNI-Times") == "vni" and font_encoding("VNI-Helve-Condense") == "vni"
    assert font_encoding("Times New Roman") is None and font_encoding(None) is None
    assert is_capital_font(".VnTimeH") and is_capital_font("XYZABC+.VnArialH-Bold")
    assert not is_capital_font(".VnTime") and not is_capital_font("VNI-Helve")


def test_syllables() -> None:
    for word in ["nghiêng", "giếng", "gì", "quyết", "khuya", "người", "Thông", "HUẤN", "đặc", "oái"]:
        assert is_vietnamese_syllable(word), word
    for word in ["bỏo", "cafộ", "tèt", "xyz", "b¸o", "tÊn", "thánhh", "hoạn̉"]:
        assert not is_vietnamese_syllable(word), word


# --------------------------------------------------------------------------- documents
def _docx_runs(paragraphs: list[list[tuple[str, str | None]]]) -> list[tuple[str, str | None]]:
    """Write a real .docx with python-docx, read it back, return its (text, font) runs."""
    doc = docx.Document()
    for runs in paragraphs:
        p = doc.add_paragraph()
        for text, font in runs:
            r = p.add_run(text)
            if font:
                r.font.name = font
    buf = io.BytesIO()
    doc.save(buf)
    read = docx.Document(io.BytesIO(buf.getvalue()))
    out: list[tuple[str, str | None]] = []
    for p in read.paragraphs:
        out.extend((r.text, r.font.name) for r in p.runs)
        out.append(("\n", None))
    return out


TITLE = "TẬP HUẤN NGHIỆP VỤ THI HÀNH ÁN DÂN SỰ"
BODY = "Ngày 21 tháng 10 năm 2025, tại Hội trường Thi hành án dân sự tỉnh Thái Nguyên."


def test_docx_tcvn3_with_capital_font() -> None:
    runs = _docx_runs(
        [[(from_unicode(TITLE, "tcvn3"), ".VnTimeH")], [(from_unicode(BODY, "tcvn3"), ".VnTime")]]
    )
    text, enc = convert_runs(runs)
    assert enc == "tcvn3"
    assert text == f"{TITLE}\n{BODY}\n"


def test_docx_vni_split_runs() -> None:
    legacy = from_unicode(BODY, "vni")
    cut = legacy.index("ä")  # split a letter's two bytes between runs, as Word does
    runs = _docx_runs([[(legacy[:cut], "VNI-Times"), (legacy[cut:], "VNI-Times")]])
    assert convert_runs(runs) == (BODY + "\n", "vni")


def test_docx_mixed_converts_only_the_legacy_runs() -> None:
    unicode_par = "Sáng ngày 7/11, Công đoàn Sở Tư pháp tổ chức Hội thao: “Vì sức khoẻ”."
    runs = _docx_runs([[(from_unicode("Thông báo", "tcvn3"), ".VnTime")], [(unicode_par, "Times New Roman")]])
    text, enc = convert_runs(runs)
    assert enc == "tcvn3"
    assert text == f"Thông báo\n{unicode_par}\n"


def test_docx_legacy_text_without_font_names() -> None:
    runs = _docx_runs([[(from_unicode(TITLE, "tcvn3"), None)], [(from_unicode(BODY, "tcvn3"), None)]])
    assert all(font is None for _, font in runs)
    text, enc = convert_runs(runs)
    assert enc == "tcvn3" and text == f"{TITLE}\n{BODY}\n"
    assert decode_legacy("".join(t for t, _ in runs)) == (text, "tcvn3")


def test_docx_unicode_typed_in_a_legacy_font_stays() -> None:
    runs = _docx_runs([[(SENTENCE, ".VnTime")]])
    assert convert_runs(runs) == (SENTENCE + "\n", "unicode")


def test_docx_ascii_in_legacy_font_is_not_legacy() -> None:
    runs = _docx_runs([[("Annual report 2025", ".VnTime")], [("Page 1", "VNI-Times")]])
    assert convert_runs(runs) == ("Annual report 2025\nPage 1\n", "unicode")


def test_symbol_font_private_use_view() -> None:
    pua = "".join(chr(0xF000 + ord(c)) if ord(c) > 0x7F else c for c in from_unicode("Thông báo", "tcvn3"))
    assert convert_runs([(pua, ".VnTime")]) == ("Thông báo", "tcvn3")


# --------------------------------------------------------------------------- properties
INITIALS = ["", "b", "c", "ch", "d", "đ", "g", "gi", "h", "kh", "l", "m", "n", "ng", "nh", "ph", "qu", "s", "t",
            "th", "tr", "v", "x"]  # fmt: skip
RHYMES = ["a", "ai", "am", "an", "ang", "anh", "ao", "at", "ac", "ăn", "ăng", "ăm", "ât", "âu", "ây", "ân", "em",
          "en", "ê", "êm", "ên", "ênh", "êt", "i", "ich", "in", "inh", "iêt", "iên", "iêu", "o", "oa", "oai", "oan",
          "oc", "oi", "ong", "ô", "ôi", "ông", "ôc", "ơ", "ơi", "ơn", "u", "ui", "uân", "ung", "uôc", "uôn", "uy",
          "ư", "ưa", "ưng", "ươc", "ươi", "ương", "ưu", "y"]  # fmt: skip
MODIFIED = set("ăâêôơư")


def _place_tone(rhyme: str, tone: str) -> str:
    """Put the tone on the main vowel: a modified vowel (the last of ươ), else by position."""
    vowels = [i for i, c in enumerate(rhyme) if c in "aăâeêioôơuưy"]
    modified = [i for i in vowels if rhyme[i] in MODIFIED]
    if modified:
        at = modified[-1]
    elif len(vowels) > 1 and vowels[-1] == len(rhyme) - 1:
        at = vowels[-2]
    else:
        at = vowels[-1]
    return unicodedata.normalize("NFC", rhyme[: at + 1] + tone + rhyme[at + 1 :])


@st.composite
def syllables(draw: st.DrawFn) -> str:
    initial, rhyme = draw(st.sampled_from(INITIALS)), draw(st.sampled_from(RHYMES))
    stop = rhyme.endswith(("c", "ch", "t", "p"))
    tone = draw(st.sampled_from(["\u0301", "\u0323"] if stop else list(TONES)))
    return initial + _place_tone(rhyme, tone)


@st.composite
def sentences(draw: st.DrawFn, capitals: bool) -> str:
    words = draw(st.lists(syllables(), min_size=6, max_size=25))
    punct = draw(
        st.lists(st.sampled_from([" ", " ", " ", ", ", ". ", "; "]), min_size=len(words), max_size=len(words))
    )
    if capitals:  # VNI has every capital
        words = [draw(st.sampled_from([w, w.capitalize(), w.upper()])) for w in words]
    elif words[0][:1].isascii() or words[0][:1] in "đăâêôơư":
        words[0] = words[0].capitalize()  # TCVN3 without an H font: capitals only where VN3 has them
    return "".join(w + p for w, p in zip(words, punct, strict=True)).strip()


def _visibly_garbled(legacy: str, original: str) -> int:
    """Words whose legacy form is a word (has a letter: "b¸o", not a lone "µ") but not a
    Vietnamese one: what anyone can see is wrong. Text without them is legacy in name only."""
    pairs = zip(legacy.split(), original.split(), strict=True)
    return sum(
        a != b and any(c.isalpha() for c in a) and not is_vietnamese_syllable(a.strip(",.;"))
        for a, b in pairs
    )


@settings(max_examples=150, deadline=None)
@given(sentences(capitals=False))
def test_property_tcvn3(text: str) -> None:
    legacy = from_unicode(text, "tcvn3")
    assert to_unicode(legacy, "tcvn3") == text
    assume(_visibly_garbled(legacy, text) >= 2)
    # "ö" is "ư" in both tables: when the other table reads the same text, nothing tells them apart
    assume(to_unicode(legacy, "vni") != text)
    assert detect_encoding(legacy) == "tcvn3"
    assert decode_legacy(legacy) == (text, "tcvn3")


@settings(max_examples=150, deadline=None)
@given(sentences(capitals=True))
def test_property_vni(text: str) -> None:
    legacy = from_unicode(text, "vni")
    assert to_unicode(legacy, "vni") == text
    assume(_visibly_garbled(legacy, text) >= 2)
    assume(to_unicode(legacy, "tcvn3") != text)  # see test_property_tcvn3
    assert detect_encoding(legacy) == "vni"
    assert decode_legacy(legacy) == (text, "vni")


@settings(max_examples=150, deadline=None)
@given(sentences(capitals=True), st.sampled_from(["NFC", "NFD"]))
def test_property_unicode_vietnamese_is_unicode(text: str, form: str) -> None:
    assert detect_encoding(unicodedata.normalize(form, text)) == "unicode"
    assert decode_legacy(unicodedata.normalize(form, text)) == (text, "unicode")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=200))
def test_property_ascii_is_never_legacy(text: str) -> None:
    assert detect_encoding(text) in ("unicode", None)
    assert decode_legacy(text)[0] == text
