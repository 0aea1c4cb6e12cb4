"""The review pages read well on a phone and a desktop: charts draw their bars with text of 12 px
or more, the list of studies stacks on a phone with nothing off-screen, and the plan form takes
the browser's own time zone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.functional.conftest import LDN, LDN_SUBPAGES, _new_context, screenshot

# Each visible chart: its rendered scale, the smallest text on screen (CSS px), and each bar.
CHART_JS = """(selector) => [...document.querySelectorAll(selector)]
  .filter((svg) => svg.checkVisibility())
  .map((svg) => {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const sizes = [...svg.querySelectorAll('text')]
      .map((t) => parseFloat(getComputedStyle(t).fontSize) * scale);
    const bars = [...svg.querySelectorAll('g.rating')].map((g) => {
      const bar = g.querySelector('rect.rating-bar');
      const track = g.querySelector('rect.track').getBoundingClientRect();
      return {score: g.dataset.score, width: bar ? bar.getBoundingClientRect().width : 0,
              track: track.width};
    });
    const box = svg.getBoundingClientRect();
    return {smallest: Math.min(...sizes), bars, right: box.right, left: box.left,
            texts: sizes.length};
  })"""


@pytest.fixture(params=[375, 1280], ids=["phone", "desktop"])
def sized_page(request, browser: Browser, live_site: str):
    width = request.param
    ctx = _new_context(
        browser, base_url=live_site, viewport={"width": width, "height": 800},
        is_mobile=width < 500, has_touch=width < 500,
    )
    page = ctx.new_page()
    page.width = width  # type: ignore[attr-defined]
    yield page
    ctx.close()


@pytest.mark.functional
def test_ratings_chart_draws_each_bar_to_its_score_with_readable_text(sized_page: Page) -> None:
    # Arrange / Act
    sized_page.goto(LDN)
    charts = sized_page.evaluate(CHART_JS, ".ratings-chart svg")
    screenshot(sized_page, f"ratings-chart-{sized_page.width}")  # type: ignore[attr-defined]

    # Assert: one chart; every scored bar is as long as its score, out of a track of 5
    assert len(charts) == 1
    chart = charts[0]
    assert chart["bars"], "the LDN overview should chart its ratings"
    for bar in chart["bars"]:
        score = int(bar["score"])
        assert bar["width"] == pytest.approx(bar["track"] * score / 5, abs=1.5), bar
        if score:
            assert bar["width"] > 10, f"a bar for {score} of 5 is drawn {bar['width']} px wide"
    # ...its text is at least 12 px on screen, and it fits the screen
    assert chart["smallest"] >= 12, f"chart text is {chart['smallest']:.1f} px"
    assert chart["left"] >= 0 and chart["right"] <= sized_page.viewport_size["width"]


@pytest.mark.functional
def test_evidence_map_text_is_at_least_12px_and_fits_the_screen(sized_page: Page) -> None:
    # Arrange / Act
    sized_page.goto(LDN_SUBPAGES["research"])
    charts = sized_page.evaluate(CHART_JS, ".evidence-map svg")

    # Assert: exactly one map shows (the grid on a desktop, the stacked one on a phone)
    assert len(charts) == 1, charts
    chart = charts[0]
    assert chart["texts"] > 10
    assert chart["smallest"] >= 12, f"map text is {chart['smallest']:.1f} px"
    assert chart["left"] >= 0 and chart["right"] <= sized_page.viewport_size["width"]
    shown = "evidence-map-stacked" if sized_page.width < 500 else "evidence-map-wide"  # type: ignore[attr-defined]
    expect(sized_page.locator(f"svg.{shown}")).to_be_visible()


@pytest.mark.functional
def test_list_of_studies_stacks_on_a_phone_with_each_direction_on_screen(phone_page: Page) -> None:
    # Arrange / Act
    phone_page.goto(LDN_SUBPAGES["research"])
    rows = phone_page.locator("table.studies-table tbody tr")
    screenshot(phone_page, "phone-375-studies-stacked")

    # Assert: each study is a block, its direction (where "Harm" shows) labelled and on screen
    assert rows.count() >= 10
    width = phone_page.evaluate("() => document.documentElement.clientWidth")
    harms = 0
    for index in range(rows.count()):
        row = rows.nth(index)
        expect(row).to_have_css("display", "block")
        direction = row.locator("td.direction")
        expect(direction).to_be_visible()
        box = direction.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, box
        label = direction.evaluate("td => getComputedStyle(td, '::before').content")
        assert label == '"Direction: "', label
        harms += "Harm" in direction.inner_text()
    assert harms == 2, "the two animal studies that found harm are listed"


@pytest.mark.functional
def test_plan_form_takes_the_browsers_time_zone(browser: Browser, live_site: str) -> None:
    # Arrange: a browser set to New York, arriving at the plan form
    ctx = _new_context(browser, base_url=live_site, timezone_id="America/New_York")
    page = ctx.new_page()

    page.goto(LDN + "check/")
    page.get_by_label("Medicines and supplements you take").fill("ibuprofen")
    page.get_by_role("button", name="Check it for me").click()

    # Act
    page.get_by_role("button", name="Make a start plan for Low-dose naltrexone (LDN)").click()

    # Assert: the zone is filled in from the browser, and it is one the list offers
    zone = page.get_by_label("Your time zone")
    expect(zone).to_have_value("America/New_York")
    offered = page.locator('datalist#time-zones option[value="America/New_York"]')
    expect(offered).to_have_attribute("label", "New York, America")
    ctx.close()
