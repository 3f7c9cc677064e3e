"""The statistics as tables of plain values, the same for every export (.xlsx, .docx, .csv,
.json) and the page: one header and rows of numbers per breakdown."""

from __future__ import annotations

from tinbai.duties.quotas import KIND_LABELS, Standing
from tinbai.duties.statistics import FIGURES, Figures, Statistics

MEDIAN_LABEL = "Thời gian đăng (trung vị, giờ)"


def figure_header(first: str) -> list[str]:
    return [first, *FIGURES.values(), MEDIAN_LABEL]


def figure_row(name: str, f: Figures) -> list:
    return [name, *(getattr(f, k) for k in FIGURES), f.median_hours()]


def breakdown_tables(stats: Statistics) -> list[tuple[str, str, list[str], list[list]]]:
    """(key, title, header, rows) per breakdown, each ending with the total."""
    out = []
    for key, (title, groups) in stats.breakdowns().items():
        rows = [figure_row(name, f) for name, f in groups.items()]
        rows.append(figure_row("Tổng cộng", stats.total))
        out.append((key, f"Theo {title[0].lower() + title[1:]}", figure_header(title), rows))
    return out


def grounds_table(stats: Statistics) -> tuple[list[str], list[list]]:
    header = ["Căn cứ", "Nội dung", "Số tin, bài từ chối"]
    rows = [[key, stats.grounds.get(key, "(không ghi căn cứ)" if key == "?" else key), n]
            for key, n in sorted(stats.total.refused_by_ground.items())]
    return header, rows


def quota_table(standings: list[Standing]) -> tuple[list[str], list[list]]:
    kinds = sorted({k for s in standings for k in s.minimum})
    header = ["Đơn vị / người viết", *(f"Đã có ({KIND_LABELS.get(k, k)})" for k in kinds),
              *(f"Định mức ({KIND_LABELS.get(k, k)})" for k in kinds), "Đạt định mức"]
    rows = [[s.who, *(s.counts.get(k, 0) for k in kinds), *(s.minimum.get(k, 0) for k in kinds),
             "Đạt" if s.met else "Chưa đạt"] for s in standings]
    return header, rows
