"""`make serve`'s stack: nginx's edge cache in front of gunicorn with production settings.

The stack runs on free localhost ports against a SQLite file of its own (built once for this
module: migrate, the cache table, the sample content), so the edge's behaviour is tested
whatever database the rest of the suite uses. No timing is asserted: the publish test waits
for the freshness bound the configuration states, then checks what readers get.
"""

from __future__ import annotations

import contextlib
import html
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import pytest

from deploy.processes import request
from deploy.serve import AppConfig, render_nginx_config, serving

ROOT = Path(__file__).resolve().parents[2]
LDN = "/therapies/low-dose-naltrexone/"
TTL_S = 3
SETTINGS = "tests.support.serve_settings"


def manage(database_url: str, settings: str, *args: str, stdin: str | None = None) -> str:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "stack-tests-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.fixture(scope="module")
def database_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('stack-db') / 'site.sqlite3'}"
    manage(url, "config.settings.dev", "migrate", "--no-input", "-v0")
    manage(url, SETTINGS, "createcachetable")
    # The sample content is loaded with development settings, as `make sample-content` does.
    manage(url, "config.settings.dev", "load_sample_content")
    return url


@contextlib.contextmanager
def started_stack(database_url: str, ttl_s: int = TTL_S):
    app = AppConfig(settings=SETTINGS, workers=2, environment={"DATABASE_URL": database_url})
    # Not under pytest's own temporary folder: nginx's workers (an unprivileged user when the
    # tests run as root) must be able to reach the prefix, and pytest's folder is private.
    prefix = Path(tempfile.mkdtemp(prefix="carechoices-edge-"))
    try:
        with serving(
            prefix=prefix, app=app, cache_ttl_s=ttl_s, static_root=prefix / "static",
            nginx_workers="1",
        ) as running_stack:
            yield running_stack
    finally:
        shutil.rmtree(prefix, ignore_errors=True)


def test_the_access_log_never_holds_a_query_string(database_url):
    # What a person types into a search or a GET form must not reach the disk (PRODUCT.md).
    app = AppConfig(settings=SETTINGS, workers=1, environment={"DATABASE_URL": database_url})
    prefix = Path(tempfile.mkdtemp(prefix="carechoices-edge-log-"))
    try:
        with serving(prefix=prefix, app=app, static_root=prefix / "static", nginx_workers="1",
                     access_log=True) as running_stack:
            found = request(running_stack.url + "/search/?q=tamoxifen+zz-private-word")
            assert found.status == 200
        log = (prefix / "access.log").read_text()
    finally:
        shutil.rmtree(prefix, ignore_errors=True)
    assert '"GET /search/ HTTP/1.1" 200' in log
    assert "private-word" not in log and "tamoxifen" not in log and "?" not in log


@pytest.fixture(scope="module")
def stack(database_url):
    with started_stack(database_url) as running_stack:
        yield running_stack


def review_subpages() -> list[str]:
    """Every routable sub-page of a review except the personal screen ("check/")."""
    from carechoices.therapies.models import TherapyPage

    routes = TherapyPage.public_routes()
    assert {"", "safety/", "references/"} <= set(routes)  # the overview and sub-pages, as today
    assert "check/" not in routes
    return [LDN + route for route in routes]


PUBLIC_PAGES = ["/", "/therapies/", "/glossary/", "/people/", "/how-we-rate/", "/cancer-types/",
                "/cancer-types/brain-cancer/", "/about/"]


def test_the_template_names_every_field_it_uses(tmp_path):
    from deploy.serve import EdgeConfig

    config = EdgeConfig(
        prefix=tmp_path,
        listen="127.0.0.1:1",
        app_address="127.0.0.1:2",
        static_root=tmp_path / "static",
        media_root=tmp_path / "media",
        cache_ttl_s=7,
    )
    text = render_nginx_config(config)
    assert not re.search(r"@[A-Z_]+@", re.sub(r"#.*", "", text))  # every field filled in
    assert "proxy_cache_valid 200 301 7s;" in text
    with pytest.raises(ValueError, match="UNKNOWN"):
        render_nginx_config(config, "listen @UNKNOWN@;")
    with pytest.raises(ValueError, match="LISTEN"):
        render_nginx_config(
            EdgeConfig(tmp_path, "1; evil", "127.0.0.1:2", tmp_path, tmp_path), "listen @LISTEN@;"
        )


