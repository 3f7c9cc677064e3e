"""content.duplicate through the real daemon path (thainguyen/haiduong Art. 10.2.d): a re-sent
article is recognised across `run --once` calls and restarts, whatever its new envelope."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from datasketch import MinHash
from sqlmodel import Session, select

from tests.factories import VN, make_config
from tinbai.daemon import Daemon
from tinbai.demo_samples import document_scan, docx, email, photo, signature
from tinbai.extract.duplicates import (
    _sentence_sketch,
    _shingles,
    row_values,
    sentence_sketches,
    sentences,
    similarity,
    text_fingerprint,
)
from tinbai.ingest.maildir import MaildirMailbox
from tinbai.queue.models import Fingerprint, Item
from tinbai.queue.resign import stored_fingerprint
from tinbai.queue.schema import open_db

ARTICLE = ("Sáng ngày 20/4/2026, Phòng Thi hành án dân sự khu vực 3 tổ chức Hội nghị tập huấn nghiệp vụ thi hành "
           "án dân sự năm 2026 cho toàn thể công chức, người lao động trong đơn vị. Tại hội nghị, các đại biểu đã "
           "được quán triệt những điểm mới của Luật Thi hành án dân sự sửa đổi, kỹ năng xác minh điều kiện thi "
           "hành án, tổ chức cưỡng chế và giải quyết khiếu nại, tố cáo. Hội nghị cũng dành thời gian trao đổi, giải "
           "đáp vướng mắc phát sinh trong thực tiễn, góp phần nâng cao hiệu quả công tác thi hành án dân sự trên "
           "địa bàn tỉnh trong thời gian tới.")
SIG = signature("Nguyễn Thị Hoa", "Chuyên viên", "Phòng Thi hành án dân sự khu vực 3", "0208.3854.376")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def send(box: MaildirMailbox, when: datetime, **kw) -> None:
    kw.setdefault("sender", "Nguyễn Thị Hoa <hoa.nt@thads-thainguyen.example.vn>")
    kw.setdefault("to", "thainguyen@moj.gov.vn")
    box.add(email(date=when - timedelta(minutes=2), **kw), when)


def codes_and_related(engine) -> list[tuple[str, set[str], set[int]]]:
    out = []
    with Session(engine) as s:
        for it in s.exec(select(Item).order_by(Item.id)):
            probs = json.loads(it.report_json)["problems"]
            out.append((it.subject, {p["code"] for p in probs},
                        {p["related_item"] for p in probs if p["code"] == "content.duplicate"}))
    return out


def test_resent_articles_are_duplicates_across_runs_and_restarts(tmp_path):
    cfg = make_config(tmp_path)
    box = MaildirMailbox(cfg.resolve(cfg.mailboxes["thainguyen"].path))
    t0 = datetime(2026, 4, 20, 14, 0, tzinfo=VN)
    scan = document_scan(["THI HÀNH ÁN DÂN SỰ", "TỈNH THÁI NGUYÊN", "Số: 117/QĐ-THADS"], "QUYẾT ĐỊNH",
                         "Về việc kiện toàn Tổ biên tập", ["Thái Nguyên, ngày 17 tháng 4 năm 2026"],
                         "TRƯỞNG THI HÀNH ÁN", "Nguyễn Văn Bình", ["- Trang thông tin điện tử;"], seal=True,
                         agency_ring="THI HÀNH ÁN DÂN SỰ TỈNH THÁI NGUYÊN * ")
    send(box, t0, subject="Gửi tin: Hội nghị tập huấn nghiệp vụ", body="Kính gửi Ban Biên tập,\n\n" + ARTICLE + SIG,
         attachments=[("anh 1.jpg", "image/jpeg", photo(21))])
    send(box, t0 + timedelta(minutes=5), subject="Quyết định số 117/QĐ-THADS",
         body="Văn thư gửi Quyết định để đăng tải, đã được lãnh đạo duyệt." + SIG,
         attachments=[("QD 117.jpg", "image/jpeg", scan)])
    engine = open_db(cfg)
    assert Daemon(cfg, engine).run_once()["created"] == 2

    # a restart: a new engine and daemon on the same database
    engine = open_db(cfg)
    t1 = t0 + timedelta(hours=3)
    # 1. the same article forwarded: new Message-ID, "Fwd:" subject, a new greeting
    send(box, t1, subject="Fwd: Gửi tin: Hội nghị tập huấn nghiệp vụ",
         body="Em gửi lại tin ạ.\n\n---------- Forwarded message ---------\n" + ARTICLE + SIG)
    # 2. the same scan under another name
    send(box, t1 + timedelta(minutes=1), subject="Gửi lại quyết định", body="Gửi lại văn bản." + SIG,
         attachments=[("quyet dinh kien toan.jpg", "image/jpeg", scan)])
    # 3. a few words edited, now in a Word file instead of the body
    edited = ARTICLE.replace("toàn thể", "tất cả").replace("trong thời gian tới", "thời gian tới")
    send(box, t1 + timedelta(minutes=2), subject="Tin tập huấn (bản sửa)", body="Gửi Ban Biên tập." + SIG,
         attachments=[("tin tap huan.docx", DOCX, docx([edited]))])
    # 4. a different article: not a duplicate
    send(box, t1 + timedelta(minutes=3), subject="Gửi tin: Ra quân cưỡng chế",
         body="Chiều ngày 20/4/2026, Phòng Thi hành án dân sự khu vực 2 tổ chức ra quân cưỡng chế thi hành án "
              "đối với vụ việc tranh chấp quyền sử dụng đất kéo dài nhiều năm tại xã Phú Bình; lực lượng tham "
              "gia gồm chấp hành viên, công an, chính quyền địa phương; buổi cưỡng chế diễn ra an toàn, đúng "
              "quy định của pháp luật, được nhân dân đồng tình ủng hộ và đánh giá cao." + SIG,
         attachments=[("cuong che.jpg", "image/jpeg", photo(22))])
    assert Daemon(cfg, engine).run_once()["created"] == 4

    rows = codes_and_related(engine)
    assert "content.duplicate" not in rows[0][1] and "content.duplicate" not in rows[1][1]
    with Session(engine) as s:
        first, scan_item = [it.id for it in s.exec(select(Item).order_by(Item.id)).all()[:2]]
    assert rows[2][2] == {first}, rows[2]  # the forward names the first item
    assert rows[3][2] == {scan_item}, rows[3]  # the same scan, renamed
    assert rows[4][2] == {first}, rows[4]  # the edited article, now in a .docx
    assert "content.duplicate" not in rows[5][1]
    # what the queue stored of each item gives its fingerprint again (so that an item can be signed
    # again when one of its sentences becomes boilerplate: tinbai.queue.resign)
    with Session(engine) as s:
        stored = {item_id: sha for item_id, sha in s.exec(
            select(Fingerprint.item_id, Fingerprint.value).where(Fingerprint.kind == "text"))}
        assert len(stored) >= 4
        for item_id, text_sha in stored.items():
            assert stored_fingerprint(s, item_id)["text_sha"] == text_sha


def test_minhash_similarity_tracks_edits():
    base = text_fingerprint(ARTICLE, [])
    few = text_fingerprint(ARTICLE.replace("toàn thể", "tất cả"), [])
    other = text_fingerprint(ARTICLE[::-1], [])
    assert similarity(base["minhash"], few["minhash"]) > 0.8
    assert similarity(base["minhash"], other["minhash"]) < 0.2
    assert text_fingerprint("Kính gửi Ban Biên tập" + SIG, []) == {}  # too short to judge


def test_sentence_rows_are_datasketchs_minhash_of_each_sentence():
    parts = sentences(ARTICLE + "\n" + ARTICLE.replace("toàn thể", "tất cả"))
    rows = sentence_sketches(parts)
    for words, row in zip(parts, rows, strict=True):
        m = MinHash(num_perm=128, seed=1, scheme="affine32")  # datasketch's own permutations too
        m.update_batch(_shingles(words))
        assert row_values(row) == list(m.hashvalues)


def test_a_sentence_seen_before_keeps_its_row_and_the_rows_are_the_same_as_hashed_afresh():
    parts = sentences(ARTICLE)
    _sentence_sketch.cache_clear()
    first = sentence_sketches(parts)
    again = sentence_sketches(parts)
    assert all(a is b for a, b in zip(first, again, strict=True))  # the boilerplate is not hashed again
    assert _sentence_sketch.cache_info().hits == len(parts)
    _sentence_sketch.cache_clear()
    assert sentence_sketches(parts) == first
