"""The board's directory of units, focal persons and contributors, as data the checks read.

The board keeps it in the database (tinbai.queue.directory: its pages, imported from
config.toml on first start); the daemon reads it before the chain and hands it in, as it does
with duplicate candidates, so that no rule or extractor queries anything. Without a database
(`main.py check`) the profile's own lists stand in (`SenderDirectory.of_profile`).
"""

from __future__ import annotations

from dataclasses import dataclass

from tinbai.config import Profile
from tinbai.report import Sender
from tinbai.textutil import nfc


@dataclass(frozen=True)
class DirectoryUnit:
    name: str
    domains: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    leaders: tuple[str, ...] = ()
    focal_name: str | None = None
    focal_email: str | None = None
    focal_phone: str | None = None
    quota_per_month: int | None = None
    retired: bool = False
    id: int | None = None

    def mailboxes(self) -> tuple[str, ...]:
        """Where the unit is written to: its focal person, else its own addresses."""
        if self.focal_email:
            return (self.focal_email,)
        return self.addresses


@dataclass(frozen=True)
class DirectoryPerson:
    name: str
    email: str
    phone: str | None = None
    title: str | None = None
    postal_address: str | None = None
    unit: str | None = None  # the unit's name
    retired: bool = False
    id: int | None = None


def _key(address: str | None) -> str:
    return (address or "").strip().lower()


def _domain(address: str) -> str:
    return address.rsplit("@", 1)[-1].lower().rstrip(".")


def domain_matches(address: str, domain: str) -> bool:
    d = domain.lower().strip().lstrip("@").lstrip(".").rstrip(".")
    own = _domain(address)
    return bool(d) and (own == d or own.endswith("." + d))


@dataclass(frozen=True)
class SenderDirectory:
    units: tuple[DirectoryUnit, ...] = ()
    people: tuple[DirectoryPerson, ...] = ()

    @classmethod
    def of_profile(cls, profile: Profile) -> SenderDirectory:
        """The profile's lists in config.toml, as the database holds them after the import."""
        units = tuple(DirectoryUnit(
            name=u.name, domains=tuple(u.domains), addresses=tuple(_key(a) for a in u.addresses),
            leaders=tuple(_key(a) for a in u.leaders), focal_name=u.focal_name,
            focal_email=_key(u.focal_email) or None, focal_phone=u.focal_phone,
            quota_per_month=u.quota_per_month) for u in profile.units)
        people = tuple(DirectoryPerson(
            name=c.name, email=_key(c.address), phone=c.phone, title=c.title, postal_address=c.postal_address,
            unit=c.unit) for c in profile.contributors)
        return cls(units, people)

    def active_units(self) -> list[DirectoryUnit]:
        return [u for u in self.units if not u.retired]

    def active_people(self) -> list[DirectoryPerson]:
        return [p for p in self.people if not p.retired]

    def person(self, address: str | None, *, retired: bool = False) -> DirectoryPerson | None:
        key = _key(address)
        for p in self.people:
            if p.email == key and key and (retired or not p.retired):
                return p
        return None

    def unit_of(self, address: str | None, *, retired: bool = True) -> DirectoryUnit | None:
        """The unit an address belongs to: its person's unit, a unit's own address or focal person,
        else the one unit with its domain (a domain several units share says nothing)."""
        key = _key(address)
        if not key:
            return None
        units = [u for u in self.units if retired or not u.retired]
        person = self.person(key, retired=retired)
        if person is not None and person.unit:
            for u in units:
                if u.name == person.unit:
                    return u
        for u in units:
            if key in u.addresses or key == u.focal_email or key in u.leaders:
                return u
        by_domain = [u for u in units if any(domain_matches(key, d) for d in u.domains)]
        return by_domain[0] if len(by_domain) == 1 else None

    def registered(self, address: str | None) -> bool:
        """A contributor, a unit's own address or focal person, or an address of a unit's domain."""
        key = _key(address)
        if not key:
            return False
        if self.person(key) is not None:
            return True
        return any(key in u.addresses or key == u.focal_email or key in u.leaders
                   or any(domain_matches(key, d) for d in u.domains) for u in self.active_units())

    def leaders(self) -> list[str]:
        return [a for u in self.active_units() for a in u.leaders]

    def fill(self, sender: Sender) -> Sender:
        """What the message does not say about its sender, from the directory (in place)."""
        p = self.person(sender.address)
        if p is None:
            return sender
        for fld in ("name", "title", "unit", "phone", "postal_address"):
            value = getattr(p, fld)
            if getattr(sender, fld) is None and value:
                setattr(sender, fld, nfc(value))
        return sender
