"""Files that could harm whoever opens them: quarantined, never shown to a reviewer.

hungyen Art. 8.5 forbids spreading malware; every profile keeps programs, macros and hostile
archives away from the board.
"""

from __future__ import annotations

from tinbai.report import SECURITY
from tinbai.rules.base import Code, FileFindingRule


class Executable(FileFindingRule):
    description = "Không có tệp chương trình, mã lệnh"
    finding = "executable"
    codes = (Code("attachment.executable", SECURITY, "Tệp là chương trình hoặc mã lệnh, có thể gây hại",
                  "Không gửi tệp chương trình, mã lệnh; chỉ gửi văn bản, hình ảnh, âm thanh, video."),)


class Macro(FileFindingRule):
    description = "Tệp Office không chứa macro (VBA)"
    finding = "macro"
    codes = (Code("attachment.macro", SECURITY, "Tệp Office có chứa macro (VBA), có thể gây hại",
                  "Lưu văn bản ở dạng không có macro (.docx, .xlsx) hoặc .pdf rồi gửi lại."),)


class PathTraversal(FileFindingRule):
    description = "Tệp nén không có thành phần trỏ ra ngoài thư mục giải nén"
    finding = "path_traversal"
    codes = (Code("archive.path_traversal", SECURITY, "Tệp nén có tên thành phần trỏ ra ngoài thư mục giải nén",
                  "Nén lại các tệp bằng công cụ thông dụng, không dùng đường dẫn bất thường."),)


class ArchiveBomb(FileFindingRule):
    description = "Tệp nén có dung lượng giải nén bình thường"
    finding = "archive_bomb"
    codes = (Code("archive.bomb", SECURITY, "Tệp nén có dung lượng giải nén bất thường (bom nén)",
                  "Gửi trực tiếp các tệp hoặc tệp nén có dung lượng bình thường."),)
