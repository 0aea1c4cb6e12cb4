"""The personal safety screen and the start plan, driven in a browser from the LDN review.

One person's journey: on LDN's overview they follow "Check it for me", enter an opioid
(tramadol), a misspelling of it, Hashimoto's and a planned surgery, confirm the "did you mean"
suggestion, make a start plan, and download it as a calendar and as a PDF for their doctor.

Expected dates come from the LDN sample content (carechoices/demo/content/low-dose-naltrexone.toml)
and the calculator's documented choices (carechoices/plans/calculator.py):

* "opioid-medicines" (avoid) says to wait until the opioid has left the body, which no source
  dates: the person gives the opioid-free date their prescriber confirmed, and the first dose
  is on that day (nothing else is invented);
* "surgery" (caution) asks for a stop 1–2 days before; the plan stops at the earlier, 2 days;
* a recognised Hashimoto's selects the protocol written for "hashimotos-thyroiditis": a
  condition-specific protocol wins over the standard ones even without thyroid hormone
  (``choose_protocol``), so the plan starts at 0.25 mg at bedtime and dates nothing after that
  (the protocol leaves the pace to the prescriber).
"""

from __future__ import annotations

import datetime
import io
import re
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import Download, Page, expect
from pypdf import PdfReader

from tests.functional.conftest import ARTIFACTS, LDN, artifact_path, pdf_text, screenshot
from tests.functional.test_phone import OVERFLOWING_JS

THERAPY = "Low-dose naltrexone (LDN)"
ZONE = "Europe/London"
MISSPELLING = "tramadoll"
SUGGESTION_BUTTON = "Yes, check “tramadol” instead of “tramadoll”"
NOT_CHECKED = "Not checked — ask your pharmacist"
MAKE_PLAN_BUTTON = f"Make a start plan for {THERAPY}"
# The prescriber-confirmed opioid-free day (after the start) and the surgery stop's earliest day.
OPIOID_FREE_AFTER_START = 20
STOP_DAYS_BEFORE_SURGERY = 2
# The Hashimoto's protocol: 0.25 mg at bedtime, no dated increase; the plan's dose time is 21:00.
HASHIMOTO_PROTOCOL = "Hashimoto's thyroiditis: the lowest start"
FIRST_DOSE_TIME = datetime.time(21, 0)


class Dates:
    """The journey's dates, counted from the server's today (settings.TIME_ZONE)."""

    def __init__(self) -> None:
        today = timezone.localdate()
        self.surgery_in_days = 60
        self.surgery = today + datetime.timedelta(days=self.surgery_in_days)
        self.start = today + datetime.timedelta(days=30)
        self.first_dose = self.start + datetime.timedelta(days=OPIOID_FREE_AFTER_START)
        self.surgery_stop = self.surgery - datetime.timedelta(days=STOP_DAYS_BEFORE_SURGERY)

    def day(self, offset_from_first_dose: int) -> str:
        """An ISO date ``offset_from_first_dose`` days after the first dose."""
        return (self.first_dose + datetime.timedelta(days=offset_from_first_dose)).isoformat()


def submit_screen(page: Page, dates: Dates) -> None:
    """From the LDN overview, follow "Check it for me", fill the screen form and submit it."""
    page.goto(LDN)
    check_link = page.get_by_role("link", name="Check it for me")
    expect(check_link).to_have_attribute("href", LDN + "check/")
    check_link.click()
    expect(page).to_have_url(re.compile(re.escape(LDN + "check/") + "$"))
    page.get_by_label("Medicines and supplements you take").fill(f"tramadol 50 mg\n{MISSPELLING}")
    page.get_by_label("Health conditions").fill("Hashimoto's")
    page.get_by_label("I have surgery planned").check()
    page.get_by_label("Date of the surgery, if known").fill(dates.surgery.isoformat())
    page.get_by_role("button", name="Check it for me").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What we found")
    # posted: nothing the person entered is in the address
    expect(page).to_have_url(re.compile(re.escape(LDN + "check/") + "$"))


def open_plan_form(page: Page) -> None:
    """From a results page, ask for a start plan (a POST: the answers stay out of the URL)."""
    page.get_by_role("button", name=MAKE_PLAN_BUTTON).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Make a start plan for {THERAPY}")
    expect(page).to_have_url(re.compile(r"/plan/$"))


