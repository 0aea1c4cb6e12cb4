"""JWT checking of CDS Clients (CDS Hooks 2.0.1, "Trusting CDS Clients"), off unless configured.

``CDS_HOOKS_JWT_ISSUERS`` (JSON, from the environment) names every trusted issuer and where its
keys are::

    {"https://ehr.example.org": {"jwks_url": "https://ehr.example.org/.well-known/jwks.json"},
     "https://sandbox.cds-hooks.org": {"jwks_urls": ["https://sandbox.cds-hooks.org/.well-known/jwks.json"],
                                       "jwks": {"keys": [...]}}}

When it is empty (the demo), no token is asked for. When it is set, every service call and
feedback POST needs ``Authorization: Bearer <JWT>`` and the token must:

* be signed with **ES384 or RS384** (never ``none``, never an HMAC or any other algorithm), by a
  key of its issuer: from the static ``jwks`` or, for a ``jku`` header, only a ``jku`` on the
  issuer's ``jwks_urls`` allowlist (fetched over HTTPS and kept for five minutes; nothing else
  is ever fetched); without ``jku``, from the issuer's static keys, then its ``jwks_urls``;
* name an allowlisted ``iss``, ``aud`` equal to the exact URL invoked (string or list),
  ``exp`` in the future and at most an hour away, ``iat`` not in the future, and a ``jti``;
* carry a ``jti`` not seen before from that issuer while the token is valid: seen ``jti``s are
  kept (hashed with the issuer, nothing else) in the cache until their token expires, and in a
  bounded in-process set as well, so a cache that evicts early still stops replays on this
  process. Give a multi-process deployment a shared cache (``CACHES["cds-hooks"]`` if defined,
  else ``default``) large enough for its rate × token lifetime.

Any failure is a 401 with a short reason; the token itself is never logged or stored.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
import urllib.request
from collections import OrderedDict
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, Final

import jwt
from django.conf import settings
from django.core.cache import InvalidCacheBackendError, caches
from django.core.exceptions import ImproperlyConfigured
from pydantic import ValidationError

from carechoices.cds.schemas import IssuerConfig

ALGORITHMS: Final[tuple[str, ...]] = ("ES384", "RS384")
_KEY_TYPES: Final[dict[str, str]] = {"ES384": "EC", "RS384": "RSA"}
LEEWAY_S: Final[int] = 30
MAX_LIFETIME_S: Final[int] = 3600
JWKS_TTL_S: Final[int] = 300
MAX_JWKS_BYTES: Final[int] = 256 * 1024
MAX_TOKEN_CHARS: Final[int] = 16 * 1024
SEEN_IN_PROCESS: Final[int] = 100_000


class Unauthorized(Exception):
    """The call is refused with 401; ``reason`` is safe to send back (it names no secret)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --------------------------------------------------------------------------------------------
# Configuration
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _parse(raw: str) -> dict[str, IssuerConfig]:
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ImproperlyConfigured(f"CDS_HOOKS_JWT_ISSUERS is not valid JSON: {exc.msg}") from None
    if not isinstance(data, dict):
        raise ImproperlyConfigured("CDS_HOOKS_JWT_ISSUERS must be a JSON object: issuer → settings")
    issuers = {}
    for issuer, config in data.items():
        try:
            issuers[issuer] = IssuerConfig.model_validate(config)
        except ValidationError as exc:
            problems = "; ".join(error["msg"] for error in exc.errors())
            raise ImproperlyConfigured(f"CDS_HOOKS_JWT_ISSUERS[{issuer!r}]: {problems}") from None
    return issuers


def configured_issuers() -> dict[str, IssuerConfig]:
    """The trusted issuers (empty = JWT checking off). Accepts the setting as JSON or a dict."""
    raw = getattr(settings, "CDS_HOOKS_JWT_ISSUERS", "") or ""
    if not isinstance(raw, str):
        raw = json.dumps(raw, sort_keys=True)
    return _parse(raw)


def jwt_required() -> bool:
    return bool(configured_issuers())


# --------------------------------------------------------------------------------------------
# Keys
# --------------------------------------------------------------------------------------------


def download_jwks(url: str) -> dict[str, Any]:
    """GET a JWK Set over HTTPS (only ever called with an allowlisted URL)."""
    if not url.startswith("https://"):
        raise Unauthorized("JWK Set URL is not https")
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310 - https, allowlisted
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        body = response.read(MAX_JWKS_BYTES + 1)
    if len(body) > MAX_JWKS_BYTES:
        raise Unauthorized("JWK Set too large")
    data = json.loads(body)
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
        raise Unauthorized("JWK Set URL did not return a JWK Set")
    return data


