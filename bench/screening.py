"""Sections screening, screen-api and cds-hooks: one list of twenty medicines, every live review.

The rules are the real ones (``live_therapies()`` on the bench database), and so is the
vocabulary. ``screening`` times ``screen()`` against the vocabulary lookups alone and
``json.dumps`` of its result; ``screen-api`` and the HTTP half of ``cds-hooks`` load gunicorn
against nginx sending the same bytes; ``cds-hooks`` times ``order-sign`` in process against
``POST /api/v1/screen`` with the same medicines, the engine alone and ``/healthz``.
Importing this module does not import Django.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final

from bench import common, web
from bench.common import HEALTHZ, LDN_SLUG, Result, prepare, ratio, timing_row

API_PATH: Final = "/api/v1/screen"
CDS_PATH: Final = "/cds-services/order-sign"
CDS_CONNECTIONS: Final = 20
LDN_DOSE_MG: Final = 4.5
RXNORM: Final = "http://www.nlm.nih.gov/research/umls/rxnorm"

# Twenty entries, as a person might type their list. They are only inputs: which of them the
# vocabulary recognises is reported (figures["inputs"]), not assumed.
SCREEN_MEDICINES: Final[tuple[str, ...]] = (
    "Ultram", "Synthroid", "Prograf", "Advil", "Lipitor", "Zoloft",  # brand names
    # combination products, by brand and by ingredients
    "Percocet", "Tylenol with Codeine", "Robitussin DM", "oxycodone/acetaminophen", "Suboxone",
    # generic names, one with its strength and release form
    "metformin", "rituximab", "omeprazole", "metoprolol succinate ER 25 mg",
    "tramadoll", "levothyroxin", "ibuprofin",  # misspellings: fuzzy suggestions, the dearest
    "water pill", "blood pressure pill",  # descriptions no vocabulary can recognise
)
LABELS: Final = {
    "engine": "engine: screen() for the whole request",
    "lookups": "baseline: vocabulary lookups alone",
    "json_dumps": "baseline: json.dumps(result)",
    "service": "run_screen(payload): validation + rules cache + engine",
    "service_cold": "run_screen(payload), every CPU cache evicted before each call",
    "cds": f"POST {CDS_PATH} (test client)",
    "api_screen": f"baseline: POST {API_PATH}, same medicines, LDN",
    "cds_engine": "baseline: screen() alone, same medicines, LDN",
    "healthz": f"baseline: GET {HEALTHZ} (middleware only)",
}


CACHE_LINE: Final = 64
#: Where Linux lists the CPU caches; without it, a size above any common last-level cache.
CPU_CACHES: Final = Path("/sys/devices/system/cpu/cpu0/cache")
FALLBACK_EVICT_BYTES: Final = 128 * 1024 * 1024


def evict_bytes(caches: Path = CPU_CACHES) -> int:
    """Twice the largest CPU cache (the shared last level): writing that much evicts them all."""
    sizes = []
    for size_file in caches.glob("index*/size"):
        text = size_file.read_text().strip().upper()
        scale = {"K": 1024, "M": 1024 * 1024}.get(text[-1:], 1)
        digits = text.rstrip("KM")
        if digits.isdigit():
            sizes.append(int(digits) * scale)
    return 2 * max(sizes) if sizes else FALLBACK_EVICT_BYTES


def evict_caches(buffer: bytearray) -> None:
    """Write one byte of every cache line of ``buffer``: what a core held before is gone."""
    buffer[::CACHE_LINE] = bytes(len(range(0, len(buffer), CACHE_LINE)))


def time_cold(action: Callable[[], object], calls: int) -> list[int]:
    """Nanoseconds of each of ``calls`` calls of ``action``, the caches evicted before each
    (the eviction is not timed)."""
    buffer, samples = bytearray(evict_bytes()), []
    for _ in range(max(calls, 1)):
        evict_caches(buffer)
        start = time.perf_counter_ns()
        action()
        samples.append(time.perf_counter_ns() - start)
    return samples


def compact(data: Any) -> bytes:
    return json.dumps(data, separators=(",", ":")).encode("utf-8")


def request_body(medicines: Sequence[str] = SCREEN_MEDICINES) -> bytes:
    """The screen's request (PRODUCT.md's contract): the medicines, every therapy."""
    return compact({"medicines": list(medicines)})


def screen_body(medicines: Sequence[str] = SCREEN_MEDICINES) -> bytes:
    """The hook's question asked of ``POST /api/v1/screen``: these medicines, LDN at 4.5 mg."""
    return compact({"therapies": [LDN_SLUG], "medicines": list(medicines), "dose_mg": LDN_DOSE_MG})


