"""Forms of the report inbox: the four triage moves. Each carries a one-time key so that a second click or a
re-sent form does the move once."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from sinergi.intake.enums import Channel


def _key_field():
    return forms.CharField(widget=forms.HiddenInput, required=False, max_length=80)


class InboxFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("Tampilkan"), required=False, initial="open",
                              choices=[("open", _("Menunggu keputusan")), ("done", _("Sudah diputuskan"))])
    channel = forms.ChoiceField(label=_("Saluran"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [("", _("Semua saluran"))] + list(Channel.choices)


class OpenCaseForm(forms.Form):
    key = _key_field()
    full_name = forms.CharField(label=_("Nama orang yang dilaporkan"), max_length=200, required=False,
                                help_text=_("Wajib bila laporan tidak menyebut nama."))


class AttachForm(forms.Form):
    key = _key_field()
    case_reference = forms.CharField(label=_("Nomor kasus"), max_length=40,
                                     help_text=_("Contoh: SNG-2026-000161"))


class ForwardForm(forms.Form):
    key = _key_field()
    to_agency = forms.ChoiceField(label=_("Teruskan ke"))
    reason = forms.CharField(label=_("Alasan"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Mengapa lembaga itu yang lebih tepat menangani."))
    consent_override_reason = forms.CharField(
        label=_("Alasan berbagi tanpa persetujuan"), max_length=1000, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Hanya untuk lembaga di sistem mitra, bila orang yang dilaporkan belum memberi persetujuan."))

    def __init__(self, *args, agencies=(), partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "—")] + [(str(a.pk), a.short_name or a.name) for a in agencies]
        if partners:
            choices.append((str(_("Lembaga di sistem mitra")),
                            [(str(a.pk), f"{a.short_name or a.name} ({a.peer.name})") for a in partners]))
        self.fields["to_agency"].choices = choices


CLOSE_REASONS = [
    ("not_trafficking", _("Bukan perdagangan orang")),
    ("duplicate", _("Laporan ganda")),
    ("safe", _("Orang tersebut sudah aman")),
    ("no_information", _("Keterangan tidak cukup dan pelapor tidak dapat dihubungi")),
    ("other", _("Alasan lain")),
]


class CloseForm(forms.Form):
    key = _key_field()
    reason_kind = forms.ChoiceField(label=_("Alasan menutup"), choices=CLOSE_REASONS, widget=forms.RadioSelect)
    detail = forms.CharField(label=_("Penjelasan"), max_length=900, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if data.get("reason_kind") == "other" and not (data.get("detail") or "").strip():
            self.add_error("detail", _("Jelaskan alasannya."))
        return data

    def reason(self) -> str:
        d = self.cleaned_data
        label = str(dict(CLOSE_REASONS)[d["reason_kind"]])
        detail = (d.get("detail") or "").strip()
        return f"{label}: {detail}" if detail else label


def new_key() -> str:
    return uuid.uuid4().hex
