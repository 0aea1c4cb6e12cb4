"""Citation exports: per review and for the library, public and cacheable, drafts never shown."""

from __future__ import annotations

import html
import json
import re

import bibtexparser
import jsonschema
import pytest
import rispy
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from carechoices.references.exports import FORMATS
from carechoices.references.exports.csl import schema
from carechoices.references.models import Reference
from carechoices.therapies.compile import build_record
from carechoices.therapies.models import TherapyIndexPage, TherapyPage

pytestmark = pytest.mark.django_db

LDN = "/therapies/low-dose-naltrexone/"
LIBRARY = "/references/export."
UNCITED_KEY = "cancerdoctor-ldn"  # in the sample library, cited by no review


def review_url(fmt: str, base: str = LDN) -> str:
    return f"{base}references/export.{fmt}"


def csl_ids(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    return [record["id"] for record in json.loads(response.content)]


def cite_in_draft(page: TherapyPage, key: str):
    """Save (without publishing) a revision of ``page`` whose overview cites ``key``."""
    page.at_a_glance = f"{page.at_a_glance}<p>Also see [@{key}].</p>"
    return page.save_revision()


# --- every endpoint -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_review_export_is_a_public_cacheable_download(client, fmt):
    # Arrange
    export_format = FORMATS[fmt]

    # Act
    response = client.get(review_url(fmt))

    # Assert
    assert response.status_code == 200
    assert response["Content-Type"] == export_format.media_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="low-dose-naltrexone-references.{export_format.extension}"'
    )
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    assert response["ETag"].startswith('"')
    assert response.content.decode("utf-8").strip()


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_library_export_is_a_public_cacheable_download(client, fmt):
    # Arrange
    export_format = FORMATS[fmt]

    # Act
    response = client.get(f"{LIBRARY}{fmt}")

    # Assert
    assert response.status_code == 200
    assert response["Content-Type"] == export_format.media_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="carechoices-references.{export_format.extension}"'
    )
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    assert response.content.decode("utf-8").strip()


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_live_review_has_its_exports(client, fmt):
    for page in TherapyPage.objects.live():
        response = client.get(review_url(fmt, page.url))
        assert response.status_code == 200, page.slug
        assert f'filename="{page.slug}-references.' in response["Content-Disposition"]


@pytest.mark.parametrize(
    "url",
    [
        review_url("ris", "/therapies/no-such-therapy/"),
        review_url("pdf"),
        review_url("json"),
        f"{LIBRARY}pdf",
        "/people/casey-demo/references/export.ris",  # a page, but not a review
        "/therapies/references/export.ris",  # the index, not a review
    ],
)
def test_unknown_review_or_format_gives_404(client, url):
    assert client.get(url).status_code == 404


def test_exports_answer_head_but_refuse_post(client):
    assert client.head(review_url("ris")).status_code == 200
    assert client.head(f"{LIBRARY}bib").status_code == 200
    assert client.post(review_url("ris")).status_code == 405
    assert client.post(f"{LIBRARY}bib").status_code == 405


# --- what a review export holds -------------------------------------------------------------


def test_review_export_lists_the_reviews_references_in_citation_order(client, ldn):
    # Arrange
    numbers = build_record(ldn).citations.numbers

    # Act
    ids = csl_ids(client, review_url("csl.json"))

    # Assert
    assert ids == list(numbers)
    assert ids[:4] == ["elsegood2016", "cancerchoices-ldn-safety", "cancerchoices-ldn", "bolton2019"]


def test_review_text_export_numbers_entries_as_the_references_page(client):
    # Arrange
    page = client.get(LDN + "references/").content.decode()
    listed = [
        (number, html.unescape(re.sub(r"<[^>]+>", "", entry)).strip())
        for number, entry in re.findall(
            r'<li id="ref-(\d+)" value="\d+">\s*<span class="ref-text">(.*?)</span>', page, re.S
        )
    ]

    # Act
    lines = client.get(review_url("txt")).content.decode().splitlines()

    # Assert
    assert len(lines) == len(listed) > 0
    for (number, text), line in zip(listed, lines, strict=True):
        assert line.startswith(f"{number}. {text}")


