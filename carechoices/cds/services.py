"""The three CDS services this site offers, their prefetch templates and which keys are required.

Each service ``id`` equals its hook's name, so ``/cds-services/order-sign`` answers the
``order-sign`` hook. All three read the same chart: active medicine orders and patient-reported
medicines (a reviewed therapy such as LDN is often compounded elsewhere and recorded only as a
MedicationStatement), active conditions, and planned procedures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from carechoices.cds.schemas import CdsService, Discovery

#: Prefetch templates, key → FHIR query. ``plannedProcedures`` supplements ``procedures``:
#: R4 records a booked operation as a ServiceRequest; some EHRs also keep a Procedure in
#: ``preparation``.
PREFETCH: Final[dict[str, str]] = {
    "medications": "MedicationRequest?patient={{context.patientId}}&status=active",
    "statements": "MedicationStatement?patient={{context.patientId}}&status=active",
    "conditions": "Condition?patient={{context.patientId}}&clinical-status=active",
    "procedures": "ServiceRequest?patient={{context.patientId}}&status=active",
    "plannedProcedures": "Procedure?patient={{context.patientId}}&status=preparation",
}

#: Keys without which no answer can be trusted: a missing one is a 412 (we never query the
#: client's FHIR server ourselves). ``null`` for one of them is accepted ("no data") and said
#: on a card. ``plannedProcedures`` is optional: an EHR that keeps planned surgery only as
#: ServiceRequests has nothing to send for it.
REQUIRED_PREFETCH: Final[tuple[str, ...]] = ("medications", "statements", "conditions", "procedures")

#: What each key holds, in words for cards ("not checked: …") and errors.
PREFETCH_WORDS: Final[dict[str, str]] = {
    "medications": "active medicine orders (MedicationRequest)",
    "statements": "medicines the patient reports taking (MedicationStatement)",
    "conditions": "active conditions (Condition)",
    "procedures": "planned procedures ordered (ServiceRequest)",
    "plannedProcedures": "procedures in preparation (Procedure)",
}
MEDICATION_KEYS: Final[frozenset[str]] = frozenset({"medications", "statements"})


@dataclass(frozen=True)
class ServiceDefinition:
    id: str
    hook: str
    title: str
    description: str

    @property
    def order_hook(self) -> bool:
        return self.hook in ("order-select", "order-sign")


_COMMON = (
    " Uses the same reviewed rules and medicine vocabulary as the public safety screen. The best"
    ' it reports is "no known concerns", and only when every entry was read and recognised: an'
    ' entry it cannot read or recognise is named on an info card ("not checked").'
)

SERVICES: Final[dict[str, ServiceDefinition]] = {
    service.id: service
    for service in (
        ServiceDefinition(
            id="order-select",
            hook="order-select",
            title="CareChoices therapy screen (order selected)",
            description=(
                "When an order is selected: a medicine or supplement that CareChoices reviews "
                "(for example naltrexone at a low dose, LDN) is screened against the patient's "
                "active medicines, conditions and planned surgery; any other medicine, or a "
                "surgery, is screened against the reviewed therapies the patient already takes."
                + _COMMON
            ),
        ),
        ServiceDefinition(
            id="order-sign",
            hook="order-sign",
            title="CareChoices therapy screen (orders to sign)",
            description=(
                "Before orders are signed: the same screen as order-select, for every order in "
                "draftOrders." + _COMMON
            ),
        ),
        ServiceDefinition(
            id="patient-view",
            hook="patient-view",
            title="CareChoices therapy screen (chart opened)",
            description=(
                "When the chart is opened and it shows a therapy CareChoices reviews among the "
                "active or patient-reported medicines (for example LDN): one card per concern "
                "with the patient's other medicines, conditions and planned surgery. No card "
                "when there is no known concern." + _COMMON
            ),
        ),
    )
}

USAGE_OPEN: Final[str] = (
    "Demo: JWT checking is off on this server, so any client may call it. Every prefetch key "
    "except plannedProcedures is required (412 when one is missing: this service never queries "
    "the FHIR server, and ignores fhirServer and fhirAuthorization). Nothing sent is stored or "
    "logged."
)
USAGE_JWT: Final[str] = (
    "Requires Authorization: Bearer with a JWT signed with ES384 or RS384 by an allowlisted "
    "issuer, aud set to this service's URL, and a fresh jti. Every prefetch key except "
    "plannedProcedures is required (412 when one is missing: this service never queries the "
    "FHIR server, and ignores fhirServer and fhirAuthorization). Nothing sent is stored or logged."
)


def discovery(*, jwt_required: bool) -> Discovery:
    """The discovery document; ``usageRequirements`` says whether JWTs are checked."""
    usage = USAGE_JWT if jwt_required else USAGE_OPEN
    return Discovery(
        services=[
            CdsService(
                hook=service.hook,
                id=service.id,
                title=service.title,
                description=service.description,
                prefetch=dict(PREFETCH),
                usageRequirements=usage,
            )
            for service in SERVICES.values()
        ]
    )
