"""The sender states who they are, as the regulation asks.

- thainguyen / haiduong Art. 8.2: full name, job title, email, phone or postal address;
- binhphuoc Art. 9.1.b: agency/unit, full name, job title *if any*, email, phone or address;
- kontum Art. 9.1.c: full name, agency/unit, job title *if any*, phone or address;
- hungyen states nothing and follows the thainguyen rule.
Which details a profile requires is data (`required_sender`); the sender block itself is read by
tinbai.extract.sender.

A citizen or an organisation writing feedback (category `feedback`) is not held to the units'
rules (CHECK-REPORT "Counting deadlines", last point): no job title or unit is asked of them and
they are not expected in the directory; a name and a way to answer are enough, and the email
address they wrote from is one.
"""

from __future__ import annotations

from tinbai.config import FEEDBACK, Profile
from tinbai.extract.origin import from_agency
from tinbai.extract.submission import Submission
from tinbai.report import ERROR, WARNING, Problem
from tinbai.rules.base import Code, Rule


def _cited(text: str, article: str | None) -> str:
    return f"{text} (theo {article})." if article else f"{text}."


class _SenderDetail(Rule):
    """A detail the sender must state; `needs` is the profile's word for it (required_sender);
    `of_citizens`: whether a citizen writing feedback must state it too."""

    needs: str = ""
    text: str = ""
    of_citizens: bool = True

    def applies(self, profile: Profile) -> bool:
        return not self.needs or self.needs in profile.required_sender

    def stated(self, sub: Submission) -> bool:
        raise NotImplementedError

    def check(self, sub: Submission) -> list[Problem]:
        if (sub.category == FEEDBACK and not self.of_citizens) or self.stated(sub):
            return []
        (code,) = self.codes
        return [self.problem(code.code, _cited(self.text, sub.profile.article_for(code.code)))]


class MissingName(_SenderDetail):
    description = "Người gửi ghi họ và tên"
    text = "Thư chưa ghi họ tên người gửi. Đề nghị ghi đầy đủ họ và tên của người gửi ở cuối thư"
    codes = (Code("sender.missing_name", ERROR, "Không tìm thấy họ tên người gửi",
                  "Ghi rõ họ và tên người gửi ở cuối thư."),)

    def stated(self, sub: Submission) -> bool:
        return bool(sub.sender.name)


class MissingTitle(_SenderDetail):
    description = "Người gửi ghi chức danh (nơi Quy chế yêu cầu; không hỏi công dân gửi ý kiến)"
    needs = "title"
    of_citizens = False
    text = ("Thư chưa ghi chức danh của người gửi. Đề nghị ghi chức danh (ví dụ: Chuyên viên, "
            "Văn thư, Chấp hành viên) dưới họ tên người gửi")
    codes = (Code("sender.missing_title", ERROR, "Không tìm thấy chức danh người gửi",
                  "Ghi rõ chức danh (chức vụ) của người gửi ở cuối thư."),)

    def stated(self, sub: Submission) -> bool:
        return bool(sub.sender.title)


class MissingUnit(_SenderDetail):
    description = "Người gửi ghi cơ quan, đơn vị (nơi Quy chế yêu cầu; không hỏi công dân gửi ý kiến)"
    needs = "unit"
    of_citizens = False
    text = ("Thư chưa ghi cơ quan, đơn vị của người gửi. Đề nghị ghi tên cơ quan, đơn vị công tác "
            "(ví dụ: Phòng Tư pháp huyện …) dưới họ tên người gửi")
    codes = (Code("sender.missing_unit", ERROR, "Không tìm thấy cơ quan, đơn vị của người gửi",
                  "Ghi rõ tên cơ quan, đơn vị của người gửi ở cuối thư."),)

    def stated(self, sub: Submission) -> bool:
        return bool(sub.sender.unit)


class MissingContact(_SenderDetail):
    description = ("Người gửi ghi số điện thoại hoặc địa chỉ liên hệ (công dân gửi ý kiến: địa chỉ thư điện tử "
                   "cũng là cách liên hệ)")
    needs = "contact"
    text = ("Thư chưa ghi số điện thoại hoặc địa chỉ liên hệ của người gửi. Đề nghị ghi số điện thoại "
            "hoặc địa chỉ liên hệ ở cuối thư")
    codes = (Code("sender.missing_contact", ERROR,
                  "Không tìm thấy số điện thoại hoặc địa chỉ liên hệ của người gửi",
                  "Ghi số điện thoại hoặc địa chỉ liên hệ của người gửi ở cuối thư."),)

    def stated(self, sub: Submission) -> bool:
        if sub.category == FEEDBACK and sub.sender.address:
            return True  # the board answers a citizen at the address they wrote from
        return bool(sub.sender.phone or sub.sender.postal_address)


class SenderUnknown(Rule):
    """Not registered, so the reviewer checks the origin (thainguyen/haiduong Art. 10.1)."""

    description = "Người gửi thuộc đơn vị hoặc danh sách cộng tác viên đã đăng ký"
    codes = (Code("sender.unknown", WARNING,
                  "Địa chỉ người gửi không thuộc danh sách đơn vị, cộng tác viên đã đăng ký",
                  "Gửi tin, bài từ hộp thư công vụ của đơn vị, hoặc đề nghị Ban Biên tập đăng ký "
                  "địa chỉ thư của cộng tác viên."),)

    def check(self, sub: Submission) -> list[Problem]:
        address = sub.sender.address
        if sub.category == FEEDBACK:
            return []  # a citizen is never in the units' directory: that is no reason for doubt
        if from_agency(sub.directory, sub.profile.allowed_domains, address):  # the board's units and contributors
            return []
        where = f"Địa chỉ {address}" if address else "Thư không có địa chỉ người gửi hợp lệ, địa chỉ"
        text = (f"{where} không thuộc tên miền của đơn vị và chưa có trong danh sách cộng tác viên "
                "đã đăng ký; đề nghị kiểm tra nguồn gốc thông tin trước khi xử lý")
        return [self.problem("sender.unknown", _cited(text, sub.profile.article_for("sender.unknown")))]