def test_nginx_never_reuses_a_connection_to_gunicorn():
    """One connection per request to gunicorn: a kept-alive connection is tied to one worker, and
    once that worker was recycled (max_requests) a request sent down it waited out gunicorn's
    keepalive or, for a POST, failed with 502 (seen in the soak)."""
    import runpy

    template = (ROOT / "deploy" / "nginx.conf.template").read_text()
    code = re.sub(r"#.*", "", template)
    upstream = re.search(r"upstream carechoices_app \{(.*?)\}", code, re.S).group(1)
    assert "keepalive" not in upstream
    assert re.search(r'^\s*proxy_set_header Connection "close";', code, re.M)
    assert runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))["max_requests"] > 0  # why it matters


@pytest.mark.parametrize("path", [*review_subpages(), *PUBLIC_PAGES])
def test_public_pages_are_served_from_the_edge_cache(stack, path):
    first = request(stack.url + path)
    second = request(stack.url + path)

    assert first.status == 200, first.body[:300]
    assert second.headers.get("x-cache-status") == "HIT"
    assert second.body == first.body
    # What the edge keeps is the same for everyone: no form token, no cookie.
    assert b"csrfmiddlewaretoken" not in first.body
    assert "set-cookie" not in first.headers


@pytest.mark.parametrize(
    "path", ["/screen/", LDN + "check/", "/plan/", "/admin/login/", "/healthz", "/readyz",
             "/search/?q=naltrexone", "/api/v1/search?q=naltrexone", "/cds-services"]
)
def test_forms_the_back_office_and_health_are_never_cached(stack, path):
    statuses = [request(stack.url + path).headers.get("x-cache-status") for _ in range(3)]

    # Not even looked up: a lookup of an address whose answer is never stored made
    # simultaneous requests wait on the cache lock (500 ms polls) for an entry never written.
    assert statuses == ["BYPASS"] * 3


def form_token(stack, path: str) -> tuple[str, str]:
    """A CSRF cookie and the form's token, as a browser would get them."""
    page = request(stack.url + path)
    cookie = page.headers["set-cookie"].split(";")[0]
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body).group(1)
    return cookie, token.decode()


def post_form(stack, path: str, fields: dict[str, str]):
    cookie, token = form_token(stack, path)
    body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
    return request(
        stack.url + path,
        method="POST",
        body=body,
        headers={
            "Cookie": cookie,
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": stack.url + path,
            "Origin": stack.url,
        },
    )


def test_screen_results_are_answered_fresh_to_each_post(stack):
    answers = [
        post_form(stack, "/screen/", {"medicines": name}) for name in ("tramadol", "ibuprofen")
    ]

    for answer, name in zip(answers, ("tramadol", "ibuprofen"), strict=True):
        assert answer.status == 200, answer.body[:500]
        assert name in html.unescape(answer.body.decode())
        assert answer.headers.get("x-cache-status") != "HIT"
        assert "no-store" in answer.headers["cache-control"]


def test_api_posts_are_never_cached(stack):
    answers = [
        request(
            stack.url + "/api/v1/screen",
            method="POST",
            body=json.dumps({"medicines": [name]}).encode(),
            headers={"Content-Type": "application/json"},
        )
        for name in ("tramadol", "tramadol", "ibuprofen")
    ]

    assert [answer.status for answer in answers] == [200, 200, 200]
    assert all(answer.headers.get("x-cache-status") != "HIT" for answer in answers)
    assert answers[0].body != answers[2].body


def test_signed_in_editors_bypass_the_edge_and_never_fill_it(stack):
    path = LDN + "research/?asked-by=editor"  # a URL no other test has put in the cache
    editor = [
        request(stack.url + path, headers={"Cookie": "sessionid=an-editors-session"})
        for _ in range(2)
    ]
    reader = request(stack.url + path)

    assert [answer.headers.get("x-cache-status") for answer in editor] == ["BYPASS", "BYPASS"]
    assert reader.headers.get("x-cache-status") == "MISS"  # the editor's answers were not kept


