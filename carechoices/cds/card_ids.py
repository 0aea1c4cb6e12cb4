"""Card uuids that say which rule a card was, so feedback can be counted without storing anything.

A card's ``uuid`` is an RFC 9562 version-8 UUID: 66 random bits, a 24-bit code of
(service, therapy, rule) and a 32-bit MAC keyed with ``SECRET_KEY`` over the rest. When feedback
names a card, the MAC proves we issued it and the code is matched against the rules that exist
now; nothing about the card, the patient or the request is kept between the two calls. A uuid we
did not issue, or of a rule since removed, is simply not counted.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.crypto import salted_hmac

_SALT = "carechoices.cds.card-id"


@dataclass(frozen=True)
class CardKey:
    """What a card was about: ``therapy`` is "" for a card about no single therapy."""

    service: str
    therapy: str
    rule: str

    def code(self) -> bytes:
        text = f"{self.service}\x1f{self.therapy}\x1f{self.rule}".encode()
        return hashlib.sha256(text).digest()[:3]


def _mac(body: bytes) -> bytes:
    return salted_hmac(_SALT, body, algorithm="sha256").digest()[:4]


def new_card_id(key: CardKey) -> str:
    """A fresh uuid for one card about ``key``."""
    head = bytearray(secrets.token_bytes(9))
    head[6] = (head[6] & 0x0F) | 0x80  # version 8
    head[8] = (head[8] & 0x3F) | 0x80  # RFC 9562 variant
    body = bytes(head) + key.code()
    return str(uuid.UUID(bytes=body + _mac(body)))


def decode_card_id(value: str, candidates: Iterable[CardKey]) -> CardKey | None:
    """The key a uuid we issued was made for, if it is among ``candidates``; else None."""
    try:
        raw = uuid.UUID(value).bytes
    except (ValueError, TypeError, AttributeError):
        return None
    body, mac = raw[:12], raw[12:]
    if not hmac.compare_digest(_mac(body), mac):
        return None
    code = body[9:12]
    for key in candidates:
        if key.code() == code:
            return key
    return None
