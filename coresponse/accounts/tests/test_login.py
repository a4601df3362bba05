"""Two-step log-in, enrolment, recovery codes, lockout, session limits (SECURITY.md 8–12)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from coresponse.accounts import mfa
from coresponse.accounts.models import LoginFailure
from coresponse.accounts.services import user_set_active
from coresponse.accounts.sessions import LAST_SEEN_AT
from coresponse.accounts.tests.factories import PASSWORD
from coresponse.audit.models import AuditEvent
from coresponse.common.testing import ensure_totp_device, log_in, totp_code
from coresponse.people.tests.factories import person_in

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
LOCKED = (
    "This account is locked after 5 failed log-ins in 15 minutes. "
    "Try again later or ask an administrator to unlock it."
)

# A page only a logged-in user reaches ("/" shows anonymous visitors the public home).
STAFF_PAGE = "/encounters/"


def password_step(client: Client, username: str, password: str = PASSWORD, **extra):
    return client.post(
        "/accounts/login/", {"username": username, "password": password, "next": ""}, **extra
    )


def test_login_page_shows_the_system_use_notice(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "Authorized use only." in response.content.decode()
    assert "42 CFR Part 2" in response.content.decode()


def test_password_alone_reaches_nothing_person_level(world, client):
    person = person_in(world.ashford)
    ensure_totp_device(world.clinician)
    response = password_step(client, "clinician")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/code/"
    for url in (f"/people/{person.pk}/", "/encounters/", "/api/v1/people/"):
        refused = client.get(url)
        assert refused.status_code in (302, 401)
    assert not AuditEvent.objects.filter(action="read").exists()


def test_password_then_code_logs_in_with_a_new_session_id(world, client):
    ensure_totp_device(world.clinician)
    client.get("/accounts/login/")
    password_step(client, "clinician")
    key_after_password = client.session.session_key
    response = client.post("/accounts/login/code/", {"code": totp_code(world.clinician)})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session.session_key != key_after_password
    assert client.get("/encounters/").status_code == 200
    login = AuditEvent.objects.get(action="login")
    assert (login.actor_id, login.object_id, login.outcome) == (
        world.clinician.pk,
        str(world.clinician.pk),
        "success",
    )


def test_session_id_changes_at_password_step(world, client):
    ensure_totp_device(world.clinician)
    client.get("/accounts/login/")
    session = client.session
    session["probe"] = 1
    session.save()
    before = session.session_key
    password_step(client, "clinician")
    assert client.session.session_key != before


def test_wrong_code_is_refused_with_a_message(world, client):
    ensure_totp_device(world.clinician)
    password_step(client, "clinician")
    response = client.post("/accounts/login/code/", {"code": "000000"})
    assert response.status_code == 200
    assert "That code is not valid. Enter the current 6-digit code." in response.content.decode()
    assert client.get("/encounters/").status_code == 302
    assert LoginFailure.objects.get().step == "code"


def test_first_log_in_enrols_an_authenticator_and_shows_recovery_codes(world, client):
    response = password_step(client, "clinician")
    assert response["Location"] == "/accounts/login/enrol/"
    page = client.get("/accounts/login/enrol/")
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=world.clinician, confirmed=False)
    done = client.post("/accounts/login/enrol/", {"code": mfa.current_code(device)})
    assert done.status_code == 200
    assert "Your recovery codes" in done.content.decode()
    assert len(done.context["codes"]) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/encounters/").status_code == 200


def test_recovery_code_logs_in_once(world, client):
    ensure_totp_device(world.clinician)
    codes = mfa.new_recovery_codes(world.clinician)
    password_step(client, "clinician")
    assert client.post("/accounts/login/code/", {"code": codes[0]}).status_code == 302
    client.logout()
    password_step(client, "clinician")
    again = client.post("/accounts/login/code/", {"code": codes[0]})
    assert again.status_code == 200
    assert mfa.remaining_recovery_codes(world.clinician) == 9


def test_sixth_attempt_is_refused_even_with_the_right_password(world, client):
    ensure_totp_device(world.clinician)
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            response = password_step(client, "clinician", "wrong password!")
            assert "Enter a correct username and password." in response.content.decode()
        sixth = password_step(client, "clinician")
    assert sixth.status_code == 200
    assert LOCKED in sixth.content.decode()
    assert AuditEvent.objects.filter(action="login_failed", outcome="failed").count() == 5
    assert AuditEvent.objects.filter(action="login_failed", outcome="denied").count() == 1


def test_another_user_behind_the_same_address_is_unaffected(world):
    ensure_totp_device(world.supervisor)
    station = {"REMOTE_ADDR": "10.0.0.7"}
    with time_machine.travel(START, tick=False):
        for _ in range(6):
            password_step(Client(), "clinician", "wrong password!", **station)
        colleague = Client()
        response = password_step(colleague, "supervisor", **station)
        assert response["Location"] == "/accounts/login/code/"
        final = colleague.post(
            "/accounts/login/code/", {"code": totp_code(world.supervisor)}, **station
        )
    assert final.status_code == 302


def test_failures_older_than_15_minutes_no_longer_lock(world, client):
    ensure_totp_device(world.clinician)
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            password_step(client, "clinician", "wrong password!")
    with time_machine.travel(START + datetime.timedelta(minutes=15, seconds=1), tick=False):
        response = password_step(client, "clinician")
    assert response["Location"] == "/accounts/login/code/"


def test_wrong_codes_also_lock_the_account(world, client):
    ensure_totp_device(world.clinician)
    with time_machine.travel(START, tick=False):
        password_step(client, "clinician")
        for _ in range(5):
            client.post("/accounts/login/code/", {"code": "000000"})
        response = client.post("/accounts/login/code/", {"code": totp_code(world.clinician)})
    assert LOCKED in response.content.decode()


@pytest.mark.parametrize(
    ("idle", "status"),
    [
        (datetime.timedelta(minutes=29, seconds=59), 200),
        (datetime.timedelta(minutes=30, seconds=1), 302),
    ],
)
def test_idle_timeout_is_30_minutes(world, client, idle, status):
    with time_machine.travel(START, tick=False):
        log_in(client, world.clinician)
        assert client.get("/encounters/").status_code == 200
    with time_machine.travel(START + idle, tick=False):
        response = client.get("/encounters/")
        page = client.get("/accounts/login/")
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/accounts/login/")
        assert "You were logged out after 30 minutes without activity." in page.content.decode()
        # The drafts of the ended session are wiped from the device (app.js reads the flag).
        assert "<body data-wipe-drafts-now" in page.content.decode()
    else:
        assert "data-wipe-drafts-now" not in page.content.decode()


def test_activity_is_recorded_at_most_once_a_minute(world, client):
    # Saving the session on every page would cost a database write each; the idle clock
    # may therefore run from up to a minute before the last request, never after it.
    with time_machine.travel(START, tick=False) as traveller:
        log_in(client, world.clinician)
        recorded = client.session[LAST_SEEN_AT]
        traveller.shift(datetime.timedelta(seconds=59))
        assert client.get(STAFF_PAGE).status_code == 200
        assert client.session[LAST_SEEN_AT] == recorded
        traveller.shift(datetime.timedelta(seconds=1))
        assert client.get(STAFF_PAGE).status_code == 200
        assert client.session[LAST_SEEN_AT] == recorded + 60
        traveller.shift(datetime.timedelta(seconds=59))
        assert client.get(STAFF_PAGE).status_code == 200
        # 30 minutes 1 second after the last recorded activity (29 minutes 2 seconds after
        # the last request): logged out.
        traveller.shift(datetime.timedelta(minutes=29, seconds=2))
        assert client.get(STAFF_PAGE).status_code == 302


def test_log_out_shows_the_page_that_wipes_the_device_drafts(world, client):
    log_in(client, world.clinician)
    response = client.post("/accounts/logout/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<body data-wipe-drafts-now" in body
    assert "Unsent drafts kept on this device were wiped." in body
    assert client.get(STAFF_PAGE).status_code == 302


def test_activity_keeps_the_session_alive_but_not_past_12_hours(world, client):
    with time_machine.travel(START, tick=False) as traveller:
        log_in(client, world.clinician)
        for _ in range(24):
            traveller.shift(datetime.timedelta(minutes=29))
            assert client.get(STAFF_PAGE).status_code == 200
        traveller.shift(datetime.timedelta(minutes=29))  # 12 h 25 min after log-in
        response = client.get(STAFF_PAGE)
        page = client.get("/accounts/login/")
    assert response.status_code == 302
    assert "a session lasts at most 12 hours" in page.content.decode()


def test_disabling_a_user_ends_their_sessions_at_once(world, client):
    log_in(client, world.officer)
    assert client.get(STAFF_PAGE).status_code == 200
    user_set_active(actor=world.administrator, user=world.officer, is_active=False)
    assert client.get(STAFF_PAGE).status_code == 302
    event = AuditEvent.objects.get(action="admin")
    assert event.detail == {"is_active": False, "sessions_ended": 1}


def test_a_session_without_second_factor_is_ended(world, client):
    client.force_login(world.clinician)  # a password-only session from any other code path
    assert client.get(STAFF_PAGE).status_code == 302


def test_admin_password_form_sends_to_the_two_step_log_in(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-pass1", "This password is too short. It must contain at least 12 characters."),
        ("password1234", "This password is too common."),
        ("123456789012", "This password is entirely numeric."),
    ],
)
def test_password_rules(world, password, message):
    with pytest.raises(ValidationError) as error:
        validate_password(password, world.clinician)
    assert message in error.value.messages


def test_long_uncommon_password_is_accepted(world):
    validate_password("violet tractor harbour 7", world.clinician)


def test_production_hashers_are_argon2_then_strong_pbkdf2():
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert PBKDF2PasswordHasher.iterations >= 600_000
    assert settings.SESSION_IDLE_TIMEOUT_SECONDS == 1800
