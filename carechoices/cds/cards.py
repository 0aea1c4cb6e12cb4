"""Cards (CDS Hooks 2.0.1) from what the screen found: words, links, codes and uuids.

* ``indicator``: avoid → ``critical``, caution → ``warning``, info → ``info``.
* ``summary``: under 140 characters, plain text: severity, therapy, rule, what on the chart
  triggered it and, for surgery, the days to stop.
* ``detail``: GitHub-flavoured Markdown for the clinician: the review's professional text, the
  action (the review's words to the patient), the dates in words, what on the chart triggered it
  and how it was matched, the dose considered, the references. Text from the request (medicine
  names) is escaped so it can never become a link or HTML.
* ``source``: the review, ``url`` at the rule's anchor on its safety page, ``topic`` the rule.
* ``links``: the review and the page that checks and makes a start plan (``absolute``).
* ``overrideReasons`` on ``warning`` and ``critical`` cards, where the clinician may proceed.
* No ``suggestions``: no reviewed source supports an action the EHR could apply for us (deleting
  or changing an order is the prescriber's decision, with the patient).

Every card says what was checked; none ever says "safe".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from carechoices.cds.card_ids import CardKey, new_card_id
from carechoices.cds.schemas import SUMMARY_MAX, Card, Coding, Link, Source
from carechoices.cds.screen import CardSpec, procedure_label
from carechoices.screening.models import Procedure
from carechoices.screening.results import Finding, ProcedureStop, WaitUntilCleared
from carechoices.screening.wording import (
    days_phrase,
    human_date,
    human_date_range,
    mg,
    relative_day,
)

INDICATORS: Final[dict[str, str]] = {"avoid": "critical", "caution": "warning", "info": "info"}
SEVERITY_WORDS: Final[dict[str, str]] = {"avoid": "Avoid", "caution": "Caution", "info": "Note"}

#: Offered when a clinician overrides a warning or critical card; counted by the feedback endpoint.
OVERRIDE_REASONS: Final[tuple[tuple[str, str], ...]] = (
    ("benefit-outweighs-risk", "Benefit outweighs the risk for this patient"),
    ("plan-in-place", "Already addressed: a taper, hold or dose plan is in place"),
    ("will-monitor", "Will monitor the patient closely"),
    ("chart-not-current", "Does not apply: the chart entry is not current"),
    ("patient-informed", "Discussed with the patient, who chooses to go ahead"),
)
OVERRIDE_CODES: Final[frozenset[str]] = frozenset(code for code, _ in OVERRIDE_REASONS)

# Markdown characters that could start a link, an image, HTML, emphasis or a table cell.
_MARKDOWN_SPECIAL: Final[re.Pattern[str]] = re.compile(r"([\\`*_\[\]<>&|~!#])")


def md(text: str) -> str:
    """Text from the request or the review, safe inside Markdown (no HTML, no links)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def shorten(text: str, limit: int = SUMMARY_MAX) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:—-") + "…"


