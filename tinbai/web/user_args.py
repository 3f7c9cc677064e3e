"""The `user` command's arguments: argparse only, so that building the command line
stays quick for every other command (the accounts' code loads on use)."""

from __future__ import annotations

import argparse

from tinbai.roles import ROLES


def add_user_commands(subparsers: argparse._SubParsersAction) -> None:
    u = subparsers.add_parser("user", help="tài khoản của Ban Biên tập (accounts of the board)")
    us = u.add_subparsers(dest="user_cmd", required=True)
    a = us.add_parser("add", help="tạo tài khoản; in mật khẩu dùng một lần")
    a.add_argument("--email", required=True)
    a.add_argument("--role", required=True, choices=list(ROLES))
    a.add_argument("--profile", action="append", default=[],
                   help="mã hồ sơ (lặp lại, hoặc cách nhau bằng dấu phẩy); * cho mọi hồ sơ")
    a.add_argument("--name", help="họ tên hiển thị")
    d = us.add_parser("disable", help="vô hiệu hóa tài khoản")
    d.add_argument("--email", required=True)
    r = us.add_parser("reset", help="cấp mật khẩu dùng một lần mới, mở khóa")
    r.add_argument("--email", required=True)
    us.add_parser("list", help="liệt kê tài khoản")