def measure_screen(request: Any, therapies: Sequence[Any], vocabulary: Any, *, today: Any,
                   runs: int, service: Callable[[], object] | None = None) -> Result:
    """``screen()`` against the vocabulary lookups alone and ``json.dumps`` of its result.

    ``lookups:<status>`` looks up only the names the vocabulary gave that status: where the
    lookup time goes (a misspelt name goes through fuzzy matching, an exact one does not).
    """
    from carechoices.screening.engine import screen

    result = screen(request, therapies, vocabulary, today=today).to_json()
    actions: dict[str, Callable[[], object]] = {
        "engine": lambda: screen(request, therapies, vocabulary, today=today),
        "lookups": lambda: [vocabulary.lookup_medicine(text) for text in request.medicines]
        + [vocabulary.lookup_condition(text) for text in request.conditions]}
    by_status: dict[str, list[str]] = {}
    for entry in result["inputs"]:
        if entry.get("kind", "medicine") == "medicine":
            by_status.setdefault(entry["status"], []).append(entry["input"])
    for status, texts in by_status.items():
        actions[f"lookups:{status}"] = lambda texts=texts: [vocabulary.lookup_medicine(text)
                                                            for text in texts]
    actions["json_dumps"] = lambda: json.dumps(result)
    if service is not None:
        actions["service"] = service
    samples = common.time_round_robin(actions, runs)
    if service is not None:
        # Through the stack the screen shares the CPUs and their caches with the other worker,
        # nginx and wrk, so a request finds little of the vocabulary it needs still cached.
        samples["service_cold"] = time_cold(service, runs * 10)
    timings = {name: common.summarise_ms(values) for name, values in samples.items()}
    engine_ms, lookups_ms = timings["engine"]["median_ms"], timings["lookups"]["median_ms"]
    rows = [timing_row(f"  of which the {len(by_status[name[8:]])} {name[8:]} names", timing,
                       f"{ratio(timing['median_ms'], lookups_ms) or 0:.0%} of lookups", digits=3)
            if name.startswith("lookups:") else
            timing_row(LABELS[name], timing, ratio(engine_ms, timing["median_ms"]), digits=3)
            for name, timing in timings.items()]
    statuses = dict(sorted(Counter(entry["status"] for entry in result["inputs"]).items()))
    findings = sum(len(therapy["findings"]) for therapy in result["therapies"])
    rules = sum(len(therapy.rules) for therapy in therapies)
    cold = (ratio(timings["service_cold"]["median_ms"], timings["service"]["median_ms"])
            if service is not None else None)
    return Result(
        {"medicines": len(request.medicines), "therapies": len(therapies), "rules": rules,
         "runs": runs, "findings": findings, "inputs": statuses, "times_ms": timings,
         "verdicts": {t["therapy"]: t["verdict"] for t in result["therapies"]},
         "rules_per_therapy": {t.slug: len(t.rules) for t in therapies},
         "ratio_to_lookups": ratio(engine_ms, lookups_ms),
         "ratio_to_json_dumps": ratio(engine_ms, timings["json_dumps"]["median_ms"]),
         "service_cold_ratio_to_service": cold},
        [(f"Screen: {len(request.medicines)} medicines × {len(therapies)} therapies ({rules} "
          f"rules), {len(samples['engine'])} timed calls of each, in {runs} round-robin rounds",
          ("what", "median ms", "p95 ms", "engine ÷ this"), rows)],
        ["Inputs: " + ", ".join(f"{count} {status}" for status, count in statuses.items())
         + f"; {findings} findings. engine ÷ lookups near 1: the vocabulary is the cost.",
         *([f"Caches evicted before each call, run_screen takes {common.format_ratio(cold)} "
            "its time in the round robin: through the stack every request starts that way."]
           if cold is not None else [])],
    )


def run_engine(options: Any) -> Result:
    """The screening engine on the live rules and the real vocabulary, with its baselines."""
    prepare(options)
    from django.utils import timezone

    from carechoices.medicines import load_vocabulary
    from carechoices.screening.content import live_therapies
    from carechoices.screening.limits import parse_request
    from carechoices.screening.service import run_screen

    payload, today, compiled = json.loads(request_body()), timezone.localdate(), live_therapies()
    return measure_screen(parse_request(payload, therapy_slugs=list(compiled)),
                          [content.rules for content in compiled.values()], load_vocabulary(),
                          today=today, runs=options.screening_runs,
                          service=lambda: run_screen(payload, today=today))


