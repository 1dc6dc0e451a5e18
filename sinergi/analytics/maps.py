"""The choropleth of cases by home regency, drawn on the server as SVG from the regency boundaries shipped in
``data/regencies.geojson`` (simplified from github.com/cahyadsn/wilayah_boundaries, MIT, see
``data/WILAYAH-BOUNDARIES-LICENSE``), keyed by the same Kemendagri codes as ``regions``.

``simplify`` made the shipped file (Douglas-Peucker, islets dropped, two decimals); ``choropleth`` draws it.
"""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path

from django.utils.html import escape
from django.utils.safestring import mark_safe

DATA = Path(__file__).parent / "data" / "regencies.geojson"
# Equirectangular projection of Indonesia's extent, 20 units per degree.
LON0, LAT0, SCALE = 94.8, 6.2, 20.0
PALETTE = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
EMPTY, HIDDEN = "#f2f2f2", "#c9c9c9"


def _dp(points: list, tol: float) -> list:
    """Douglas-Peucker, iterative."""
    if len(points) < 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (x1, y1), (x2, y2) = points[a], points[b]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy)
        best, at = 0.0, -1
        for i in range(a + 1, b):
            x, y = points[i]
            # A closed ring starts and ends at one point: measure from that point.
            d = abs(dy * x - dx * y + x2 * y1 - y2 * x1) / norm if norm else math.hypot(x - x1, y - y1)
            if d > best:
                best, at = d, i
        if best > tol and at > 0:
            keep[at] = True
            stack += [(a, at), (at, b)]
    return [p for p, k in zip(points, keep) if k]


def _area(ring: list) -> float:
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]))) / 2


def simplify(src: str | Path, dst: str | Path = DATA, tol: float = 0.03, min_area: float = 0.003) -> int:
    """Write a lighter copy of a regencies GeoJSON: outer rings only, simplified, islets dropped (the largest
    ring of a regency is always kept), coordinates to two decimals. Returns the size written."""
    features = []
    for feat in json.loads(Path(src).read_text())["features"]:
        geom = feat["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        originals = sorted(([tuple(p) for p in poly[0]] for poly in polys), key=_area, reverse=True)
        kept = []
        for i, ring in enumerate(originals):
            if i and _area(ring) < min_area:
                continue  # an islet: invisible at this scale
            for t in (tol, tol / 10, 0):
                small = _dp(ring, t) if t else ring
                if len(small) >= 4:
                    break
            kept.append(small)
        coords = [[[[round(x, 2), round(y, 2)] for x, y in r]] for r in kept]
        features.append({"type": "Feature", "properties": {"kode": feat["properties"]["kode"],
                                                           "nama": feat["properties"]["nama"]},
                         "geometry": {"type": "MultiPolygon", "coordinates": coords}})
    text = json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))
    Path(dst).write_text(text)
    return len(text)


@functools.lru_cache(maxsize=1)
def shapes() -> dict[str, dict]:
    """{regency code: {"name", "d" (SVG path), "box" (x0, y0, x1, y1)}} in map units, loaded once."""
    out = {}
    for feat in json.loads(DATA.read_text())["features"]:
        parts, xs, ys = [], [], []
        for poly in feat["geometry"]["coordinates"]:
            pts = [((lon - LON0) * SCALE, (LAT0 - lat) * SCALE) for lon, lat in poly[0]]
            xs += [p[0] for p in pts]
            ys += [p[1] for p in pts]
            parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in pts) + "Z")
        out[feat["properties"]["kode"]] = {"name": feat["properties"]["nama"], "d": "".join(parts),
                                           "box": (min(xs), min(ys), max(xs), max(ys))}
    return out


def classes(values: list[int]) -> list[int]:
    """Upper bounds of five classes (quantiles of the non-zero values)."""
    vals = sorted(v for v in values if v)
    if not vals:
        return []
    bounds = []
    for i in range(1, 6):
        b = vals[min(len(vals) - 1, math.ceil(i * len(vals) / 5) - 1)]
        if not bounds or b > bounds[-1]:
            bounds.append(b)
    return bounds


def choropleth(counts: dict[str, int | None], *, title: str, province: str = "", hidden_label: str = "<5",
               none_label: str = "0", k: int = 5) -> str:
    """The SVG map: every regency filled by its class (hidden counts grey, zero pale), with a legend.
    ``province`` zooms to that province's regencies."""
    geo = shapes()
    codes = [c for c in geo if not province or c.startswith(province + ".")]
    if not codes:
        codes = list(geo)
    x0 = min(geo[c]["box"][0] for c in codes)
    y0 = min(geo[c]["box"][1] for c in codes)
    x1 = max(geo[c]["box"][2] for c in codes)
    y1 = max(geo[c]["box"][3] for c in codes)
    pad = max(x1 - x0, y1 - y0) * 0.03
    bounds = classes([v for v in counts.values() if v])
    legend_h = 28
    width, height = x1 - x0 + 2 * pad, y1 - y0 + 2 * pad
    # The legend sits under the map at a fixed share of its width so it stays readable when zoomed.
    unit = width / 360
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart map" role="img" '
           f'viewBox="{x0 - pad:.1f} {y0 - pad:.1f} {width:.1f} {height + legend_h * unit:.1f}" '
           f'aria-label="{escape(title)}"><title>{escape(title)}</title>']
    out.append(f'<g stroke="#ffffff" stroke-width="{0.6 * unit:.2f}" stroke-linejoin="round">')
    for code in codes:
        v = counts.get(code, 0)
        fill = HIDDEN if v is None else EMPTY if not v else PALETTE[next(i for i, b in enumerate(bounds) if v <= b)]
        label = hidden_label if v is None else str(v)
        out.append(f'<path d="{geo[code]["d"]}" fill="{fill}" data-code="{code}">'
                   f'<title>{escape(geo[code]["name"])}: {escape(label)}</title></path>')
    out.append("</g>")
    ly = y1 + pad + 4 * unit
    items = [(EMPTY, none_label), (HIDDEN, hidden_label)]
    low = k
    for i, b in enumerate(bounds):
        items.append((PALETTE[i], f"{low}–{b}" if b > low else f"{b}"))
        low = b + 1
    x = x0
    step = width / max(len(items), 1)
    for color, text in items:
        out.append(f'<rect x="{x:.1f}" y="{ly:.1f}" width="{12 * unit:.1f}" height="{12 * unit:.1f}" fill="{color}" '
                   f'stroke="#888" stroke-width="{0.3 * unit:.2f}"/>'
                   f'<text x="{x + 15 * unit:.1f}" y="{ly + 10.5 * unit:.1f}" font-size="{11 * unit:.1f}" '
                   f'fill="#222">{escape(text)}</text>')
        x += step
    out.append("</svg>")
    return mark_safe("".join(out))
