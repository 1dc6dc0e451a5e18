"""Forms of the web pages. They check shape and types; the services decide the rest."""

from __future__ import annotations

import functools
import time

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from sinergi.cases.enums import Outcome, ServiceOutcome, ServiceType, Stage, VictimStatus
from sinergi.core import htcds
from sinergi.regions.enums import Level
from sinergi.regions.models import Country, Region

from .widgets import QuickSelect

SORTS = [
    ("-reported_on", _("Laporan terbaru")),
    ("reported_on", _("Laporan terlama")),
    ("stage_entered_at", _("Paling lama di tahapnya")),
    ("reference", _("Nomor kasus")),
]


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Nama atau nomor kasus"), required=False, max_length=100,
                        help_text=_("Ejaan lama dan variasi ejaan ikut ditemukan (Soekarno = Sukarno)."),
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}))
    stage = forms.ChoiceField(label=_("Tahap"), required=False, widget=QuickSelect,
                              choices=[("", _("Semua"))] + list(Stage.choices))
    lead_agency = forms.ChoiceField(label=_("Lembaga"), required=False, widget=QuickSelect)
    origin_province = forms.ChoiceField(label=_("Provinsi asal"), required=False, widget=QuickSelect)
    origin_regency = forms.ChoiceField(label=_("Kabupaten/kota asal"), required=False, widget=QuickSelect)
    country_of_exploitation = forms.ChoiceField(label=_("Negara eksploitasi"), required=False, widget=QuickSelect)
    exploitation_type = forms.ChoiceField(label=_("Jenis eksploitasi"), required=False, widget=QuickSelect)
    reported_from = forms.DateField(label=_("Dilaporkan sejak"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))
    reported_to = forms.DateField(label=_("Dilaporkan sampai"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    sort = forms.ChoiceField(label=_("Urutkan"), required=False, widget=QuickSelect, choices=SORTS)

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        all_ = [("", _("Semua"))]
        self.fields["lead_agency"].choices = all_ + [(str(a.pk), str(a)) for a in agencies]
        provinces, countries, types = _reference_choices(translation.get_language() or "id",
                                                         int(time.monotonic() // REFERENCE_CHOICES_SECONDS))
        self.fields["origin_province"].choices = all_ + provinces
        province = self.data.get("origin_province") if self.is_bound else None
        regencies = Region.objects.filter(level=Level.REGENCY)
        regencies = regencies.filter(parent_id=province) if province else regencies.none()
        self.fields["origin_regency"].choices = all_ + list(regencies.values_list("code", "name"))
        # With htmx the regency list fills as soon as a province is chosen; without it, on the next submit.
        self.fields["origin_province"].widget.attrs.update({
            "hx-get": "/regions/options/", "hx-target": "#id_origin_regency", "hx-trigger": "change",
            "hx-vals": '{"level": "regency"}', "hx-include": "this", "hx-swap": "innerHTML"})
        self.fields["country_of_exploitation"].choices = all_ + countries
        self.fields["exploitation_type"].choices = all_ + types


#: The filter form's reference choices (provinces, countries, types of exploitation: reference data, read by every
#: case-list page) are kept this long per language before they are read again.
REFERENCE_CHOICES_SECONDS = 300


@functools.lru_cache(maxsize=8)
def _reference_choices(language: str, period: int) -> tuple[list, list, list]:
    """The choices in ``language``, as plain text (lazy labels translated once, not on every page). ``period``
    changes every ``REFERENCE_CHOICES_SECONDS``, so that a change of the reference data shows within that time."""
    from .forms_intake import country_choices

    with translation.override(language):
        provinces = list(Region.objects.filter(level=Level.PROVINCE).values_list("code", "name"))
        countries = [(code, str(name)) for code, name in country_choices()[1:]]
        types = [(value, str(label)) for value, label in htcds.choices("vic_TypeOfExploitation")]
    return provinces, countries, types


class TransitionForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("Pindah ke tahap"), choices=Stage.choices)
    at = forms.DateTimeField(label=_("Tanggal dan jam"), required=False,
                             help_text=_("Kosongkan untuk sekarang."),
                             widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    outcome = forms.ChoiceField(label=_("Hasil akhir (saat menutup)"), required=False,
                                choices=[("", "—")] + list(Outcome.choices))
    travel_document_number = forms.CharField(label=_("Nomor dokumen perjalanan (SPLP/paspor)"), required=False,
                                             max_length=40, help_text=_("Wajib untuk tahap 'Dokumen terbit'."))
    port_of_entry = forms.CharField(label=_("Tempat kedatangan (bandara/pelabuhan)"), required=False, max_length=120,
                                    help_text=_("Wajib untuk tahap 'Dipulangkan'."))
    note = forms.CharField(label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Catatan baru"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)


class RevealForm(forms.Form):
    what = forms.ChoiceField(choices=[("identity", "identity"), ("contact", "contact"), ("address", "address")],
                             widget=forms.HiddenInput)
    purpose = forms.CharField(label=_("Untuk apa Anda perlu melihat data ini?"), max_length=300, min_length=5,
                              help_text=_("Alasan dicatat dalam jejak audit."))


class VictimStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status korban"), choices=VictimStatus.choices)
    decided_by = forms.ChoiceField(label=_("Diputuskan oleh"), choices=[])

    def __init__(self, *args, **kwargs):
        from sinergi.cases.enums import DecisionOrg

        super().__init__(*args, **kwargs)
        self.fields["decided_by"].choices = DecisionOrg.choices


class ServiceForm(forms.Form):
    type = forms.ChoiceField(label=_("Jenis layanan"), choices=ServiceType.choices)
    provider = forms.ModelChoiceField(label=_("Pemberi layanan"), queryset=None, to_field_name="code")
    # A date input sends and shows ISO dates whatever the interface language ("02-12-2026" would be discarded).
    started_on = forms.DateField(label=_("Mulai"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    ended_on = forms.DateField(label=_("Selesai"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    outcome = forms.ChoiceField(label=_("Hasil"), choices=ServiceOutcome.choices)
    notes = forms.CharField(label=_("Keterangan"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                            max_length=5000)

    def __init__(self, *args, **kwargs):
        from sinergi.agencies.models import Agency

        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = Agency.objects.filter(is_active=True).order_by("name")


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Berkas"), help_text=_("PDF, JPEG, PNG, DOCX atau TXT; paling besar 10 MB."),
                           widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.txt"}))
    description = forms.CharField(label=_("Keterangan"), required=False, max_length=300)


class ConsentForm(forms.Form):
    """The survivor's answer for one purpose, as the officer took it; withdrawing is an answer too."""

    purpose = forms.ChoiceField(label=_("Untuk keperluan"), choices=[])
    given = forms.ChoiceField(label=_("Jawaban penyintas"), widget=forms.RadioSelect, initial="yes",
                              choices=[("yes", _("Setuju")), ("no", _("Tidak setuju atau menarik persetujuan"))])
    method = forms.ChoiceField(label=_("Cara persetujuan diberikan"), choices=[])
    agency_types = forms.MultipleChoiceField(
        label=_("Jenis lembaga yang boleh menerima data"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[], help_text=_("Hanya untuk berbagi dengan lembaga lain. Kosongkan bila penyintas setuju "
                                "untuk semua jenis lembaga."))
    note = forms.CharField(label=_("Keterangan"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        from sinergi.agencies.enums import AgencyType
        from sinergi.people.enums import ConsentMethod, ConsentPurpose

        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = ConsentPurpose.choices
        self.fields["method"].choices = ConsentMethod.choices
        self.fields["agency_types"].choices = [c for c in AgencyType.choices if c[0] != AgencyType.VILLAGE]
