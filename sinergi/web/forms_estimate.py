"""The hidden-victims estimate form: period, region and which lists (agency types) to use."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from sinergi.agencies.enums import AgencyType
from sinergi.regions.enums import Level
from sinergi.regions.models import Region


class EstimateForm(forms.Form):
    date_from = forms.DateField(label=_("Dari tanggal"))
    date_to = forms.DateField(label=_("Sampai tanggal"))
    region = forms.ChoiceField(label=_("Wilayah asal"), required=False)
    lists = forms.MultipleChoiceField(label=_("Daftar yang dipakai (satu daftar per jenis lembaga)"),
                                      choices=AgencyType.choices, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("Seluruh wilayah"))] + list(
            Region.objects.filter(level__in=[Level.PROVINCE, Level.REGENCY]).order_by("code")
            .values_list("code", "name"))

    def clean(self):
        data = super().clean()
        a, b = data.get("date_from"), data.get("date_to")
        if a and b and a > b:
            self.add_error("date_to", _("Tanggal akhir sebelum tanggal awal."))
        if b and b > dt.date.today() + dt.timedelta(days=1):
            self.add_error("date_to", _("Tanggal akhir di masa depan."))
        if len(data.get("lists") or []) < 2:
            self.add_error("lists", _("Pilih sedikitnya dua daftar (jenis lembaga)."))
        return data
