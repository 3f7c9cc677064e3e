"""What the duties read of the queue, as plain records (filled by tinbai.duties.queries), and
what an item is for quotas and royalties: its kind, its authors, its words and photos."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from tinbai.config import Profile
from tinbai.extract.directory import SenderDirectory
from tinbai.textutil import casefold_key

UNKNOWN_UNIT = "(chưa rõ đơn vị)"
# Categories whose items are news items or articles; every other category is an official
# document (a directive, a plan, a report, statistics).
WRITTEN_CATEGORIES = ("news", "other")
# A photo item: pictures with at most this many words (a caption, the sender's lines)
PHOTO_MAX_WORDS = 60
PICTURE_TYPES = ("jpg", "jpeg", "png", "gif", "bmp", "tif", "tiff", "webp", "heic")


@dataclass(frozen=True)
class Event:
    action: str  # approve | publish | refuse | return
    at: datetime
    ground: str | None = None


@dataclass(frozen=True)
class Credit:
    """What a reviewer set for the royalty sheet (tinbai.queue.models.ItemCredit)."""

    authors: tuple[str, ...] = ()
    kind: str | None = None
    words: int | None = None
    photos: int | None = None


@dataclass(frozen=True)
class ItemRecord:
    id: int
    tracking_code: str | None
    subject: str
    received_at: datetime
    category: str | None
    state: str
    sender_address: str | None
    sender_name: str | None
    sender_unit: str | None  # as the sender wrote it
    deadline: datetime | None
    late_on_arrival: bool
    published_at: datetime | None = None
    published_url: str | None = None
    events: tuple[Event, ...] = ()
    words: int = 0  # counted by tinbai (the documents' text, else the email's)
    photos: int = 0
    credit: Credit | None = None


def count_words(text: str) -> int:
    return len(re.findall(r"\w+", text or ""))


def words_of(body: str, document_texts: list[str]) -> int:
    """The item's length: its documents' words when it has some, else its email's."""
    in_documents = sum(count_words(t) for t in document_texts)
    return in_documents or count_words(body)


def kind_of(rec: ItemRecord, profile: Profile) -> str:
    """news, article, photo or document: the reviewer's choice, else read from the item."""
    if rec.credit and rec.credit.kind:
        return rec.credit.kind
    if (rec.category or "other") not in WRITTEN_CATEGORIES:
        return "document"
    words, photos = words_and_photos(rec)
    if photos and words <= PHOTO_MAX_WORDS:
        return "photo"
    return "article" if words >= profile.duties.article_min_words else "news"


def words_and_photos(rec: ItemRecord) -> tuple[int, int]:
    c = rec.credit
    words = c.words if c and c.words is not None else rec.words
    photos = c.photos if c and c.photos is not None else rec.photos
    return words, photos


def authors_of(rec: ItemRecord, directory: SenderDirectory) -> list[str]:
    """Who wrote the item: the reviewer's list, else the sender (by the directory's name)."""
    if rec.credit and rec.credit.authors:
        return list(rec.credit.authors)
    person = directory.person(rec.sender_address, retired=True)
    if person is not None:
        return [person.name]
    return [rec.sender_name or rec.sender_address or "(không rõ người gửi)"]


def unit_of(rec: ItemRecord, directory: SenderDirectory) -> str:
    """The item's unit: the directory's for the sender's address, else what the sender wrote."""
    unit = directory.unit_of(rec.sender_address)
    if unit is not None:
        return unit.name
    return (rec.sender_unit or "").strip() or UNKNOWN_UNIT


def same_person(author: str, name: str, email: str) -> bool:
    a = casefold_key(author.strip())
    return a == casefold_key(name) or a == email.strip().lower()
