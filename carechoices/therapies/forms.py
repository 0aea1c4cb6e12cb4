"""The back-office form for a therapy review: checks that only make sense across fields."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminPageForm

# Actions that make content public or ask for it to be made public.
_PUBLISHING_ACTIONS = ("action-publish", "action-submit", "action-workflow-action")


class TherapyPageForm(WagtailAdminPageForm):
    """Blocks publishing (or submitting for review) while a citation marker does not resolve."""

    def _is_publishing(self) -> bool:
        return any(key in self.data for key in _PUBLISHING_ACTIONS)

    def clean(self):
        cleaned = super().clean()
        ratings = self.formsets.get("ratings")
        if ratings is not None:
            seen: set[str] = set()
            for form in ratings.forms:
                if not form.is_valid() or form.cleaned_data.get("DELETE"):
                    continue
                attribute = form.cleaned_data.get("attribute")
                if attribute in seen:
                    form.add_error("attribute", "This attribute is already rated on this review.")
                seen.add(attribute)
        self._check_rule_ids(cleaned)
        self._check_grades_match_evidence(cleaned)
        self._check_rating_overrides(cleaned)
        if self._is_publishing():
            if cleaned.get("substantive_update") and not (cleaned.get("change_note") or "").strip():
                self.add_error(
                    "change_note",
                    ValidationError(
                        "Say in a sentence or two what changed and why: readers see it under "
                        "“What changed” (or untick “This change alters what the review says” "
                        "for a typo fix).",
                        code="change_note_required",
                    ),
                )
            from .citations_check import citation_problems_by_field

            for field, problems in citation_problems_by_field(cleaned, self.formsets).items():
                for problem in problems:
                    if field in self.fields:
                        self.add_error(field, ValidationError(problem, code="dangling_citation"))
                    else:
                        self.add_error(None, ValidationError(problem, code="dangling_citation"))
        return cleaned

    def _check_rule_ids(self, cleaned) -> None:
        """Rule and protocol ids identify findings and schedules in every output: once each per review."""
        for field, key, what in (
            ("contraindications", "rule_id", "rule id"),
            ("dosing_protocols", "protocol_id", "protocol id"),
        ):
            ids = [block.value[key] for block in cleaned.get(field) or []]
            repeated = sorted({value for value in ids if ids.count(value) > 1})
            if repeated:
                self.add_error(field, f"Each {what} may be used once; repeated: {', '.join(repeated)}.")

    def _check_grades_match_evidence(self, cleaned) -> None:
        """A grade must name an outcome and cancer type that evidence entries exist for."""
        if "evidence" not in cleaned or "grades" not in cleaned:
            return
        from carechoices.cancertypes.lookup import name_of
        from carechoices.evidence.blocks import cancer_type_slugs

        groups = {
            (b.value["outcome_category"], slug)
            for b in cleaned["evidence"]
            for slug in (cancer_type_slugs(b.value) or ("",))
        }
        unmatched = [
            f"{b.value['outcome_category']} / {name_of(b.value['cancer_type']) if b.value.get('cancer_type') else 'cancer in general'}"
            for b in cleaned["grades"]
            if (b.value["outcome_category"], b.value.get("cancer_type") or "") not in groups
        ]
        if unmatched:
            self.add_error(
                "grades",
                "No evidence entry has this outcome and cancer type, so the grade would not show: "
                + "; ".join(unmatched) + ".",
            )

    def _check_rating_overrides(self, cleaned) -> None:
        """An override that differs from the rubric's suggestion needs a reason (on its field)."""
        ratings = self.formsets.get("ratings")
        needed = ("evidence", "grades", "contraindications", "expert_uses")
        if ratings is None or any(name not in cleaned for name in needed):
            return  # another field is invalid; its own error comes first
        from types import SimpleNamespace

        from carechoices.evidence.presenters import EvidencePresenter
        from carechoices.evidence.rubric import OverrideError, apply_override

        draft = SimpleNamespace(
            title=cleaned.get("title", ""),
            evidence=cleaned["evidence"],
            grades=cleaned["grades"],
            contraindications=cleaned["contraindications"],
            expert_uses=cleaned["expert_uses"],
            serious_adverse_events_reported=cleaned.get("serious_adverse_events_reported"),
            needs_prescription=cleaned.get("needs_prescription"),
            cost_band=cleaned.get("cost_band", ""),
        )
        try:
            suggestions = {s.attribute.value: s for s in EvidencePresenter(draft).suggestions().values()}
        except ValueError:
            return
        for form in ratings.forms:
            if not form.is_valid() or form.cleaned_data.get("DELETE"):
                continue
            data = form.cleaned_data
            suggestion = suggestions.get(data.get("attribute"))
            if suggestion is None:
                continue
            try:
                apply_override(suggestion, data.get("score"), data.get("override_reason") or "")
            except OverrideError as exc:
                form.add_error(exc.field.replace("override_score", "score"), exc.message)
