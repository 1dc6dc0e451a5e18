"""Query parameters of the case list, checked and turned into ``cases.selectors.CaseFilters``."""

from __future__ import annotations

import datetime as dt

from rest_framework import serializers

from sinergi.cases.enums import Stage, VictimStatus
from sinergi.cases.selectors import CaseFilters
from sinergi.core import htcds
from sinergi.regions.enums import Level
from sinergi.regions.models import Region
from sinergi.regions.selectors import country_by_code

from .common import agency_lookup
from django.utils.translation import gettext_lazy as _
from sinergi.core.i18n import message

FILTER_NAMES = (
    "stage", "lead_agency", "origin_province", "origin_regency", "country_of_exploitation", "exploitation_type",
    "victim_status", "reported_from", "reported_to", "stage_entered_from", "stage_entered_to", "q",
)


class CommaListField(serializers.ListField):
    """``?stage=a&stage=b`` or ``?stage=a,b``."""

    def get_value(self, dictionary):
        value = super().get_value(dictionary)
        if isinstance(value, list):
            return [part.strip() for item in value for part in str(item).split(",") if part.strip()]
        return value


class DateOrDateTimeField(serializers.DateTimeField):
    """A datetime, or a plain date meaning the start of that day (``end_of_day``: its last moment)."""

    def __init__(self, *, end_of_day: bool = False, **kwargs):
        self.end_of_day = end_of_day
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        if isinstance(value, str) and len(value.strip()) == 10:
            try:
                day = dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
            else:
                start = dt.datetime.combine(day, dt.time.min)
                value = start + dt.timedelta(days=1, microseconds=-1) if self.end_of_day else start
        return super().to_internal_value(value)


class CaseFilterSerializer(serializers.Serializer):
    stage = CommaListField(child=serializers.ChoiceField(choices=Stage.values), required=False,
                           help_text="One or more stages (repeat the parameter or separate with commas)")
    lead_agency = serializers.CharField(required=False, max_length=64, help_text="Agency id or code")
    origin_province = serializers.CharField(required=False, max_length=13, help_text="Kemendagri code, e.g. 53")
    origin_regency = serializers.CharField(required=False, max_length=13, help_text="Kemendagri code, e.g. 53.01")
    country_of_exploitation = serializers.CharField(required=False, max_length=3,
                                                    help_text="ISO 3166-1 alpha-2 or alpha-3")
    exploitation_type = serializers.ChoiceField(required=False, choices=[])
    victim_status = serializers.ChoiceField(required=False, choices=VictimStatus.values)
    reported_from = serializers.DateField(required=False)
    reported_to = serializers.DateField(required=False)
    stage_entered_from = DateOrDateTimeField(required=False)
    stage_entered_to = DateOrDateTimeField(required=False, end_of_day=True)
    q = serializers.CharField(required=False, max_length=200, allow_blank=True,
                              help_text="Survivor name (tolerates spelling variants) or a case reference SNG-...")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exploitation_type"].choices = htcds.values("vic_TypeOfExploitation")

    def validate_lead_agency(self, value):
        agency = agency_lookup(value)
        if agency is None:
            raise serializers.ValidationError(_("Lembaga tidak dikenal."))
        return agency.pk

    def _region(self, value, level):
        if not Region.objects.filter(code=value.strip(), level=level).exists():
            raise serializers.ValidationError(_("Kode wilayah tidak dikenal."))
        return value.strip()

    def validate_origin_province(self, value):
        return self._region(value, Level.PROVINCE)

    def validate_origin_regency(self, value):
        return self._region(value, Level.REGENCY)

    def validate_country_of_exploitation(self, value):
        code = value.strip().upper()
        country = country_by_code(code)
        if country is None:
            raise serializers.ValidationError(_("Kode negara tidak dikenal."))
        return country.code

    def validate(self, attrs):
        errors = {}
        for lo, hi in (("reported_from", "reported_to"), ("stage_entered_from", "stage_entered_to")):
            if attrs.get(lo) and attrs.get(hi) and attrs[hi] < attrs[lo]:
                errors[hi] = [message(_("Harus sesudah %(lo)s."), lo=lo)]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def filters(self) -> CaseFilters:
        d = self.validated_data
        return CaseFilters(**{name: d.get(name) or None for name in FILTER_NAMES})
