from django import forms
from django.utils.translation import gettext_lazy as _

from sinergi.recruitment.enums import FlagResolution

REOPEN = "reopen"


class FlagFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status tanda risiko"), required=False,
                               choices=[("", _("Semua"))] + FlagResolution.choices)


class FlagReviewForm(forms.Form):
    """Review of one risk flag: confirm or dismiss an open flag, or reopen a resolved one; a reason is required."""

    decision = forms.ChoiceField(label=_("Keputusan"), widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Alasan"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Tulis dasar keputusan Anda; alasan ini dicatat."))
    next = forms.CharField(widget=forms.HiddenInput, required=False, max_length=500)

    def __init__(self, *args, flag, **kwargs):
        kwargs.setdefault("auto_id", f"id_flag_{flag.pk}_%s")  # many review forms on one page
        super().__init__(*args, **kwargs)
        self.flag = flag
        if flag.is_open:
            self.fields["decision"].choices = [
                (FlagResolution.CONFIRMED, _("Konfirmasi: risiko nyata, tindak lanjuti")),
                (FlagResolution.DISMISSED, _("Tolak: positif palsu"))]
        else:
            self.fields["decision"].choices = [(REOPEN, _("Buka kembali"))]
            self.fields["decision"].widget = forms.HiddenInput()
            self.fields["decision"].initial = REOPEN
            self.fields["reason"].label = _("Alasan membuka kembali")
