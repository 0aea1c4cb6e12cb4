"""CDS Hooks 2.0.1 request and response models (pydantic), as the specification's tables give them.

Responses are built from these models and dumped with ``exclude_none``, so an optional field with
no value is left out. Every string must have a non-blank value and every list at least one item:
the specification forbids ``null``, ``""``, ``[]`` and ``{}`` anywhere except an empty ``cards``
list ("no guidance"). The request models check only the envelope (hook, hookInstance, context,
prefetch); the FHIR resources inside are read tolerantly by ``carechoices.cds.reading``, because
real clients send resources a strict FHIR validator would refuse (a Bundle without ``type``,
``category`` as an object, no ``intent``).
"""

from __future__ import annotations

import datetime
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

#: The longest card summary: the specification asks for "<140 characters".
SUMMARY_MAX = 139


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty or blank")
    return value


Text = Annotated[str, StringConstraints(min_length=1), AfterValidator(_not_blank)]
Url = Annotated[str, StringConstraints(min_length=1, pattern=r"^https?://[^\s]+$")]


class _Out(BaseModel):
    """A response part: unknown fields are a bug, not an extension."""

    model_config = ConfigDict(extra="forbid")

    def as_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


# --------------------------------------------------------------------------------------------
# Discovery
# --------------------------------------------------------------------------------------------


class CdsService(_Out):
    """One entry of the discovery response."""

    hook: Text
    title: Text | None = None
    description: Text
    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
    prefetch: dict[Text, Text] | None = Field(default=None, min_length=1)
    usageRequirements: Text | None = None


class Discovery(_Out):
    services: list[CdsService]


# --------------------------------------------------------------------------------------------
# Cards
# --------------------------------------------------------------------------------------------


class Coding(_Out):
    system: Text
    code: Text
    display: Text | None = None


class Source(_Out):
    label: Text
    url: Url | None = None
    icon: Url | None = None
    topic: Coding | None = None


class Link(_Out):
    label: Text
    url: Url
    type: Literal["absolute", "smart"]
    appContext: Text | None = None
    autolaunchable: bool | None = None

    @model_validator(mode="after")
    def _app_context_only_for_smart(self) -> Link:
        if self.appContext is not None and self.type != "smart":
            raise ValueError("appContext is only valid on smart links")
        return self


class Action(_Out):
    type: Literal["create", "update", "delete"]
    description: Text
    resource: dict[str, Any] | None = Field(default=None, min_length=1)
    resourceId: Text | None = None


class Suggestion(_Out):
    label: Text
    uuid: Text | None = None
    isRecommended: bool | None = None
    actions: list[Action] | None = Field(default=None, min_length=1)


class Card(_Out):
    uuid: Text | None = None
    summary: Annotated[str, StringConstraints(min_length=1, max_length=SUMMARY_MAX)]
    detail: Text | None = None
    indicator: Literal["info", "warning", "critical"]
    source: Source
    suggestions: list[Suggestion] | None = Field(default=None, min_length=1)
    selectionBehavior: Literal["at-most-one", "any"] | None = None
    overrideReasons: list[Coding] | None = Field(default=None, min_length=1)
    links: list[Link] | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _spec_conditions(self) -> Card:
        if self.suggestions and self.selectionBehavior is None:
            raise ValueError("selectionBehavior is required with suggestions")
        if any(reason.display is None for reason in self.overrideReasons or ()):
            raise ValueError("every override reason needs a display")
        _not_blank(self.summary)
        return self


class CdsResponse(_Out):
    cards: list[Card]
    systemActions: list[Action] | None = Field(default=None, min_length=1)


# --------------------------------------------------------------------------------------------
# Requests (the envelope; FHIR content is read by carechoices.cds.reading)
# --------------------------------------------------------------------------------------------


class FhirAuthorization(BaseModel):
    """Accepted and never used: this service does not call the client's FHIR server."""

    model_config = ConfigDict(extra="allow")

    access_token: str
    token_type: str
    expires_in: int
    scope: str
    subject: str
    patient: str | None = None


