"""Signed test JWTs: the specification's example ES384 key, and an RS384 key made per run."""

from __future__ import annotations

import time
import uuid

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.unit.cds.checks import fixture

ISSUER = "https://fhir-ehr.example.com/"
JKU = "https://fhir-ehr.example.com/jwk_uri"
AUD = "https://cds.example.org/cds-services/order-sign"
HL7_PRIVATE = jwt.PyJWK(fixture("hl7-jwk-private.json")).key  # the specification's example key
RSA_PRIVATE = rsa.generate_private_key(public_exponent=65537, key_size=2048)
RSA_PUBLIC_JWK = {**jwt.algorithms.RSAAlgorithm.to_jwk(RSA_PRIVATE.public_key(), as_dict=True),
                  "kid": "rsa-1", "alg": "RS384", "use": "sig"}
ISSUERS = {ISSUER: {"jwks_urls": [JKU], "jwks": {"keys": [*fixture("hl7-jwks-public.json")["keys"], RSA_PUBLIC_JWK]}}}


def make_token(*, alg="ES384", key=None, kid="example-kid", headers=None, **claims):
    """A JWT for ``AUD`` (override any claim; a claim set to None is left out)."""
    now = int(time.time())
    payload = {"iss": ISSUER, "aud": AUD, "iat": now, "exp": now + 300, "jti": str(uuid.uuid4()), **claims}
    payload = {name: value for name, value in payload.items() if value is not None}
    header = {"typ": "JWT", **({"kid": kid} if kid else {}), **(headers or {})}
    if key is None:
        key = HL7_PRIVATE if alg == "ES384" else RSA_PRIVATE
    return jwt.encode(payload, key, algorithm=alg, headers=header)


def bearer(token: str) -> str:
    return f"Bearer {token}"