@pytest.mark.parametrize("url", [review_url("csl.json"), f"{LIBRARY}csl.json"])
def test_csl_json_exports_validate_against_the_official_schema(client, url):
    # Act
    data = json.loads(client.get(url).content)

    # Assert
    assert list(jsonschema.Draft7Validator(schema()).iter_errors(data)) == []


def test_ris_and_bibtex_exports_parse_back_with_the_same_keys(client):
    # Arrange
    ids = csl_ids(client, review_url("csl.json"))

    # Act
    ris_ids = [r["id"] for r in rispy.loads(client.get(review_url("ris")).content.decode())]
    library = bibtexparser.parse_string(client.get(review_url("bib")).content.decode())

    # Assert
    assert ris_ids == ids
    assert [entry.key for entry in library.entries] == ids
    assert library.failed_blocks == []


def test_review_export_carries_identifiers_from_the_library(client):
    # Act
    records = {r["id"]: r for r in json.loads(client.get(review_url("csl.json")).content)}

    # Assert
    assert records["bolton2019"]["DOI"] == "10.1186/s12916-018-1242-0"
    assert records["bolton2019"]["PMID"] == "30642329"
    assert records["bolton2019"]["PMCID"] == "PMC6332608"
    assert records["cancerchoices-ldn"]["URL"] == "https://cancerchoices.org/therapy/low-dose-naltrexone/"


# --- drafts and unpublished reviews ---------------------------------------------------------


def test_draft_review_gives_404(client):
    # Arrange
    index = TherapyIndexPage.objects.get()
    draft = TherapyPage(
        title="A therapy in draft",
        slug="draft-therapy",
        tagline="Not yet published.",
        at_a_glance=f"<p>Cites [@{UNCITED_KEY}].</p>",
        live=False,
    )
    index.add_child(instance=draft)
    draft.save_revision()

    # Act / Assert
    for fmt in FORMATS:
        assert client.get(review_url(fmt, "/therapies/draft-therapy/")).status_code == 404
    assert UNCITED_KEY not in csl_ids(client, f"{LIBRARY}csl.json")


def test_unpublished_review_gives_404_and_leaves_the_library(client, ldn):
    # Arrange
    only_ldn = "bolton2019"
    assert only_ldn in csl_ids(client, f"{LIBRARY}csl.json")

    # Act
    ldn.unpublish()

    # Assert
    assert client.get(review_url("ris")).status_code == 404
    assert only_ldn not in csl_ids(client, f"{LIBRARY}csl.json")


def test_private_review_gives_404(client, ldn):
    # Arrange
    PageViewRestriction.objects.create(
        page=ldn, restriction_type=PageViewRestriction.PASSWORD, password="not-public"
    )

    # Act / Assert
    assert client.get(review_url("csl.json")).status_code == 404
    assert "bolton2019" not in csl_ids(client, f"{LIBRARY}csl.json")


def test_unpublished_changes_stay_hidden_until_published(client, ldn):
    # Arrange
    assert UNCITED_KEY not in csl_ids(client, review_url("csl.json"))
    revision = cite_in_draft(ldn, UNCITED_KEY)

    # Act
    before = csl_ids(client, review_url("csl.json")), csl_ids(client, f"{LIBRARY}csl.json")
    revision.publish()
    after = csl_ids(client, review_url("csl.json")), csl_ids(client, f"{LIBRARY}csl.json")

    # Assert
    assert UNCITED_KEY not in before[0] and UNCITED_KEY not in before[1]
    assert UNCITED_KEY in after[0] and UNCITED_KEY in after[1]


# --- the library export ---------------------------------------------------------------------


