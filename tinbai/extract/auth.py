"""Did the receiving mail server authenticate the From domain? (RFC 8601 Authentication-Results)

The regulations ask the editorial team to check the origin of what it posts
(thainguyen/haiduong Art. 10.1; binhphuoc Art. 11.1 "ghi nhận nguồn gốc"); a forged
From address of a unit is the cheapest way to get false information onto the portal.
The agency's own mail server records SPF, DKIM and DMARC results in an
Authentication-Results header. Only headers whose authserv-id the profile trusts
(Profile.trusted_authserv_ids) are read: anyone can put such a header into a message
they send, so the others are ignored.

The failure (the rule sender.auth_failed is tinbai.rules.sender_auth) is when a trusted header says
- dmarc=fail for the From domain, or
- both SPF and DKIM did not pass for the From domain (fail, softfail, none, neutral,
  permerror; a pass for another domain does not vouch for the From domain).
Pure functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = ["AuthResult", "AuthResults", "authentication_failure", "parse_authentication_results"]

HEADER_NAME = "authentication-results"
# results that do not vouch for the domain (RFC 8601 §2.7.1, §2.7.2; RFC 7489 §11.2)
NOT_PASSING = frozenset({"fail", "softfail", "none", "neutral", "permerror", "policy", "hardfail"})


@dataclass
class AuthResult:
    """One "method=result" of an Authentication-Results header, with its properties."""

    method: str  # "spf", "dkim", "dmarc", … (lower case)
    result: str  # "pass", "fail", … (lower case)
    reason: str | None = None
    properties: dict[str, str] = field(default_factory=dict)  # "header.from" -> "example.vn"

    def domain(self) -> str | None:
        """The domain this result is about, from its properties (addresses reduced to their domain)."""
        keys = {
            "spf": ("smtp.mailfrom", "smtp.helo", "header.from"),
            "dkim": ("header.d", "header.i"),
            "dmarc": ("header.from",),
        }.get(self.method, ("header.from", "header.d", "smtp.mailfrom"))
        for key in keys:
            value = self.properties.get(key)
            if value:
                return _domain_of(value)
        return None


@dataclass
class AuthResults:
    authserv_id: str
    version: str | None = None
    results: list[AuthResult] = field(default_factory=list)


def _domain_of(value: str) -> str:
    value = value.strip().strip("<>\"").lower().rstrip(".")
    return value.rsplit("@", 1)[-1]


def _strip_comments(value: str) -> str:
    """Remove RFC 5322 comments "( … )" (nested, with backslash escapes), keeping quoted strings."""
    out: list[str] = []
    depth = 0
    quoted = False
    escaped = False
    for ch in value:
        if escaped:
            if not depth:
                out.append(ch)
            escaped = False
            continue
        if ch == "\\":
            escaped = True
            if not depth:
                out.append(ch)
            continue
        if quoted:
            out.append(ch)
            if ch == '"':
                quoted = False
            continue
        if ch == '"' and not depth:
            quoted = True
            out.append(ch)
        elif ch == "(":
            depth += 1
            out.append(" ")
        elif ch == ")" and depth:
            depth -= 1
        elif not depth:
            out.append(ch)
    return "".join(out)


def _split_semicolons(value: str) -> list[str]:
    """Split at ";" outside quoted strings."""
    parts: list[str] = []
    buf: list[str] = []
    quoted = False
    for ch in value:
        if ch == '"':
            quoted = not quoted
        if ch == ";" and not quoted:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    parts.append("".join(buf))
    return parts


_TOKEN_RE = re.compile(r'\s*([^\s=]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s;]*)')


def parse_authentication_results(value: str) -> AuthResults | None:
    """Parse one Authentication-Results value (RFC 8601 §2.2); None when it has no authserv-id.

    "mx.example.vn; spf=pass smtp.mailfrom=a.vn; dkim=fail (bad sig) header.d=a.vn; dmarc=fail header.from=a.vn"
    """
    text = _strip_comments(" ".join(value.split()))
    parts = _split_semicolons(text)
    head = parts[0].split()
    if not head:
        return None
    out = AuthResults(authserv_id=head[0].strip().lower().rstrip("."),
                      version=head[1] if len(head) > 1 and head[1].isdigit() else None)
    for part in parts[1:]:
        part = part.strip()
        if not part or part.lower() == "none":
            continue
        tokens = _TOKEN_RE.findall(part)
        if not tokens:
            continue
        method, result = tokens[0]
        result_val = result.strip('"').lower()
        res = AuthResult(method=method.split("/")[0].lower(), result=result_val)
        for key, val in tokens[1:]:
            val = val.strip('"')
            if key.lower() == "reason":
                res.reason = val
            else:
                res.properties[key.lower()] = val
        out.results.append(res)
    return out


def _aligned(domain: str | None, from_domain: str | None) -> bool:
    """Relaxed alignment (RFC 7489 §3.1): the same domain or one a subdomain of the other.
    A result without a domain, or a message without a From domain, is taken as aligned."""
    if not domain or not from_domain:
        return True
    a, b = domain.lower().rstrip("."), from_domain.lower().rstrip(".")
    return a == b or a.endswith("." + b) or b.endswith("." + a)


def _failure(res: AuthResults, from_domain: str | None) -> str | None:
    """Why this header says the From domain is not authenticated, or None."""
    dmarc = [r for r in res.results if r.method == "dmarc" and _aligned(r.domain(), from_domain)]
    if any(r.result == "fail" for r in dmarc):
        return "dmarc=fail"
    if any(r.result == "pass" for r in dmarc):
        return None
    spf = [r for r in res.results if r.method == "spf"]
    dkim = [r for r in res.results if r.method == "dkim"]
    if not spf or not dkim:
        return None  # the server did not evaluate both: nothing to conclude
    spf_ok = any(r.result == "pass" and _aligned(r.domain(), from_domain) for r in spf)
    dkim_ok = any(r.result == "pass" and _aligned(r.domain(), from_domain) for r in dkim)
    undecided = any(r.result in ("temperror",) for r in spf + dkim)
    if spf_ok or dkim_ok or undecided:
        return None
    if all(r.result in NOT_PASSING or r.result == "pass" for r in spf + dkim):
        spf_txt = ",".join(sorted({r.result for r in spf}))
        dkim_txt = ",".join(sorted({r.result for r in dkim}))
        return f"spf={spf_txt}, dkim={dkim_txt}"
    return None


def trusted_results(headers: Iterable[tuple[str, str]], trusted_ids: Iterable[str]) -> list[AuthResults]:
    """The parsed Authentication-Results headers whose authserv-id is trusted, in header order."""
    trusted = {t.strip().lower().rstrip(".") for t in trusted_ids if t and t.strip()}
    out: list[AuthResults] = []
    for name, value in headers:
        if name.strip().lower() != HEADER_NAME or value is None:
            continue
        parsed = parse_authentication_results(str(value))
        if parsed is not None and parsed.authserv_id in trusted:
            out.append(parsed)
    return out


def authentication_failure(headers: list[tuple[str, str]], from_domain: str | None,
                           trusted_ids: Iterable[str]) -> tuple[str, str, str | None] | None:
    """(the server, why, the From domain) when a trusted Authentication-Results header says DMARC
    failed, or both SPF and DKIM failed, for the From domain; else None. Untrusted headers (an
    authserv-id not in trusted_ids) are ignored: a sender can forge them."""
    from_domain = from_domain.strip().lower().rstrip(".").rsplit("@", 1)[-1] if from_domain else None
    for res in trusted_results(headers, trusted_ids):
        why = _failure(res, from_domain)
        if why:
            return res.authserv_id, why, from_domain
    return None
