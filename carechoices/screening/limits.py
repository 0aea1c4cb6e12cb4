"""Input limits of the screen, and the one validator the API, the form and the CLI share.

``parse_request`` turns a JSON-like payload into a ``ScreenRequest`` or raises ``InputError``
naming the field as a JSON path ("medicines[3]", "procedures[0].date") and saying what is wrong,
so every entry point gives the same message (HTTP 4xx, form error, CLI exit 2).

Limits (why: the screen is for one person's list; anything bigger is a mistake or an attack, and
the limits keep every request cheap):

================  ============================================================================
field             accepted
================  ============================================================================
(body)            an object with only the keys below
therapies         optional; a non-empty list of at most 20 therapy slugs (kebab case); leave the
                  key out to screen every therapy
medicines         optional; a list of at most 50 texts
conditions        optional; a list of at most 20 texts
procedures        optional; a list of at most 10 objects ``{"type": "surgery", "date": ...}``;
                  ``date`` is optional, ``YYYY-MM-DD`` or null, and must be a real calendar date
                  within 10 years of today
dose_mg           optional; null or a number more than 0 and at most 1000
cancer_type       optional; null or a text
time_zone         optional; null or an IANA time zone name (e.g. Europe/London): it decides
                  what "today" is for the person, so stop days already passed are said plainly
================  ============================================================================

Every text is at most 200 characters, not empty or only spaces, and has no control characters
(tabs and line breaks included); surrounding spaces are removed. Error messages name the field
but never repeat what the person typed, because that is never stored or logged.
"""

from __future__ import annotations

import datetime
import functools
import math
import re
import unicodedata
import zoneinfo
from collections.abc import Collection, Mapping
from typing import Final

from carechoices.screening.models import PROCEDURE_TYPES, Procedure, ScreenRequest

MAX_MEDICINES: Final[int] = 50
MAX_CONDITIONS: Final[int] = 20
MAX_PROCEDURES: Final[int] = 10
MAX_THERAPIES: Final[int] = 20
MAX_TEXT_LENGTH: Final[int] = 200
MAX_DOSE_MG: Final[float] = 1000
MAX_YEARS_FROM_TODAY: Final[int] = 10

FIELDS: Final[tuple[str, ...]] = (
    "therapies",
    "medicines",
    "conditions",
    "procedures",
    "dose_mg",
    "cancer_type",
    "time_zone",
)
PROCEDURE_FIELDS: Final[tuple[str, ...]] = ("type", "date")

# All limits in one place, e.g. for the OpenAPI description and the form's help text.
LIMITS: Final[dict[str, int | float]] = {
    "medicines": MAX_MEDICINES,
    "conditions": MAX_CONDITIONS,
    "procedures": MAX_PROCEDURES,
    "therapies": MAX_THERAPIES,
    "text_length": MAX_TEXT_LENGTH,
    "dose_mg": MAX_DOSE_MG,
}

# Control characters, lone surrogates (unencodable) and line/paragraph separators.
_FORBIDDEN_CATEGORIES: Final[frozenset[str]] = frozenset({"Cc", "Cs", "Zl", "Zp"})
_ISO_DATE: Final[re.Pattern[str]] = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SLUG: Final[re.Pattern[str]] = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_PLAIN_KEY: Final[re.Pattern[str]] = re.compile(r"[A-Za-z0-9_.\-]{1,40}")


