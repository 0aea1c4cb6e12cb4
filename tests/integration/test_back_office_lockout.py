"""The back office throttles wrong passwords and locks out; it keeps nothing a person entered."""

from __future__ import annotations

import json

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/"
WRONG = "a-wrong-password-nobody-should-keep"


def _login(client: Client, password: str, username: str = "editor"):
    return client.post(LOGIN, {"username": username, "password": password})


def test_wrong_passwords_lock_the_account_out_after_the_limit(client):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, WRONG).status_code == 200  # the form again, with its error
    locked = _login(client, WRONG)
    assert locked.status_code == 429
    assert "Sign-in paused" in locked.content.decode()
    # Locked means locked: even the right password is refused until the cool-off ends.
    assert _login(client, "carechoices-editor").status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_right_password_before_the_limit_signs_in_and_resets_the_count(client):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, WRONG)
    assert _login(client, "carechoices-editor").status_code == 302
    assert AccessAttempt.objects.count() == 0  # AXES_RESET_ON_SUCCESS


def test_a_lockout_of_one_account_leaves_others_alone(client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, WRONG, username="editor")
    assert _login(client, "carechoices-reviewer", username="reviewer").status_code == 302


def test_failed_logins_never_store_the_password(client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, WRONG)
    stored = json.dumps(list(AccessAttempt.objects.values("get_data", "post_data", "username")))
    assert WRONG not in stored
    assert AccessLog.objects.count() == 0


def test_what_a_public_person_enters_is_never_recorded_by_the_lockout(client):
    secret = "zz-secret-medicine-for-lockout-test"
    client.post("/screen/", {"medicines": secret})
    client.post("/api/v1/screen", json.dumps({"medicines": [secret]}), content_type="application/json")
    client.post("/plan/", {"therapy": "low-dose-naltrexone", "medicines": secret})
    assert AccessAttempt.objects.count() == 0
    assert AccessLog.objects.count() == 0
    assert AccessFailureLog.objects.count() == 0


def test_behind_nginx_a_lockout_holds_one_address_not_every_reader(client):
    # nginx sends the reader's address as X-Real-IP; the test client is 127.0.0.1, as nginx is.
    stranger, editor = {"HTTP_X_REAL_IP": "198.51.100.7"}, {"HTTP_X_REAL_IP": "203.0.113.9"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "editor", "password": WRONG}, **stranger)
    assert client.post(LOGIN, {"username": "editor", "password": WRONG}, **stranger).status_code == 429
    signed_in = client.post(LOGIN, {"username": "editor", "password": "carechoices-editor"}, **editor)
    assert signed_in.status_code == 302
    assert AccessAttempt.objects.get().ip_address == "198.51.100.7"


def test_a_client_that_is_not_the_proxy_cannot_dodge_the_lockout_with_the_header(client):
    for number in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "editor", "password": WRONG},
                    REMOTE_ADDR="192.0.2.1", HTTP_X_REAL_IP=f"198.51.100.{number + 1}")
    locked = client.post(LOGIN, {"username": "editor", "password": "carechoices-editor"},
                         REMOTE_ADDR="192.0.2.1", HTTP_X_REAL_IP="198.51.100.99")
    assert locked.status_code == 429
