"""Bar charts as SVG, drawn on the server: the pages load nothing from elsewhere and run no
script. Written here rather than taken from a charting library because a grouped bar chart is
a few rectangles, and the SVG libraries' output carries inline <style> and script that the
pages' Content-Security-Policy refuses."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

COLOURS = ("#1f5fa8", "#2e8540", "#b00020", "#c77700")


@dataclass(frozen=True)
class Series:
    label: str
    values: list[float]


def bar_chart(title: str, labels: list[str], series: list[Series], *, width: int = 720, bar: int = 14) -> str:
    """Horizontal grouped bars: one group per label, one bar per series, the value written at
    its end. Safe to embed: every text is escaped."""
    label_w, pad, gap = 230, 8, 10
    group_h = bar * len(series) + gap
    legend_h = 22
    height = legend_h + pad + max(1, len(labels)) * group_h + pad
    top = max([v for s in series for v in s.values] + [1])
    scale = (width - label_w - 60) / top
    out = [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" aria-label="{escape(title)}">', f"<title>{escape(title)}</title>"]
    x = label_w
    for i, s in enumerate(series):
        out.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{COLOURS[i % len(COLOURS)]}"/>'
                   f'<text x="{x + 16}" y="14" font-size="12">{escape(s.label)}</text>')
        x += 24 + 8 * len(s.label)
    for g, label in enumerate(labels):
        y0 = legend_h + pad + g * group_h
        short = label if len(label) <= 34 else label[:33] + "…"
        out.append(f'<text x="{label_w - 6}" y="{y0 + group_h / 2}" font-size="12" text-anchor="end">'
                   f"<title>{escape(label)}</title>{escape(short)}</text>")
        for i, s in enumerate(series):
            v = s.values[g]
            y = y0 + i * bar
            w = max(v * scale, 0)
            out.append(f'<rect class="bar" x="{label_w}" y="{y}" width="{w:.1f}" height="{bar - 2}" '
                       f'fill="{COLOURS[i % len(COLOURS)]}" data-value="{v:g}"><title>{escape(s.label)}: {v:g}</title></rect>'
                       f'<text x="{label_w + w + 4:.1f}" y="{y + bar - 4}" font-size="11">{v:g}</text>')
    out.append("</svg>")
    return "".join(out)
