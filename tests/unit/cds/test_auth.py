"""JWT checking of CDS Clients: only ES384/RS384 from allowlisted issuers, exact aud, no replays."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from carechoices.cds import auth
from tests.unit.cds.checks import fixture
from tests.unit.cds.tokens import (
    AUD,
    ISSUER,
    ISSUERS,
    JKU,
    RSA_PRIVATE,
    bearer,
    make_token,
)


@pytest.fixture(autouse=True)
def _issuers(monkeypatch):
    # Nothing reaches the network: the allowlisted JWK Set URL answers with no keys unless a
    # test says otherwise.
    monkeypatch.setattr(auth, "download_jwks", lambda url: {"keys": []})
    auth.SEEN.clear()
    auth.JWKS.clear()
    with override_settings(CDS_HOOKS_JWT_ISSUERS=ISSUERS):
        yield
    auth.SEEN.clear()
    auth.JWKS.clear()


def refused(authorization, audience=AUD) -> str:
    with pytest.raises(auth.Unauthorized) as info:
        auth.verify(authorization, audience)
    return info.value.reason


def test_es384_from_the_specifications_example_key_is_accepted():
    claims = auth.verify(bearer(make_token()), AUD)
    assert claims["iss"] == ISSUER


def test_rs384_is_accepted_and_aud_may_be_a_list():
    assert auth.verify(bearer(make_token(alg="RS384", kid="rsa-1", aud=[AUD, "https://other"])), AUD)


def test_the_specifications_own_example_token_is_refused_as_expired():
    assert refused(bearer(fixture("hl7-jwt-example.txt")), "https://cds.example.org/cds-services/some-service") == (
        "the token has expired"
    )


def test_expired_wrong_aud_future_iat_and_missing_claims_are_refused():
    now = int(time.time())
    assert "expired" in refused(bearer(make_token(iat=now - 900, exp=now - 600)))
    assert "aud" in refused(bearer(make_token(aud="https://cds.example.org/cds-services/patient-view")))
    assert "aud" in refused(bearer(make_token(aud=AUD + "/")))
    assert "not valid yet" in refused(bearer(make_token(iat=now + 600, exp=now + 900)))
    assert refused(bearer(make_token(jti=None))) == "the token has no jti claim"
    assert refused(bearer(make_token(iat=None))) == "the token has no iat claim"
    assert "at most" in refused(bearer(make_token(exp=now + 7200)))


def _unsigned(header: dict, payload: dict) -> str:
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part(header)}.{part(payload)}."


def test_alg_none_is_refused():
    now = int(time.time())
    token = _unsigned({"alg": "none", "typ": "JWT"}, {"iss": ISSUER, "aud": AUD, "iat": now, "exp": now + 300, "jti": "n"})
    assert refused(bearer(token)) == "alg must be ES384 or RS384"


def _hs256(secret: bytes, payload: dict) -> str:
    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing_input = f"{part(json.dumps({'alg': 'HS256', 'typ': 'JWT', 'kid': 'rsa-1'}).encode())}.{part(json.dumps(payload).encode())}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{part(signature)}"


def test_hmac_is_refused_even_with_the_public_key_as_secret():
    """The classic key-confusion forgery: HS256 keyed with the issuer's public key."""
    public_pem = RSA_PRIVATE.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": AUD, "iat": now, "exp": now + 300, "jti": "h"}
    assert refused(bearer(_hs256(public_pem, claims))) == "alg must be ES384 or RS384"
    assert refused(bearer(make_token(alg="HS256", key="shared-secret-0123456789abcdef0123456789"))) == (
        "alg must be ES384 or RS384"
    )


def test_other_asymmetric_algorithms_and_wrong_keys_are_refused():
    other = ec.generate_private_key(ec.SECP256R1())
    assert refused(bearer(make_token(alg="ES256", key=other))) == "alg must be ES384 or RS384"
    stranger = ec.generate_private_key(ec.SECP384R1())
    assert refused(bearer(make_token(key=stranger))) == "the signature does not verify"
    assert "no key" in refused(bearer(make_token(kid="unknown-kid")))


def test_unknown_issuer_and_unlisted_jku_are_refused():
    assert refused(bearer(make_token(iss="https://evil.example/"))) == "iss is not an allowlisted issuer"
    assert refused(bearer(make_token(headers={"jku": "https://evil.example/jwks"}))) == (
        "jku is not on this issuer's allowlist"
    )


def test_a_replayed_jti_is_refused_even_if_the_shared_cache_forgot_it():
    token = make_token()
    assert auth.verify(bearer(token), AUD)
    assert refused(bearer(token)) == "this jti was already used (replay)"
    cache.clear()  # evicted from the shared cache: the in-process set still knows it
    assert refused(bearer(token)) == "this jti was already used (replay)"
    again = make_token()
    assert auth.verify(bearer(again), AUD)
    auth.SEEN.clear()  # another process: the shared cache knows it
    assert refused(bearer(again)) == "this jti was already used (replay)"


def test_the_replay_set_holds_hashes_not_tokens():
    token = make_token(jti="visible-jti-123")
    auth.verify(bearer(token), AUD)
    stored = b"".join(cache._cache.values()) + json.dumps(list(cache._cache)).encode()
    assert b"visible-jti-123" not in stored and token.encode() not in stored


def test_a_token_is_required_when_checking_is_on():
    assert refused(None) == "a Bearer JWT is required"
    assert refused("Basic dXNlcjpwYXNz") == "a Bearer JWT is required"
    assert refused("Bearer not.a.jwt") == "the token is not a JWT"


def test_keys_are_fetched_only_from_an_allowlisted_jku(monkeypatch):
    fetched = []
    new_key = ec.generate_private_key(ec.SECP384R1())
    jwk = {**jwt.algorithms.ECAlgorithm.to_jwk(new_key.public_key(), as_dict=True), "kid": "rotated", "alg": "ES384"}

    def fake_download(url):
        fetched.append(url)
        return {"keys": [jwk]}

    monkeypatch.setattr(auth, "download_jwks", fake_download)
    assert auth.verify(bearer(make_token(key=new_key, kid="rotated", headers={"jku": JKU})), AUD)
    assert auth.verify(bearer(make_token(key=new_key, kid="rotated", headers={"jku": JKU})), AUD)
    assert fetched == [JKU]  # kept for five minutes


def test_without_kid_only_a_single_matching_key_is_used():
    assert auth.verify(bearer(make_token(kid=None)), AUD)  # one EC key in the set


def test_checking_is_off_without_issuers_and_bad_configuration_stops_start_up():
    with override_settings(CDS_HOOKS_JWT_ISSUERS=""):
        assert auth.verify(None, AUD) is None
        assert auth.jwt_required() is False
    with override_settings(CDS_HOOKS_JWT_ISSUERS='{"https://ehr.example": {"jwks_url": "http://plain"}}'), pytest.raises(ImproperlyConfigured):
        auth.configured_issuers()
    with override_settings(CDS_HOOKS_JWT_ISSUERS="{not json"), pytest.raises(ImproperlyConfigured):
        auth.configured_issuers()
    with override_settings(CDS_HOOKS_JWT_ISSUERS=json.dumps(ISSUERS)):
        assert list(auth.configured_issuers()) == [ISSUER]
