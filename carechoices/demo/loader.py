"""Load the sample content: people, glossary, references, the LDN review and six partial reviews.

Idempotent: anything that already exists (matched by slug or key) is left exactly as it is, so a
second run changes nothing and never overwrites an editor's work.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import GroupApprovalTask, Page, Site, Workflow, WorkflowPage, WorkflowTask

from carechoices.cancertypes.models import CancerType
from carechoices.core.models import AboutPage, HomePage
from carechoices.glossary.models import GlossaryTerm
from carechoices.people.models import Person
from carechoices.references.models import Reference
from carechoices.therapies.models import (
    ReviewContributor,
    ReviewDate,
    TherapyIndexPage,
    TherapyPage,
    TherapyRating,
)

CONTENT = Path(__file__).parent / "content"

DEMO_ACCOUNTS = {
    # username: (password, groups, is_superuser)
    "admin": ("carechoices-admin", [], True),
    "editor": ("carechoices-editor", ["Editors"], False),
    "reviewer": ("carechoices-reviewer", ["Moderators", "Clinical reviewers"], False),
}
REVIEW_WORKFLOW = "Clinical review"


@dataclass
class LoadReport:
    """What a load created; empty lists mean the content was already there."""

    created: dict[str, list[str]] = field(default_factory=dict)
    refused_accounts: tuple[str, ...] = ()  # demo accounts not made: production settings

    def add(self, kind: str, name: str) -> None:
        self.created.setdefault(kind, []).append(name)

    @property
    def changed(self) -> bool:
        return any(self.created.values())


def _toml(name: str) -> dict:
    return tomllib.loads((CONTENT / name).read_text(encoding="utf-8"))


# Accounts and workflow --------------------------------------------------------------------------
def ensure_accounts(report: LoadReport) -> None:
    reviewers, made = Group.objects.get_or_create(name="Clinical reviewers")
    if made:
        report.add("groups", reviewers.name)
        reviewers.permissions.add(Permission.objects.get(codename="access_admin"))
    editors = Group.objects.get(name="Editors")
    snippet_perms = Permission.objects.filter(
        content_type__app_label__in=["references", "glossary", "people", "cancertypes"],
        codename__regex=r"^(add|change)_",
    )
    missing = set(snippet_perms) - set(editors.permissions.all())
    if missing:
        editors.permissions.add(*missing)
        Group.objects.get(name="Moderators").permissions.add(*snippet_perms)
        report.add("permissions", "snippet editing for Editors and Moderators")
    if not settings.DEMO_ACCOUNTS_ALLOWED:
        # Production: the demo's passwords are published in the README.
        report.refused_accounts = tuple(DEMO_ACCOUNTS)
        return
    User = get_user_model()
    for username, (password, groups, superuser) in DEMO_ACCOUNTS.items():
        if User.objects.filter(username=username).exists():
            continue
        user = User(username=username, email=f"{username}@example.invalid", is_staff=True,
                    is_superuser=superuser, first_name=username.capitalize())
        user.set_password(password)
        user.save()
        user.groups.set(Group.objects.filter(name__in=groups))
        report.add("accounts", username)


def ensure_workflow(index: Page, report: LoadReport) -> None:
    """Reviews under the therapy index go through a clinical reviewer's approval."""
    workflow, made = Workflow.objects.get_or_create(name=REVIEW_WORKFLOW)
    if made:
        task = GroupApprovalTask.objects.create(name="Clinical sign-off")
        task.groups.set(Group.objects.filter(name="Clinical reviewers"))
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
        report.add("workflows", workflow.name)
    if not WorkflowPage.objects.filter(page=index).exists():
        WorkflowPage.objects.create(page=index, workflow=workflow)
        report.add("workflow assignments", index.title)


# Library ------------------------------------------------------------------------------------------
def build_person(row: dict) -> Person:
    """An unsaved Person from a content row (a sample file's table or an open-data export's item).

    ``user`` names a back-office account to link, when the row has one; sample profiles are demo
    profiles unless the row says otherwise.
    """
    user = get_user_model().objects.filter(username=row["user"]).first() if row.get("user") else None
    return Person(
        slug=row["slug"], name=row["name"], role=row["role"], credentials=row.get("credentials", ""),
        bio=row.get("bio", ""), is_demo=row.get("is_demo", True), user=user,
    )


def build_glossary_term(row: dict) -> GlossaryTerm:
    """An unsaved GlossaryTerm from a content row (the slug defaults to the slugified term)."""
    from django.utils.text import slugify

    return GlossaryTerm(
        term=row["term"], slug=row.get("slug") or slugify(row["term"]), synonyms=row.get("synonyms", ""),
        definition=row["definition"], house_definition=row.get("house_definition", False),
    )


