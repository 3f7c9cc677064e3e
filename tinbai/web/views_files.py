"""Attachments: download, picture previews and PDF pages drawn with pypdfium2.

Previews are re-encoded by the server (Pillow, pdfium) rather than handing the
sender's bytes to the browser: a reviewer's browser only ever decodes a JPEG
we made. They are drawn in a parser worker (tinbai.parsers.preview, through the app's
Analyser), under the sandbox's limits and without those libraries in the daemon. Quarantined files are never previewed; only an administrator may
download one, after a warning page, and the download is written to the history; the files of an
item held for a state-secret mark, only the board's head and the agency head.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from tinbai.extract.analyse import Analyser
from tinbai.filekinds import PICTURE_TYPES
from tinbai.ingest.archive import ContentStore
from tinbai.queue.models import Attachment, Item, ReviewEvent, User, utcnow
from tinbai.queue.permissions import may_download_held
from tinbai.web.common import CheckedForm, CurrentUser, RowId, analyser_of, config_of, db, item_for, page

router = APIRouter()
PDF_TYPES = frozenset({"pdf"})
_cache: OrderedDict[tuple[str, int], bytes] = OrderedDict()
_CACHE_SIZE = 48
_cache_lock = threading.Lock()


def file_store(request: Request) -> ContentStore:
    config = config_of(request)
    return ContentStore(config.resolve(config.settings.var_dir) / "files")


def _attachment(request: Request, user: User, att_id: int) -> Attachment:
    att, _item = _attachment_and_item(request, user, att_id)
    return att


def _attachment_and_item(request: Request, user: User, att_id: int) -> tuple[Attachment, Item]:
    with db(request) as s:
        att = s.get(Attachment, att_id)
        if att is None:
            raise HTTPException(404, "Không có tệp này.")
        item = item_for(s, user, att.item_id)  # 403 for another profile's item, or a held one
    return att, item


def _held_file_allowed(user: User, item: Item) -> None:
    """403 unless `user` may download a quarantined file of `item` (tinbai.queue.permissions)."""
    if may_download_held(user, item):
        return
    if item.classified:  # item_for lets only its readers this far; kept for any other caller
        raise HTTPException(403, "Tài liệu mang dấu chỉ độ mật: chỉ Trưởng Ban Biên tập và Thủ trưởng cơ quan "
                                 "được tải về.")
    raise HTTPException(403, "Tệp này bị cách ly vì có thể gây hại (chương trình, macro, tệp nén bất "
                             "thường). Chỉ quản trị hệ thống được tải về để kiểm tra.")


def _bytes(request: Request, att: Attachment) -> bytes:
    store = file_store(request)
    if att.sha256 is None or not store.has(att.sha256):
        raise HTTPException(404, "Tệp này nằm trong một tệp nén, hoặc không còn trong kho lưu trữ: "
                                 "hãy tải tệp nén chứa nó.")
    return store.get(att.sha256)


def _download(att: Attachment, data: bytes) -> Response:
    # octet-stream + attachment: the browser saves the file, never renders the sender's bytes
    name = att.filename.replace("\r", "").replace("\n", "")
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "'").replace("?", "_")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    return Response(data, media_type="application/octet-stream",
                    headers={"Content-Disposition": disposition, "X-Content-Type-Options": "nosniff"})


@router.get("/attachments/{att_id}/download")
def download(request: Request, att_id: RowId, user: CurrentUser):
    att, item = _attachment_and_item(request, user, att_id)
    if att.quarantined:
        _held_file_allowed(user, item)
        return page(request, "quarantine.html", user=user, att=att, classified=item.classified)
    return _download(att, _bytes(request, att))


@router.post("/attachments/{att_id}/download")
def download_quarantined(request: Request, att_id: RowId, form: CheckedForm,
                         user: CurrentUser):
    """The administrator (for an item held for a state-secret mark: the board's head or the agency
    head) confirmed the warning: the file, and a line in the item's history."""
    att, item = _attachment_and_item(request, user, att_id)
    if not att.quarantined:
        return _download(att, _bytes(request, att))
    _held_file_allowed(user, item)
    data = _bytes(request, att)
    with db(request) as s:
        s.add(ReviewEvent(item_id=att.item_id, at=utcnow(), actor=user.email, action="quarantine_download",
                          comment=f"Tải tệp bị cách ly: {att.path}"))
        s.commit()
    return _download(att, data)


def _cached(key: tuple[str, int], make) -> bytes:
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    data = make()
    with _cache_lock:
        _cache[key] = data
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return data


def _image_response(data: bytes) -> Response:
    return Response(data, media_type="image/jpeg",
                    headers={"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"})


def _previewable(request: Request, user: User, att_id: int, kinds: frozenset[str]) -> Attachment:
    att = _attachment(request, user, att_id)
    if att.quarantined:
        raise HTTPException(403, "Tệp bị cách ly không được xem trước.")
    if att.detected_type not in kinds or att.sha256 is None:
        raise HTTPException(404, "Tệp này không xem trước được.")
    return att


@router.get("/attachments/{att_id}/image")
def picture(request: Request, att_id: RowId, user: CurrentUser):
    att = _previewable(request, user, att_id, PICTURE_TYPES)
    raw = _bytes(request, att)

    def make() -> bytes:
        drawn = analyser_of(request).preview("picture", raw)
        if not drawn.ok:
            raise HTTPException(404, "Không đọc được ảnh này.")
        return drawn.value

    return _image_response(_cached((att.sha256 or "", 0), make))


def pdf_page_count(analyser: Analyser, store: ContentStore, sha256: str | None) -> int:
    """The stored PDF's number of pages (counted in a parser worker); 0 when it cannot be read."""
    if not sha256 or not store.has(sha256):
        return 0
    counted = analyser.preview("pdf_pages", store.get(sha256))
    return counted.value if counted.ok else 0


@router.get("/attachments/{att_id}/pages/{page_no}")
def pdf_page(request: Request, att_id: RowId, page_no: RowId, user: CurrentUser):
    att = _previewable(request, user, att_id, PDF_TYPES)
    raw = _bytes(request, att)

    def make() -> bytes:
        drawn = analyser_of(request).preview("pdf_page", raw, page_no)
        if not drawn.ok:
            raise HTTPException(404, "Không vẽ được trang này của tệp PDF.")
        if drawn.value is None:
            raise HTTPException(404, "Không có trang này.")
        return drawn.value

    return _image_response(_cached((att.sha256 or "", page_no), make))
