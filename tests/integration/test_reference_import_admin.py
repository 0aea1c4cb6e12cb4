"""The back-office import: upload → preview with each record's outcome → confirm, merge or skip."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from carechoices.references.models import Reference

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).parents[1] / "unit" / "references" / "fixtures" / "import"
URL = "/admin/references/import/"


def upload(client, *names: str, **extra):
    files = [SimpleUploadedFile(name, (SAMPLES / name).read_bytes()) for name in names]
    return client.post(URL, {"step": "preview", "files": files, **extra})


def token_of(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


def test_editor_previews_then_imports_the_new_records(client, editor):
    client.force_login(editor)
    assert client.get(URL).status_code == 200
    before = Reference.objects.count()
    response = upload(client, "pubmed.nbib", "export.ris")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Preview: nothing has been written yet" in html
    assert "same DOI 10.1186/s12916-018-1242-0 as bolton2019" in html
    assert "title: the record has no title." in html
    bolton = Reference.objects.get(key="bolton2019")
    edit = reverse("wagtailsnippets_references_reference:edit", args=[bolton.pk])
    assert f'<a href="{edit}" target="_blank" rel="noopener">open bolton2019' in html  # to compare
    assert Reference.objects.count() == before  # the preview writes nothing
    response = client.post(URL, {"step": "confirm", "token": token_of(response)})
    assert response.status_code == 302 and response["Location"] == reverse("wagtailsnippets_references_reference:list")
    assert Reference.objects.count() == before + 6
    assert Reference.objects.filter(key="nunez2013").exists()


def test_editor_merges_a_duplicate_and_skips_new_ones(client, editor):
    client.force_login(editor)
    bolton = Reference.objects.get(key="bolton2019")
    bolton.pmcid = ""
    bolton.save()
    before = Reference.objects.count()
    token = token_of(upload(client, "pubmed.nbib"))
    response = client.post(URL, {"step": "confirm", "token": token, "all-new": "skip", "action-1": "merge"})
    assert response.status_code == 302
    bolton.refresh_from_db()
    assert bolton.pmcid == "PMC6332608"
    assert Reference.objects.count() == before


def test_a_choice_that_does_not_apply_is_refused_and_nothing_written(client, editor):
    client.force_login(editor)
    before = Reference.objects.count()
    token = token_of(upload(client, "pubmed.nbib"))
    response = client.post(URL, {"step": "confirm", "token": token, "action-2": "merge"})  # a new record
    assert response.status_code == 400
    assert "is not possible for a new record" in response.content.decode()
    assert Reference.objects.count() == before


def test_library_changed_since_preview_shows_the_preview_again(client, editor):
    client.force_login(editor)
    token = token_of(upload(client, "pubmed.nbib"))
    Reference.objects.create(key="nunez2013x", csl={"type": "article-journal", "title": "x"}, pmid="11111111")
    before = Reference.objects.count()
    response = client.post(URL, {"step": "confirm", "token": token})
    assert response.status_code == 409
    assert "The library changed since the preview" in response.content.decode()
    assert Reference.objects.count() == before


def test_an_unreadable_file_is_named_next_to_the_field(client, editor):
    client.force_login(editor)
    bad = SimpleUploadedFile("notes.txt", b"nothing to see")
    response = client.post(URL, {"step": "preview", "files": [bad]})
    assert response.status_code == 400
    assert "notes.txt: not a file this import reads" in response.content.decode()


def test_an_expired_preview_says_so(client, editor):
    client.force_login(editor)
    response = client.post(URL, {"step": "confirm", "token": "stale"}, follow=True)
    assert "That import preview has expired" in response.content.decode()


def test_people_without_permission_cannot_import(client, db):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.create_user("reader", password="x")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert client.get(URL).status_code in (302, 403)


def test_a_large_file_shows_progress_between_requests_then_the_preview(client, editor, monkeypatch):
    from bench.references_import import export_file, library
    from carechoices.references import admin_import

    monkeypatch.setattr(admin_import, "CHUNK", 400)
    text, _ = export_file(library(300), 1_000)
    client.force_login(editor)
    before = Reference.objects.count()
    response = client.post(URL, {"step": "preview", "files": [SimpleUploadedFile("big.nbib", text.encode())]})
    seen = []
    while "Checking the records for duplicates" in response.content.decode():
        html = response.content.decode()
        done = int(re.search(r'<progress id="import-progress" max="1000" value="(\d+)">', html).group(1))
        seen.append(done)
        next_url = re.search(r'<meta http-equiv="refresh" content="0; url=([^"]+)">', html).group(1)
        assert f'href="{next_url}">Carry on checking</a>' in html
        response = client.get(next_url.replace("&amp;", "&"))
    assert seen == [400, 800]
    html = response.content.decode()
    assert "Preview: nothing has been written yet" in html and "1000 records" in html
    assert Reference.objects.count() == before
    response = client.post(URL, {"step": "confirm", "token": token_of(response)})
    assert response.status_code == 302
    assert Reference.objects.count() == before + 1_000  # a generated file: every record new here
