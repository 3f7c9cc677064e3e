"""What the extractors know of Vietnamese: names, titles, units, places, closings, labels.

One list of each, written as people write the words (with their diacritics); every extractor
builds its own patterns or keys from them (with and without diacritics, folded), so that
the reader of signatures (tinbai.extract.sender), of official documents
(tinbai.extract.docheader) and of approvals (tinbai.extract.approval) know the same words.
Where two lists look alike but must stay apart, the comment says why. Data only, and the
helpers that turn a list into a regex alternation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tinbai.textutil import aligned_fold, ascii_key

__all__ = [
    "ADDRESS_WORDS",
    "ADMINISTRATIVE_UNITS",
    "CLOSINGS",
    "FAMILY_NAMES",
    "GREETINGS",
    "LABELS",
    "LEADER_TITLES",
    "MIDDLE_NAMES",
    "NAME_LIKE_ASCII",
    "NOT_NAME_ASCII",
    "NOT_NAME_PHRASES",
    "NOT_NAME_TOKENS",
    "NOT_PLACE_WORDS",
    "OPENING_VERBS",
    "PLACE_NAMES",
    "SENDING_WORDS",
    "SIGNER_TITLES",
    "SURNAME_UNIT_HEADS",
    "TIMES_OF_DAY",
    "TITLE_BASES",
    "TITLE_EMBEDDED_UNIT",
    "TITLE_MODIFIERS",
    "UNIT_ABBREVIATIONS",
    "UNIT_HEADS",
    "alternation",
    "alternation_folded",
    "alternation_with_ascii",
]

# ---------------------------------------------------------------------------------------------
# People

# Common Vietnamese family names, and some of the Central Highlands and northern minorities.
FAMILY_NAMES: tuple[str, ...] = (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
    "Dương", "Lý", "Đinh", "Đàm", "Hà", "Lưu", "Tạ", "Triệu", "Trịnh", "Mai", "Ma", "Mã", "Lã", "Lại", "Nông",
    "Cao", "Chu", "Kiều", "Quách", "Tô", "Tăng", "Thái", "Văn", "Vương", "Khổng", "Đoàn", "Lương",
    "Trương", "Đào", "Lâm", "Phùng", "Mạc", "Tống", "Hứa", "Giang", "Khúc", "Khuất", "Lục", "Mông", "Hầu",
    "Âu", "Doãn", "Đồng", "Bạch", "Cù", "Diệp", "La", "Lò", "Lường", "Quàng", "Cầm", "Hán", "Kim",
    "Nghiêm", "Ông", "Phí", "Phó", "Sầm", "Thân", "Thạch", "Tiêu", "Từ", "Ứng", "Viên", "Vi", "Nhữ",
    "Tiết", "Tôn", "Châu", "Quan", "Bế", "Vy", "Mẫn", "Thiều", "Lăng", "Chử", "Bành", "Hàn", "Ninh",
    "Trình", "Đường", "Lạc", "Tào", "Chế", "Nhan", "Bàng", "Khương", "Đậu", "Tòng", "Vàng", "Kha", "Giáp",
    "Nhâm", "Cấn", "Giàng", "Thào", "Sùng", "Lầu", "Mùa", "Hờ", "Ksor", "Siu", "Rơ", "Rahlan", "Rah", "Rmah",
    "Nay", "Kpă", "Niê", "Mlô", "Êban", "Bkrông", "Hwing", "Y", "A", "H'", "Cát", "Lữ", "Yên", "Dư", "Chiêm",
    "Đàng", "Ôn",
)
# after a family name, "Văn"/"Thị" are middle names: "Nguyễn Văn Thư" is a person, not "văn thư"
MIDDLE_NAMES = frozenset(["văn", "thị", "van", "thi"])

# Academic and professional titles written before a name ("ThS. Nguyễn Văn Long") are in
# tinbai.extract.sender.names, with the shape of a name.

# ---------------------------------------------------------------------------------------------
# Job titles

# Job titles, longest first when compiled. Modifiers ("chính", "cao cấp"…) are matched after them.
TITLE_BASES: tuple[str, ...] = (
    "chuyên viên", "chuyên viên chính", "chuyên viên cao cấp", "cán sự", "văn thư", "lưu trữ viên",
    "văn thư - lưu trữ", "văn thư lưu trữ", "thủ quỹ", "thủ kho", "kế toán", "kế toán trưởng",
    "kế toán viên", "phụ trách kế toán", "chấp hành viên", "thư ký thi hành án", "thư ký", "thẩm tra viên",
    "thanh tra viên", "chánh thanh tra", "phó chánh thanh tra", "trưởng phòng", "phó trưởng phòng",
    "phó phòng", "chánh văn phòng", "phó chánh văn phòng", "phó văn phòng", "chi cục trưởng",
    "phó chi cục trưởng", "cục trưởng", "phó cục trưởng", "tổng cục trưởng", "giám đốc", "phó giám đốc",
    "trưởng ban", "phó trưởng ban", "trợ giúp viên pháp lý", "trợ giúp viên", "công chứng viên",
    "cán bộ", "công chức", "viên chức", "nhân viên", "cộng tác viên", "người lao động", "lái xe",
    "bảo vệ", "tạp vụ", "phục vụ", "giám định viên", "đấu giá viên", "hòa giải viên", "hoà giải viên",
    "báo cáo viên", "tuyên truyền viên", "kiểm sát viên", "thẩm phán", "luật sư", "biên tập viên",
    "phóng viên", "quản trị viên", "quản trị mạng", "kỹ thuật viên", "kĩ thuật viên", "chủ tịch",
    "phó chủ tịch", "bí thư", "phó bí thư", "ủy viên", "uỷ viên", "chánh án", "phó chánh án",
    "viện trưởng", "phó viện trưởng", "hiệu trưởng", "phó hiệu trưởng", "tổ trưởng", "tổ phó",
    "đội trưởng", "đội phó", "trưởng đoàn", "phó trưởng đoàn", "trưởng trạm", "trợ lý", "giáo viên",
    "giảng viên", "kiểm soát viên", "kiểm toán viên", "hộ tịch viên", "công chức tư pháp - hộ tịch",
    "công chức tư pháp hộ tịch", "tổng biên tập", "phó tổng biên tập", "thư ký tòa soạn",
    "thành viên ban biên tập", "thư ký ban biên tập", "thẩm định viên", "điều tra viên",
    "thừa phát lại", "quản tài viên", "trưởng văn phòng", "phó trưởng văn phòng", "chuyên trách",
    "văn phòng viên", "kế hoạch viên", "thống kê viên", "nhân viên hợp đồng", "hợp đồng lao động",
)
TITLE_MODIFIERS: tuple[str, ...] = (
    "chính", "cao cấp", "trung cấp", "sơ cấp", "tập sự", "hạng iv", "hạng iii", "hạng ii", "hạng i",
    "phụ trách", "thường trực", "kiêm nhiệm", "chuyên trách", "hợp đồng",
)
# titles that name the kind of unit they head: "Trưởng phòng Nghiệp vụ" -> unit "Phòng Nghiệp vụ"
# (regexes: the alternatives of one title)
TITLE_EMBEDDED_UNIT: tuple[tuple[str, str], ...] = (
    (r"trưởng phòng|phó phòng", "Phòng"),
    (r"chánh văn phòng|phó văn phòng|trưởng văn phòng", "Văn phòng"),
    (r"chánh thanh tra", "Thanh tra"),
    (r"chi cục trưởng", "Chi cục"),
    (r"tổng cục trưởng", "Tổng cục"),
    (r"cục trưởng", "Cục"),
    (r"trưởng ban", "Ban"),
    (r"viện trưởng", "Viện"),
    (r"chánh án", "Tòa án"),
    (r"hiệu trưởng", "Trường"),
    (r"tổ trưởng|tổ phó", "Tổ"),
    (r"đội trưởng|đội phó", "Đội"),
    (r"trưởng đoàn", "Đoàn"),
    (r"trưởng trạm", "Trạm"),
)

# The titles of a unit's leaders, whose sending shows the leader's approval (thainguyen/haiduong
# Art. 8.2 and 9.1, binhphuoc Art. 9.1.a, hungyen Art. 9.4, kontum Art. 18.2). Matched as words
# anywhere in a title: "trưởng" makes every "… trưởng" (Cục trưởng, Tổ trưởng) a leader.
LEADER_TITLES: tuple[str, ...] = (
    "trưởng", "phó trưởng", "giám đốc", "phó giám đốc", "chánh văn phòng", "phó chánh văn phòng",
    "cục trưởng", "phó cục trưởng", "chi cục trưởng", "phó chi cục trưởng", "chánh thanh tra", "tổ trưởng",
    "thủ trưởng", "tổng cục trưởng", "viện trưởng", "chủ tịch", "bí thư", "chủ nhiệm",
)
# Words of the title in the signature block of an official document (NĐ 30/2020 Art. 13): the
# leaders' titles and what else signs there ("Phó …", "Chánh án", "Ủy viên", "Cán bộ", "Người
# ký"). Apart from LEADER_TITLES on purpose: a signer is not always a leader, so these must not
# count as a leader's approval.
SIGNER_TITLES: tuple[str, ...] = LEADER_TITLES + (
    "phó", "chánh", "ủy viên", "cán bộ", "người ký", "kế toán trưởng",
)

# ---------------------------------------------------------------------------------------------
# Units and places

# How the name of an agency or unit starts.
UNIT_HEADS: tuple[str, ...] = (
    "phòng", "văn phòng", "vp", "chi cục", "cục", "tổng cục", "sở", "ban", "trung tâm", "thanh tra",
    "ubnd", "ủy ban", "uỷ ban", "hđnd", "hội đồng", "tòa án", "toà án", "tand", "viện", "vksnd",
    "trường", "bộ", "vụ", "đội", "tổ", "hội", "chi hội", "công đoàn", "đoàn thanh niên", "đoàn luật sư",
    "chi nhánh", "bộ phận", "thi hành án", "thads", "cthads", "cơ quan", "công an", "đảng ủy", "đảng uỷ",
    "đảng bộ", "chi bộ", "công ty", "tổng công ty", "báo", "đài", "tạp chí", "bệnh viện", "kho bạc",
    "quỹ", "liên đoàn", "mặt trận", "hạt kiểm lâm", "trạm", "học viện", "đại học", "nhà xuất bản",
    "stp", "snv", "văn phòng công chứng", "phòng công chứng", "văn phòng luật sư", "hợp tác xã",
    "bảo hiểm", "tỉnh ủy", "thành ủy", "huyện ủy", "quận ủy", "thị ủy", "tập đoàn", "ngân hàng",
    "kiểm toán", "nhà",
)
# Unit words that are also family names ("Đoàn kiểm tra" / "Đoàn Minh Quân"). Apart from
# UNIT_HEADS on purpose: the left column of a document header holds no person's name, so there
# they start a unit; in a signature "Đoàn Minh Quân" is a person.
SURNAME_UNIT_HEADS: tuple[str, ...] = ("đoàn",)
# abbreviations of bodies' names, and what they stand for
UNIT_ABBREVIATIONS: dict[str, str] = {
    "thads": "thi hành án dân sự", "ubnd": "ủy ban nhân dân", "hđnd": "hội đồng nhân dân",
    "tand": "tòa án nhân dân", "vksnd": "viện kiểm sát nhân dân", "cthads": "cục thi hành án dân sự",
    "stp": "sở tư pháp", "snv": "sở nội vụ",
}

# Administrative units: "… tỉnh Thái Nguyên", "Phường Phan Đình Phùng"
ADMINISTRATIVE_UNITS: tuple[str, ...] = (
    "tỉnh", "thành phố", "tp", "tp.", "huyện", "quận", "thị xã", "thị trấn", "xã", "phường", "khu vực",
    "đặc khu",
)
# The words of a postal address: the street and village levels, then the administrative units.
ADDRESS_WORDS: tuple[str, ...] = (
    "đường", "phố", "ngõ", "ngách", "hẻm", "kiệt", "thôn", "xóm", "ấp", "bản", "khu phố", "tổ dân phố", "tổ",
    "khu", "tiểu khu", "quốc lộ", "ql", "tỉnh lộ", "đại lộ", "khu đô thị", "lô", "km",
) + ADMINISTRATIVE_UNITS

# provinces and cities whose names read like a person's ("Hà Nội", "Thái Bình"): not a name alone
PLACE_NAMES: tuple[str, ...] = (
    "Hà Nội", "Hà Giang", "Hà Nam", "Hà Tĩnh", "Cao Bằng", "Lâm Đồng", "Đồng Nai", "Đồng Tháp", "Thái Nguyên",
    "Thái Bình", "Kon Tum", "Gia Lai", "Đắk Lắk", "Đắk Nông", "Lào Cai", "Lai Châu", "Sơn La", "Yên Bái",
    "Tuyên Quang", "Bắc Kạn", "Lạng Sơn", "Quảng Ninh", "Hải Phòng", "Hải Dương", "Hưng Yên", "Nam Định",
    "Ninh Bình", "Thanh Hóa", "Thanh Hoá", "Nghệ An", "Quảng Bình", "Quảng Trị", "Thừa Thiên Huế", "Đà Nẵng",
    "Quảng Nam", "Quảng Ngãi", "Bình Định", "Phú Yên", "Khánh Hòa", "Khánh Hoà", "Ninh Thuận", "Bình Thuận",
    "Bình Phước", "Tây Ninh", "Bình Dương", "Long An", "Tiền Giang", "Bến Tre", "Trà Vinh", "Vĩnh Long",
    "An Giang", "Kiên Giang", "Cần Thơ", "Hậu Giang", "Sóc Trăng", "Bạc Liêu", "Cà Mau", "Vĩnh Phúc",
    "Bắc Ninh", "Bắc Giang", "Phú Thọ", "Hòa Bình", "Hoà Bình", "Điện Biên", "Việt Nam", "Hồ Chí Minh",
    "Đồng Xoài", "Chí Linh", "Gia Lộc", "Phổ Yên", "Sông Công", "Buôn Ma Thuột", "Pleiku", "Bình Long",
)

# Times of day written before a date ("Sáng ngày 15/7", "chiều 28-4").
TIMES_OF_DAY: tuple[str, ...] = ("sáng", "chiều", "tối", "trưa", "đêm", "rạng sáng", "sáng sớm")
# Words written before "ngày" that are not a place: times of day, connectives and the words of
# citations ("Sáng ngày 15/7", "Vào lúc … ngày", "ký ngày", "có hiệu lực kể từ ngày").
NOT_PLACE_WORDS: tuple[str, ...] = TIMES_OF_DAY + (
    "hôm", "vào", "lúc", "từ", "đến", "nay", "sau", "trước", "cùng", "trong", "ngày", "tháng", "năm", "thứ",
    "chủ", "và", "tại", "theo", "căn", "cứ", "ký", "ban", "hành", "hiệu", "lực", "kể", "sinh", "cấp", "đầu",
    "cuối", "giữa",
)

# ---------------------------------------------------------------------------------------------
# Words that are no person's name

# a display name containing them is a unit or a role
NOT_NAME_PHRASES: tuple[str, ...] = (
    "văn phòng", "chi cục", "tổng cục", "trung tâm", "thanh tra", "tư pháp", "thi hành án", "ủy ban",
    "uỷ ban", "biên tập", "lãnh đạo", "hành chính", "một cửa", "tiếp nhận", "kế toán", "văn thư",
    "chuyên viên", "thông tin", "điện tử", "công ty", "hộp thư", "tổng hợp", "cơ quan", "đơn vị",
    "bộ phận", "trân trọng", "cảm ơn", "kính gửi", "giám đốc", "trưởng phòng", "cán bộ", "nhân viên",
    "tòa án", "toà án", "viện kiểm sát", "công an", "hội đồng", "trợ giúp", "công chứng", "nội vụ",
    "thi đua", "khen thưởng", "phổ biến", "nghiệp vụ", "tổ chức", "quản trị", "hỗ trợ", "người gửi",
)
NOT_NAME_TOKENS = frozenset([
    "phòng", "cục", "sở", "ban", "tỉnh", "huyện", "xã", "phường", "quận", "viện", "tổ", "bộ", "vụ", "đội",
    "admin", "administrator", "webmaster", "postmaster", "info", "mail", "email", "noreply", "support",
    "office", "contact", "team", "ttđt", "bbt", *UNIT_ABBREVIATIONS,
])
# typed without diacritics: the phrases above, and role mailboxes
NOT_NAME_ASCII: tuple[str, ...] = tuple(ascii_key(p) for p in NOT_NAME_PHRASES) + (
    "ubnd", "thads", "cthads", "admin", "webmaster", "postmaster", "noreply", "support", "office",
)
# pairs that are unit words with diacritics but also plausible names without them
# ("Nguyen Van Phong" is Nguyễn Văn Phong, "Nguyen Thanh Tra" Nguyễn Thanh Trà)
NAME_LIKE_ASCII = frozenset(["van phong", "van thu", "thanh tra", "trung tam", "tong hop", "thong tin"])

# ---------------------------------------------------------------------------------------------
# Opening and closing a message

CLOSINGS: tuple[str, ...] = (
    "trân trọng cảm ơn", "trân trọng", "xin trân trọng cảm ơn", "xin chân thành cảm ơn",
    "chân thành cảm ơn", "trân thành cảm ơn", "xin cảm ơn", "xin cám ơn", "cảm ơn", "cám ơn",
    "rất cảm ơn", "kính thư", "thân ái", "thân chào", "thân mến", "kính chào", "kính chúc",
    "chúc sức khỏe", "chúc sức khoẻ", "best regards", "kind regards", "warm regards", "regards",
    "many thanks", "thanks and best regards", "thanks & best regards", "thanks", "thank you",
    "sincerely", "yours sincerely", "yours faithfully", "best wishes", "cheers",
    # other languages' closings, from partners and from staff who learnt their mail abroad
    "viele grüße", "viele grüsse", "freundliche grüße", "freundliche grüsse", "mit freundlichen grüßen",
    "mit freundlichen grüssen", "beste grüße", "beste grüsse", "liebe grüße", "liebe grüsse", "grüße",
    "grüsse", "gruß", "gruss", "cordialement", "bien cordialement", "salutations", "bien à vous",
    "atentamente", "saludos", "cordiali saluti", "distinti saluti", "met vriendelijke groet",
    "с уважением", "敬上", "此致敬礼", "よろしくお願いします",
)
# Greetings that open a message or a line: "Tag Max", "Dear Mr Nam", "Chào anh Hùng" name the
# reader, not the sender, and are no one's name themselves.
GREETINGS: tuple[str, ...] = (
    "kính gửi", "kính chào", "thân gửi", "xin chào", "chào", "gửi", "dear", "hello", "hi", "hey",
    "good morning", "good afternoon", "good evening", "tag", "guten tag", "guten morgen", "hallo",
    "sehr geehrte", "sehr geehrter", "sehr geehrte damen und herren", "liebe", "lieber", "moin",
    "bonjour", "bonsoir", "salut", "madame", "monsieur", "hola", "estimado", "estimada", "ciao",
    "buongiorno", "здравствуйте",
)
# Verbs that open a message: "Trân trọng gửi Ban Biên tập tin bài sau:" opens it, it does not
# close it.
OPENING_VERBS: tuple[str, ...] = (
    "gửi", "báo cáo", "báo", "đề nghị", "thông báo", "kính gửi", "mời", "chuyển",
)
# Words of sending an item for posting ("Gửi Quyết định số …", "Hôm nay em gửi tin …"). Apart
# from OPENING_VERBS on purpose: "báo cáo", "thông báo", "đề nghị" name documents and events
# in a sentence, and would make a news lead or a report's title look like a covering note.
SENDING_WORDS: tuple[str, ...] = (
    "gửi", "chuyển", "chuyển tiếp", "đăng tải", "đăng lên", "đề nghị đăng", "xin gửi", "kính gửi", "fwd",
    "fw",
)

# Field labels of a signature. Values follow a colon, or a table cell (" | ") after HTML conversion.
LABELS: dict[str, tuple[str, ...]] = {
    "name": ("họ và tên", "họ tên", "họ, tên", "tên người gửi", "người gửi", "người liên hệ",
             "người liên lạc", "cán bộ gửi", "người gửi tin", "full name", "name", "sender",
             "contact person", "họ và tên người gửi", "họ tên người gửi"),
    "title": ("chức danh/chức vụ", "chức danh, chức vụ", "chức vụ/chức danh", "chức danh", "chức vụ",
              "job title", "title", "position"),
    "unit": ("cơ quan, đơn vị", "cơ quan/đơn vị", "cơ quan - đơn vị", "đơn vị công tác", "nơi công tác",
             "cơ quan công tác", "đơn vị", "cơ quan", "phòng ban", "bộ phận", "department",
             "organization", "organisation", "unit", "company"),
    "postal_address": ("địa chỉ liên hệ", "địa chỉ liên lạc", "địa chỉ cơ quan", "địa chỉ", "đ/c", "đc",
                       "add", "addr", "address", "trụ sở", "trụ sở chính"),
    "phone": ("số điện thoại", "điện thoại di động", "điện thoại cơ quan", "điện thoại", "đthoại", "số đt",
              "điện thoại liên hệ", "điện thoại bàn", "điện thoại văn phòng", "điện thoại nhà riêng",
              "đt cơ quan", "đt di động", "đt liên hệ", "đt văn phòng", "đt nhà riêng", "số điện thoại liên hệ",
              "di động/zalo", "điện thoại/zalo", "sđt/zalo",
              "sđt", "đtdđ", "đtcq", "đt cq", "đt", "dđ", "di động", "tel", "telephone", "phone", "mobile",
              "mob", "mobi", "cell", "hotline", "zalo", "tel/fax", "đt/fax", "điện thoại/fax"),
    "ignore": ("email", "e-mail", "mail", "thư điện tử", "website", "web", "fax", "mst", "mã số thuế",
               "số tài khoản", "stk", "skype"),
}

# ---------------------------------------------------------------------------------------------
# Patterns


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of the words, longest first, a space matching any run of spaces."""
    uniq = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in uniq)


def alternation_with_ascii(words: Iterable[str]) -> str:
    """The words as written and without diacritics (for text typed without them)."""
    words = list(words)
    return alternation(words + [ascii_key(w) for w in words])


def alternation_folded(words: Iterable[str]) -> str:
    """The words folded as tinbai.textutil.aligned_fold folds a text (lower case, no diacritics)."""
    return alternation(aligned_fold(w) for w in words)
