"""The two demo instances trust each other without reading each other's database: each registers the other as
a peer (its address and the agencies reachable there, by their codes on that instance) and fetches its public
keys over HTTP from /.well-known/jwks.json. When the other instance is not up yet, the worker fetches the keys
later (``exchange.services.peers_refresh_keys``), and a delivery or an arriving message fetches them at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from django.db import transaction

from sinergi.agencies.enums import AgencyType
from sinergi.agencies.models import Agency

from . import agencies as indonesia
from . import cambodia
from .agencies import AgencySpec
from .instances import INSTANCES, loopback_url

# The agencies each instance can refer to on the other: police liaison, police, and social affairs.
REACHABLE: dict[str, tuple[str, ...]] = {
    "id": (cambodia.NCB, cambodia.LEAD_AGENCY, "mosvy", "dosvy-preah-sihanouk"),
    "kh": ("ncb-jakarta", "bareskrim-ppa-ppo", "kbri-phnom-penh", "dinsos-ntt"),
}
SPECS: dict[str, tuple[AgencySpec, ...]] = {"id": indonesia.AGENCIES, "kh": cambodia.AGENCIES}
# Local stand-ins that already exist under another code (Indonesia's demo had the Cambodian police before peering).
ALIASES: dict[tuple[str, str], str] = {("id", cambodia.LEAD_AGENCY): "kh-cnp"}


@dataclass(frozen=True)
class RemoteAgency:
    code: str  # of the local stand-in row
    remote_code: str  # on the peer's instance
    spec: AgencySpec


def remote_agencies(instance: str) -> list[RemoteAgency]:
    """The other instance's agencies as this one knows them; codes follow the exchange's own stand-ins
    (``<peer>-<remote code>``), so an arriving referral finds the same row."""
    peer = INSTANCES[instance].peer
    by_code = {s.code: s for s in SPECS[peer]}
    return [RemoteAgency(ALIASES.get((instance, code), f"{peer}-{code}"), code, by_code[code])
            for code in REACHABLE[instance]]


@dataclass
class Peering:
    peer_code: str
    url: str
    agencies: list[str]
    keys: int
    error: str = ""


def demo_peer_ensure(instance: str, *, peer_url: str | None = None, fetch: bool = True,
                     out: Callable[[str], None] = lambda _: None) -> Peering:
    """Register the other demo instance as a peer at ``peer_url`` (default: its demo port on loopback), with
    its reachable agencies; create this instance's keys; try once to fetch the peer's keys."""
    from sinergi.exchange import crypto
    from sinergi.exchange.services import peer_ensure, peer_fetch_jwks

    other = INSTANCES[INSTANCES[instance].peer]
    url = (peer_url or loopback_url(other.port)).rstrip("/")
    with transaction.atomic():
        crypto.keys_ensure()
        peer, _ = peer_ensure(code=other.code, name=other.name, base_url=url)
        codes = [_remote_agency_ensure(peer, r) for r in remote_agencies(instance)]
    error = ""
    if fetch and not peer.jwks.get("keys"):
        try:
            peer_fetch_jwks(peer, timeout=2)
        except Exception as exc:  # noqa: BLE001 - not up yet: the worker keeps trying
            error = str(getattr(exc, "reason", exc))
    return Peering(peer.code, url, codes, len(peer.jwks.get("keys", [])), error)


def _remote_agency_ensure(peer, r: RemoteAgency) -> str:
    from sinergi.agencies import services as agency_services

    agency = Agency.objects.filter(code=r.code).first()
    if agency is None:
        s = r.spec
        # Seen from this side, the other country's police is a partner country's police.
        agency_type = AgencyType.FOREIGN_POLICE if s.type == AgencyType.POLICE else s.type
        agency_services.agency_create(actor=None, code=r.code, name=s.name, short_name=s.short_name,
                                      local_name=s.local_name, type=agency_type, country=s.country, level=s.level,
                                      peer=peer, remote_code=r.remote_code)
    else:
        agency_services.agency_link_peer(actor=None, agency=agency, peer=peer, remote_code=r.remote_code)
    return r.code
