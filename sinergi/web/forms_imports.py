"""The form of the case import page. It checks shape; the transfer services check the file."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class CaseImportForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas CSV atau JSON"),
        help_text=_("Format pertukaran Sinergi (nama kolom HTCDS), UTF-8, paling besar %(mb)s MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.json,text/csv,application/json"}),
    )
    agency = forms.ChoiceField(label=_("Lembaga pemimpin kasus yang diimpor"))
    partial = forms.BooleanField(label=_("Impor hanya baris yang benar dan daftar baris yang salah"), required=False)

    def __init__(self, *args, agencies=(), max_bytes: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.agencies = {str(a.pk): a for a in agencies}
        self.fields["file"].help_text = self.fields["file"].help_text % {"mb": f"{max_bytes // (1024 * 1024):,}"}
        if len(self.agencies) > 1:
            self.fields["agency"].choices = [(k, str(a)) for k, a in self.agencies.items()]
        else:
            del self.fields["agency"]  # one agency: nothing to choose

    def agency_id(self):
        if "agency" in self.fields:
            return self.agencies[self.cleaned_data["agency"]].pk
        return next(iter(self.agencies.values())).pk