def test_library_export_holds_every_entry_a_live_review_cites_ordered_by_key(client):
    # Arrange
    cited = set()
    for page in TherapyPage.objects.live():
        cited.update(build_record(page).citations.numbers)

    # Act
    ids = csl_ids(client, f"{LIBRARY}csl.json")

    # Assert
    assert ids == sorted(cited & set(Reference.objects.values_list("key", flat=True)))
    assert UNCITED_KEY not in ids


def test_library_export_leaves_out_uncited_entries(client):
    # Arrange
    Reference.objects.create(key="uncited2024", csl={"type": "book", "title": "Not cited anywhere"})

    # Act / Assert
    for fmt in FORMATS:
        assert "uncited2024" not in client.get(f"{LIBRARY}{fmt}").content.decode(), fmt


def test_library_export_marks_incomplete_and_unverified_entries(client):
    # Act
    ris = {r["id"]: r for r in rispy.loads(client.get(f"{LIBRARY}ris").content.decode())}
    text = client.get(f"{LIBRARY}txt").content.decode()
    bib = client.get(f"{LIBRARY}bib").content.decode()

    # Assert
    assert "Incomplete entry: title, container-title, issued not recorded." in ris["epelbaum"]["notes"]
    assert "Volume and pages not verified" in ris["lissoni1993"]["notes"]
    assert "[Incomplete entry: title, container-title, issued not recorded.]" in text
    assert "Incomplete entry: title, container-title, issued not recorded." in bib


# --- caching --------------------------------------------------------------------------------


def test_second_request_is_served_from_the_cache(client):
    # Arrange
    first = client.get(review_url("bib"))

    # Act
    with CaptureQueriesContext(connection) as queries:
        second = client.get(review_url("bib"))

    # Assert
    assert second.content == first.content
    assert not any("references_reference" in q["sql"] for q in queries.captured_queries)


def test_editing_a_reference_shows_at_the_next_request(client):
    # Arrange
    client.get(review_url("ris"))
    client.get(f"{LIBRARY}ris")
    reference = Reference.objects.get(key="bolton2019")
    reference.csl = {**reference.csl, "title": "A corrected title for the export test"}

    # Act
    reference.save()

    # Assert
    assert "TI  - A corrected title for the export test" in client.get(review_url("ris")).content.decode()
    assert "TI  - A corrected title for the export test" in client.get(f"{LIBRARY}ris").content.decode()


@pytest.mark.parametrize("url", [review_url("ris"), f"{LIBRARY}txt"])
def test_matching_etag_gives_304(client, url):
    # Arrange
    etag = client.get(url)["ETag"]

    # Act
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)

    # Assert
    assert response.status_code == 304
    assert response["ETag"] == etag
    assert "public" in response["Cache-Control"]


def test_logged_in_editors_get_the_published_version_too(client, admin_user_demo, ldn):
    # Arrange
    cite_in_draft(ldn, UNCITED_KEY)
    client.force_login(admin_user_demo)

    # Act
    ids = csl_ids(client, review_url("csl.json"))

    # Assert
    assert UNCITED_KEY not in ids


# --- the download links ---------------------------------------------------------------------


def test_references_page_links_every_download_and_hides_them_in_print(client):
    # Act
    page = client.get(LDN + "references/").content.decode()

    # Assert
    block = re.search(r'<p class="reference-downloads no-print">(.*?)</p>', page, re.S)
    assert block, "no download links on the references page"
    links = re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', block.group(1))
    assert links == [
        (review_url("ris"), "RIS"),
        (review_url("bib"), "BibTeX"),
        (review_url("csl.json"), "CSL-JSON"),
        (review_url("txt"), "text"),
    ]
    assert "Download for your reference manager:" in block.group(1)
    for href, _ in links:
        assert client.get(href).status_code == 200, href


def test_print_stylesheet_hides_no_print_blocks():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "carechoices" / "static" / "css" / "print.css").read_text()
    assert re.search(r"\.no-print[^{]*\{\s*display:\s*none", css)
