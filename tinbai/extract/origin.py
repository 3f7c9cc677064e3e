"""Whether an address belongs to the agency's side: its registered contributors, the domains the
profile allows, or a unit's domains and addresses (the board's directory). Units and contributors write as the regulation's senders
(REGULATIONS.md §1); anyone else writing to the board is a citizen or an organisation outside
(category `feedback`, tinbai.extract.category_feedback)."""

from __future__ import annotations

from collections.abc import Iterable

from tinbai.extract.directory import SenderDirectory


def domain_allowed(address: str, domains: Iterable[str]) -> bool:
    """The address's domain is one of `domains` or a subdomain of one ("a@phong.moj.gov.vn")."""
    domain = address.rsplit("@", 1)[-1].lower().rstrip(".")
    for d in domains:
        d = d.lower().strip().lstrip("@").lstrip(".").rstrip(".")
        if d and (domain == d or domain.endswith("." + d)):
            return True
    return False


def from_agency(directory: SenderDirectory, allowed_domains: Iterable[str], address: str | None) -> bool:
    """A registered unit or contributor (the board's directory), or an address in the profile's
    allowed domains."""
    if not address or "@" not in address:
        return False
    return directory.registered(address) or domain_allowed(address, allowed_domains)
