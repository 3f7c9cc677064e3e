"""The header and the signature block of an official document (văn bản hành chính).

Nghị định 30/2020/NĐ-CP (công tác văn thư), Phụ lục I, fixes the layout every
agency uses, and this module reads it back from plain text:

    left column                          right column
    TÊN CƠ QUAN CHỦ QUẢN                 CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
    TÊN CƠ QUAN BAN HÀNH                 Độc lập - Tự do - Hạnh phúc
    Số: 117/QĐ-CTHADS                    Thái Nguyên, ngày 28 tháng 4 năm 2026
                     TÊN LOẠI VĂN BẢN (QUYẾT ĐỊNH, KẾ HOẠCH…)
                     Trích yếu nội dung
    (công văn: no title; "V/v …" under the number in the left column)
    …body…./.
    Nơi nhận:                            KT. CỤC TRƯỞNG
    - Như trên;                          PHÓ CỤC TRƯỞNG
    - Trang TTĐT;                        (chữ ký, dấu)
    - Lưu: VT, VP.                       Nguyễn Văn A

The text reaches us from Word files, PDF text layers and OCR of scans (done
elsewhere). OCR reads the two columns line by line, so one line may carry the
left and the right column ("CỤC THI HÀNH ÁN DÂN SỰ Độc lập - Tự do - Hạnh
phúc"), loses or changes diacritics ("THỊ HÀNH", "S6:", "QD"), joins words
("DÂNSỰ") and appends specks of noise. Everything is therefore matched on a
folded form (lower case, no diacritics, đ -> d) that keeps the positions of the
original text, and the pieces of the right column are cut out before the left
column is read. All functions are pure.

The family: header (parse_header, the composition), lines (the right column cut out), number
(number, symbol, kind), issued (the place-and-date line), title (kind and summary), bodies
(the issuing body), signer (the signature block) and recipients ("Nơi nhận", the portal);
text holds the keys they compare by.
"""

from tinbai.extract.docheader.header import parse_header
from tinbai.extract.docheader.issued import parse_issued_line
from tinbai.extract.docheader.number import KIND_CODES, KIND_NAMES
from tinbai.extract.docheader.recipients import mentions_portal
from tinbai.extract.docheader.signer import is_person_name

__all__ = ["KIND_CODES", "KIND_NAMES", "is_person_name", "mentions_portal", "parse_header", "parse_issued_line"]
