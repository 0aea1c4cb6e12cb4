"""The address a request really came from, for the back office's sign-in lockout.

Behind nginx every request reaches gunicorn from 127.0.0.1, so a lockout counted per
``REMOTE_ADDR`` would lock an editor out wherever they are whenever anyone, anywhere, typed
five wrong passwords for their username. nginx therefore sends the address it saw in
``X-Real-IP`` (``deploy/nginx.conf.template``), replacing any such header the client sent.
That header is believed only from a proxy we run (``TRUSTED_PROXY_ADDRESSES``, by default
this machine): anyone else could write any address into it and count their failures
against somebody else's, so every proxy listed must overwrite the header as nginx does.
django-axes calls :func:`client_address` (``AXES_CLIENT_IP_CALLABLE``);
the settings read ``TRUSTED_PROXY_ADDRESSES`` once, at start-up, with :func:`trusted_proxies`.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterable
from typing import Any, Final

#: The header nginx fills with ``$remote_addr``, as Django's ``request.META`` names it.
REAL_IP_META: Final = "HTTP_X_REAL_IP"
DEFAULT_TRUSTED_PROXIES: Final = ("127.0.0.1", "::1")


def trusted_proxies(setting: str | None = None) -> frozenset[str]:
    """``TRUSTED_PROXY_ADDRESSES`` (comma-separated addresses), or this machine's own.

    Raises ``ValueError`` naming the setting for an entry that is not an IP address, so a
    typing mistake stops the process at start-up rather than trusting nothing or everything.
    """
    text = os.environ.get("TRUSTED_PROXY_ADDRESSES") if setting is None else setting
    found = set()
    for entry in (part.strip() for part in (text or "").split(",")):
        if entry:
            address = _parse(entry)
            if address is None:
                raise ValueError(f"TRUSTED_PROXY_ADDRESSES: {entry!r} is not an IP address")
            found.add(str(address))
    return frozenset(found or DEFAULT_TRUSTED_PROXIES)


def _parse(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address in ``text``, IPv4 even when a dual-stack socket wrote ``::ffff:a.b.c.d``;
    None when ``text`` is not one address."""
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    return getattr(address, "ipv4_mapped", None) or address


def _reader_key(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    """The key a reader's failures count against: the address, or for IPv6 its /64.

    One IPv6 subscriber usually holds a whole /64 (2^64 addresses); counted one by one, each
    would get its own five guesses.
    """
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)


def address_of(meta: dict[str, Any], proxies: Iterable[str]) -> str | None:
    """The key for a request's ``META``: the reader behind the proxy's ``X-Real-IP`` when the
    peer is one of ``proxies`` (or a Unix socket, which only this machine can reach) and the
    header holds exactly one IP address; otherwise the peer itself."""
    peer_text = str(meta.get("REMOTE_ADDR") or "").strip()
    peer = _parse(peer_text) if peer_text else None
    if peer_text and peer is None:
        return peer_text  # not an IP address: the server's own notion of the peer
    if peer is not None and str(peer) not in proxies:
        return _reader_key(peer)
    forwarded = _parse(str(meta.get(REAL_IP_META, "")))
    if forwarded is not None:
        return _reader_key(forwarded)
    # No header, or one nginx did not write (a list, a name): the proxy's own address.
    return str(peer) if peer is not None else None


def client_address(request: Any) -> str | None:
    """django-axes' hook: the address failures are counted against, with the username."""
    from django.conf import settings

    return address_of(request.META, settings.TRUSTED_PROXY_ADDRESSES)
