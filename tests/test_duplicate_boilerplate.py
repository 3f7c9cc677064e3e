"""content.duplicate when texts share boilerplate (issue 18): the same units send the same
greetings, signature blocks and standard phrases for years. Those do not make two items the same;
an article sent again with a few words edited is still found among thousands that share them; and
however many earlier items share bands with a message, only a capped number are compared.

On SQLite and on the suite's PostgreSQL: the search reads LIMITed index ranges in raw SQL."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import delete, insert, update
from sqlmodel import Session, select

from tests import pg
from tinbai.extract.duplicates import text_fingerprint
from tinbai.queue.db import make_engine
from tinbai.queue.history import CAP, COMMON_ITEMS, DbHistory
from tinbai.queue.models import Fingerprint, Item
from tinbai.queue.reindex import reindex
from tinbai.queue.schema import MIGRATIONS, migrate

pg_cluster, pg_url = pg.pg_cluster, pg.pg_url
PROFILE = "thainguyen-thads"
SYLLABLES = ("xã phường huyện tỉnh hội nghị tổ chức cán bộ công chức viên chức nhân dân đoàn kết phát triển kinh tế "
             "văn hóa giáo dục y tế môi trường đất đai xây dựng giao thông nông nghiệp thủy lợi rừng biển đảo "
             "an ninh trật tự pháp luật tư pháp hộ tịch chứng thực hòa giải trợ giúp thi hành án cưỡng chế "
             "bồi thường khiếu nại tố cáo tiếp dân kiểm tra giám sát báo cáo tổng kết sơ kết kế hoạch năm "
             "quý tháng tuần ngày sáng chiều tối thôn xóm bản làng đường trường trạm chợ cầu sông núi").split()


# what a unit's every email says around its article: a long standard text (twenty sentences of 33 words,
# fixed), long lines all (short greetings and signature lines are left out before any of this)
_fixed = random.Random(0)
STANDARD = " ".join(" ".join(_fixed.choice(SYLLABLES) for _ in range(33)).capitalize() + "." for _ in range(20))


def news(rng: random.Random, sentences: int = 4) -> str:
    """An article of its own: sentences of 14 words no other item has."""
    return " ".join(" ".join(rng.choice(SYLLABLES) for _ in range(14)).capitalize() + "." for _ in range(sentences))


def mail(article: str) -> str:
    return f"Kính gửi Ban Biên tập,\n{STANDARD}\n{article}\nTrân trọng,\nNguyễn Thị Hoa\nVăn phòng"


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    url = f"sqlite:///{tmp_path / 'queue.db'}" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    e = make_engine(url)
    migrate(e)
    yield e
    e.dispose()


def new_items(s: Session, n: int) -> list[int]:
    now = datetime.now(UTC)
    start = s.connection().execute(insert(Item.__table__).returning(Item.__table__.c.id), [
        dict(profile=PROFILE, mailbox="thainguyen", source_key=f"test:{random.random()}:{i}", raw_sha256="0" * 64,
             received_at=now, subject="", state="new", report_json="{}", search_text="", attempts=0,
             anchor_has_time=True, sensitive=False, channel="email", provider_unnamed=False, classified=False,
             deadline_extended=False, created_at=now, updated_at=now) for i in range(n)])
    return sorted(row[0] for row in start)


def store_all(engine, texts: list[str], keep: bool = True, **history) -> list[tuple[int, set[int]]]:
    """Each text as the daemon takes it: looked up in the history, then stored; (its id, the ids it
    repeats). keep=False: rolled back at the end."""
    out = []
    with Session(engine) as s:
        ids = new_items(s, len(texts))
        for item_id, body in zip(ids, texts, strict=True):
            fp = text_fingerprint(body, [])
            h = DbHistory(s, **history)
            out.append((item_id, {m.item_id for m in h.find_duplicates(PROFILE, fp)}))
            h.remember(item_id, PROFILE, fp)
        if keep:
            s.commit()
    return out


def test_boilerplate_shared_by_many_items_does_not_make_them_duplicates(engine) -> None:
    rng = random.Random(1)
    texts = [mail(news(rng, sentences=3)) for _ in range(COMMON_ITEMS + 15)]
    # were the standard text counted (it is most of each text), every item would repeat each earlier
    # one (as many as are compared: CAP)
    counted = store_all(engine, texts, keep=False, common_items=10**6)
    assert [len(dup) for _, dup in counted] == [min(i, CAP) for i in range(len(texts))]
    # once the standard sentences are in COMMON_ITEMS earlier items, they are boilerplate: an item
    # repeats another only by its own article, and none does
    results = store_all(engine, texts)
    assert [dup for _, dup in results[COMMON_ITEMS:]] == [set()] * 15


def test_a_near_duplicate_amid_thousands_sharing_boilerplate_is_found(engine) -> None:
    rng = random.Random(2)
    original = news(rng, sentences=8)
    texts = [mail(news(rng)) for _ in range(1500)] + [mail(original)] + [mail(news(rng)) for _ in range(1500)]
    # the same article sent again: a few words edited, a new greeting
    words = original.split()
    words[5], words[60] = "sửa", "đổi"
    resent = "Em gửi lại tin đã sửa ạ.\n" + mail(" ".join(words))
    results = store_all(engine, texts + [resent])
    original_id = results[1500][0]
    assert results[-1][1] == {original_id}
    # nothing else repeats anything, once the standard text is known to be common (before, the first
    # items share it as much as they did before boilerplate was told apart)
    assert not any(dup for _, dup in results[COMMON_ITEMS:-1])


def test_an_article_among_the_first_to_carry_a_phrase_is_found_once_the_phrase_is_common(engine) -> None:
    """The first items with the standard text were signed while it was not yet common; the item
    that makes it common has them signed again from their stored texts."""
    rng = random.Random(4)
    first_article = news(rng, sentences=8)
    with Session(engine) as s:
        [first] = new_items(s, 1)
        s.connection().execute(update(Item).where(Item.id == first).values(
            report_json=json.dumps({"body_text": mail(first_article)})))
        h = DbHistory(s)
        h.remember(first, PROFILE, text_fingerprint(mail(first_article), []))
        s.commit()
    others = store_all(engine, [mail(news(rng, sentences=3)) for _ in range(COMMON_ITEMS + 5)])
    # the standard text, most of each, made them duplicates of one another while it counted...
    assert others[1][1]
    # ...and once it was common, the first items were signed again without it: an item after that
    # repeats none of them, and the first article sent again with two words edited is found
    assert not any(dup for _, dup in others[COMMON_ITEMS:])
    words = first_article.split()
    words[7], words[70] = "sửa", "đổi"
    [(_, resent)] = store_all(engine, ["Gửi lại ạ.\n" + mail(" ".join(words))])
    assert resent == {first}


def test_items_stored_before_the_boilerplate_rule_are_found_once_reindexed(engine) -> None:
    rng = random.Random(5)
    articles = [news(rng, sentences=8) for _ in range(25)]
    with Session(engine) as s:
        old = new_items(s, 25)
        h = DbHistory(s, common_items=10**6)  # as an older tinbai signed them: every sentence counted
        for item_id, article in zip(old, articles, strict=True):
            body = mail(article)
            s.connection().execute(update(Item).where(Item.id == item_id).values(
                report_json=json.dumps({"body_text": body})))
            h.remember(item_id, PROFILE, text_fingerprint(body, []))
        s.connection().execute(delete(Fingerprint).where(Fingerprint.kind == "sentence"))  # and wrote none
        s.commit()
    store_all(engine, [mail(news(rng, sentences=3)) for _ in range(COMMON_ITEMS + 2)])  # the standard text is common
    words = articles[10].split()
    words[7], words[70] = "sửa", "đổi"
    resent = "Gửi lại ạ.\n" + mail(" ".join(words))
    # the old item's signature is mostly the standard text, the re-sent article's has none of it
    assert store_all(engine, [resent], keep=False)[0][1] == set()
    added, changed = reindex(engine)
    assert added == 25 and changed >= 25
    assert store_all(engine, [resent])[0][1] == {old[10]}


def test_a_file_in_every_email_of_a_unit_makes_nothing_the_same(engine) -> None:
    banner, report = {"files": ["b" * 64]}, {"files": ["c" * 64]}
    with Session(engine) as s:
        ids = new_items(s, COMMON_ITEMS + 3)
        h = DbHistory(s)
        for item_id in ids[:-1]:
            h.remember(item_id, PROFILE, banner)
        h.remember(ids[0], PROFILE, report)
        s.commit()
        # the same report again is a duplicate of its first sending; the banner alone names nothing
        assert [m.item_id for m in DbHistory(s).find_duplicates(PROFILE, {"files": ["b" * 64, "c" * 64]})] == [ids[0]]
        assert DbHistory(s).find_duplicates(PROFILE, banner) == []
        # counted as any other file (as before), it would have named every item carrying it
        assert len(DbHistory(s, common_items=10**6).find_duplicates(PROFILE, banner)) == COMMON_ITEMS + 2


def test_the_comparison_is_capped_at_the_items_sharing_most_bands(engine) -> None:
    rng = random.Random(3)
    article = news(rng, sentences=5)
    # twelve earlier copies with one word edited each, fewer than make a sentence boilerplate
    copies = []
    for i in range(12):
        words = article.split()
        words[3 * i] = f"sửa{i}"
        copies.append(mail(" ".join(words)))
    store_all(engine, copies)
    fp = text_fingerprint(mail(article), [])
    with Session(engine) as s:
        everything = DbHistory(s).find_duplicates(PROFILE, fp)
        capped = DbHistory(s, cap=5).find_duplicates(PROFILE, fp)
    assert len(everything) == 12
    assert len(capped) == 5
    # the five compared are those sharing the most bands, the earlier first among equals
    assert {m.item_id for m in capped} <= {m.item_id for m in everything}


def test_an_upgrade_from_before_the_sentence_rows_rebuilds_the_index_itself(tmp_path) -> None:
    """No command to run after an upgrade: migrate() from a revision older than 0008 rebuilds the
    duplicate index of the items already stored (a new database has nothing to rebuild)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0006")  # as an older tinbai left it
    body = mail(news(random.Random(9), sentences=6))
    fp = text_fingerprint(body, [])
    with Session(engine) as s:
        [item_id] = new_items(s, 1)
        s.connection().execute(update(Item).where(Item.id == item_id).values(report_json=json.dumps({"body_text": body})))
        s.connection().execute(insert(Fingerprint.__table__), [dict(
            item_id=item_id, profile=PROFILE, kind="text", value=fp["text_sha"], minhash=None)])
        s.commit()
    migrate(engine)
    with Session(engine) as s:
        sentences = s.exec(select(Fingerprint.value).where(Fingerprint.item_id == item_id,
                                                           Fingerprint.kind == "sentence")).all()
    assert sorted(sentences) == sorted(fp["sentences"])
    engine.dispose()


def test_a_document_of_more_sentences_than_one_statement_holds_is_stored_and_found(engine) -> None:
    """SQLite reads at most 500 terms of a compound SELECT: a report of 600 sentences (a year's
    summary) is counted in several statements, and found again when sent twice."""
    rng = random.Random(7)
    report = "\n".join(news(rng, sentences=1) for _ in range(600))
    first, again = store_all(engine, [mail(report), mail(report)])
    assert first[1] == set() and again[1] == {first[0]}
