"""The periodic duties' emails (Vietnamese): chasing a unit or person below quota, the board
head's summary, the daily posting duty's warning. Pure: composed from standings and counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from tinbai.config import Config, Profile
from tinbai.duties.periods import Period
from tinbai.duties.quotas import Standing
from tinbai.notifier.compose import Rendered, render


@dataclass(frozen=True)
class DutyMail:
    job: str  # "chasing" | "daily_post"
    kind: str  # the outbox's kind
    dedupe_key: str  # stable per job, profile, period and recipient: sent once
    to: tuple[str, ...]
    about: str  # whom or what it is about, for the listing
    mail: Rendered


def _base(profile: Profile, config: Config, now: datetime) -> dict:
    return {"agency": profile.agency, "now": now, "portal": profile.portal_address or "",
            "base": config.web.base_url.rstrip("/")}


def chasing_mails(profile: Profile, config: Config, period: Period, units: list[Standing], people: list[Standing],
                  heads: list[str], now: datetime) -> list[DutyMail]:
    """One email to each unit and person below quota that has an address, one summary to the
    heads of the board."""
    duties = profile.duties
    out: list[DutyMail] = []
    summary = []
    for s, quota in [*((u, duties.unit_quota) for u in units), *((p, duties.contributor_quota) for p in people)]:
        sent_to = ""
        if not s.met and s.mailboxes:
            if s.kind == "unit":
                greeting = f"Lãnh đạo {s.who}" + (f" và đồng chí {s.contact} (đầu mối cung cấp thông tin)"
                                                   if s.contact else "")
            else:
                greeting = f"đồng chí {s.who}"
            mail = render("chasing", zone=config.settings.zone, **_base(profile, config, now), title="Đôn đốc",
                          greeting=greeting, who=s.who, basis=f"{quota.article} Quy chế {profile.agency}",
                          wording=quota.wording, period_label=period.label, counted=quota.counted,
                          have=s.describe(s.counts), owed=s.describe(s.minimum), norm=s.norm,
                          missing=s.describe(s.missing()), items=s.items,
                          period_end=f"{period.end:%d/%m/%Y}")
            out.append(DutyMail("chasing", "chasing", f"chase:{profile.id}:{period.key}:{s.kind}:{s.who}",
                                tuple(s.mailboxes), s.who, mail))
            sent_to = ", ".join(s.mailboxes)
        summary.append({"who": s.who, "have": s.describe(s.counts), "owed": s.describe(s.minimum), "met": s.met,
                        "missing": s.describe(s.missing()), "sent_to": sent_to,
                        "no_address": not s.met and not s.mailboxes})
    if heads and summary:
        article = (duties.chasing.article if duties.chasing else "") + f" Quy chế {profile.agency}"
        mail = render("chasing_summary", zone=config.settings.zone, **_base(profile, config, now),
                      title="Tổng hợp định mức", greeting="Trưởng Ban Biên tập", basis=article.strip(),
                      period_label=period.label, standings=summary, below=[s for s in summary if not s["met"]],
                      link=f"{config.web.base_url.rstrip('/')}/stats?profile={profile.id}&period={period.key}")
        out.append(DutyMail("chasing", "chasing_summary", f"chase:{profile.id}:{period.key}:summary",
                            tuple(heads), "Trưởng Ban Biên tập", mail))
    return out


def daily_post_mail(profile: Profile, config: Config, day: date, recipients: list[str], now: datetime,
                    approved: int, in_review: int) -> DutyMail | None:
    if not recipients or profile.duties.daily_post is None:
        return None
    mail = render("daily_post", zone=config.settings.zone, **_base(profile, config, now), title="Nhiệm vụ đăng tin",
                  greeting="Thư ký và Trưởng Ban Biên tập",
                  basis=f"{profile.duties.daily_post.article} Quy chế {profile.agency}", day=f"{day:%d/%m/%Y}",
                  approved=approved, in_review=in_review,
                  link=f"{config.web.base_url.rstrip('/')}/?profile={profile.id}&state=approved")
    return DutyMail("daily_post", "daily_post", f"daily:{profile.id}:{day.isoformat()}", tuple(recipients),
                    f"{day:%d/%m/%Y}", mail)
