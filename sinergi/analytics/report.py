"""The comparable annual report: the tables regional bodies compare (victims identified by sex, age band,
citizenship, form and country of exploitation; referrals; repatriations; services; time to repatriation), for
one year and optionally one province, as PDF (WeasyPrint, with the charts and the map) or Excel (openpyxl, one
sheet per table), in Indonesian or English. Read from the read models only; small cells suppressed."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import charts, figures, maps, sections
from .deid import min_cell
from .figures import Filters
from .refresh import last_refresh
from .tables import Labels, Table, hidden, shown

FORMATS = ("pdf", "xlsx")


def report_tables(year: int, province: str = "") -> list[Table]:
    """The report's tables in the active language."""
    L = Labels()
    data = sections.annual_tables(year, province)

    def series(key, title, col, label=lambda k: k, chart=True):
        s = data[key]
        t = Table(key, title, [("key", col), ("n", _("Jumlah"))],
                  [[label(r["key"]), shown(r["n"])] for r in s["rows"]] + [[_("Jumlah"), shown(s["total"])]])
        if chart and s["rows"]:
            t.chart = charts.bars([(label(r["key"]), r["n"]) for r in s["rows"]], title=title, hidden=hidden())
        return t

    tables = [
        series("victims_sex", _("Korban teridentifikasi menurut jenis kelamin"), _("Jenis kelamin"),
               lambda k: L.sex.get(k, L.value(k))),
        series("victims_age", _("Korban teridentifikasi menurut kelompok umur"), _("Umur"),
               lambda k: L.value(k) if k == "?" else k),
        series("victims_citizenship", _("Korban teridentifikasi menurut kewarganegaraan"), _("Kewarganegaraan"),
               L.country, chart=False),
        series("victims_type", _("Korban teridentifikasi menurut bentuk eksploitasi"), _("Bentuk eksploitasi"),
               L.value),
        series("victims_country", _("Korban teridentifikasi menurut negara eksploitasi"), _("Negara"), L.country),
        series("referrals", _("Rujukan antarlembaga menurut jenis"), _("Jenis rujukan"),
               lambda k: L.referral.get(k, k)),
        series("repatriations", _("Pemulangan menurut pintu masuk"), _("Pintu masuk"), lambda k: L.value(k) if k == "?" else k),
        series("services", _("Layanan yang diberikan menurut jenis"), _("Layanan"), lambda k: L.service.get(k, k)),
    ]
    rep = data["repatriation_days"]
    tables.append(Table("repatriation_time", _("Lama sampai pemulangan (hari sejak laporan)"),
                        [("measure", _("Ukuran")), ("value", _("Nilai"))],
                        [[_("Pemulangan"), shown(rep["n"])], [_("Median hari"), rep["median"]],
                         [_("Persentil 90 hari"), rep["p90"]]]))
    return tables


def report_context(year: int, province: str = "") -> dict:
    L = Labels()
    f = Filters(year_from=year, year_to=year, province=province)
    places = figures.regency_map(f)
    state = last_refresh()
    return {
        "year": year, "province": province, "province_name": L.region(province) if province else "",
        "tables": report_tables(year, province), "k": min_cell(), "hidden": hidden(),
        "map": maps.choropleth(places["regencies"], title=_("Kasus per kabupaten/kota asal"), province=province,
                               hidden_label=hidden(), k=min_cell()),
        "as_of": state.as_of if state else None, "generated": timezone.now(),
    }


def report_pdf(year: int, province: str = "", language: str = "id") -> bytes:
    from weasyprint import HTML

    with translation.override(language):
        html = render_to_string("analytics/report.html", {**report_context(year, province), "lang": language})
    return HTML(string=html).write_pdf()


def report_xlsx(year: int, province: str = "", language: str = "id") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    with translation.override(language):
        tables = report_tables(year, province)
        wb = Workbook()
        wb.remove(wb.active)
        info = wb.create_sheet(_("Keterangan")[:31])
        title = _("Laporan tahunan TPPO %(year)s") % {"year": year}
        info.append([title])
        info["A1"].font = Font(bold=True, size=14)
        if province:
            info.append([_("Provinsi"), Labels().region(province)])
        info.append([_("Angka di bawah %(k)s disamarkan sebagai %(hidden)s.") % {"k": min_cell(), "hidden": hidden()}])
        state = last_refresh()
        if state and state.as_of:
            info.append([_("Angka per"), timezone.localtime(state.as_of).strftime("%Y-%m-%d %H:%M")])
        for t in tables:
            ws = wb.create_sheet(_sheet_name(t.title, wb.sheetnames))
            ws.append([t.title])
            ws["A1"].font = Font(bold=True)
            ws.append([label for _k, label in t.columns])
            for cell in ws[2]:
                cell.font = Font(bold=True)
            for row in t.rows:
                ws.append(row)
            ws.column_dimensions["A"].width = 48
            ws.column_dimensions["B"].width = 14
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _sheet_name(title: str, taken: list[str]) -> str:
    name = "".join(ch for ch in title if ch not in "[]:*?/\\")[:28]
    base, i = name, 2
    while name in taken:
        name = f"{base[:26]} {i}"
        i += 1
    return name


def report_bytes(year: int, *, province: str = "", fmt: str = "pdf", language: str = "id") -> bytes:
    if fmt not in FORMATS:
        raise ValueError(fmt)
    return (report_pdf if fmt == "pdf" else report_xlsx)(year, province, language)
