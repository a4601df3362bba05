"""Helpers every test uses to act as a persona; one place to change when log-in changes."""

from __future__ import annotations

from typing import Any

from django.test import Client


def ensure_totp_device(user: Any) -> Any:
    """The user's confirmed authenticator, created for the test when missing."""
    from coresponse.accounts import mfa

    device = mfa.confirmed_totp_device(user)
    if device is None:
        device = mfa.enrol_with_secret(user, "3132333435363738393031323334353637383930")
    return device


def totp_code(user: Any) -> str:
    """A code the user's authenticator accepts now (never one already used)."""
    import time

    from coresponse.accounts import mfa

    device = ensure_totp_device(user)
    device.refresh_from_db()
    now_step = (int(time.time()) - device.t0) // device.step + device.drift
    # A code is accepted once: after a log-in in this step, use the next step's code
    # (inside the device's tolerance of one step).
    offset = 1 if device.last_t >= now_step else 0
    return mfa.current_code(device, step_offset=offset)


def log_in(client: Client, user: Any) -> Client:
    """Log `user` in on the test client, completing every factor the app requires."""
    import django_otp

    from coresponse.accounts.sessions import start_session_clock

    device = ensure_totp_device(user)
    client.force_login(user)
    session = client.session
    session[django_otp.DEVICE_ID_SESSION_KEY] = device.persistent_id
    start_session_clock(session)
    session.save()
    return client


def browser_log_in(page: Any, username: str, password: str) -> None:
    """Log in through the real log-in pages of a Playwright page (base_url set).

    Gives the user an authenticator if they have none, then types the password and the
    current code exactly as a person would.
    """
    from coresponse.accounts.models import User

    user = User.objects.get(username=username)
    ensure_totp_device(user)
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/code/" in url)
    page.get_by_label("Code").fill(totp_code(user))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
