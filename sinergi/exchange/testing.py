"""Setting up small instances for the two-instance tests and the exchange benchmark (run inside each
instance's own process and database)."""

from __future__ import annotations

from sinergi.agencies.enums import AgencyType, Level, Role
from sinergi.agencies.models import Agency, Membership, User
from sinergi.exchange import crypto
from sinergi.regions.services import countries_load

AGENCIES = {
    "id": [("ncb-jakarta", "NCB Interpol Jakarta", AgencyType.POLICE, "ID")],
    "kh": [("cnp", "Cambodian National Police", AgencyType.FOREIGN_POLICE, "KH")],
}


def setup_instance(instance: str) -> None:
    """Countries, this instance's agencies, one case manager each (username = agency code), keys."""
    countries_load()
    for code, name, agency_type, country in AGENCIES[instance]:
        agency, _ = Agency.objects.get_or_create(code=code, defaults={
            "name": name, "type": agency_type, "country_id": country, "level": Level.NATIONAL})
        user, created = User.objects.get_or_create(username=code)
        if created:
            user.set_password("exchange-test-123")
            user.save()
        Membership.objects.get_or_create(user=user, agency=agency, role=Role.SUPERVISOR)
    crypto.keys_ensure()
