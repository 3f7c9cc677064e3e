"""The receiving mail server authenticated the From domain (RFC 8601 Authentication-Results).

The regulations ask the board to check the origin of what it posts (thainguyen/haiduong Art.
10.1; binhphuoc Art. 11.1 "ghi nhận nguồn gốc"); a forged From address of a unit is the
cheapest way to get false information onto the portal. Only headers of the servers the profile
trusts count (tinbai.extract.auth reads them).
"""

from __future__ import annotations

from tinbai.extract.auth import authentication_failure
from tinbai.extract.submission import Submission
from tinbai.report import WARNING, Problem
from tinbai.rules.base import Code, Rule


class AuthFailed(Rule):
    description = "Máy chủ thư xác thực được tên miền người gửi (DMARC/SPF/DKIM)"
    codes = (Code("sender.auth_failed", WARNING,
                  "Máy chủ thư xác thực thấy thư có thể bị giả mạo địa chỉ người gửi (DMARC/SPF/DKIM)",
                  "Gửi tin, bài từ hộp thư công vụ của đơn vị qua máy chủ thư của cơ quan."),)

    def check(self, sub: Submission) -> list[Problem]:
        failure = authentication_failure(sub.message.headers, sub.message.from_domain,
                                         sub.profile.trusted_authserv_ids)
        if failure is None:
            return []
        server, why, domain = failure
        article = sub.profile.article_for("sender.auth_failed")
        where = f" cho tên miền {domain}" if domain else ""
        detail = (f"Máy chủ thư {server} xác thực không đạt ({why}){where}: địa chỉ người gửi "
                  "có thể bị giả mạo; đề nghị xác minh với đơn vị gửi trước khi xử lý")
        detail += f" (theo {article})." if article else "."
        return [self.problem("sender.auth_failed", detail)]