class CdsRequest(BaseModel):
    """A service call's body. ``extension`` and other extra fields are allowed and ignored."""

    model_config = ConfigDict(extra="allow")

    hook: Text
    hookInstance: Text
    fhirServer: str | None = None
    fhirAuthorization: FhirAuthorization | None = None
    context: dict[str, Any]
    prefetch: dict[str, Any] | None = None


# --------------------------------------------------------------------------------------------
# Feedback
# --------------------------------------------------------------------------------------------

#: RFC 3339 date-time (section 5.6), as the specification profiles ISO 8601 for outcomeTimestamp.
_RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)
MAX_FEEDBACK_ITEMS = 100


class AcceptedSuggestion(BaseModel):
    id: Text


class FeedbackCoding(BaseModel):
    """A coding sent back by a client: ``display`` is optional here (the spec's example omits it)."""

    system: str | None = None
    code: str | None = None
    display: str | None = None


class OverrideReason(BaseModel):
    reason: FeedbackCoding | None = None
    userComment: str | None = None  # read past, never stored or logged


class FeedbackItem(BaseModel):
    model_config = ConfigDict(extra="allow")

    card: Text
    outcome: Literal["accepted", "overridden"]
    acceptedSuggestions: list[AcceptedSuggestion] | None = None
    overrideReason: OverrideReason | None = None
    outcomeTimestamp: str

    @field_validator("outcomeTimestamp")
    @classmethod
    def _rfc3339(cls, value: str) -> str:
        if not _RFC3339.match(value):
            raise ValueError("must be an RFC 3339 date-time such as 2021-12-11T10:05:31Z")
        try:
            datetime.datetime.fromisoformat(value.replace("z", "Z").replace("t", "T"))
        except ValueError:
            raise ValueError("must be a real date and time") from None
        return value


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="allow")

    feedback: list[FeedbackItem] = Field(min_length=1, max_length=MAX_FEEDBACK_ITEMS)


class FeedbackResponse(_Out):
    """How many feedback items were counted (ours, and well formed) and how many were not."""

    counted: int
    not_counted: int


# --------------------------------------------------------------------------------------------
# Error bodies: a FHIR OperationOutcome, as CDS Hooks 3.0 (ballot) recommends
# --------------------------------------------------------------------------------------------


class OutcomeIssue(_Out):
    severity: Literal["fatal", "error", "warning", "information"]
    code: Text
    diagnostics: Text
    expression: list[Text] | None = Field(default=None, min_length=1)


class OperationOutcome(_Out):
    resourceType: Literal["OperationOutcome"] = "OperationOutcome"
    issue: list[OutcomeIssue] = Field(min_length=1)


# --------------------------------------------------------------------------------------------
# JWT issuers (the CDS_HOOKS_JWT_ISSUERS setting)
# --------------------------------------------------------------------------------------------


class IssuerConfig(BaseModel):
    """One trusted CDS Client: where its keys are, or the keys themselves.

    ``jwks_urls`` is the allowlist of ``jku`` values this issuer may name, and where its keys
    are fetched from when a token names none; ``jwks`` is a JWK Set given out of band (static,
    never fetched). At least one of the two is required.
    """

    model_config = ConfigDict(extra="forbid")

    jwks_urls: list[Annotated[str, StringConstraints(pattern=r"^https://[^\s]+$")]] = Field(
        default_factory=list
    )
    jwks: dict[str, Any] | None = None

    @model_validator(mode="before")
    @classmethod
    def _single_url(cls, data: Any) -> Any:
        if isinstance(data, dict) and "jwks_url" in data:
            data = dict(data)
            url = data.pop("jwks_url")
            data["jwks_urls"] = [*data.get("jwks_urls", []), url]
        return data

    @model_validator(mode="after")
    def _has_keys(self) -> IssuerConfig:
        if not self.jwks_urls and not self.jwks:
            raise ValueError("give jwks_urls (or jwks_url) or a static jwks")
        if self.jwks is not None and not isinstance(self.jwks.get("keys"), list):
            raise ValueError('jwks must be a JWK Set: {"keys": [...]}')
        return self
