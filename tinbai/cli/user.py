"""`main.py user add / disable / reset / list`: the board's accounts (tinbai.web.users)."""

from __future__ import annotations

import argparse
import sys

from tinbai.config import Config
from tinbai.queue.schema import open_db
from tinbai.roles import ROLES
from tinbai.web.users import UserError, user_add, user_disable, user_list, user_reset_password


def run(config: Config, args: argparse.Namespace) -> int:
    engine = open_db(config)
    try:
        if args.user_cmd == "add":
            pw = user_add(config, engine, args.email, args.role, args.profile, name=args.name)
            print(f"Đã tạo tài khoản {args.email.strip().lower()} ({ROLES[args.role]}).")
            print(f"Mật khẩu dùng một lần: {pw}")
            print("Người dùng phải đổi mật khẩu ở lần đăng nhập đầu tiên.")
        elif args.user_cmd == "disable":
            user_disable(config, engine, args.email)
            print(f"Đã vô hiệu hóa tài khoản {args.email}.")
        elif args.user_cmd == "reset":
            pw = user_reset_password(config, engine, args.email)
            print(f"Mật khẩu dùng một lần mới của {args.email}: {pw}")
        elif args.user_cmd == "list":
            users = user_list(config, engine)
            if not users:
                print("Chưa có tài khoản nào.")
            for u in users:
                flags = []
                if u.disabled:
                    flags.append("đã vô hiệu hóa")
                if u.must_change_password:
                    flags.append("chưa đổi mật khẩu")
                print(f"{u.email:32s} {u.role:12s} {u.profiles:30s} {', '.join(flags)}")
        return 0
    except UserError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