class CardWriter:
    """Renders ``CardSpec``s for one service, with absolute URLs under ``base_url``."""

    def __init__(self, service_id: str, base_url: str) -> None:
        self.service_id = service_id
        self.base_url = base_url.rstrip("/")

    # ---- urls and codes ------------------------------------------------------------------

    def absolute(self, url: str) -> str:
        if url.startswith(("http://", "https://")):
            return url
        return f"{self.base_url}/{url.lstrip('/')}"

    @property
    def topic_system(self) -> str:
        return f"{self.base_url}/cds-services/rules"

    @property
    def override_system(self) -> str:
        return f"{self.base_url}/cds-services/override-reasons"

    def _override_reasons(self) -> list[Coding]:
        return [Coding(system=self.override_system, code=code, display=display) for code, display in OVERRIDE_REASONS]

    # ---- cards ---------------------------------------------------------------------------

    def render(self, specs: Iterable[CardSpec]) -> list[Card]:
        cards = [self._render(spec) for spec in specs]
        order = {"critical": 0, "warning": 1, "info": 2}
        # Worst first; the "not checked" card after the findings it qualifies.
        return sorted(cards, key=lambda card: (order[card.indicator], card.source.label == "CareChoices safety screen"))

    def _render(self, spec: CardSpec) -> Card:
        if spec.kind == "finding":
            return self._finding(spec)
        if spec.kind == "no-known-concerns":
            return self._no_known_concerns(spec)
        return self._not_checked(spec)

    def _review_links(self, spec: CardSpec) -> list[Link]:
        therapy = spec.therapy
        assert therapy is not None
        review = self.absolute(therapy.url)
        return [
            Link(label=f"Read the review: {therapy.name}", url=review, type="absolute"),
            Link(label="Check with the patient and make a start plan", url=f"{review.rstrip('/')}/check/", type="absolute"),
        ]

    def _finding(self, spec: CardSpec) -> Card:
        finding, therapy = spec.finding, spec.therapy
        assert finding is not None and therapy is not None
        review = self.absolute(therapy.url).rstrip("/")
        known_rule = any(rule.rule_id == finding.rule for rule in therapy.rules.rules)
        source_url = f"{review}/safety/#rule-{finding.rule}" if known_rule else f"{review}/safety/"
        indicator = INDICATORS[finding.severity]
        return Card(
            uuid=new_card_id(CardKey(self.service_id, therapy.slug, finding.rule)),
            summary=self._finding_summary(spec, finding),
            detail=self._finding_detail(spec, finding),
            indicator=indicator,
            source=Source(
                label=f"CareChoices review: {therapy.name}",
                url=source_url,
                topic=Coding(system=self.topic_system, code=f"{therapy.slug}/{finding.rule}", display=finding.title),
            ),
            overrideReasons=self._override_reasons() if indicator != "info" else None,
            links=self._review_links(spec),
        )

    def _chart_names(self, spec: CardSpec, finding: Finding) -> list[str]:
        names = []
        for hit in finding.triggered_by:
            if hit.matched == "dose_mg" or hit.input not in spec.where or hit.input.startswith("surgery"):
                continue
            if spec.situation == "taken-new" and hit.input not in spec.new:
                continue
            names.append(hit.matched or hit.input)
        return list(dict.fromkeys(names))

    def _finding_summary(self, spec: CardSpec, finding: Finding) -> str:
        therapy = spec.therapy
        assert therapy is not None
        word = SEVERITY_WORDS[finding.severity]
        names = ", ".join(self._chart_names(spec, finding))
        if spec.situation == "ordered":
            text = f"{word}: {therapy.name} ordered — {finding.title}" + (f": {names}" if names else "")
        elif spec.situation == "taken-new":
            surgery = any(hit.input.startswith("surgery") and hit.input in spec.new for hit in finding.triggered_by)
            ordered = names or ("surgery" if surgery else "an order")
            text = f"{word}: {ordered} ordered; the patient takes {therapy.name} — {finding.title}"
        else:
            text = f"{word}: the patient takes {therapy.name} — {finding.title}" + (f": {names}" if names else "")
        stop = finding.dates
        if isinstance(stop, ProcedureStop) and not stop.procedure_passed:
            if stop.days_until_procedure == 0:
                text += "; the surgery is today"
            elif stop.stop_passed:
                text += "; the last day to stop has passed"
            elif stop.stop_from < stop.today:
                text += "; stop today at the latest"
            else:
                text += f"; stop {human_date_range(stop.stop_from, stop.stop_no_later_than)}"
        return shorten(text)

    def _finding_detail(self, spec: CardSpec, finding: Finding) -> str:
        therapy = spec.therapy
        assert therapy is not None
        parts = [
            f"**{SEVERITY_WORDS[finding.severity]}: {md(finding.title)}** ({md(therapy.name)})",
            md(finding.detail),
            f"**Action** (the review's advice to the patient): {md(finding.action)}",
        ]
        dates = _dates_words(finding, therapy.name, spec)
        if dates:
            parts.append(f"**Dates:** {md(dates)}")
        if spec.subjects:
            what = "Ordered" if spec.situation == "ordered" else "The patient takes"
            dose = f"; dose considered: {mg(spec.dose_mg)}" if spec.dose_mg is not None else "; no dose stated"
            parts.append(f"**{what}:** {md('; '.join(spec.subjects))}{dose}")
        found, also = [], []
        for hit in finding.triggered_by:
            if hit.matched == "dose_mg":
                found.append(f"- dose {md(hit.input)}: {md(hit.via)}")
                continue
            names = spec.where.get(hit.input) or (hit.input,)
            line = f"- {md('; '.join(names))}: {md(hit.via)}"
            (also if spec.situation == "taken-new" and hit.input not in spec.new else found).append(line)
        if found:
            heading = "In the new order" if spec.situation == "taken-new" else "Found in the chart and the orders"
            parts.append(f"**{heading}:**\n" + "\n".join(found))
        if also:
            parts.append("**Also on the chart (before this order):**\n" + "\n".join(also))
        threshold = therapy.rule_min_dose.get(finding.rule)
        if threshold is not None:
            given = mg(spec.dose_mg) if spec.dose_mg is not None else "not stated"
            parts.append(md(f"This rule concerns doses of {mg(threshold)} or more; the dose considered is {given}."))
        if (
            spec.situation == "ordered"
            and spec.dose_mg is not None
            and therapy.max_protocol_dose_mg is not None
            and spec.dose_mg > therapy.max_protocol_dose_mg
        ):
            parts.append(
                md(
                    f"The dose ordered ({mg(spec.dose_mg)}) is above the highest dose in this review's "
                    f"dosing protocols ({mg(therapy.max_protocol_dose_mg)}); the review's rules were applied as written."
                )
            )
        if finding.references:
            refs = []
            for number, ref in enumerate(finding.references, 1):
                link = f" <{ref.url}>" if ref.url and re.match(r"^https?://[^\s<>]+$", ref.url) else ""
                refs.append(f"{number}. {md(ref.citation)}{link}")
            parts.append("**References:**\n" + "\n".join(refs))
        parts.append(_footer(spec))
        return "\n\n".join(parts)

    def _no_known_concerns(self, spec: CardSpec) -> Card:
        therapy = spec.therapy
        assert therapy is not None
        checked = spec.checked
        summary = shorten(
            f"No known concerns found for {therapy.name} as ordered, with this chart's medicines, "
            "conditions and planned surgery"
        )
        lines = [
            f"**No known concerns** ({md(therapy.name)})",
            md(
                f"Every entry read was recognised and checked against the {checked.get('rules', 0)} rules "
                f"of the review: {checked.get('medicines', 0)} medicines, {checked.get('conditions', 0)} "
                f"conditions and {checked.get('procedures', 0)} planned surgeries. None of the rules applies."
            ),
            md(
                "This covers only what the review's rules cover, with the data the EHR sent; it is not "
                "a guarantee. The review's dosing and start plan are linked below."
            ),
        ]
        if spec.subjects:
            dose = f"; dose considered: {mg(spec.dose_mg)}" if spec.dose_mg is not None else "; no dose stated"
            lines.append(f"**Ordered:** {md('; '.join(spec.subjects))}{dose}")
        lines.append(_footer(spec))
        return Card(
            uuid=new_card_id(CardKey(self.service_id, therapy.slug, "no-known-concerns")),
            summary=summary,
            detail="\n\n".join(lines),
            indicator="info",
            source=Source(
                label=f"CareChoices review: {therapy.name}",
                url=f"{self.absolute(therapy.url).rstrip('/')}/safety/",
                topic=Coding(
                    system=self.topic_system, code=f"{therapy.slug}/no-known-concerns", display="No known concerns"
                ),
            ),
            links=self._review_links(spec),
        )

    def _not_checked(self, spec: CardSpec) -> Card:
        gaps = list(spec.gaps)
        first = gaps[0].text
        more = f" and {len(gaps) - 1} more" if len(gaps) > 1 else ""
        summary = f"Not checked: {first}"
        if len(summary) + len(more) > SUMMARY_MAX:
            summary = shorten(summary, SUMMARY_MAX - len(more))
        summary += more
        lines = [
            "**Not checked.** CareChoices could not read or recognise these, so it could not check them:",
            "\n".join(f"- {md(gap.text)}" for gap in gaps),
        ]
        if spec.incomplete:
            lines.append(
                md(
                    "Because of this, the screen of " + ", ".join(spec.incomplete) + " is incomplete: no "
                    "absence of concerns can be reported. Check these entries by hand or ask the pharmacist."
                )
            )
        else:
            lines.append(
                md(
                    "A medicine we could not read or recognise may be a therapy CareChoices reviews, or "
                    "interact with one. Check these entries by hand or ask the pharmacist."
                )
            )
        return Card(
            uuid=new_card_id(CardKey(self.service_id, "", "not-checked")),
            summary=shorten(summary),
            detail="\n\n".join(lines),
            indicator="info",
            source=Source(
                label="CareChoices safety screen",
                url=f"{self.base_url}/screen/",
                topic=Coding(system=self.topic_system, code="not-checked", display="Not checked"),
            ),
            links=[Link(label="Check entries by hand in the CareChoices screen", url=f"{self.base_url}/screen/", type="absolute")],
        )


