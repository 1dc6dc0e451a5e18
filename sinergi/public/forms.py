from django import forms
from django.utils.translation import gettext_lazy as _

from sinergi.recruitment.enums import ContactChannel, VisaType
from sinergi.regions.enums import Level
from sinergi.regions.models import Region

CURRENCIES = [("IDR", "Rupiah (IDR)"), ("USD", "Dolar AS (USD)"), ("MYR", "Ringgit (MYR)"), ("TWD", "Dolar Taiwan (TWD)"),
              ("HKD", "Dolar Hong Kong (HKD)"), ("SGD", "Dolar Singapura (SGD)"), ("SAR", "Riyal Saudi (SAR)"),
              ("KRW", "Won (KRW)"), ("JPY", "Yen (JPY)"), ("THB", "Baht (THB)")]


def provinces():
    return [("", "—")] + list(Region.objects.filter(level=Level.PROVINCE).order_by("name").values_list("code", "name"))


class OfferCheckForm(forms.Form):
    agency = forms.CharField(label=_("Nama perusahaan atau nomor izin perekrut"), required=False, max_length=200,
                             help_text=_("Tulis apa yang Anda ketahui. Kosongkan bila tidak tahu."))
    destination = forms.ChoiceField(label=_("Negara tujuan"))
    position = forms.CharField(label=_("Pekerjaan yang ditawarkan"), max_length=120, required=False,
                               help_text=_("Misalnya: pembantu rumah tangga, customer service, pekerja kebun."))
    pay_amount = forms.DecimalField(label=_("Gaji per bulan yang dijanjikan"), required=False, min_value=0,
                                    max_digits=14, decimal_places=2)
    pay_currency = forms.ChoiceField(label=_("Mata uang gaji"), choices=CURRENCIES, initial="USD")
    needs_qualification = forms.ChoiceField(label=_("Apakah perlu keahlian atau ijazah khusus?"), initial="unknown",
                                            choices=[("unknown", _("Tidak tahu")), ("yes", _("Ya")), ("no", _("Tidak"))])
    channels = forms.MultipleChoiceField(label=_("Bagaimana Anda dihubungi?"), choices=ContactChannel.choices,
                                         required=False, widget=forms.CheckboxSelectMultiple)
    visa = forms.ChoiceField(label=_("Visa yang dijanjikan"), choices=VisaType.choices, initial=VisaType.UNKNOWN)
    fee_idr = forms.DecimalField(label=_("Biaya yang diminta dari Anda (Rupiah)"), required=False, min_value=0,
                                 max_digits=14, decimal_places=0)
    province = forms.ChoiceField(label=_("Provinsi Anda (untuk nomor bantuan terdekat)"), required=False)

    def __init__(self, *args, **kwargs):
        from sinergi.regions.selectors import country_choices

        super().__init__(*args, **kwargs)
        self.fields["destination"].choices = [("", "—"), *country_choices()]
        self.fields["province"].choices = provinces()


class PublicReportForm(forms.Form):
    person_name = forms.CharField(label=_("Nama orang yang hilang atau dalam bahaya"), required=False, max_length=200,
                                  help_text=_("Boleh dikosongkan."))
    person_age = forms.IntegerField(label=_("Perkiraan umur"), required=False, min_value=0, max_value=120)
    province = forms.ChoiceField(label=_("Provinsi asal orang tersebut"), required=False)
    destination = forms.ChoiceField(label=_("Negara tempat dia berada (bila tahu)"), required=False)
    last_known_location = forms.CharField(label=_("Lokasi terakhir yang diketahui"), required=False, max_length=200)
    narrative = forms.CharField(label=_("Apa yang terjadi?"), max_length=5000,
                                widget=forms.Textarea(attrs={"rows": 6}),
                                help_text=_("Siapa yang merekrut, kapan berangkat, kabar terakhir, apa yang membuat Anda khawatir."))
    reporter_contact = forms.CharField(label=_("Kontak Anda (tidak wajib)"), required=False, max_length=200,
                                       help_text=_("Isi bila Anda mau dihubungi petugas. Laporan tetap diterima tanpa ini."))
    website = forms.CharField(required=False, label=_("Jangan diisi"),
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))
    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        from sinergi.regions.selectors import country_choices

        super().__init__(*args, **kwargs)
        self.fields["province"].choices = provinces()
        self.fields["destination"].choices = [("", "—"), *country_choices()]


class TrackForm(forms.Form):
    code = forms.CharField(label=_("Kode pelacakan"), max_length=20, help_text=_("Contoh: ABCD-EFGH-JKMN"))