def send(stack, method: str, path: str, *, source: str = "127.0.0.1", body: bytes = b"",
         headers: dict[str, str] | None = None) -> tuple[int, str, bytes]:
    """One request to the edge from the loopback address ``source``, following no redirect:
    its status, ``Set-Cookie`` and body.

    All of 127.0.0.0/8 reaches this machine, so two addresses stand for two readers and nginx
    sees each as ``$remote_addr``, as it would see readers on the internet.
    """
    host, port = urllib.parse.urlsplit(stack.url).netloc.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10, source_address=(source, 0))
    try:
        connection.request(method, path, body=body or None, headers=headers or {})
        answer = connection.getresponse()
        return answer.status, answer.getheader("Set-Cookie", ""), answer.read()
    finally:
        connection.close()


def sign_in_from(stack, source: str, username: str, password: str) -> int:
    """The status of a back-office sign-in sent from the loopback address ``source``."""
    _, cookie, page = send(stack, "GET", "/admin/login/", source=source)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    fields = {"username": username, "password": password, "csrfmiddlewaretoken": token}
    status, _, _ = send(stack, "POST", "/admin/login/", source=source,
                        body=urllib.parse.urlencode(fields).encode(), headers={
        "Cookie": cookie.split(";")[0], "Content-Type": "application/x-www-form-urlencoded",
        "Origin": stack.url, "Referer": stack.url + "/admin/login/",
        "X-Real-IP": "192.0.2.250",  # what a client sends is replaced by nginx
    })
    return status


def test_wrong_passwords_from_one_reader_do_not_lock_the_editor_out_elsewhere(stack):
    wrong = [sign_in_from(stack, "127.0.0.2", "reviewer", "not-the-password") for _ in range(6)]
    assert wrong[:4] == [200] * 4 and wrong[-1] == 429  # the form again, then paused
    # The same account from another address signs in; the stranger's address stays paused.
    assert sign_in_from(stack, "127.0.0.3", "reviewer", "carechoices-reviewer") == 302
    assert sign_in_from(stack, "127.0.0.2", "reviewer", "carechoices-reviewer") == 429


def test_bodies_over_nginx_limits_get_json_that_names_them(stack):
    api = request(stack.url + "/api/v1/screen", method="POST", body=b" " * (2 * 1024 * 1024),
                  headers={"Content-Type": "application/json"})
    assert api.status == 413
    assert json.loads(api.body)["error"]["field"] == "body"
    cds = request(stack.url + "/cds-services/order-sign", method="POST",
                  body=b" " * (6 * 1024 * 1024), headers={"Content-Type": "application/json"})
    assert cds.status == 413
    assert json.loads(cds.body)["resourceType"] == "OperationOutcome"
    assert cds.headers["access-control-allow-origin"] == "*"  # an EHR's browser reads it


def test_cds_hooks_take_bodies_up_to_their_own_limit_through_the_edge(stack):
    from bench.screening import order_sign_request

    body = json.dumps(order_sign_request()).encode()
    padded = body + b" " * (2 * 1024 * 1024)  # valid JSON of 2 MB, over the site's 1 MB
    answer = request(stack.url + "/cds-services/order-sign", method="POST", body=padded,
                     headers={"Content-Type": "application/json"})
    assert answer.status == 200, answer.body[:300]
    assert json.loads(answer.body)["cards"]
    over = request(stack.url + "/cds-services/order-sign", method="POST",
                   body=body + b" " * (4 * 1024 * 1024 + 1), headers={"Content-Type": "application/json"})
    assert over.status == 413  # the service's own limit, 4 MiB
    assert "4 MiB" in json.loads(over.body)["issue"][0]["diagnostics"]


