"""JWTs over HTTP: with issuers configured, only a valid, fresh token for the exact URL gets cards."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import override_settings

from carechoices.cds import auth
from tests.unit.cds import builders as b
from tests.unit.cds.checks import check_answer, check_outcome
from tests.unit.cds.tokens import ISSUER, ISSUERS, make_token

pytestmark = pytest.mark.django_db

URL = "http://testserver/cds-services/order-sign"


@pytest.fixture(autouse=True)
def _jwt_on(monkeypatch):
    monkeypatch.setattr(auth, "download_jwks", lambda url: {"keys": []})  # never the network
    auth.SEEN.clear()
    with override_settings(CDS_HOOKS_JWT_ISSUERS=json.dumps(ISSUERS)):
        yield
    auth.SEEN.clear()


def call(client, token: str | None, path: str = "/cds-services/order-sign", body: dict | None = None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    body = body or b.cds_request("order-sign", drafts=[b.ldn_draft()], medications=[b.med_request("oxycodone hydrochloride 5 MG Oral Tablet")])
    return client.post(path, json.dumps(body), content_type="application/json", **headers)


def assert_refused(response, reason_part: str) -> None:
    assert response.status_code == 401
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    check_outcome(body)
    assert reason_part in body["issue"][0]["diagnostics"]


def test_a_valid_token_for_this_url_is_accepted(client):
    response = call(client, make_token(aud=URL))
    assert response.status_code == 200
    check_answer(response.json())
    assert response.json()["cards"][0]["indicator"] == "critical"


def test_rs384_is_accepted(client):
    assert call(client, make_token(alg="RS384", kid="rsa-1", aud=[URL])).status_code == 200


def test_no_token_expired_and_wrong_audience_are_refused(client):
    now = int(time.time())
    assert_refused(call(client, None), "Bearer JWT is required")
    assert_refused(call(client, make_token(aud=URL, iat=now - 900, exp=now - 600)), "expired")
    assert_refused(call(client, make_token(aud="http://testserver/cds-services/patient-view")), "aud")
    assert_refused(call(client, make_token(aud="https://testserver/cds-services/order-sign")), "aud")


def test_alg_none_and_hs256_are_refused(client):
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    now = int(time.time())
    claims = {"iss": ISSUER, "aud": URL, "iat": now, "exp": now + 300, "jti": "none-1"}
    assert_refused(call(client, f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."), "alg must be ES384 or RS384")
    hs256 = jwt.encode(claims, "a-shared-secret-that-is-long-enough-0123456789", algorithm="HS256")
    assert_refused(call(client, hs256), "alg must be ES384 or RS384")


def test_unknown_issuer_and_foreign_key_are_refused(client):
    assert_refused(call(client, make_token(aud=URL, iss="https://unknown.example/")), "iss is not an allowlisted issuer")
    assert_refused(call(client, make_token(aud=URL, key=ec.generate_private_key(ec.SECP384R1()))), "signature")


def test_a_replayed_jti_is_refused(client):
    token = make_token(aud=URL)
    assert call(client, token).status_code == 200
    assert_refused(call(client, token), "replay")


def test_feedback_needs_a_token_for_its_own_url(client):
    body = {"feedback": [{"card": "00000000-0000-8000-8000-000000000000", "outcome": "overridden",
                          "outcomeTimestamp": "2026-12-01T10:00:00Z"}]}
    assert_refused(call(client, make_token(aud=URL), "/cds-services/order-sign/feedback", body), "aud")
    ok = call(client, make_token(aud=URL + "/feedback"), "/cds-services/order-sign/feedback", body)
    assert ok.status_code == 200 and ok.json() == {"counted": 0, "not_counted": 1}


def test_discovery_and_preflight_need_no_token_and_discovery_says_jwts_are_checked(client):
    document = client.get("/cds-services").json()
    check_answer(document, "discovery")
    assert all("ES384 or RS384" in service["usageRequirements"] for service in document["services"])
    assert client.options("/cds-services/order-sign").status_code == 204