class InputError(ValueError):
    """A request field is wrong; ``field`` is a JSON path, ``message`` says what to fix."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")

    def as_json(self) -> dict[str, str]:
        """The error as the API returns it."""
        return {"field": self.field, "message": self.message}


def parse_request(
    payload: object,
    *,
    therapy_slugs: Collection[str] | None = None,
    require_input: bool = False,
) -> ScreenRequest:
    """Validate a screen request body and build the ``ScreenRequest``.

    ``therapy_slugs``, when given, are the known therapies, so an unknown slug is reported as
    an ``InputError`` on ``therapies[i]`` rather than left to the engine. ``require_input``
    refuses a request with no medicine, condition or procedure: a screen of nothing would
    report "no known concerns" without having checked anything about the person. Raises
    ``InputError`` for the first problem found, checking fields in a fixed order.
    """
    if not isinstance(payload, Mapping):
        raise InputError("body", "must be a JSON object")
    for key in payload:
        if not isinstance(key, str) or key not in FIELDS:
            raise InputError(_key_path(key), f"is not a known field; use: {', '.join(FIELDS)}")

    therapies = _therapies(payload["therapies"], therapy_slugs) if "therapies" in payload else None
    medicines = _texts(payload.get("medicines", []), "medicines", MAX_MEDICINES, "medicines")
    conditions = _texts(payload.get("conditions", []), "conditions", MAX_CONDITIONS, "conditions")
    procedures = _procedures(payload.get("procedures", []))
    dose_mg = _dose(payload.get("dose_mg"))
    cancer_type = payload.get("cancer_type")
    if cancer_type is not None:
        cancer_type = _text(cancer_type, "cancer_type")
    time_zone = parse_time_zone(payload.get("time_zone"), "time_zone")
    if require_input and not (medicines or conditions or procedures):
        raise InputError(
            "medicines", "give at least one medicine, condition or planned procedure to check"
        )
    return ScreenRequest(
        medicines=medicines,
        conditions=conditions,
        procedures=procedures,
        dose_mg=dose_mg,
        cancer_type=cancer_type,
        therapies=therapies,
        time_zone=time_zone,
    )


def _key_path(key: object, prefix: str = "") -> str:
    """A field path for an unexpected key, without echoing odd or long keys."""
    if isinstance(key, str) and _PLAIN_KEY.fullmatch(key):
        return f"{prefix}.{key}" if prefix else key
    return prefix or "body"


def _text(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise InputError(field, "must be a string")
    # Length first, so a huge string is rejected before it is scanned.
    if len(value) > MAX_TEXT_LENGTH:
        raise InputError(field, f"must be at most {MAX_TEXT_LENGTH} characters")
    # A printable string has no character of those categories (nor any other control or
    # separator but the space): only the rare other string is read character by character.
    if not value.isprintable() and any(
        unicodedata.category(char) in _FORBIDDEN_CATEGORIES for char in value
    ):
        raise InputError(field, "must not contain control characters such as tabs or line breaks")
    text = value.strip()
    if not text:
        raise InputError(field, "must not be empty")
    return text


def _list(value: object, field: str, limit: int, noun: str) -> list[object] | tuple[object, ...]:
    if not isinstance(value, list | tuple):
        raise InputError(field, f"must be a list of {noun}")
    # Count first, so 20,000 entries are rejected without looking at any of them.
    if len(value) > limit:
        raise InputError(field, f"must have at most {limit} {noun}")
    return value


def _texts(value: object, field: str, limit: int, noun: str) -> tuple[str, ...]:
    items = _list(value, field, limit, noun)
    return tuple(_text(item, f"{field}[{i}]") for i, item in enumerate(items))


def _therapies(value: object, known: Collection[str] | None) -> tuple[str, ...]:
    items = _list(value, "therapies", MAX_THERAPIES, "therapy slugs")
    if not items:
        raise InputError("therapies", "must name at least one therapy; leave it out for all")
    slugs: list[str] = []
    for i, item in enumerate(items):
        field = f"therapies[{i}]"
        if not isinstance(item, str):
            raise InputError(field, "must be a string")
        if len(item) > MAX_TEXT_LENGTH or not _SLUG.fullmatch(item):
            raise InputError(field, "must be a therapy slug such as low-dose-naltrexone")
        if known is not None and item not in known:
            raise InputError(field, f"is not a known therapy; use: {', '.join(sorted(known))}")
        if item not in slugs:
            slugs.append(item)
    return tuple(slugs)


def _procedures(value: object) -> tuple[Procedure, ...]:
    items = _list(value, "procedures", MAX_PROCEDURES, "procedures")
    procedures: list[Procedure] = []
    for i, item in enumerate(items):
        field = f"procedures[{i}]"
        if not isinstance(item, Mapping):
            raise InputError(
                field, 'must be an object like {"type": "surgery", "date": "YYYY-MM-DD"}'
            )
        for key in item:
            if not isinstance(key, str) or key not in PROCEDURE_FIELDS:
                raise InputError(
                    _key_path(key, field),
                    f"is not a known field; use: {', '.join(PROCEDURE_FIELDS)}",
                )
        if "type" not in item:
            raise InputError(f"{field}.type", "is required")
        kind = item["type"]
        if not isinstance(kind, str) or kind not in PROCEDURE_TYPES:
            raise InputError(f"{field}.type", f"must be one of: {', '.join(PROCEDURE_TYPES)}")
        procedures.append(Procedure(type=kind, date=_date(item.get("date"), f"{field}.date")))
    return tuple(procedures)


def _date(value: object, field: str) -> datetime.date | None:
    if value is None:
        return None
    # A form may hand over a date object; a datetime (a date subclass) is not a date.
    if type(value) is datetime.date:
        return check_date_range(value, field)
    message = "must be a real calendar date written YYYY-MM-DD"
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise InputError(field, message)
    try:
        parsed = datetime.date.fromisoformat(value)
    except ValueError:  # e.g. 2026-02-30 or 2026-13-01
        raise InputError(field, message) from None
    return check_date_range(parsed, field)


def check_date_range(value: datetime.date, field: str) -> datetime.date:
    """Refuse dates too far from today to be a real plan (and that would overflow date sums)."""
    today = datetime.date.today()
    low = today.replace(year=today.year - MAX_YEARS_FROM_TODAY, day=min(today.day, 28))
    high = today.replace(year=today.year + MAX_YEARS_FROM_TODAY, day=min(today.day, 28))
    if not low <= value <= high:
        raise InputError(field, f"must be within {MAX_YEARS_FROM_TODAY} years of today")
    return value


def _dose(value: object) -> float | None:
    if value is None:
        return None
    # bool is an int in Python but true/false is not a dose.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError("dose_mg", "must be a number of milligrams, or null")
    if isinstance(value, float) and not math.isfinite(value):
        raise InputError("dose_mg", "must be a finite number")
    # Zero is refused too: a 0 mg dose would silently switch off dose-limited rules.
    if value <= 0:
        raise InputError("dose_mg", "must be more than 0; leave it out if the dose is not known")
    if value > MAX_DOSE_MG:
        raise InputError("dose_mg", f"must be at most {MAX_DOSE_MG:g} mg")
    return float(value)


# Names zoneinfo can load that are not a place's IANA zone.
_NOT_PLACE_ZONES: Final[frozenset[str]] = frozenset({"localtime", "Factory", "posixrules"})


@functools.cache
def known_time_zones() -> frozenset[str]:
    """IANA zones of places (scanning the tz database takes tens of milliseconds: once)."""
    return frozenset(zoneinfo.available_timezones()) - _NOT_PLACE_ZONES


def _zone_table() -> str:
    """The tz database's ``zone.tab`` (one canonical zone per line), or "" if none is installed."""
    try:
        import importlib.resources

        return (importlib.resources.files("tzdata") / "zoneinfo" / "zone.tab").read_text("utf-8")
    except (ImportError, OSError):
        for folder in zoneinfo.TZPATH:
            try:
                with open(f"{folder}/zone.tab", encoding="utf-8") as table:
                    return table.read()
            except OSError:
                continue
    return ""