def test_only_the_back_offices_upload_pages_take_bodies_over_the_sites_limit(stack):
    boundary = "carechoices-upload"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"refs.ris\"\r\n"
            f"Content-Type: application/x-research-info-systems\r\n\r\n").encode()
    body += b"TY  - JOUR\r\n" * (5 * 1024 * 1024 // 12) + f"\r\n--{boundary}--\r\n".encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    upload = request(stack.url + "/admin/references/import/", method="POST", body=body, headers=headers)
    sign_in = request(stack.url + "/admin/login/", method="POST", body=body, headers=headers)
    assert len(body) > 5 * 1024 * 1024
    assert upload.status == 403  # Django's answer (no CSRF token), not nginx's 413
    assert sign_in.status == 413  # anyone may reach the sign-in page: it keeps the 1 MB limit


def test_cds_hooks_discovery_is_answered_at_its_own_address(stack):
    status, _, body = send(stack, "GET", "/cds-services")  # a redirect would be a failure
    assert status == 200, body[:200]
    assert json.loads(body)["services"]


def test_request_bodies_stay_in_memory_never_in_nginx_temporary_files(stack):
    from bench.screening import order_sign_request, request_body

    screen = request_body()[:-1] + b" " * (100 * 1024) + b"}"  # 100 KB of valid JSON
    hook = json.dumps(order_sign_request()).encode() + b" " * (2 * 1024 * 1024)
    spool = stack.prefix / "client_body"
    spool.mkdir(exist_ok=True)
    spool.chmod(0o000)  # a body nginx tried to write here would fail the request with 500
    try:
        answers = [
            request(stack.url + "/api/v1/screen", method="POST", body=screen,
                    headers={"Content-Type": "application/json"}),
            request(stack.url + "/cds-services/order-sign", method="POST", body=hook,
                    headers={"Content-Type": "application/json"}),
        ]
    finally:
        spool.chmod(0o700)
    assert [answer.status for answer in answers] == [200, 200], [a.body[:200] for a in answers]


PUBLISH = """
from carechoices.therapies.models import TherapyPage
page = TherapyPage.objects.get(slug="low-dose-naltrexone")
page.title = "Low-dose naltrexone (republished)"
page.save_revision().publish()
"""


def test_a_publish_is_visible_at_the_edge_within_the_cache_ttl(stack, database_url):
    before = [request(stack.url + LDN) for _ in range(2)]
    assert before[1].headers.get("x-cache-status") == "HIT"
    assert b"(republished)" not in before[1].body

    manage(database_url, "config.settings.dev", "shell", stdin=PUBLISH)
    published_at = time.monotonic()
    # Past the bound, readers get the new page: the first request after it may still be
    # answered stale while nginx refreshes the entry in the background; the next is fresh.
    time.sleep(max(0.0, TTL_S - (time.monotonic() - published_at)) + 0.5)
    request(stack.url + LDN)
    seen = b""
    for _ in range(50):
        answer = request(stack.url + LDN)
        if answer.headers.get("x-cache-status") in {"HIT", "MISS", "EXPIRED"}:
            seen = answer.body
            break
        time.sleep(0.1)  # the background refresh has not landed yet: UPDATING/STALE

    assert b"(republished)" in seen


def test_with_the_application_down_readers_get_the_cached_pages(database_url):
    with started_stack(database_url, ttl_s=1) as own_stack:
        pages = [LDN, LDN + "safety/", "/glossary/"]
        cached = {path: request(own_stack.url + path).body for path in pages}
        os.killpg(own_stack.app_pid, signal.SIGKILL)  # gunicorn, started by this test
        time.sleep(3)  # every entry is past its freshness now (nginx counts whole seconds)

        for path in pages:
            answer = request(own_stack.url + path)
            assert answer.status == 200
            assert answer.body == cached[path]
            assert answer.headers.get("x-cache-status") in {"STALE", "UPDATING"}
        # What needs the application is not answered from any cache.
        assert request(own_stack.url + "/screen/").status == 502
        # nginx's error lines quote the request line: what a person searched for must not be
        # among them (its error log keeps only critical lines).
        assert request(own_stack.url + "/search/?q=zz-private-word").status == 502
        assert "zz-private-word" not in (own_stack.prefix / "error.log").read_text()