def human(day: datetime.date) -> str:
    return f"{day.day} {day:%B} {day.year}"


def submit_plan(page: Page, dates: Dates) -> None:
    """On the plan form, give the start date, the time zone and the opioid answers, and submit."""
    page.get_by_label("When do you plan to start?").fill(dates.start.isoformat())
    zone = page.get_by_label("Your time zone")
    zone.clear()  # a script may have filled in the browser's own zone
    zone.fill(ZONE)
    page.get_by_label("Yes, I take opioid pain medicine every day").check()
    page.get_by_label("Opioid-free from (confirmed by your prescriber)").fill(dates.first_dose.isoformat())
    page.get_by_role("button", name="Make my plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Your start plan for {THERAPY}")


def table_rows(page: Page, heading: str) -> list[list[str]]:
    """The body cells' text of the first table after the <h2> called ``heading``."""
    table = page.locator(f"xpath=//h2[normalize-space()='{heading}']/following::table[1]")
    return table.locator("tbody tr").evaluate_all(
        "rows => rows.map(r => [...r.cells].map(c => c.textContent.trim()))"
    )


def download(page: Page, button: str, name: str) -> tuple[Download, bytes]:
    """Click a download button, keep the file under test-artifacts/ and return its bytes."""
    with page.expect_download() as info:
        page.get_by_role("button", name=button).click()
    file = info.value
    path = artifact_path(name, ARTIFACTS)
    file.save_as(path)
    return file, path.read_bytes()


def assert_prints_without_buttons(page: Page, name: str) -> None:
    """In print media every .no-print element and every form button is hidden."""
    on_screen = page.locator("button").evaluate_all(
        "els => els.filter(el => el.checkVisibility()).length"
    )
    assert on_screen > 0, f"{name}: no button on screen, so nothing to hide in print"
    page.emulate_media(media="print")
    try:
        no_print = page.locator(".no-print")
        assert no_print.count() > 0, f"{name}: no .no-print element to hide"
        shown = no_print.evaluate_all(
            "els => els.filter(el => el.checkVisibility()).map(el => el.outerHTML.slice(0, 80))"
        )
        assert shown == [], f"{name}: .no-print elements still shown in print: {shown}"
        visible_buttons = page.locator("button").evaluate_all(
            "els => els.filter(el => el.checkVisibility()).map(el => el.textContent.trim())"
        )
        assert visible_buttons == [], f"{name}: buttons shown in print: {visible_buttons}"
        screenshot(page, f"print-{name}")
    finally:
        page.emulate_media(media="screen")


def assert_no_sideways_scroll(page: Page, name: str) -> None:
    """The page is no wider than the viewport; the message names what sticks out."""
    scroll_width, client_width = page.evaluate(
        "() => [document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"
    )
    screenshot(page, f"phone-375-{name}")
    assert scroll_width <= client_width, (
        f"{name} is {scroll_width}px wide in a {client_width}px screen: "
        f"{page.evaluate(OVERFLOWING_JS)}"
    )