def run_api(options: Any) -> Result:
    """``POST /api/v1/screen`` from gunicorn against nginx answering the same POST."""
    web.binaries()  # skip before touching the database when a tool is missing
    database_url = prepare(options)
    return web.compare(API_PATH, options, database_url, body=request_body())


def _bundle(resources: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": kind, "entry": [{"resource": r} for r in resources]}


def order_sign_request(medicines: Sequence[str] = SCREEN_MEDICINES) -> dict[str, Any]:
    """The hook call: a draft LDN order, ``medicines`` as active orders, every required key."""
    subject = {"reference": "Patient/bench-patient"}
    active = [{"resourceType": "MedicationRequest", "id": f"rx-{number}", "status": "active",
               "intent": "order", "subject": subject, "medicationCodeableConcept": {"text": name}}
              for number, name in enumerate(medicines, 1)]
    dose = {"doseQuantity": {"value": LDN_DOSE_MG, "unit": "mg", "code": "mg"}}
    draft = {"resourceType": "MedicationRequest", "id": "draft-ldn", "status": "draft",
             "intent": "order", "subject": subject, "dosageInstruction": [{"doseAndRate": [dose]}],
             "medicationCodeableConcept": {
                 "coding": [{"system": RXNORM, "code": "1483", "display": "naltrexone"}],
                 "text": "naltrexone 4.5 MG Oral Capsule"}}
    empty = {name: _bundle([], "searchset") for name in ("statements", "conditions", "procedures")}
    return {"hook": "order-sign", "hookInstance": "00000000-0000-4000-8000-000000000000",
            "context": {"userId": "Practitioner/bench", "patientId": "bench-patient",
                        "draftOrders": _bundle([draft], "collection")},
            "prefetch": {"medications": _bundle(active, "searchset"), **empty}}


def run_cds(options: Any) -> Result:
    """The hook call in process against its baselines, then over HTTP against nginx."""
    database_url = prepare(options)
    from django.test import Client
    from django.utils import timezone

    from carechoices.medicines import load_vocabulary
    from carechoices.screening.content import live_therapies
    from carechoices.screening.engine import screen
    from carechoices.screening.models import ScreenRequest

    client, body, api_body = Client(), compact(order_sign_request()), screen_body()
    first = client.post(CDS_PATH, body, content_type="application/json")
    if first.status_code != 200:
        raise RuntimeError(f"{CDS_PATH} answered {first.status_code}: {first.content[:300]!r}")
    cards = first.json()["cards"]
    rules = live_therapies()[LDN_SLUG].rules
    request = ScreenRequest(medicines=tuple(SCREEN_MEDICINES), dose_mg=LDN_DOSE_MG)
    vocabulary, today = load_vocabulary(), timezone.localdate()
    samples = common.time_round_robin({
        "cds": lambda: client.post(CDS_PATH, body, content_type="application/json"),
        "api_screen": lambda: client.post(API_PATH, api_body, content_type="application/json"),
        "cds_engine": lambda: screen(request, [rules], vocabulary, today=today),
        "healthz": lambda: client.get(HEALTHZ),
    }, options.screening_runs)
    timings = {name: common.summarise_ms(values) for name, values in samples.items()}
    ratios = {name: ratio(timings["cds"]["median_ms"], t["median_ms"]) for name, t in timings.items()}
    measured = Result(
        {"medicines": len(SCREEN_MEDICINES), "request_bytes": len(body),
         "response_bytes": len(first.content), "runs": options.screening_runs,
         "cards": [(c["indicator"], c["source"].get("topic", {}).get("code", "")) for c in cards],
         "in_process_ms": timings, "ratio_to_api_screen": ratios["api_screen"],
         "ratio_to_engine": ratios["cds_engine"], "ratio_to_healthz": ratios["healthz"]},
        [(f"CDS Hooks order-sign, 20 active medicines, in process, {options.screening_runs} runs",
          ("what", "median ms", "p95 ms", "CDS ÷ this"),
          [timing_row(LABELS[name], t, ratios[name]) for name, t in timings.items()])],
        [f"{len(cards)} cards ({', '.join(sorted({c['indicator'] for c in cards}))}); the CDS "
         "Hooks specification asks for answers on the order of 500 ms."],
    )
    try:
        http = web.compare(CDS_PATH, options, database_url, body=body, connections=CDS_CONNECTIONS)
    except common.Skipped as skipped:
        measured.notes.append(f"Over HTTP: not measured ({skipped})")
        return measured
    measured.figures["http"] = http.figures
    measured.tables += http.tables
    measured.notes += [*http.notes, "Card uuids differ per answer; nginx sends the first "
                       "answer's bytes (the same size)."]
    return measured