def ensure_people(site: dict, report: LoadReport) -> None:
    for row in site["people"]:
        if Person.objects.filter(slug=row["slug"]).exists():
            continue
        build_person(row).save()
        report.add("people", row["name"])


def ensure_glossary(site: dict, report: LoadReport) -> None:
    for row in site["glossary"]:
        if GlossaryTerm.objects.filter(term=row["term"]).exists():
            continue
        build_glossary_term(row).save()
        report.add("glossary terms", row["term"])


def build_cancer_type(row: dict) -> CancerType:
    """An unsaved CancerType from a content row (``parent`` by slug, which must exist already)."""
    parent = CancerType.objects.get(slug=row["parent"]) if row.get("parent") else None
    return CancerType(slug=row["slug"], name=row["name"], synonyms=row.get("synonyms", ""),
                      description=row.get("description", ""), parent=parent)


def ensure_cancer_types(site: dict, report: LoadReport) -> None:
    for row in site.get("cancer_types", []):
        if CancerType.objects.filter(slug=row["slug"]).exists():
            continue
        cancer_type = build_cancer_type(row)
        cancer_type.full_clean()
        cancer_type.save()
        report.add("cancer types", row["name"])


def ensure_references(report: LoadReport) -> None:
    meta = _toml("references.toml")
    library = json.loads((CONTENT / "library.json").read_text(encoding="utf-8"))
    rows = []
    for item in library:
        item = dict(item)
        source_id = item.pop("id")
        rows.append({
            "key": meta["keys"][source_id],
            "doi": item.pop("DOI", ""),
            "pmid": item.pop("PMID", ""),
            "pmcid": item.pop("PMCID", ""),
            "url": item.pop("URL", ""),
            "verification_note": item.pop("note") if "verif" in item.get("note", "").lower() else "",
            "csl": item,
        })
    for web in meta["web"]:
        rows.append({"key": web["key"], "url": web["url"], "csl": web["csl"],
                     "verification_note": web.get("verification_note", "")})
    for row in rows:
        if Reference.objects.filter(key=row["key"]).exists():
            continue
        reference = Reference(**row)
        reference.full_clean()
        reference.save()
        report.add("references", row["key"])


# Reviews ------------------------------------------------------------------------------------------
def _refs(keys: list[str]) -> list[int]:
    found = dict(Reference.objects.filter(key__in=keys).values_list("key", "pk"))
    missing = [k for k in keys if k not in found]
    if missing:
        raise ValueError(f"Sample content cites keys missing from the library: {missing}")
    return [found[k] for k in keys]


def _stream(page_field: str, block_type: str, rows: list[dict], ref_fields=("citations",)):
    raw = []
    for row in rows:
        value = dict(row)
        for name in ref_fields:
            if name in value:
                chosen = value[name]
                value[name] = _refs(chosen) if isinstance(chosen, list) else _refs([chosen])[0]
        raw.append({"type": block_type, "value": value})
    stream_block = TherapyPage._meta.get_field(page_field).stream_block
    return stream_block.to_python(raw)


def _check_cancer_types(entries: list[dict], grades: list[dict]) -> None:
    named = {slug for row in entries for slug in row.get("cancer_types") or []}
    named |= {row["cancer_type"] for row in grades if row.get("cancer_type")}
    missing = sorted(named - set(CancerType.objects.filter(slug__in=named).values_list("slug", flat=True)))
    if missing:
        raise ValueError(f"Content names cancer types missing from the vocabulary: {missing}")


