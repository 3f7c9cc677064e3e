"""The roles of the editorial board's accounts, with their Vietnamese names.

Kept apart from the workflow so that the command line can list them without
loading the database layer.
"""

ROLES: dict[str, str] = {
    "secretary": "Thư ký",
    "member": "Thành viên Ban Biên tập",
    "head": "Trưởng ban / Tổ trưởng",
    "agency_head": "Thủ trưởng cơ quan",
    "admin": "Quản trị hệ thống",
    "viewer": "Chỉ xem",
}
