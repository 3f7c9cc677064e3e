"""The duplicate search against what was posted (thainguyen/haiduong Art. 10.2.d): a published item's
text and files are in the comparison, and the match says when and where it was posted, also when
the posted content is a correction joined to the first submission."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session

from tests.web_fixtures import VN, add_user, make_config, make_engine_for, make_item
from tinbai import board
from tinbai.extract.duplicates import text_fingerprint
from tinbai.queue.history import DbHistory
from tinbai.queue.models import Item
from tinbai.queue.permissions import allowed_actions

ARTICLE = ("Sáng ngày 20/4/2026, Phòng Thi hành án dân sự khu vực 3 tổ chức Hội nghị tập huấn nghiệp vụ thi hành "
           "án dân sự năm 2026 cho toàn thể công chức, người lao động trong đơn vị. Tại hội nghị, các đại biểu đã "
           "được quán triệt những điểm mới của Luật Thi hành án dân sự sửa đổi, kỹ năng xác minh điều kiện thi "
           "hành án, tổ chức cưỡng chế và giải quyết khiếu nại, tố cáo. Hội nghị cũng dành thời gian trao đổi.")
FILES = {"files": ["a" * 64]}


@pytest.fixture
def env(tmp_path: Path):
    config = make_config(tmp_path)
    engine = make_engine_for(tmp_path)
    yield config, engine
    engine.dispose()


def stored(engine, config, fp: dict, **kw) -> Item:
    item = make_item(engine, config, **kw)
    with Session(engine) as s:
        DbHistory(s).remember(item.id, item.profile, fp)
        s.commit()
    return item


def publish(engine, config, item: Item, url: str, when: datetime) -> None:
    """The head takes the item through the review steps and records its publication."""
    head = add_user(engine, f"head{item.id}@bbt.test", "head", item.profile)
    profile = config.profile(item.profile)
    with Session(engine, expire_on_commit=False) as s:
        row = s.get(Item, item.id)
        while "forward" in allowed_actions(row, head, profile):
            board.act(s, row, head, "forward", config=config)
        board.act(s, row, head, "approve", config=config)  # the approving step's own act (i17)
        board.act(s, row, head, "publish", config=config, url=url, published_at=when)
        s.commit()


def matches(engine, fp: dict):
    with Session(engine) as s:
        return DbHistory(s).find_duplicates("thainguyen-thads", fp)


def test_a_posted_items_text_and_files_match_with_their_publication(env) -> None:
    config, engine = env
    text = text_fingerprint(ARTICLE, [])
    first = stored(engine, config, {**text, **FILES})
    when = datetime(2026, 4, 21, 15, 0, tzinfo=VN)
    publish(engine, config, first, "https://thads.example.vn/tin/1", when)
    [by_text] = matches(engine, text)
    [by_file] = matches(engine, FILES)
    for m in (by_text, by_file):
        assert (m.item_id, m.published_at, m.published_url) == (first.id, when, "https://thads.example.vn/tin/1")


def test_an_unposted_submission_matches_without_a_publication(env) -> None:
    config, engine = env
    text = text_fingerprint(ARTICLE, [])
    first = stored(engine, config, text)
    [m] = matches(engine, text)
    assert (m.item_id, m.published_at, m.published_url) == (first.id, None, None)


def test_a_correction_joined_to_a_posted_item_counts_as_posted(env) -> None:
    config, engine = env
    first = stored(engine, config, text_fingerprint("Bản đầu. " + ARTICLE[::-1], []))
    corrected = text_fingerprint(ARTICLE, [])
    reply = stored(engine, config, corrected)
    with Session(engine) as s:  # the daemon joins a reply to its item (tinbai.ingest.runner)
        row = s.get(Item, reply.id)
        row.parent_id = first.id
        s.add(row)
        s.commit()
    when = datetime.now(VN) - timedelta(minutes=5)
    publish(engine, config, first, "https://thads.example.vn/tin/2", when)
    [m] = matches(engine, corrected)
    assert m.item_id == reply.id and m.published_at == when and m.published_url.endswith("/tin/2")
