"""Charts drawn on the server as SVG: they show without JavaScript, print into the PDF report as they are, and
scale to the page (the viewBox is 360 units wide, a phone's width, so text stays legible there). Each chart
has a title and every value as text; the page puts the same numbers in a table beside it and as CSV."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import mark_safe

WIDTH = 360
BAR = "#3182bd"
ACCENT = "#e6550d"
GRID = "#dddddd"
COLORS = ("#3182bd", "#e6550d", "#31a354", "#756bb1", "#636363", "#fd8d3c", "#6baed6", "#74c476")


def _fmt(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:,.1f}"
    return f"{v:,}"


def bars(rows: list[tuple[str, int | float | None]], *, title: str, hidden: str = "<5", highlight: set | None = None,
         unit: str = "") -> str:
    """Horizontal bars, the label above each bar and the value at its end; a hidden value (None) is drawn as
    an empty outline marked ``hidden``."""
    highlight = highlight or set()
    top = max([v for _, v in rows if v] or [1])
    row_h, pad = 34, 8
    height = pad * 2 + 20 + row_h * max(len(rows), 1)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {WIDTH} {height}" '
           f'aria-label="{escape(title)}"><title>{escape(title)}</title>',
           f'<text x="{pad}" y="{pad + 12}" font-size="13" font-weight="bold" fill="#222">{escape(title)}</text>']
    y = pad + 24
    span = WIDTH - 2 * pad - 60
    for label, v in rows:
        out.append(f'<text x="{pad}" y="{y + 11}" font-size="12" fill="#333">{escape(str(label))[:60]}</text>')
        w = span * (v or 0) / top if v else 0
        color = ACCENT if label in highlight else BAR
        if v is None:
            out.append(f'<rect x="{pad}" y="{y + 15}" width="24" height="12" fill="none" stroke="#999" '
                       f'stroke-dasharray="3 2"/><text x="{pad + 30}" y="{y + 25}" font-size="12" fill="#555">'
                       f'{escape(hidden)}</text>')
        else:
            out.append(f'<rect x="{pad}" y="{y + 15}" width="{max(w, 1):.1f}" height="12" fill="{color}"/>'
                       f'<text x="{pad + max(w, 1) + 4:.1f}" y="{y + 25}" font-size="12" fill="#222">'
                       f'{escape(_fmt(v))}{escape(unit)}</text>')
        y += row_h
    out.append("</svg>")
    return mark_safe("".join(out))


def lines(series: dict[str, list[tuple[int, float | None]]], *, title: str, unit: str = "") -> str:
    """A trend: one line per series over the years (x), gaps where a value is hidden or missing; the last
    value of each line is written at its end and the legend under the chart."""
    xs = sorted({x for pts in series.values() for x, _ in pts})
    values = [v for pts in series.values() for _, v in pts if v is not None]
    height = 230 + 18 * ((len(series) + 1) // 2)
    left, right, top_y, bottom = 40, WIDTH - 16, 30, 190
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {WIDTH} {height}" '
           f'aria-label="{escape(title)}"><title>{escape(title)}</title>',
           f'<text x="8" y="18" font-size="13" font-weight="bold" fill="#222">{escape(title)}</text>']
    if not xs or not values:
        out.append("</svg>")
        return mark_safe("".join(out))
    vmax = max(values) or 1
    def px(x):
        return left + (right - left) * (xs.index(x) / max(len(xs) - 1, 1))

    def py(v):
        return bottom - (bottom - top_y) * (v / vmax)
    for i in range(5):
        v = vmax * i / 4
        y = py(v)
        out.append(f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
                   f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end" fill="#555">'
                   f'{escape(_fmt(round(v, 1)))}</text>')
    for x in xs:
        out.append(f'<text x="{px(x):.1f}" y="{bottom + 16}" font-size="11" text-anchor="middle" fill="#333">{x}</text>')
    for i, (name, pts) in enumerate(series.items()):
        color = COLORS[i % len(COLORS)]
        seg: list[str] = []
        for x, v in sorted(pts):
            if v is None:
                if len(seg) > 1:
                    out.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{" ".join(seg)}"/>')
                seg = []
                continue
            seg.append(f"{px(x):.1f},{py(v):.1f}")
            out.append(f'<circle cx="{px(x):.1f}" cy="{py(v):.1f}" r="3" fill="{color}">'
                       f'<title>{escape(name)} {x}: {escape(_fmt(v))}{escape(unit)}</title></circle>')
        if len(seg) > 1:
            out.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{" ".join(seg)}"/>')
        lx, ly = 8 + (i % 2) * 176, bottom + 36 + 18 * (i // 2)
        out.append(f'<rect x="{lx}" y="{ly - 9}" width="10" height="10" fill="{color}"/>'
                   f'<text x="{lx + 14}" y="{ly}" font-size="11" fill="#222">{escape(name)[:28]}</text>')
    out.append("</svg>")
    return mark_safe("".join(out))
