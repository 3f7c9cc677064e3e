"""The board's statistics over a month of items taken through the real workflow: every figure
against counts the test makes itself from what it did; the exports hold the same figures and
open in LibreOffice."""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlmodel import Session, select

from tests.duties_fixtures import (
    PROFILE,
    SENDERS,
    UNITS,
    Spec,
    board_members,
    month_of_items,
    without_configured_directory,
)
from tests.web_fixtures import VN, make_config
from tinbai.cli import main
from tinbai.demo_history import add_history
from tinbai.duties.export_flat import statistics_dict
from tinbai.duties.periods import PeriodError, parse_period
from tinbai.duties.service import statistics_file, statistics_for
from tinbai.parsers import formats
from tinbai.parsers.facts import ParseLimits
from tinbai.queue.directory import units_of
from tinbai.queue.models import Item
from tinbai.queue.schema import open_db

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
START, END = datetime(2026, 11, 1, tzinfo=VN), datetime(2026, 12, 1, tzinfo=VN)


@pytest.fixture(scope="module")
def month(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("duties")
    cfg = without_configured_directory(make_config(tmp))
    cfg.database.url = f"sqlite:///{tmp / 'queue.db'}"
    engine = open_db(cfg)  # through the migrations, 0004 included
    users = board_members(engine, cfg)
    specs = month_of_items(engine, cfg, users)
    with Session(engine) as s:
        stats = statistics_for(s, cfg, PROFILE, parse_period("2026-11"), datetime(2026, 12, 2, tzinfo=VN))
    return cfg, engine, specs, stats


def inside(t: datetime | None) -> bool:
    return t is not None and START <= t < END


def expected(specs: list[Spec]) -> dict[str, dict[str, float]]:
    """The figures, counted here from what the test did: overall and per unit."""
    out: dict[str, Counter] = defaultdict(Counter)
    hours: dict[str, list[float]] = defaultdict(list)
    for sp in specs:
        for key in ("total", sp.unit):
            c = out[key]
            if inside(sp.received_at):
                c["received"] += 1
                c["late_on_arrival"] += sp.late
            if sp.outcome in ("publish", "approve") and inside(sp.decided_at):
                c["accepted"] += 1
            if sp.outcome == "publish" and inside(sp.decided_at):
                c["published"] += 1
                hours[key].append((sp.decided_at - sp.received_at).total_seconds() / 3600)
            if sp.outcome == "return" and inside(sp.decided_at):
                c["returned"] += 1
            if sp.outcome.startswith("refuse") and inside(sp.decided_at):
                c["refused"] += 1
                c["ground:" + sp.outcome.split(":")[1]] += 1
            closing = sp.outcome in ("publish", "return") or sp.outcome.startswith("refuse")
            if closing and inside(sp.decided_at) and sp.decided_at > sp.deadline:
                c["handled_late"] += 1
            if not (closing and sp.decided_at < END) and sp.deadline < END:
                c["overdue_open"] += 1
    return {k: {**c, "median": round(statistics.median(hours[k]), 1) if hours[k] else None} for k, c in out.items()}


FIGURES = ("received", "accepted", "returned", "refused", "published", "late_on_arrival", "handled_late",
           "overdue_open")


def test_every_figure_matches_the_counts_made_here(month) -> None:
    cfg, engine, specs, stats = month
    want = expected(specs)
    total = want["total"]
    assert total["received"] == 25 and total["published"] >= 8  # the month is what it claims to be
    for name in FIGURES:
        assert getattr(stats.total, name) == total.get(name, 0), name
    assert stats.total.refused_by_ground == {g: total[f"ground:{g}"] for g in ("a", "d")}
    assert stats.total.median_hours() == total["median"]
    for unit in {u for _, u in SENDERS.values()}:
        got = stats.by_unit[unit]
        for name in FIGURES:
            assert getattr(got, name) == want[unit].get(name, 0), (unit, name)
        assert got.median_hours() == want[unit]["median"]
    # every unit of the directory is listed, those that sent nothing too
    assert set(UNITS) <= set(stats.by_unit)
    assert stats.by_unit["Thanh tra Sở"].received == 0
    # per category: the sums are the totals
    assert sum(f.received for f in stats.by_category.values()) == total["received"]
    # per contributor: the registered ones by their directory name
    assert stats.by_contributor["Lê Văn An"].received == sum(
        1 for sp in specs if sp.sender == "an.lv@hctp.example.vn" and inside(sp.received_at))


def test_unit_quotas_show_count_against_the_regulation(month) -> None:
    cfg, engine, specs, stats = month
    by_unit = {s.who: s for s in stats.unit_quotas}
    assert set(by_unit) == set(UNITS) | {"Văn phòng Sở"}  # config.toml's unit, imported on first start
    received = Counter(sp.unit for sp in specs if inside(sp.received_at))
    for name, standing in by_unit.items():
        assert standing.counts == {"any": received.get(name, 0)}
        assert standing.minimum == {"any": 1} and standing.norm == 2  # binhphuoc Art. 9.4: 1-2 a month
        assert standing.met == (received.get(name, 0) >= 1)
    assert not by_unit["Thanh tra Sở"].met and by_unit["Thanh tra Sở"].mailboxes == ("thanhtra@ttra.example.vn",)
    assert by_unit["Phòng Công chứng"].mailboxes == ()


def test_periods_are_read_and_bad_ones_explained() -> None:
    assert (parse_period("2026-Q4").start.isoformat(), parse_period("2026-Q4").end.isoformat()) == (
        "2026-10-01", "2026-12-31")
    assert parse_period("2026-H1").label == "6 tháng đầu năm 2026" and parse_period("2026-H1").months() == 6
    assert parse_period("2026").months() == 12
    assert parse_period("2026-11-03..2026-11-05").label == "từ ngày 03/11/2026 đến ngày 05/11/2026"
    for bad in ("2026-13", "tháng 11", "2026-11-05..2026-11-01"):
        with pytest.raises(PeriodError):
            parse_period(bad)


def test_xlsx_holds_the_same_numbers(month) -> None:
    cfg, engine, specs, stats = month
    want = expected(specs)
    wb = load_workbook(filename=_write(ARTIFACTS / "thong-ke.xlsx", statistics_file(stats, "xlsx", cfg)))
    assert {"Tổng hợp", "Theo đơn vị", "Theo người viết", "Theo loại tin", "Căn cứ từ chối",
            "Định mức đơn vị"} <= set(wb.sheetnames)
    rows = {r[0]: r for r in wb["Theo đơn vị"].iter_rows(min_row=2, values_only=True)}
    for unit in {u for _, u in SENDERS.values()}:
        assert list(rows[unit][1:9]) == [want[unit].get(n, 0) for n in FIGURES]
        assert all(isinstance(v, int) for v in rows[unit][1:9])  # numbers, not text
    assert list(rows["Tổng cộng"][1:9]) == [want["total"].get(n, 0) for n in FIGURES]


def test_json_and_csv_hold_the_same_numbers(month) -> None:
    cfg, engine, specs, stats = month
    want = expected(specs)
    data = json.loads(statistics_file(stats, "json", cfg))
    assert data == json.loads(json.dumps(statistics_dict(stats)))
    assert {n: data["total"][n] for n in FIGURES} == {n: want["total"].get(n, 0) for n in FIGURES}
    csv_text = statistics_file(stats, "csv", cfg).decode("utf-8-sig")
    line = next(x for x in csv_text.splitlines() if x.startswith("unit:total,"))
    assert line.split(",")[2:10] == [str(want["total"].get(n, 0)) for n in FIGURES]


def test_the_cli_writes_the_report_and_refuses_bad_input(month, tmp_path: Path, capsys) -> None:
    cfg, engine, specs, stats = month
    config = Path(cfg.path)
    out = tmp_path / "bc.docx"
    # the CLI opens the configured database: point a copy of the config at this test's one
    conf = tmp_path / "config.toml"
    text = config.read_text(encoding="utf-8").replace('url = "sqlite:///var/tinbai.db"',
                                                       f'url = "sqlite:///{engine.url.database}"')
    conf.write_text(text.replace('var_dir = "var"', f'var_dir = "{tmp_path / "var"}"'), encoding="utf-8")
    assert main(["--config", str(conf), "report", "stats", "--profile", PROFILE, "--period", "2026-11",
                 "--format", "docx", "-o", str(out)]) == 0
    said = capsys.readouterr().out
    assert f"tiếp nhận {stats.total.received}, duyệt {stats.total.accepted}" in said and str(out) in said
    assert Document(str(out)).paragraphs  # a Word file
    assert main(["--config", str(conf), "report", "stats", "--profile", PROFILE, "--period", "tháng 11"]) == 2
    assert "--period" in capsys.readouterr().err
    assert main(["--config", str(conf), "report", "stats", "--profile", "khong-co", "--period", "2026-11"]) == 2


@pytest.mark.skipif(not shutil.which("soffice") or not shutil.which("pdftoppm"),
                    reason="LibreOffice and poppler-utils are installed by scripts/bootstrap.sh")
def test_docx_and_xlsx_open_in_libreoffice_with_the_same_figures(month, tmp_path: Path) -> None:
    cfg, engine, specs, stats = month
    want = expected(specs)["total"]
    for fmt in ("docx", "xlsx"):
        src = _write(tmp_path / f"thong-ke.{fmt}", statistics_file(stats, fmt, cfg))
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path / 'lo'}",
                        "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)],
                       check=True, capture_output=True, timeout=180)
        pdf = tmp_path / "thong-ke.pdf"
        # read as an attachment would be (pdfium's text layer)
        text = " ".join(formats.extract(pdf.read_bytes(), "pdf", ParseLimits()).text.split())
        if fmt == "docx":
            # Decree 30/2020/NĐ-CP: the emblem lines, the number, the place and date, recipients
            for words in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "/BC-BBT",
                          "Bình Phước, ngày", "BÁO CÁO", "tháng 11 năm 2026", "Nơi nhận:", "TRƯỞNG BAN BIÊN TẬP",
                          f"tiếp nhận {want['received']} tin, bài", f"đã đăng {want['published']}",
                          f"từ chối đăng {want['refused']}"):
                assert words in text, words
        else:
            assert "Tiếp nhận" in text and str(want["received"]) in text
        png = tmp_path / f"page-{fmt}"
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(png)],
                       check=True, capture_output=True, timeout=120)
        page = next(tmp_path.glob(f"page-{fmt}*.png"))
        assert page.stat().st_size > 5_000  # a rendered page, not a blank one
        ARTIFACTS.mkdir(exist_ok=True)
        shutil.copy(page, ARTIFACTS / f"bao-cao-thong-ke-{fmt}.png")
        pdf.unlink()


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_the_demos_month_goes_through_the_workflow_beside_the_configured_units(tmp_path: Path) -> None:
    """The demo's month of items is written on a fresh database although config.toml already has
    one of its units (binhphuoc's "Phòng Hành chính tư pháp", for the feedback it forwards), and
    its items reach publication through each profile's steps (binhphuoc's own posting step)."""
    cfg = make_config(tmp_path)
    cfg.database.url = f"sqlite:///{tmp_path / 'queue.db'}"
    engine = open_db(cfg)
    with Session(engine) as s:
        [configured] = [u for u in units_of(s, "binhphuoc-stp") if u.name == "Phòng Hành chính tư pháp"]
        leaders = configured.leaders
    now = datetime.now(VN)
    assert add_history(cfg, engine, now) == 36
    assert add_history(cfg, engine, now) == 0  # once
    with Session(engine) as s:
        [unit] = [u for u in units_of(s, "binhphuoc-stp") if u.name == "Phòng Hành chính tư pháp"]
        published = Counter((i.profile, i.step) for i in s.exec(select(Item).where(Item.state == "published")))
    assert unit.leaders == leaders and "hctp.stp-binhphuoc.example.vn" in unit.domains
    assert published == {("binhphuoc-stp", "publish"): 12, ("kontum-stp", "approve"): 12}
    engine.dispose()
