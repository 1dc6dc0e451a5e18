"""Forms of the analytics pages: the dashboards' filters, the annual report and the de-identified release."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sinergi.agencies.models import Agency
from sinergi.analytics.figures import Filters
from sinergi.core import htcds
from sinergi.core.ids import as_uuid
from sinergi.regions.enums import Level
from sinergi.regions.models import Region


def _years():
    this = dt.date.today().year
    return [("", _("Semua tahun"))] + [(str(y), str(y)) for y in range(this, 2014, -1)]


class FigureFilterForm(forms.Form):
    year_from = forms.TypedChoiceField(label=_("Dari tahun"), required=False, coerce=int, empty_value=None)
    year_to = forms.TypedChoiceField(label=_("Sampai tahun"), required=False, coerce=int, empty_value=None)
    province = forms.ChoiceField(label=_("Provinsi asal"), required=False)
    regency = forms.ChoiceField(label=_("Kabupaten/kota asal"), required=False)
    agency = forms.ChoiceField(label=_("Lembaga"), required=False)
    exploitation = forms.ChoiceField(label=_("Jenis eksploitasi"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year_from"].choices = self.fields["year_to"].choices = _years()
        regions = list(Region.objects.filter(level__in=[Level.PROVINCE, Level.REGENCY]).values_list(
            "code", "name", "level", "parent_id"))
        provinces = {code: name for code, name, level, _p in regions if level == Level.PROVINCE}
        self.fields["province"].choices = [("", _("Semua provinsi"))] + sorted(provinces.items(), key=lambda x: x[1])
        groups: dict = {}
        for code, name, level, parent in regions:
            if level == Level.REGENCY:
                groups.setdefault(provinces.get(parent, parent), []).append((code, name))
        self.fields["regency"].choices = [("", _("Semua kabupaten/kota"))] + sorted(groups.items())
        self.fields["agency"].choices = [("", _("Semua lembaga"))] + [
            (str(a.pk), str(a)) for a in Agency.objects.filter(is_active=True).order_by("name")]
        self.fields["exploitation"].choices = [("", _("Semua jenis"))] + htcds.choices("vic_TypeOfExploitation")

    def clean(self):
        data = super().clean()
        y1, y2 = data.get("year_from"), data.get("year_to")
        if y1 and y2 and y1 > y2:
            self.add_error("year_to", _("Tahun akhir sebelum tahun awal."))
        regency, province = data.get("regency") or "", data.get("province") or ""
        if regency and province and not regency.startswith(province + "."):
            self.add_error("regency", _("Kabupaten/kota tidak berada di provinsi yang dipilih."))
        return data

    def filters(self) -> Filters:

        d = self.cleaned_data
        regency = d.get("regency") or ""
        return Filters(year_from=d.get("year_from"), year_to=d.get("year_to"),
                       province=regency[:2] if regency else d.get("province") or "", regency=regency,
                       agency=as_uuid(d.get("agency")),
                       exploitation=d.get("exploitation") or "")


class ReportForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Tahun"), coerce=int)
    province = forms.ChoiceField(label=_("Provinsi"), required=False)
    language = forms.ChoiceField(label=_("Bahasa laporan"), choices=[("id", "Bahasa Indonesia"), ("en", "English")],
                                 required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _years()[1:]
        self.fields["province"].choices = [("", _("Seluruh Indonesia"))] + list(
            Region.objects.filter(level=Level.PROVINCE).order_by("name").values_list("code", "name"))


class ReleaseForm(forms.Form):
    k = forms.IntegerField(label=_("k (ukuran kelompok terkecil)"), min_value=2, max_value=100, initial=5,
                           help_text=_("Setiap kombinasi tahun, jenis kelamin, umur, kewarganegaraan, negara dan "
                                       "jenis eksploitasi dimiliki sedikitnya k catatan. CTDC memakai 11."))
    format = forms.ChoiceField(label=_("Format"), choices=[("csv", "CSV"), ("json", "JSON")], initial="csv")

    def clean_k(self):
        k = self.cleaned_data["k"]
        if k is None:
            raise ValidationError(_("Isi k."))
        return k
