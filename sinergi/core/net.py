"""The client's network address, as rate limits and sign-in lockout must see it.

Behind a reverse proxy every request comes from the proxy's address, and the client's is in ``X-Forwarded-For``.
That header is written by whoever sends the request, so it is believed only when the connecting address is one
of ``SINERGI_TRUSTED_PROXIES``; each trusted proxy appends the address it saw, so the client is the right-most
entry that is not itself a trusted proxy. Everything left of it may be forged and is never used.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _networks(cidrs: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(c, strict=False) for c in cidrs)


def _parse(value: str) -> Address | None:
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    # An IPv4 client seen through an IPv6 socket (::ffff:a.b.c.d) is that IPv4 client.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: Address | None, networks: tuple[Network, ...]) -> bool:
    return address is not None and any(address.version == n.version and address in n for n in networks)


def client_address(request) -> str:
    """The address of the client that sent ``request`` (text), never one it could choose itself."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    networks = _networks(tuple(getattr(settings, "SINERGI_TRUSTED_PROXIES", ()) or ()))
    if not networks or not _trusted(_parse(remote), networks):
        return remote
    client = remote
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        if not hop.strip():
            continue
        address = _parse(hop)
        if address is None:
            # No trusted proxy writes this; what lies further left cannot be told from a forgery.
            return client
        client = str(address)
        if not _trusted(address, networks):
            return client
    return client