@pytest.mark.functional
def test_screen_then_plan_from_ldn_review_gives_results_plan_calendar_and_pdf(page: Page) -> None:
    dates = Dates()

    # --- the screen --------------------------------------------------------------------------
    # Act
    submit_screen(page, dates)
    screenshot(page, "screen-results-with-misspelling")

    # Assert: an "Avoid" verdict for LDN, findings grouped by severity
    verdict_heading = page.get_by_role(
        "heading", level=2, name=re.compile(f"^{re.escape(THERAPY)}:")
    )
    expect(verdict_heading).to_have_text(f"{THERAPY}: Avoid")
    result = page.locator("section.therapy-result")
    expect(result.locator("h3")).to_have_text(["Avoid", "Caution"])
    expect(result.locator("li.severity-avoid")).to_contain_text("opioid")
    expect(result.locator("li.severity-caution")).to_contain_text("surgery")
    # ...the misspelling is listed as not checked, with a suggestion to confirm
    not_checked = page.locator("section.not-checked")
    expect(not_checked.get_by_role("heading", level=2)).to_have_text(NOT_CHECKED)
    expect(not_checked.locator("li")).to_have_count(1)
    expect(not_checked.locator("li strong")).to_have_text(MISSPELLING)
    expect(not_checked.get_by_role("button", name=SUGGESTION_BUTTON)).to_be_visible()
    # ...and nothing is called "safe": not a verdict, not anywhere on the page
    verdicts = page.locator(".verdict").all_text_contents()
    assert verdicts == ["Avoid"]
    main_text = page.locator("main").text_content() or ""  # closed <details> included
    assert not re.search(r"\bsafe\b", main_text, re.IGNORECASE), "the results say 'safe'"
    # ...and printing it leaves out the buttons (suggestion, start plan, print)
    assert_prints_without_buttons(page, "screen-results")

    # Arrange: the professional detail starts closed
    details = result.locator("details.professional").first
    references = details.locator("ol.reference-list > li")
    assert details.get_attribute("open") is None
    expect(references.first).to_be_hidden()

    # Act
    details.locator("summary").click()

    # Assert: it opens on the detail and its references
    expect(details).to_have_attribute("open", "")
    expect(details.locator("p").first).to_contain_text("opioid-receptor antagonist")
    expect(references.first).to_be_visible()
    expect(references.first).to_contain_text("Bihari B")
    details.scroll_into_view_if_needed()
    screenshot(page, "screen-results-professional-detail-open", full_page=False)

    # Act: confirm the suggestion
    page.get_by_role("button", name=SUGGESTION_BUTTON).click()

    # Assert: everything is now recognised, and the verdict is unchanged
    expect(page.get_by_role("heading", level=1)).to_have_text("What we found")
    expect(page.get_by_role("heading", name=NOT_CHECKED)).to_have_count(0)
    expect(page.locator("section.not-checked")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text(MISSPELLING)
    expect(verdict_heading).to_have_text(f"{THERAPY}: Avoid")
    understood = page.locator("table.inputs-table tbody tr > :first-child")
    expect(understood).to_have_text(
        [
            "tramadol 50 mg (medicine)",
            "tramadol (medicine)",
            "Hashimoto's (condition)",
            f"surgery on {human(dates.surgery)}, in {dates.surgery_in_days} days (procedure)",
        ]
    )
    screenshot(page, "screen-results-after-suggestion")

    # --- the start plan ----------------------------------------------------------------------
    # Arrange: the plan form carries the screen's answers over
    open_plan_form(page)
    expect(page.get_by_label("Medicines and supplements you take")).to_have_value(
        "tramadol 50 mg\ntramadol"
    )
    expect(page.get_by_label("Health conditions")).to_have_value("Hashimoto's")
    expect(page.get_by_label("Date of planned surgery, if known")).to_have_value(
        dates.surgery.isoformat()
    )
    browser_zone = page.evaluate("() => Intl.DateTimeFormat().resolvedOptions().timeZone")
    expect(page.get_by_label("Your time zone")).to_have_value(browser_zone)
    screenshot(page, "plan-form")

    # Act
    submit_plan(page, dates)
    screenshot(page, "plan-page")

    # Assert: the pauses: no dose until the confirmed opioid-free day, then the stop before surgery
    wait, surgery_stop = table_rows(page, "Pauses")
    assert wait[:3] == [
        "Waiting for the opioid to leave your body",
        human(dates.start),
        human(dates.first_dose - datetime.timedelta(days=1)),
    ]
    assert human(dates.first_dose) in wait[3]
    assert surgery_stop[:3] == ["Stop for surgery", human(dates.surgery_stop), "no date: when your physician clears it"]
    assert surgery_stop[3].startswith(f"Surgery on {human(dates.surgery)}")
    # ...the Hashimoto's protocol's low start on the opioid-free day, stopped 2 days before surgery
    expect(page.locator("main")).to_contain_text(
        f"Schedule: {HASHIMOTO_PROTOCOL}. First dose: {human(dates.first_dose)}, "
        f"in {(dates.first_dose - timezone.localdate()).days} days (dates in {ZONE})."
    )
    # The protocol dates only its 0.25 mg start (the pace after it is the prescriber's call);
    # the surgery stop cuts that open-ended step.
    assert table_rows(page, "Dose steps") == [
        [
            "Step 1",
            "0.25 mg",
            human(dates.first_dose),
            f"onwards, as your prescriber decides (no doses from {human(dates.surgery_stop)}: surgery)",
            "at bedtime",
        ],
    ]
    # ...and, with everything recognised, no "not checked" warning
    expect(page.locator("main")).not_to_contain_text("Not checked")
    assert_prints_without_buttons(page, "plan-page")

    # --- the downloads -----------------------------------------------------------------------
    # Act
    ics_file, ics = download(page, "Download calendar (.ics)", "ldn-start-plan.ics")
    pdf_file, pdf = download(page, "Download PDF for your doctor", "ldn-start-plan.pdf")

    # Assert: the calendar has the London zone, the plan's events, and the first dose at 21:00
    assert ics_file.suggested_filename == "low-dose-naltrexone-start-plan.ics"
    calendar = Calendar.from_ical(ics)
    zones = [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")]
    assert zones == [ZONE]
    events = calendar.walk("VEVENT")
    # one dose step, the wait for the opioid, the surgery stop and the restart reminder
    assert len(events) == 4
    doses = sorted(
        (event for event in events if isinstance(event.decoded("DTSTART"), datetime.datetime)),
        key=lambda event: event.decoded("DTSTART"),
    )
    first_dose = doses[0]
    assert first_dose.decoded("DTSTART") == datetime.datetime.combine(
        dates.first_dose, FIRST_DOSE_TIME, tzinfo=ZoneInfo(ZONE)
    )
    assert first_dose["DTSTART"].params["TZID"] == ZONE
    assert "0.25 mg" in str(first_dose["SUMMARY"])
    days_before_stop = (dates.surgery_stop - dates.first_dose).days
    assert [str(event["RRULE"].to_ical(), "ascii") for event in doses] == [f"FREQ=DAILY;COUNT={days_before_stop}"]
    all_day = {
        event.decoded("DTSTART"): str(event["SUMMARY"]) for event in events if event not in doses
    }
    assert "until the opioid has left your body" in all_day[dates.start]
    assert "surgery" in all_day[dates.surgery_stop]
    assert "stays stopped" in all_day[dates.surgery + datetime.timedelta(days=1)]

    # ...and the PDF is for the doctor: notes space, the opioid finding, a citation, the title
    assert pdf_file.suggested_filename == "low-dose-naltrexone-start-plan.pdf"
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    for expected in ("Notes from my doctor", "opioid", "Bihari B", THERAPY, "What you told us",
                     "tramadol 50 mg", human(dates.first_dose)):
        assert expected in text, f"{expected!r} is missing from the PDF"
    # ...and it is the tagged PDF/UA a screen reader can follow: structure, language, title
    catalog = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert "/StructTreeRoot" in catalog and catalog["/Lang"] == "en-GB"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True


@pytest.mark.functional
def test_results_and_plan_pages_fit_a_375px_phone_screen(phone_page: Page) -> None:
    # Arrange
    dates = Dates()

    # Act / Assert
    submit_screen(phone_page, dates)
    assert_no_sideways_scroll(phone_page, "screen-results")
    open_plan_form(phone_page)
    submit_plan(phone_page, dates)
    assert_no_sideways_scroll(phone_page, "plan-page")


@pytest.mark.functional
def test_screen_and_plan_forms_work_without_javascript(no_js_page: Page) -> None:
    # Arrange
    dates = Dates()

    # Act
    submit_screen(no_js_page, dates)

    # Assert: the results came back from a plain form post
    expect(no_js_page.locator(".verdict")).to_have_text(["Avoid"])
    expect(no_js_page.locator("section.not-checked li strong")).to_have_text(MISSPELLING)
    screenshot(no_js_page, "no-javascript-screen-results")

    # Act: the plan form too; no script fills in the time zone
    open_plan_form(no_js_page)
    expect(no_js_page.get_by_label("Your time zone")).to_have_value("")
    submit_plan(no_js_page, dates)

    # Assert: the misspelling was not confirmed, so nothing is dated until it is checked
    expect(no_js_page.locator("main")).to_contain_text("First dose: not dated: once a pharmacist has checked")
    expect(no_js_page.locator("main")).to_contain_text(MISSPELLING)
    screenshot(no_js_page, "no-javascript-plan-page")