def build_review(data: dict) -> TherapyPage:
    """An unsaved TherapyPage from a content file's table, or from an open-data export's review.

    ``data`` is the review as its content files write it: references by citation key, people by
    slug, dates as YYYY-MM-DD. The open-data import (``carechoices.opendata``) builds its pages
    here too, so the sample content and an export are read by one piece of code.
    """
    page = TherapyPage(
        title=data["title"], slug=data["slug"], tagline=data["tagline"],
        seo_title=data.get("seo_title", ""), search_description=data.get("search_description", ""),
        show_in_menus=data.get("show_in_menus", False),
        category=data.get("category", "other"), synonyms=data.get("synonyms", ""),
        active_ingredients=", ".join(data.get("active_ingredients", [])),
        at_a_glance=data.get("at_a_glance", ""), research_summary=data.get("research_summary", ""),
        safety_overview=data.get("safety_overview", ""), mechanisms=data.get("mechanisms", ""),
        preclinical=data.get("preclinical", ""), costs_access=data.get("costs_access", ""),
        serious_adverse_events_reported=data.get("serious_adverse_events_reported"),
        needs_prescription=data.get("needs_prescription"),
        cost_band=data.get("cost_band", ""),
        literature_review_cycle_months=data.get("literature_review_cycle_months", 24),
    )
    entries = [{"pdq_code": "", "participants": None, **row} for row in data.get("evidence", [])]
    _check_cancer_types(entries, data.get("grades", []))
    for row in entries:
        row["endpoint"] = row.get("endpoint") or None
    page.evidence = _stream("evidence", "entry", entries, ref_fields=("references",))
    page.grades = _stream("grades", "grade", data.get("grades", []), ref_fields=())
    page.side_effects = _stream("side_effects", "side_effect", data.get("side_effects", []))
    contraindications = []
    for row in data.get("contraindications", []):
        row = dict(row)
        row.setdefault("all_of", [])
        row.setdefault("none_of", [])
        row["timing"] = {"kind": "", "min_days": None, "max_days": None, "wean_for": "", "restart": "", **row.get("timing", {})}
        row["min_dose_mg"] = row.get("min_dose_mg") or None
        contraindications.append(row)
    page.contraindications = _stream("contraindications", "contraindication", contraindications)
    experts = [{"published_programme": True, **row} for row in data.get("expert_uses", [])]
    page.expert_uses = _stream("expert_uses", "expert_use", experts, ref_fields=("source",))
    protocols = [{"steps": [], **row} for row in data.get("dosing_protocols", [])]
    page.dosing_protocols = _stream("dosing_protocols", "protocol", protocols)
    page.keep_reading = _stream("keep_reading", "link", data.get("keep_reading", []), ref_fields=())
    page.ratings = [
        TherapyRating(attribute=r["attribute"], score=r.get("score"), rationale=r.get("rationale", ""),
                      override_reason=r.get("override_reason", ""))
        for r in data.get("ratings", [])
    ]
    people = {p.slug: p for p in Person.objects.all()}
    page.contributors = [
        ReviewContributor(person=people[c["person"]], role=c["role"]) for c in data.get("contributors", [])
    ]
    import datetime

    page.review_dates = [
        ReviewDate(kind=d["kind"], date=datetime.date.fromisoformat(d["date"]), note=d.get("note", ""))
        for d in data.get("dates", [])
    ]
    return page


def ensure_site(site: dict, report: LoadReport) -> TherapyIndexPage:
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        # Wagtail's placeholder welcome page (and the site pointing at it) makes way for ours.
        Page.objects.filter(depth=2, slug="home").delete()
        home = HomePage(title=site["home"]["title"], slug=site["home"].get("slug", "home"),
                        intro=site["home"]["intro"], how_to_use=site["home"]["how_to_use"])
        root.add_child(instance=home)
        home.save_revision().publish()
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "CareChoices"},
        )
        report.add("pages", home.title)
    if "about" in site and not AboutPage.objects.exists():
        about = AboutPage(title=site["about"]["title"], slug=site["about"].get("slug", "about"),
                          body=site["about"]["body"])
        home.add_child(instance=about)
        about.save_revision().publish()
        report.add("pages", about.title)
    index = TherapyIndexPage.objects.first()
    if index is None:
        index = TherapyIndexPage(title=site["index"]["title"], slug=site["index"].get("slug", "therapies"),
                                 intro=site["index"]["intro"])
        home.add_child(instance=index)
        index.save_revision().publish()
        report.add("pages", index.title)
    return index


def ensure_reviews(index: TherapyIndexPage, report: LoadReport) -> None:
    reviews = [_toml("low-dose-naltrexone.toml"), *_toml("other-therapies.toml")["therapy"]]
    for data in reviews:
        if TherapyPage.objects.filter(slug=data["slug"]).exists():
            continue
        page = build_review(data)
        index.add_child(instance=page)
        page.save_revision().publish()
        report.add("reviews", page.title)


@transaction.atomic
def load_sample_content() -> LoadReport:
    """Create whatever sample content is missing; return what was created."""
    report = LoadReport()
    site = _toml("site.toml")
    ensure_accounts(report)
    ensure_people(site, report)
    ensure_glossary(site, report)
    ensure_cancer_types(site, report)
    ensure_references(report)
    index = ensure_site(site, report)
    ensure_workflow(index, report)
    ensure_reviews(index, report)
    return report
