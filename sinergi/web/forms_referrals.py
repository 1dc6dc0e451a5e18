from django import forms
from django.utils.translation import gettext_lazy as _

from sinergi.referrals.enums import ReferralType, Section


def agency_label(obj) -> str:
    """An agency as an option: its name, its local name (e.g. Khmer) and the instance it is reached through."""
    name = f"{obj} · {obj.local_name}" if obj.local_name else str(obj)
    if obj.peer_id:
        return _("%(agency)s (instansi lain: %(peer)s)") % {"agency": name, "peer": obj.peer.name}
    return name


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return agency_label(obj)


class RecipientsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return agency_label(obj)


class ReferralForm(forms.Form):
    type = forms.ChoiceField(label=_("Minta lembaga lain untuk"), choices=ReferralType.choices)
    to_agency = AgencyChoiceField(label=_("Lembaga tujuan"), queryset=None, to_field_name="code")
    sections = forms.MultipleChoiceField(
        label=_("Bagian kasus yang dibagikan"), choices=Section.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Bagikan hanya yang dibutuhkan. Kosongkan untuk memakai bawaan jenis rujukan."))
    message = forms.CharField(label=_("Permintaan"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              max_length=5000)
    consent_override_reason = forms.CharField(
        label=_("Alasan berbagi tanpa persetujuan penyintas"), required=False, max_length=1000,
        help_text=_("Hanya bila persetujuan belum tercatat. Alasan ini dicatat dan dilihat supervisor."))
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, exclude_agency=None, **kwargs):
        from sinergi.agencies.models import Agency

        super().__init__(*args, **kwargs)
        qs = Agency.objects.filter(is_active=True).select_related("peer").order_by("name")
        if exclude_agency is not None:
            qs = qs.exclude(pk=exclude_agency)
        self.fields["to_agency"].queryset = qs


class ReferralAnswerForm(forms.Form):
    status = forms.ChoiceField(choices=[("acknowledged", "acknowledged"), ("accepted", "accepted"),
                                        ("in_progress", "in_progress"), ("declined", "declined"),
                                        ("completed", "completed"), ("withdrawn", "withdrawn")])
    reason = forms.CharField(label=_("Alasan"), required=False, max_length=1000)
    outcome = forms.CharField(label=_("Hasil"), required=False, max_length=5000)


class ReferralNoteForm(forms.Form):
    body = forms.CharField(label=_("Catatan untuk lembaga pengirim"), widget=forms.Textarea(attrs={"rows": 3}),
                           max_length=20000)


class ReferralAttachmentForm(forms.Form):
    file = forms.FileField(label=_("Berkas"), help_text=_("PDF, JPEG, PNG, DOCX atau TXT; paling besar 10 MB."),
                           widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.txt"}))
    description = forms.CharField(label=_("Keterangan"), required=False, max_length=300)


class NoticeForm(forms.Form):
    """Issue a notice. Shape and types only; ``referrals.notices.notice_issue`` checks the rest (recipients,
    photo type and size, the case)."""

    agency = forms.ChoiceField(label=_("Atas nama lembaga"))
    kind = forms.ChoiceField(label=_("Jenis pemberitahuan"), widget=forms.RadioSelect)
    subject_name = forms.CharField(label=_("Nama (bila diketahui)"), required=False, max_length=200)
    description = forms.CharField(label=_("Ciri-ciri"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000,
                                  help_text=_("Umur, tinggi, tanda khusus, pakaian terakhir, bahasa yang dipakai."))
    last_known_place = forms.CharField(label=_("Tempat terakhir diketahui"), required=False, max_length=300)
    last_known_country = forms.ChoiceField(label=_("Negara tempat terakhir diketahui"), required=False)
    last_seen_on = forms.DateField(label=_("Terakhir terlihat pada"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    photo = forms.FileField(label=_("Foto"), required=False, help_text=_("JPEG atau PNG; paling besar 5 MB."),
                            widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png,image/jpeg,image/png"}))
    recipients = RecipientsField(
        label=_("Lembaga mitra penerima"), queryset=None, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Pilih minimal satu lembaga mitra.")})
    case = forms.CharField(label=_("Nomor kasus terkait (bila ada)"), required=False, max_length=40,
                           help_text=_("Kasus lembaga Anda, misalnya SNG-2026-000123. Perlu untuk membuka rujukan "
                                       "dari jawaban."))

    def __init__(self, *args, agencies=(), **kwargs):
        from sinergi.agencies.models import Agency
        from sinergi.referrals.models import Notice

        from .forms_intake import country_choices

        super().__init__(*args, **kwargs)
        agencies = list(agencies)
        self.fields["agency"].choices = [(str(a.pk), str(a)) for a in agencies]
        if len(agencies) == 1:
            self.fields["agency"].widget = forms.HiddenInput()
            self.fields["agency"].initial = str(agencies[0].pk)
        self.fields["kind"].choices = Notice.Kind.choices
        self.fields["last_known_country"].choices = country_choices()
        qs = Agency.objects.filter(is_active=True).select_related("country", "peer")
        if len(agencies) == 1:
            qs = qs.exclude(pk=agencies[0].pk)
        self.fields["recipients"].queryset = qs.order_by("name")
        self._home_country = agencies[0].country_id if agencies else None

    def recipient_groups(self) -> list[tuple[str, list]]:
        """The recipient checkboxes grouped by the agencies' country: the issuer's country first, then by name."""
        from sinergi.web.templatetags.web_tags import country

        groups: dict[str, tuple[tuple, str, list]] = {}
        for option in self["recipients"]:
            agency = option.data["value"].instance
            name = country(agency.country) or agency.country_id
            key = agency.country_id
            if key not in groups:
                groups[key] = ((key != self._home_country, name), name, [])
            groups[key][2].append(option)
        return [(name, options) for _key, name, options in sorted(groups.values(), key=lambda g: g[0])]


class NoticeAnswerForm(forms.Form):
    body = forms.CharField(label=_("Jawaban lembaga Anda"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000,
                           help_text=_("Misalnya: di mana dan kapan orang ini mungkin terlihat, siapa yang bisa "
                                       "dihubungi."))


class NoticeReferralForm(forms.Form):
    """Open a referral to the agency that answered (``notice_answer_refer``)."""

    type = forms.ChoiceField(label=_("Minta lembaga itu untuk"), choices=ReferralType.choices)
    consent_override_reason = forms.CharField(
        label=_("Alasan berbagi tanpa persetujuan penyintas"), required=False, max_length=1000,
        help_text=_("Hanya bila persetujuan belum tercatat. Alasan ini dicatat dan dilihat supervisor."))
