from django import forms
from django.utils.translation import gettext_lazy as _

from sinergi.referrals.enums import ReferralType, Section


class ReferralForm(forms.Form):
    type = forms.ChoiceField(label=_("Minta lembaga lain untuk"), choices=ReferralType.choices)
    to_agency = forms.ModelChoiceField(label=_("Lembaga tujuan"), queryset=None, to_field_name="code")
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
        qs = Agency.objects.filter(is_active=True).order_by("name")
        if exclude_agency is not None:
            qs = qs.exclude(pk=exclude_agency)
        self.fields["to_agency"].queryset = qs


class ReferralAnswerForm(forms.Form):
    status = forms.ChoiceField(choices=[("acknowledged", "acknowledged"), ("accepted", "accepted"),
                                        ("in_progress", "in_progress"), ("declined", "declined"),
                                        ("completed", "completed"), ("withdrawn", "withdrawn")])
    reason = forms.CharField(label=_("Alasan"), required=False, max_length=1000)
    outcome = forms.CharField(label=_("Hasil"), required=False, max_length=5000)
