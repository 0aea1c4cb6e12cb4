# Evidence entries and grades named cancer types in free text; they now point at the CancerType
# vocabulary by slug. Every name found (in pages and in every revision) must be one this migration
# knows, or it stops and lists what it could not place: nothing is guessed or dropped.

import json

import carechoices.cancertypes.blocks
import wagtail.fields
from django.db import migrations

# free-text name (lower case) -> (slug, name, parent slug, synonyms, description). The sample
# content's names; the descriptions are plain definitions, as in demo/content/site.toml.
KNOWN = {
    "brain cancer": ("brain-cancer", "brain cancer", None, "brain tumour, brain tumor",
                     "Cancer that starts in the brain."),
    "high-grade glioma": ("high-grade-glioma", "high-grade glioma", "brain-cancer",
                          "malignant glioma, high-grade malignant glioma",
                          "A fast-growing tumour that starts in the glial cells, the cells that support the brain's nerve cells."),
    "pancreatic cancer": ("pancreatic-cancer", "pancreatic cancer", None, "cancer of the pancreas",
                          "Cancer that starts in the pancreas."),
    "colorectal cancer": ("colorectal-cancer", "colorectal cancer", None, "bowel cancer, colon cancer, rectal cancer",
                          "Cancer that starts in the colon or the rectum (the large bowel)."),
    "cervical cancer": ("cervical-cancer", "cervical cancer", None, "cancer of the cervix",
                        "Cancer that starts in the cervix, the lower part of the womb."),
    "b-cell lymphoma": ("b-cell-lymphoma", "B-cell lymphoma", None, "",
                        "A lymphoma (cancer of the lymphatic system) that starts in B cells, a kind of white blood cell."),
}
GENERAL = {"", "cancer in general", "cancer (in general)", "all cancers", "cancer"}


class Unplaced(Exception):
    pass


def _split(text):
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def _slug_for(name, CancerType, made, where, problems):
    key = name.strip().lower()
    if key in GENERAL:
        return None
    existing = CancerType.objects.filter(name__iexact=key).values_list("slug", flat=True).first()
    if existing:
        return existing
    if key not in KNOWN:
        problems.append(f"{where}: “{name}”")
        return None
    slug, label, parent, synonyms, description = KNOWN[key]
    if slug not in made:
        parent_row = None
        if parent:
            parent_name = next(k for k, v in KNOWN.items() if v[0] == parent)
            _slug_for(parent_name, CancerType, made, where, problems)
            parent_row = CancerType.objects.get(slug=parent)
        CancerType.objects.get_or_create(slug=slug, defaults={
            "name": label, "parent": parent_row, "synonyms": synonyms, "description": description})
        made.add(slug)
    return slug


def _convert_stream(raw, kind, CancerType, made, where, problems):
    """(converted raw stream, changed?) for an evidence or grades stream in raw JSON form."""
    changed = False
    for i, block in enumerate(raw or []):
        value = block.get("value") or {}
        if kind == "evidence" and isinstance(value.get("cancer_types"), str):
            slugs = [_slug_for(n, CancerType, made, f"{where}, evidence entry {i + 1}", problems)
                     for n in _split(value["cancer_types"])]
            value["cancer_types"] = list(dict.fromkeys(s for s in slugs if s))
            changed = True
        elif kind == "grades" and isinstance(value.get("cancer_type"), str) and value["cancer_type"] and \
                not CancerType.objects.filter(slug=value["cancer_type"]).exists():
            value["cancer_type"] = _slug_for(value["cancer_type"], CancerType, made,
                                             f"{where}, grade {i + 1}", problems) or ""
            changed = True
    return raw, changed


def _raw(value):
    if isinstance(value, str):
        return json.loads(value) if value.strip() else []
    return value or []


