"""The intake form: report, person, origin (cascading region pickers), screening, decision."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sinergi.cases.enums import DecisionOrg, VictimStatus
from sinergi.core import htcds
from sinergi.core.i18n import message
from sinergi.intake import indicators
from sinergi.intake.enums import Channel
from sinergi.intake.help import DIMENSION_LABELS, ILO_HELP, STRENGTH_LABELS
from sinergi.people.enums import Sex
from sinergi.regions.enums import Level
from sinergi.regions.models import Region

EMPTY = [("", "—")]


def region_choices(level: int, parent: str | None):
    if level != Level.PROVINCE and not parent:
        return EMPTY
    qs = Region.objects.filter(level=level)
    if parent:
        qs = qs.filter(parent_id=parent)
    return EMPTY + list(qs.order_by("name").values_list("code", "name"))


def country_choices():
    """Countries by name in the interface language, after the empty choice."""
    from sinergi.regions.selectors import country_choices as countries

    return EMPTY + countries()


class IntakeForm(forms.Form):
    # The report
    channel = forms.ChoiceField(label=_("Saluran laporan"), choices=Channel.choices)
    received_at = forms.DateTimeField(label=_("Diterima"), initial=timezone.now, required=False,
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    reporter_name = forms.CharField(label=_("Nama pelapor"), required=False, max_length=200)
    reporter_relation = forms.CharField(label=_("Hubungan pelapor dengan korban"), required=False, max_length=100)
    reporter_contact = forms.CharField(label=_("Kontak pelapor"), required=False, max_length=200)
    narrative = forms.CharField(label=_("Apa yang terjadi?"), widget=forms.Textarea,
                                help_text=_("Tulis dengan kata-kata pelapor: siapa, di mana, sejak kapan, bagaimana direkrut."))
    country_of_exploitation = forms.ChoiceField(label=_("Negara tempat korban berada"), required=False)
    last_known_location = forms.CharField(label=_("Lokasi terakhir yang diketahui"), required=False, max_length=200)
    # The person
    full_name = forms.CharField(label=_("Nama lengkap korban"), max_length=200)
    aliases = forms.CharField(label=_("Nama lain / panggilan"), required=False, max_length=400,
                              help_text=_("Pisahkan dengan koma."))
    sex = forms.ChoiceField(label=_("Jenis kelamin"), choices=Sex.choices, initial=Sex.UNKNOWN)
    date_of_birth = forms.DateField(label=_("Tanggal lahir"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    estimated_age = forms.IntegerField(label=_("Perkiraan umur"), required=False, min_value=0, max_value=120)
    citizenship = forms.ChoiceField(label=_("Kewarganegaraan"), required=False, initial="ID")
    province = forms.ChoiceField(label=_("Provinsi asal"), required=False)
    regency = forms.ChoiceField(label=_("Kabupaten/kota asal"), required=False)
    district = forms.ChoiceField(label=_("Kecamatan asal"), required=False)
    village = forms.ChoiceField(label=_("Desa/kelurahan asal"), required=False)
    phone = forms.CharField(label=_("Telepon korban"), required=False, max_length=40,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}))
    address = forms.CharField(label=_("Alamat"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    # Case details known at intake
    exploitation_types = forms.MultipleChoiceField(label=_("Jenis eksploitasi"), required=False,
                                                   widget=forms.CheckboxSelectMultiple)
    recruitment_apps = forms.MultipleChoiceField(label=_("Direkrut lewat"), required=False,
                                                 widget=forms.CheckboxSelectMultiple)
    # Screening
    ilo_indicators = forms.MultipleChoiceField(label=_("Indikator kerja paksa (ILO)"), required=False,
                                               widget=forms.CheckboxSelectMultiple)
    delphi_items = forms.MultipleChoiceField(label=_("Indikator operasional Delphi (ILO/UE)"), required=False,
                                             widget=forms.CheckboxSelectMultiple)
    victim_status = forms.ChoiceField(label=_("Status korban"), required=False, choices=EMPTY + list(VictimStatus.choices),
                                      help_text=_("Kosongkan bila belum dapat diputuskan."))
    decided_by_org = forms.ChoiceField(label=_("Diputuskan oleh"), required=False, choices=EMPTY + list(DecisionOrg.choices))
    # Consent, asked at intake: each purpose ticked is an answer "yes", taken by the officer in this way
    consent_purposes = forms.MultipleChoiceField(
        label=_("Penyintas (atau walinya) menyetujui"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Yang tidak dicentang dicatat sebagai belum disetujui; rujukan tanpa persetujuan perlu alasan."))
    consent_method = forms.ChoiceField(label=_("Cara persetujuan diberikan"), required=False)
    consent_agency_types = forms.MultipleChoiceField(
        label=_("Jenis lembaga yang boleh menerima data"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Untuk berbagi dengan lembaga lain. Kosongkan bila penyintas setuju untuk semua jenis lembaga."))
    # Decision
    decision = forms.ChoiceField(label=_("Tindak lanjut"), widget=forms.RadioSelect, initial="open", choices=[
        ("open", _("Buka kasus baru")), ("link", _("Tautkan ke kasus yang sudah ada")),
        ("none", _("Catat laporan saja")),
    ])
    link_reference = forms.CharField(label=_("Nomor kasus yang ditautkan"), required=False, max_length=32,
                                     help_text=_("Misalnya SNG-2026-000123."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        data = self.data if self.is_bound else (self.initial or {})
        countries = country_choices()
        self.fields["country_of_exploitation"].choices = countries
        self.fields["citizenship"].choices = countries
        self.fields["province"].choices = region_choices(Level.PROVINCE, None)
        self.fields["regency"].choices = region_choices(Level.REGENCY, data.get("province"))
        self.fields["district"].choices = region_choices(Level.DISTRICT, data.get("regency"))
        self.fields["village"].choices = region_choices(Level.VILLAGE, data.get("district"))
        from sinergi.agencies.enums import AgencyType
        from sinergi.people.enums import ConsentMethod, ConsentPurpose

        self.fields["consent_purposes"].choices = ConsentPurpose.choices
        self.fields["consent_method"].choices = EMPTY + list(ConsentMethod.choices)
        self.fields["consent_agency_types"].choices = [c for c in AgencyType.choices if c[0] != AgencyType.VILLAGE]
        self.fields["exploitation_types"].choices = htcds.choices("vic_TypeOfExploitation")
        self.fields["recruitment_apps"].choices = htcds.choices("vic_RecruitmentWebsitesAndApps")
        self.fields["ilo_indicators"].choices = [(i.key, ILO_HELP.get(i.key, (i.label,))[0]) for i in indicators.ilo_indicators()]
        self.fields["delphi_items"].choices = [(d.key, d.label) for d in indicators.delphi_items()]
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField):
                # Django's own message shows the submitted code ("53.01 bukan salah satu dari pilihan").
                field.error_messages["invalid_choice"] = message(
                    _("Pilihan untuk %(field)s tidak tersedia; pilih lagi dari daftar."), field=field.label)
        for name in ("province", "regency", "district"):
            child = {"province": "regency", "regency": "district", "district": "village"}[name]
            self.fields[name].widget.attrs.update({
                "hx-get": "/regions/options/", "hx-target": f"#id_{child}", "hx-trigger": "change",
                "hx-vals": f'{{"level": "{child}"}}', "hx-include": "this",
            })

    def clean(self):
        data = super().clean()
        # The chosen codes must belong together (the lists only offer children, but a crafted request may not).
        chain = [("regency", "province"), ("district", "regency"), ("village", "district")]
        for child, parent in chain:
            if data.get(child) and data.get(parent) and not data[child].startswith(data[parent] + "."):
                self.add_error(child, _("Tidak termasuk wilayah di atasnya."))
        if data.get("consent_purposes") and not data.get("consent_method"):
            self.add_error("consent_method", _("Pilih cara persetujuan diberikan."))
        if data.get("consent_agency_types") and "referral" not in (data.get("consent_purposes") or ()):
            self.add_error("consent_agency_types", _("Centang juga persetujuan berbagi dengan lembaga lain."))
        if data.get("decision") == "link" and not data.get("link_reference"):
            self.add_error("link_reference", _("Wajib diisi."))
        return data

    def ilo_rows(self):
        selected = set(self.data.getlist("ilo_indicators")) if self.is_bound else set()
        return [{"key": k, "label": label, "help": help, "checked": k in selected} for k, (label, help) in ILO_HELP.items()]

    def delphi_groups(self):
        groups = {}
        selected = set(self.data.getlist("delphi_items")) if self.is_bound else set()
        for item in indicators.delphi_items():
            groups.setdefault(item.dimension, []).append({
                "key": item.key, "label": item.label, "strength": STRENGTH_LABELS[item.strength],
                "checked": item.key in selected,
            })
        return [(dim, DIMENSION_LABELS.get(dim, dim), items) for dim, items in groups.items()]
