"""tinbai.lexicon: one list of each kind of word, and every reader knows the same words.

The sender, document-header and approval readers had lists of their own that had drifted;
these cases are words one of them knew and another did not.
"""

from __future__ import annotations

from tinbai.extract.approval import leader_approved
from tinbai.extract.docheader import is_person_name, parse_header
from tinbai.extract.sender import extract_sender, looks_like_person_name
from tinbai.lexicon import LEADER_TITLES, SIGNER_TITLES, UNIT_HEADS, alternation, alternation_folded


def test_family_names_are_known_to_both_readers() -> None:
    # Giáp was known to the header reader only, Mẫn to the signature reader only
    assert looks_like_person_name("Giáp Văn Long", strict=True) == "Giáp Văn Long"
    assert is_person_name("Mẫn Thị Hoa")
    # "Rah Lan" was split into two surnames: Lan is a given name
    assert not is_person_name("Lan Anh Thư")


def test_unit_words_are_known_to_both_readers() -> None:
    # "Ngân hàng" was a unit word of the header reader only
    plain = "Gửi tin.\n\nTrân trọng!\nTrần Văn Bình\nChuyên viên\nNgân hàng Chính sách xã hội tỉnh\nĐT: 0912 345 678"
    assert extract_sender(None, None, plain, None).unit == "Ngân hàng Chính sách xã hội tỉnh"
    # "Tổng công ty" was a unit word of the signature reader only
    header = parse_header("BỘ CÔNG THƯƠNG\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                          "TỔNG CÔNG TY ĐIỆN LỰC MIỀN BẮC\tĐộc lập - Tự do - Hạnh phúc\n"
                          "Số: 12/TB-EVNNPC\tHà Nội, ngày 3 tháng 3 năm 2026\nTHÔNG BÁO\nVề việc x\n")
    assert header is not None
    assert (header.parent_body, header.issuing_body) == ("BỘ CÔNG THƯƠNG", "TỔNG CÔNG TY ĐIỆN LỰC MIỀN BẮC")


def test_doan_starts_a_unit_in_a_header_and_is_a_surname_in_a_signature() -> None:
    assert "đoàn" not in UNIT_HEADS
    plain = "Gửi tin.\n\nTrân trọng!\nĐoàn Minh Quân\nChuyên viên\nĐT: 0912 345 678"
    assert extract_sender(None, None, plain, None).name == "Đoàn Minh Quân"


def test_leaders_and_signers() -> None:
    assert leader_approved("Phó Chủ tịch", "", [], [])
    assert leader_approved("Bí thư Chi bộ", "", [], [])
    # a signer's title is not always a leader's
    assert set(LEADER_TITLES) < set(SIGNER_TITLES)
    assert not leader_approved("Cán bộ", "", [], [])


def test_alternations_put_the_longest_first() -> None:
    assert alternation(["tổ", "tổ dân phố"]) == r"tổ\s+dân\s+phố|tổ"
    assert alternation_folded(["Tỉnh ủy", "đặc khu"]) in (r"tinh\s+uy|dac\s+khu", r"dac\s+khu|tinh\s+uy")