@functools.cache
def place_time_zones() -> tuple[str, ...]:
    """The zones to offer people, sorted: each place's one canonical zone, and UTC.

    ``known_time_zones()`` also accepts the database's old aliases ("US/Eastern", "Eire") so
    that no valid answer is refused, but a list to choose from shows each place once.
    """
    known = known_time_zones()
    listed = {
        line.split("\t")[2]
        for line in _zone_table().splitlines()
        if line and not line.startswith("#") and len(line.split("\t")) >= 3
    }
    zones = (listed & known) or {zone for zone in known if "/" in zone and not zone.startswith(("Etc/", "SystemV/"))}
    return tuple(sorted(zones | ({"UTC"} & known)))


def time_zone_suggestions(value: str, *, limit: int = 3) -> tuple[str, ...]:
    """Zones whose place matches what was typed: "london" -> ("Europe/London",)."""
    wanted = value.strip().casefold().replace(" ", "_")
    if not wanted:
        return ()
    places = place_time_zones()
    exact = [zone for zone in places if zone.rsplit("/", 1)[-1].casefold() == wanted]
    partial = [zone for zone in places if wanted in zone.casefold() and zone not in exact]
    return tuple((exact + partial)[:limit])


def parse_time_zone(value: object, field: str) -> str | None:
    """An IANA zone name of a place, or None for None; else ``InputError`` naming ``field``."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > 64:
        raise InputError(field, "must be an IANA time zone name such as Europe/London")
    if value not in known_time_zones():
        suggestions = time_zone_suggestions(value)
        hint = f"did you mean {' or '.join(suggestions)}?" if suggestions else "e.g. Europe/London, America/New_York"
        raise InputError(field, f"is not a known IANA time zone name ({hint})")
    return value


def today_in(time_zone: str | None) -> datetime.date:
    """Today's date where the person is (UTC when no zone was given)."""
    zone = zoneinfo.ZoneInfo(time_zone or "UTC")
    return datetime.datetime.now(zone).date()


def parse_date(value: object, field: str) -> datetime.date | None:
    """A ``YYYY-MM-DD`` date within the accepted range, or None for None; else ``InputError``."""
    return _date(value, field)
