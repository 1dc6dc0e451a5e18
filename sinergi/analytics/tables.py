"""The dashboards' tables in the reader's language: each section of the figures as titled tables with their
chart. Pages, CSV downloads, the PDF and Excel report and the API all render these same tables."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sinergi.agencies.models import Agency
from sinergi.cases.enums import ServiceType, Stage
from sinergi.core import htcds
from sinergi.people.enums import Sex
from sinergi.referrals.enums import ReferralType
from sinergi.regions.models import Country, Region

from . import charts, figures, maps, sections
from .deid import min_cell
from .figures import Filters


@dataclass
class Table:
    key: str
    title: str
    columns: list[tuple[str, str]]
    rows: list[list] = field(default_factory=list)
    chart: str = ""
    note: str = ""

    def as_dict(self) -> dict:
        return {"key": self.key, "title": self.title, "columns": [{"key": k, "label": v} for k, v in self.columns],
                "rows": [dict(zip([k for k, _ in self.columns], r)) for r in self.rows], "note": self.note}


def hidden() -> str:
    return f"<{min_cell()}"


def shown(v):
    return hidden() if v is None else v


class Labels:
    """Names for the keys the figures use, looked up once per request."""

    def __init__(self):
        self.stage = {k: str(v) for k, v in Stage.choices}
        self.sex = {k: str(v) for k, v in Sex.choices}
        self.referral = {k: str(v) for k, v in ReferralType.choices}
        self.service = {k: str(v) for k, v in ServiceType.choices}
        self._agencies: dict | None = None
        self._countries: dict | None = None
        self._regions: dict | None = None

    def agency(self, pk) -> str:
        if self._agencies is None:
            self._agencies = {str(a.pk): str(a) for a in Agency.objects.all()}
        return self._agencies.get(str(pk), _("Tidak diketahui")) if pk else _("Semua lembaga")

    def country(self, alpha3: str) -> str:
        if self._countries is None:
            indonesian = (get_language() or "id").startswith("id")
            self._countries = {c.alpha3: (c.name_id if indonesian and c.name_id else c.name)
                               for c in Country.objects.all()}
        return self._countries.get(alpha3, _("Tidak diketahui"))

    def region(self, code: str) -> str:
        if self._regions is None:
            self._regions = dict(Region.objects.filter(level__lte=2).values_list("code", "name"))
        return self._regions.get(code, _("Tidak diketahui"))

    def value(self, v: str) -> str:
        return _("Tidak diketahui") if v in ("", "?") else str(htcds.label(v))


def _days(hours):
    return None if hours is None else round(hours / 24, 1)


def section_funnel(f: Filters, L: Labels) -> list[Table]:
    data = figures.funnel(f)
    rows = [[L.stage[s["key"]], shown(s["n"])] for s in data["stages"]]
    chart = charts.bars([(L.stage[s["key"]], s["n"]) for s in data["stages"]], title=_("Kasus yang mencapai tiap tahap"),
                        hidden=hidden(), highlight={L.stage["received"]})
    funnel = Table("funnel", _("Kasus yang mencapai tiap tahap"), [("stage", _("Tahap")), ("cases", _("Kasus"))], rows,
                   chart, _("Satu kasus dihitung di setiap tahap yang pernah dicapainya."))
    stopped = Table("stopped", _("Berhenti di tahap diterima daerah asal"),
                    [("measure", _("Ukuran")), ("cases", _("Kasus"))],
                    [[_("Semua kasus"), shown(data["cases"])], [_("Mencapai tahap diterima daerah asal"), shown(data["received"])],
                     [_("Tanpa pemulihan maupun reintegrasi sesudahnya"), shown(data["stopped_received"])]],
                    note=_("Kasus yang diserahkan ke daerah asal lalu tidak pernah masuk tahap pemulihan atau reintegrasi."))
    return [funnel, stopped]


def section_stages(f: Filters, L: Labels) -> list[Table]:
    out = []
    stage_keys = [s for s in figures.STAGES if s not in ("reported", "closed")]
    for by, title, name in (("agency", _("Hari di tiap tahap per lembaga"), L.agency),
                            ("province", _("Hari di tiap tahap per provinsi asal"), L.region),
                            ("year", _("Hari di tiap tahap per tahun pendaftaran"), str)):
        rows = []
        for group in figures.stage_times(f, by):
            cells = {s["key"]: s for s in group["stages"]}
            row = [name(group["group"])]
            for s in stage_keys:
                c = cells.get(s) or {}
                row += [_days(c.get("median")), _days(c.get("p90"))]
            rows.append(row)
        cols = [("group", _("Kelompok"))]
        for s in stage_keys:
            cols += [(f"{s}_median", _("%(stage)s: median") % {"stage": L.stage[s]}),
                     (f"{s}_p90", _("%(stage)s: persentil 90") % {"stage": L.stage[s]})]
        t = Table(f"stages_{by}", title, cols, rows,
                  note=_("Lama tinggal yang sudah selesai, dalam hari; kosong bila kurang dari %(k)s kasus.")
                  % {"k": min_cell()})
        if by == "year":
            series = {L.stage[s]: [(int(r[0]), r[1 + 2 * i]) for r in rows] for i, s in enumerate(stage_keys)
                      if any(r[1 + 2 * i] is not None for r in rows)}
            t.chart = charts.lines(series, title=_("Median hari di tiap tahap, per tahun"))
        out.append(t)
    return out


def section_referrals(f: Filters, L: Labels) -> list[Table]:
    data = figures.referral_figures(f)
    cols = [("key", ""), ("sent", _("Dikirim")), ("ack_on_time", _("Dikonfirmasi tepat waktu")),
            ("ack_late", _("Dikonfirmasi terlambat")), ("not_acknowledged", _("Belum/tidak dikonfirmasi")),
            ("ack_overdue", _("Lewat tenggat konfirmasi")), ("expired", _("Kedaluwarsa")),
            ("escalated", _("Dieskalasi")), ("completed", _("Selesai")), ("done_on_time", _("Selesai tepat waktu")),
            ("done_late", _("Selesai terlambat")), ("done_overdue", _("Lewat tenggat selesai")),
            ("ack_median_hours", _("Median jam konfirmasi")), ("ack_p90_hours", _("Persentil 90 jam konfirmasi")),
            ("done_median_days", _("Median hari selesai")), ("done_p90_days", _("Persentil 90 hari selesai"))]
    out = []
    for by, title, name in (("agency", _("Rujukan per lembaga penerima"), L.agency),
                            ("type", _("Rujukan per jenis"), lambda t: L.referral.get(t, t))):
        rows = [[name(r["key"])] + [shown(r[c]) if c in ("sent", "ack_on_time", "ack_late", "not_acknowledged",
                                                         "ack_overdue", "expired", "escalated", "completed",
                                                         "done_on_time", "done_late", "done_overdue") else r[c]
                                    for c, _l in cols[1:]] for r in data[by]["rows"]]
        t = Table(f"referrals_{by}", title, [(cols[0][0], _("Lembaga") if by == "agency" else _("Jenis"))] + cols[1:],
                  rows)
        if by == "agency":
            t.chart = charts.bars([(name(r["key"]), r["ack_late"]) for r in data[by]["rows"]],
                                  title=_("Rujukan yang dikonfirmasi terlambat"), hidden=hidden())
        out.append(t)
    return out


def section_places(f: Filters, L: Labels) -> list[Table]:
    data = figures.regency_map(f)
    regs = sorted(data["regencies"].items(), key=lambda kv: -(kv[1] or 0))
    t = Table("regencies", _("Kasus per kabupaten/kota asal"),
              [("code", _("Kode")), ("regency", _("Kabupaten/kota")), ("cases", _("Kasus"))],
              [[code, L.region(code), shown(n)] for code, n in regs if code != "?"])
    t.chart = maps.choropleth(data["regencies"], title=_("Kasus per kabupaten/kota asal"), province=f.province,
                              hidden_label=hidden(), k=min_cell())
    provinces = Table("provinces", _("Kasus per provinsi asal"), [("code", _("Kode")), ("province", _("Provinsi")),
                                                                   ("cases", _("Kasus"))],
                      [[c, L.region(c), shown(n)] for c, n in sorted(data["provinces"].items(),
                                                                     key=lambda kv: -(kv[1] or 0))])
    places = figures.countries(f)
    countries = Table("countries", _("Kasus per negara eksploitasi"), [("code", _("Kode")), ("country", _("Negara")),
                                                                       ("cases", _("Kasus"))],
                      [[c, L.country(c), shown(n)] for c, n in places["countries"]])
    countries.chart = charts.bars([(L.country(c), n) for c, n in places["countries"][:12]],
                                  title=_("Kasus per negara eksploitasi"), hidden=hidden())
    cities = Table("cities", _("Kasus per kota eksploitasi"), [("country", _("Negara")), ("city", _("Kota")),
                                                               ("cases", _("Kasus"))],
                   [[L.country(c), city, shown(n)] for c, city, n in places["cities"]])
    return [t, provinces, countries, cities]


def section_recruitment(f: Filters, L: Labels) -> list[Table]:
    data = sections.recruitment(f)
    door_labels = {"through": _("Ditempatkan melalui satu pintu (LTSA/SISKOP2MI)"), "outside": _("Di luar satu pintu")}
    door = Table("one_door", _("Satu pintu: penempatan resmi dan kasus di luarnya"),
                 [("channel", _("Jalur")), ("cases", _("Kasus"))],
                 [[door_labels.get(r["key"], r["key"]), shown(r["n"])] for r in data["one_door"]["rows"]])
    door.chart = charts.bars([(door_labels.get(r["key"], r["key"]), r["n"]) for r in data["one_door"]["rows"]],
                             title=_("Satu pintu: penempatan resmi dan kasus di luarnya"), hidden=hidden())
    pa = Table("placement_agencies", _("Kasus per perusahaan penempatan (P3MI)"),
               [("agency", _("Perusahaan")), ("cases", _("Kasus"))],
               [[r["label"], shown(r["n"])] for r in data["placement_agencies"]["rows"]])
    rec = Table("recruiters", _("Perekrut menurut jumlah kasus yang terkait"),
                [("cases", _("Kasus per perekrut")), ("recruiters", _("Perekrut"))],
                [[r["key"], shown(r["n"])] for r in data["recruiters"]["rows"]],
                note=_("Perekrut tidak disebut namanya di sini: hanya berapa perekrut terkait dengan berapa kasus."))
    from sinergi.recruitment.models import RiskRule

    names = {r.code: r.name_shown for r in RiskRule.objects.only("code", "name")}
    flags = Table("flags", _("Tanda risiko: muncul dan dikonfirmasi"),
                  [("rule", _("Aturan")), ("raised", _("Muncul")), ("confirmed", _("Dikonfirmasi"))],
                  [[names.get(r["rule"], r["rule"]), shown(r["raised"]), shown(r["confirmed"])] for r in data["flags"]])
    placements = Table("placements", _("Penempatan melalui satu pintu per negara tujuan"),
                       [("country", _("Negara")), ("placements", _("Penempatan"))],
                       [[L.country(r["key"]), shown(r["n"])] for r in data["placements"]["rows"]])
    return [door, pa, rec, flags, placements]


def section_border(f: Filters, L: Labels) -> list[Table]:
    data = sections.border(f)
    ports = Table("ports", _("Kedatangan per pintu masuk"), [("port", _("Pintu masuk")), ("cases", _("Kasus"))],
                  [[L.value(r["key"]) if r["key"] == "?" else r["key"], shown(r["n"])] for r in data["ports"]["rows"]])
    ports.chart = charts.bars([(r["key"], r["n"]) for r in data["ports"]["rows"]], title=_("Kedatangan per pintu masuk"),
                              hidden=hidden(), highlight={p for p in (r["key"] for r in data["ports"]["rows"])
                                                          if "Nunukan" in p or "Tarakan" in p})
    regs = Table("border_regencies", _("Kasus yang ditangani di kabupaten/kota perbatasan"),
                 [("regency", _("Kabupaten/kota")), ("cases", _("Kasus"))],
                 [[r["label"], shown(r["n"])] for r in data["regencies"]["rows"]])
    agencies = Table("border_agencies", _("Lembaga di perbatasan yang bertindak"),
                     [("agency", _("Lembaga")), ("cases", _("Kasus"))],
                     [[r["label"], shown(r["n"])] for r in data["agencies"]["rows"]])
    out = [ports, regs, agencies]
    cross = data["cross"]
    if cross:
        out.append(Table("border_cross", _("Pintu masuk dan lembaga perbatasan yang bertindak"),
                         [("port", _("Pintu masuk"))] + [(c["key"], c["label"]) for c in cross["cols"]]
                         + [("total", _("Jumlah"))],
                         [[p] + [shown(v) for v in cells] + [shown(t)]
                          for p, cells, t in zip(cross["rows"], cross["cells"], cross["row_totals"])]))
    return out


SECTIONS = {"pathway": section_funnel, "stages": section_stages, "referrals": section_referrals,
            "places": section_places, "recruitment": section_recruitment, "border": section_border}


def section(name: str, f: Filters) -> list[Table]:
    return SECTIONS[name](f, Labels())
