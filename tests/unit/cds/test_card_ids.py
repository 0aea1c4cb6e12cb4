"""Card uuids carry their rule (MAC-protected), so feedback is counted with nothing stored."""

from __future__ import annotations

import uuid

from django.test import override_settings

from carechoices.cds.card_ids import CardKey, decode_card_id, new_card_id

KEYS = [CardKey("order-sign", "low-dose-naltrexone", rule) for rule in ("opioid-medicines", "surgery")]


def test_uuids_are_valid_unique_and_decode_to_their_key():
    ids = {new_card_id(KEYS[0]) for _ in range(200)}
    assert len(ids) == 200
    for value in ids:
        parsed = uuid.UUID(value)
        assert parsed.version == 8 and parsed.variant == uuid.RFC_4122
        assert decode_card_id(value, KEYS) == KEYS[0]
    assert decode_card_id(new_card_id(KEYS[1]), KEYS) == KEYS[1]


def test_uuids_we_did_not_issue_are_not_recognised():
    assert decode_card_id(str(uuid.uuid4()), KEYS) is None
    assert decode_card_id("not-a-uuid", KEYS) is None
    value = new_card_id(KEYS[0])
    tampered = value[:-1] + ("0" if value[-1] != "0" else "1")
    assert decode_card_id(tampered, KEYS) is None
    # A rule that no longer exists is not counted.
    assert decode_card_id(value, KEYS[1:]) is None


def test_uuids_depend_on_the_secret_key():
    value = new_card_id(KEYS[0])
    with override_settings(SECRET_KEY="another-secret"):
        assert decode_card_id(value, KEYS) is None
