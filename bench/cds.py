"""Section: CDS Hooks ``order-sign`` with 20 active medicines, in process and over HTTP.

One request: a draft order for naltrexone 4.5 mg (LDN) for a patient whose chart lists the
twenty medicines of the screen sections (``screening.SCREEN_MEDICINES``: brands, combinations,
generics, misspellings, descriptions no vocabulary knows) as active MedicationRequests.

* In process, round robin (``screening.time_round_robin``): ``POST /cds-services/order-sign``
  through Django's test client, next to three baselines measured in the same rounds:
  ``POST /api/v1/screen`` with the same twenty medicines and the LDN review (the same engine
  work behind the JSON API), the engine alone (``screen()``), and ``/healthz`` (the middleware).
* Over HTTP: gunicorn answering the POST against nginx answering it with a file holding the
  bytes gunicorn sent (``serving.compare_servers``), at 20 concurrent connections.

Importing this module does not import Django; the section imports it when it runs.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from typing import Any, Final

from bench import database
from bench.registry import BenchOptions, FigureTable, Measured, Section, SectionSkipped
from bench.screening import SCREEN_MEDICINES, time_round_robin
from bench.serving import Target, compare_servers
from bench.stats import format_ratio, ratio, summarise_ms

PATH: Final = "/cds-services/order-sign"
READY_PATH: Final = "/healthz"
CONNECTIONS: Final = 20
RXNORM: Final = "http://www.nlm.nih.gov/research/umls/rxnorm"
LDN_DOSE_MG: Final = 4.5


def _bundle(resources: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": kind, "entry": [{"resource": r} for r in resources]}


def order_sign_request(medicines: Sequence[str] = SCREEN_MEDICINES) -> dict[str, Any]:
    """The hook call: a draft LDN order, ``medicines`` as active orders, every required key."""
    patient = "bench-patient"
    active = [
        {
            "resourceType": "MedicationRequest",
            "id": f"rx-{number}",
            "status": "active",
            "intent": "order",
            "subject": {"reference": f"Patient/{patient}"},
            "medicationCodeableConcept": {"text": name},
        }
        for number, name in enumerate(medicines, 1)
    ]
    draft = {
        "resourceType": "MedicationRequest",
        "id": "draft-ldn",
        "status": "draft",
        "intent": "order",
        "subject": {"reference": f"Patient/{patient}"},
        "medicationCodeableConcept": {
            "coding": [{"system": RXNORM, "code": "1483", "display": "naltrexone"}],
            "text": "naltrexone 4.5 MG Oral Capsule",
        },
        "dosageInstruction": [{"doseAndRate": [{"doseQuantity": {"value": LDN_DOSE_MG, "unit": "mg", "code": "mg"}}]}],
    }
    return {
        "hook": "order-sign",
        "hookInstance": "00000000-0000-4000-8000-000000000000",
        "context": {"userId": "Practitioner/bench", "patientId": patient, "draftOrders": _bundle([draft], "collection")},
        "prefetch": {
            "medications": _bundle(active, "searchset"),
            "statements": _bundle([], "searchset"),
            "conditions": _bundle([], "searchset"),
            "procedures": _bundle([], "searchset"),
        },
    }


def request_body(medicines: Sequence[str] = SCREEN_MEDICINES) -> bytes:
    return json.dumps(order_sign_request(medicines), separators=(",", ":")).encode("utf-8")


def screen_body(medicines: Sequence[str] = SCREEN_MEDICINES) -> bytes:
    """The same question asked of ``POST /api/v1/screen``: these medicines, LDN at 4.5 mg."""
    payload = {"therapies": [database.LDN_SLUG], "medicines": list(medicines), "dose_mg": LDN_DOSE_MG}
    return json.dumps(payload, separators=(",", ":")).encode("utf-8")


_LABELS: Final = {
    "cds": f"POST {PATH} (test client)",
    "api_screen": "baseline: POST /api/v1/screen, same medicines, LDN",
    "engine": "baseline: screen() alone, same medicines, LDN",
    "healthz": "baseline: GET /healthz (middleware only)",
}


def run(options: BenchOptions) -> Measured:
    """Time the hook call in process against its baselines, then over HTTP against nginx."""
    prepared = database.prepare(rebuild=options.rebuild_database, prepare_named=options.prepare_database)
    from django.test import Client
    from django.utils import timezone

    from carechoices.medicines import load_vocabulary
    from carechoices.screening.content import live_therapies
    from carechoices.screening.engine import screen
    from carechoices.screening.models import ScreenRequest

    client = Client()
    body, api_body = request_body(), screen_body()
    first = client.post(PATH, body, content_type="application/json")
    if first.status_code != 200:
        raise RuntimeError(f"{PATH} answered {first.status_code}: {first.content[:300]!r}")
    cards = first.json()["cards"]
    rules = live_therapies()[database.LDN_SLUG].rules
    request = ScreenRequest(medicines=tuple(SCREEN_MEDICINES), dose_mg=LDN_DOSE_MG)
    vocabulary = load_vocabulary()
    today = timezone.localdate()

    actions = {
        "cds": lambda: client.post(PATH, body, content_type="application/json"),
        "api_screen": lambda: client.post("/api/v1/screen", api_body, content_type="application/json"),
        "engine": lambda: screen(request, [rules], vocabulary, today=today),
        "healthz": lambda: client.get(READY_PATH),
    }
    samples = time_round_robin(actions, options.screening_runs)
    timings = {name: summarise_ms(values) for name, values in samples.items()}
    cds_ms = timings["cds"]["median_ms"]
    ratios = {f"ratio_to_{name}": ratio(cds_ms, timings[name]["median_ms"]) for name in ("api_screen", "engine", "healthz")}
    rows = tuple(
        (_LABELS[name], f"{t['median_ms']:.2f}", f"{t['p95_ms']:.2f}",
         "1×" if name == "cds" else format_ratio(ratio(cds_ms, t["median_ms"])))
        for name, t in timings.items()
    )
    measured = Measured(
        figures={
            "medicines": len(SCREEN_MEDICINES),
            "request_bytes": len(body),
            "response_bytes": len(first.content),
            "cards": [(card["indicator"], card["source"].get("topic", {}).get("code", "")) for card in cards],
            "runs": options.screening_runs,
            "in_process_ms": timings,
            **ratios,
        },
        tables=[
            FigureTable(
                title=f"CDS Hooks order-sign, {len(SCREEN_MEDICINES)} active medicines, in process, "
                f"{options.screening_runs} runs",
                columns=("what", "median ms", "p95 ms", "CDS ÷ this"),
                rows=rows,
            )
        ],
        notes=[
            f"The answer has {len(cards)} cards ({', '.join(sorted({c['indicator'] for c in cards}))}); "
            "the CDS Hooks specification asks for answers on the order of 500 ms.",
            "CDS ÷ api_screen near 1 means reading FHIR and writing cards cost little next to the screen itself.",
        ],
    )
    try:
        http = compare_servers(
            Target(PATH, body=body, ready_path=READY_PATH),
            dataclasses.replace(options, connections=CONNECTIONS),
            prepared.url,
        )
    except SectionSkipped as skipped:
        measured.notes.append(f"Over HTTP: not measured ({skipped.reason})")
        return measured
    measured.figures["http"] = http.figures
    measured.tables.extend(http.tables)
    measured.notes.extend(http.notes)
    measured.notes.append(
        "Over HTTP, card uuids differ per answer; nginx sends the first answer's bytes (same size)."
    )
    return measured


SECTION: Final = Section("cds-hooks", "CDS Hooks order-sign, 20 active medicines: in process and over HTTP", run)