def forwards(apps, schema_editor):
    CancerType = apps.get_model("cancertypes", "CancerType")
    TherapyPage = apps.get_model("therapies", "TherapyPage")
    Revision = apps.get_model("wagtailcore", "Revision")
    ContentType = apps.get_model("contenttypes", "ContentType")
    made, problems = set(), []
    for page in TherapyPage.objects.all():
        updates = {}
        for kind in ("evidence", "grades"):
            raw, changed = _convert_stream(list(getattr(page, kind).raw_data), kind, CancerType, made,
                                           f"page “{page.title}”", problems)
            if changed:
                updates[kind] = raw
        if updates:
            TherapyPage.objects.filter(pk=page.pk).update(**updates)
    content_type = ContentType.objects.filter(app_label="therapies", model="therapypage").first()
    if content_type is not None:
        for revision in Revision.objects.filter(content_type=content_type).iterator():
            content, touched = dict(revision.content), False
            for kind in ("evidence", "grades"):
                if kind not in content:
                    continue
                was_text = isinstance(content[kind], str)
                raw, changed = _convert_stream(_raw(content[kind]), kind, CancerType, made,
                                               f"revision {revision.pk} of “{content.get('title', '?')}”", problems)
                if changed:
                    content[kind] = json.dumps(raw) if was_text else raw
                    touched = True
            if touched:
                Revision.objects.filter(pk=revision.pk).update(content=content)
    if problems:
        raise Unplaced(
            "These cancer types are not in the vocabulary, so nothing was converted. Add them to "
            "KNOWN in this migration (or create the cancer types first) and run it again:\n  "
            + "\n  ".join(problems)
        )


def backwards(apps, schema_editor):
    CancerType = apps.get_model("cancertypes", "CancerType")
    TherapyPage = apps.get_model("therapies", "TherapyPage")
    names = dict(CancerType.objects.values_list("slug", "name"))
    for page in TherapyPage.objects.all():
        evidence = list(page.evidence.raw_data)
        for block in evidence:
            value = block.get("value") or {}
            if isinstance(value.get("cancer_types"), list):
                value["cancer_types"] = ", ".join(names.get(s, s) for s in value["cancer_types"])
        grades = list(page.grades.raw_data)
        for block in grades:
            value = block.get("value") or {}
            slug = value.get("cancer_type") or ""
            value["cancer_type"] = names.get(slug, slug) if slug else "cancer in general"
        TherapyPage.objects.filter(pk=page.pk).update(evidence=evidence, grades=grades)

