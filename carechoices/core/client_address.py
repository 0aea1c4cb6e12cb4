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
    entries = [entry.strip() for entry in (text or "").split(",") if entry.strip()]
    return frozenset(_canonical(entry, "TRUSTED_PROXY_ADDRESSES") for entry in entries) or (
        frozenset(DEFAULT_TRUSTED_PROXIES)
    )


def _canonical(text: str, name: str) -> str:
    try:
        return _plain(ipaddress.ip_address(text))
    except ValueError:
        raise ValueError(f"{name}: {text!r} is not an IP address") from None


def _plain(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    """IPv4 written as IPv4 even when a dual-stack socket gave it as ``::ffff:a.b.c.d``."""
    mapped = getattr(address, "ipv4_mapped", None)
    return str(mapped or address)


def _reader(text: str) -> str | None:
    """The key a reader's failures count against: the address, or for IPv6 its /64.

    One IPv6 subscriber usually holds a whole /64 (2^64 addresses); counted one by one, each
    would get its own five guesses.
    """
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return _plain(address)


def address_of(meta: dict[str, Any], proxies: Iterable[str]) -> str | None:
    """The key for a request's ``META``: the reader behind the proxy's ``X-Real-IP`` when the
    peer is one of ``proxies`` (or a Unix socket, which only this machine can reach) and the
    header holds exactly one IP address; otherwise the peer itself."""
    peer_text = str(meta.get("REMOTE_ADDR") or "").strip()
    if peer_text:
        try:
            peer = _plain(ipaddress.ip_address(peer_text))
        except ValueError:
            return peer_text
        if peer not in proxies:
            return _reader(peer)
    forwarded = _reader(str(meta.get(REAL_IP_META, "")).strip())
    if forwarded is not None:
        return forwarded
    # No header, or one nginx did not write (a list, a name): the proxy's own address.
    return _reader(peer_text) if peer_text else None


def client_address(request: Any) -> str | None:
    """django-axes' hook: the address failures are counted against, with the username."""
    from django.conf import settings

    return address_of(request.META, settings.TRUSTED_PROXY_ADDRESSES)