def _dates_words(finding: Finding, therapy: str, spec: CardSpec) -> str:
    dates = finding.dates
    if isinstance(dates, ProcedureStop):
        on = human_date(dates.procedure_date)
        if dates.procedure_passed:
            return f"The surgery date on the chart, {on}, is in the past: please check it."
        when = relative_day(dates.procedure_date, dates.today)
        window = human_date_range(dates.stop_from, dates.stop_no_later_than)
        text = (
            f"Surgery on {on} ({when}). Stop {therapy} {window} "
            f"({days_phrase(dates.min_days, dates.max_days)} before)."
        )
        if dates.days_until_procedure == 0:
            text += " The surgery is today: the days to stop have passed; tell the surgical team."
        elif dates.stop_passed:
            text += " The last day to stop has already passed: no further dose, and tell the surgical team."
        elif dates.stop_from < dates.today:
            text += " The earlier stop day has passed: stop today at the latest."
        if dates.restart:
            text += f" Restart: {dates.restart}."
        return text
    if isinstance(dates, WaitUntilCleared):
        text = "No source dates how long to wait for the medicine to clear, so no start date is given."
        if dates.wean_max_days:
            text += (
                f" For {dates.wean_for}, the review's source gives a wean of "
                f"{days_phrase(dates.wean_min_days, dates.wean_max_days)} first."
            )
        return text
    if finding.rule.startswith("surgery") or any(
        hit.input == procedure_label(Procedure("surgery", None)) for hit in finding.triggered_by
    ):
        return "No surgery date is on the chart, so no stop dates could be worked out."
    return ""


def _footer(spec: CardSpec) -> str:
    therapy = spec.therapy
    assert therapy is not None
    updated = f", last updated {human_date(therapy.updated)}" if therapy.updated else ""
    return md(
        f"Rules from the CareChoices review of {therapy.name}{updated}. Information for the "
        "clinician's decision, checked only against what the EHR sent."
    )