class Migration(migrations.Migration):

    dependencies = [
        ('therapies', '0006_literature_review_cycle_and_change_note'),
        ('cancertypes', '0001_cancer_type_vocabulary'),
    ]

    operations = [
        migrations.AlterField(
            model_name='therapypage',
            name='evidence',
            field=wagtail.fields.StreamField([('entry', 14)], blank=True, block_lookup={0: ('wagtail.blocks.ChoiceBlock', [], {'choices': [('meta-analysis', 'Meta-analysis'), ('systematic-review', 'Systematic review'), ('rct-double-blind', 'Randomised trial, double-blind'), ('rct-not-blinded', 'Randomised trial, not blinded'), ('rct-blinding-unknown', 'Randomised trial, blinding not stated'), ('non-randomised-controlled', 'Controlled trial, not randomised'), ('cohort', 'Cohort study'), ('case-control', 'Case-control study'), ('case-series-population-consecutive', 'Case series, consecutive, population-based'), ('case-series-consecutive', 'Case series, consecutive'), ('case-series-non-consecutive', 'Case series, not consecutive'), ('best-case-series', 'Best case series'), ('case-report', 'Case report'), ('animal', 'Animal study'), ('in-vitro', 'Cell (in vitro) study'), ('expert-opinion', 'Expert opinion or narrative review')]}), 1: ('wagtail.blocks.IntegerBlock', (), {'help_text': 'People studied; leave empty when not stated, and for animal or cell studies.', 'required': False}), 2: ('wagtail.blocks.CharBlock', (), {'max_length': 300, 'required': False}), 3: ('carechoices.cancertypes.blocks.CancerTypesBlock', [], {'help_text': 'The cancer types studied; none ticked means cancer in general. Missing one? Add it under Cancer types.', 'required': False}), 4: ('wagtail.blocks.CharBlock', (), {'help_text': 'Including combinations.', 'max_length': 300, 'required': False}), 5: ('wagtail.blocks.CharBlock', (), {'max_length': 200, 'required': False}), 6: ('wagtail.blocks.ChoiceBlock', [], {'choices': [('treatment-outcomes', 'Improving treatment outcomes'), ('body-terrain', 'Optimizing body terrain'), ('side-effects-wellness', 'Managing side effects and promoting wellness'), ('cancer-risk', 'Reducing cancer risk'), ('safety', 'Safety')]}), 7: ('wagtail.blocks.ChoiceBlock', [], {'choices': [('overall-survival', 'Overall survival'), ('cause-specific-survival', 'Cause-specific survival'), ('quality-of-life', 'Quality of life'), ('event-free-survival', 'Event-free survival'), ('disease-free-survival', 'Disease-free survival'), ('progression-free-survival', 'Progression-free survival'), ('tumour-response', 'Tumour response'), ('symptom-or-other', 'Symptom or other outcome')], 'required': False}), 8: ('wagtail.blocks.ChoiceBlock', [], {'choices': [('benefit', 'Benefit'), ('no-effect', 'No effect'), ('harm', 'Harm'), ('mixed', 'Mixed')]}), 9: ('wagtail.blocks.TextBlock', (), {'help_text': 'The effect in words, with numbers where known.', 'required': False}), 10: ('wagtail.blocks.TextBlock', (), {'help_text': 'What the sources do not say (e.g. blinding unknown).', 'required': False}), 11: ('wagtail.blocks.CharBlock', (), {'help_text': 'Leave empty: it is computed from design and endpoint. If you type one, it must match.', 'label': 'PDQ level (optional check)', 'max_length': 12, 'required': False}), 12: ('wagtail.snippets.blocks.SnippetChooserBlock', ('references.Reference',), {}), 13: ('wagtail.blocks.ListBlock', (12,), {'label': 'Citations', 'min_num': 0}), 14: ('wagtail.blocks.StructBlock', [[('design', 0), ('participants', 1), ('population', 2), ('cancer_types', 3), ('intervention', 4), ('dose', 5), ('outcome_category', 6), ('endpoint', 7), ('direction', 8), ('effect', 9), ('notes', 10), ('pdq_code', 11), ('references', 13)]], {})}, verbose_name='Evidence entries'),
        ),
        migrations.AlterField(
            model_name='therapypage',
            name='grades',
            field=wagtail.fields.StreamField([('grade', 4)], blank=True, block_lookup={0: ('wagtail.blocks.ChoiceBlock', [], {'choices': [('treatment-outcomes', 'Improving treatment outcomes'), ('body-terrain', 'Optimizing body terrain'), ('side-effects-wellness', 'Managing side effects and promoting wellness'), ('cancer-risk', 'Reducing cancer risk'), ('safety', 'Safety')]}), 1: ('carechoices.cancertypes.blocks.CancerTypeBlock', [], {'help_text': 'A cancer type ticked in the evidence entries; leave empty for cancer in general.', 'required': False}), 2: ('wagtail.blocks.ChoiceBlock', [], {'choices': [('strong', 'Strong evidence'), ('good', 'Good evidence'), ('moderate', 'Moderate evidence'), ('preliminary', 'Preliminary evidence'), ('weak', 'Weak evidence'), ('no-effect', 'No evidence of an effect'), ('harm', 'Evidence of harm'), ('insufficient', 'Insufficient evidence')]}), 3: ('wagtail.blocks.TextBlock', (), {'help_text': 'Why, especially where it differs from the suggestion.', 'required': False}), 4: ('wagtail.blocks.StructBlock', [[('outcome_category', 0), ('cancer_type', 1), ('grade', 2), ('reason', 3)]], {})}, help_text="Your grade per outcome and cancer type; the page also shows the rubric's suggestion.", verbose_name='Evidence grades'),
        ),
        migrations.RunPython(forwards, backwards),
    ]