class _JwksCache:
    """Fetched JWK Sets by URL, kept for ``JWKS_TTL_S`` (public keys: nothing personal)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sets: dict[str, tuple[float, dict[str, Any]]] = {}

    def get(self, url: str) -> dict[str, Any]:
        now = time.monotonic()
        with self._lock:
            hit = self._sets.get(url)
            if hit is not None and now - hit[0] < JWKS_TTL_S:
                return hit[1]
        try:
            fetched = download_jwks(url)
        except Unauthorized:
            raise
        except Exception as exc:  # noqa: BLE001 - any network or parse failure is a refusal
            raise Unauthorized(f"could not fetch the issuer's JWK Set ({type(exc).__name__})") from None
        with self._lock:
            self._sets[url] = (now, fetched)
            if len(self._sets) > 64:
                self._sets.pop(next(iter(self._sets)))
        return fetched

    def clear(self) -> None:
        with self._lock:
            self._sets.clear()


JWKS = _JwksCache()


def _find_key(jwk_set: Mapping[str, Any], kid: str | None, alg: str) -> Any | None:
    keys = [key for key in jwk_set.get("keys", []) if isinstance(key, dict)]
    usable = [
        key
        for key in keys
        if key.get("kty") == _KEY_TYPES[alg]
        and key.get("alg", alg) == alg
        and key.get("use", "sig") == "sig"
    ]
    if kid is not None:
        usable = [key for key in usable if key.get("kid") == kid]
    elif len(usable) != 1:
        return None  # without kid, only an unambiguous single key will do
    if not usable:
        return None
    try:
        return jwt.PyJWK(usable[0], algorithm=alg).key
    except (jwt.PyJWKError, jwt.InvalidKeyError, ValueError, TypeError):
        return None


def _key_for(issuer: IssuerConfig, header: Mapping[str, Any], alg: str) -> Any:
    kid = header.get("kid") if isinstance(header.get("kid"), str) else None
    jku = header.get("jku")
    if jku is not None:
        if not isinstance(jku, str) or jku not in issuer.jwks_urls:
            raise Unauthorized("jku is not on this issuer's allowlist")
    if issuer.jwks is not None:
        key = _find_key(issuer.jwks, kid, alg)
        if key is not None:
            return key
    for url in [jku] if isinstance(jku, str) else issuer.jwks_urls:
        key = _find_key(JWKS.get(url), kid, alg)
        if key is not None:
            return key
    raise Unauthorized("no key of this issuer matches the token's kid and alg")


# --------------------------------------------------------------------------------------------
# Replays
# --------------------------------------------------------------------------------------------


class _SeenInProcess:
    """A bounded set of (hashed) jti with their expiry, oldest dropped first."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._lock = threading.Lock()
        self._seen: OrderedDict[str, float] = OrderedDict()

    def add(self, key: str, expires: float) -> bool:
        """True if ``key`` was new (and is now remembered until ``expires``)."""
        now = time.time()
        with self._lock:
            while self._seen and next(iter(self._seen.values())) < now:
                self._seen.popitem(last=False)
            if key in self._seen and self._seen[key] >= now:
                return False
            self._seen[key] = expires
            self._seen.move_to_end(key)
            while len(self._seen) > self._limit:
                self._seen.popitem(last=False)
            return True

    def clear(self) -> None:
        with self._lock:
            self._seen.clear()


SEEN = _SeenInProcess(SEEN_IN_PROCESS)


def _replay_cache():
    try:
        return caches["cds-hooks"]
    except InvalidCacheBackendError:
        return caches["default"]


def remember_jti(issuer: str, jti: str, expires: float) -> bool:
    """True the first time a (issuer, jti) is seen while its token is valid; False for a replay."""
    key = "cds-jti:" + hashlib.sha256(f"{issuer}\x1f{jti}".encode()).hexdigest()
    timeout = max(1, int(expires - time.time()) + LEEWAY_S)
    new_here = SEEN.add(key, expires + LEEWAY_S)
    new_shared = _replay_cache().add(key, 1, timeout=timeout)
    return new_here and new_shared


# --------------------------------------------------------------------------------------------
# Verification
# --------------------------------------------------------------------------------------------


def verify(authorization: str | None, audience: str) -> dict[str, Any] | None:
    """Check the request's bearer JWT for ``audience``; None when checking is off.

    Returns the verified claims, or raises ``Unauthorized``.
    """
    issuers = configured_issuers()
    if not issuers:
        return None
    if not authorization or not authorization.startswith("Bearer "):
        raise Unauthorized("a Bearer JWT is required")
    token = authorization[len("Bearer ") :].strip()
    if not token or len(token) > MAX_TOKEN_CHARS:
        raise Unauthorized("a Bearer JWT is required")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise Unauthorized("the token is not a JWT") from None
    alg = header.get("alg")
    if alg not in ALGORITHMS:
        raise Unauthorized("alg must be ES384 or RS384")
    typ = header.get("typ")
    if typ is not None and (not isinstance(typ, str) or typ.upper() != "JWT"):
        raise Unauthorized("typ must be JWT")
    try:
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise Unauthorized("the token's claims cannot be read") from None
    iss = unverified.get("iss")
    if not isinstance(iss, str) or iss not in issuers:
        raise Unauthorized("iss is not an allowlisted issuer")
    key = _key_for(issuers[iss], header, alg)
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[alg],
            audience=audience,
            issuer=iss,
            leeway=LEEWAY_S,
            options={"require": ["iss", "aud", "exp", "iat", "jti"], "strict_aud": False},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized("the token has expired") from None
    except jwt.InvalidAudienceError:
        raise Unauthorized("aud must be the URL of the service invoked") from None
    except jwt.ImmatureSignatureError:
        raise Unauthorized("the token is not valid yet (iat or nbf in the future)") from None
    except jwt.MissingRequiredClaimError as exc:
        raise Unauthorized(f"the token has no {exc.claim} claim") from None
    except jwt.InvalidSignatureError:
        raise Unauthorized("the signature does not verify") from None
    except jwt.PyJWTError as exc:
        raise Unauthorized(f"the token is not valid ({type(exc).__name__})") from None
    jti, exp = claims.get("jti"), claims.get("exp")
    if not isinstance(jti, str) or not jti.strip() or len(jti) > 256:
        raise Unauthorized("jti must be a non-empty string")
    if not isinstance(exp, int | float) or exp - time.time() > MAX_LIFETIME_S:
        raise Unauthorized(f"exp must be at most {MAX_LIFETIME_S} seconds away")
    if not remember_jti(iss, jti, float(exp)):
        raise Unauthorized("this jti was already used (replay)")
    return claims
