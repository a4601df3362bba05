"""Helpers every test uses to act as a persona; one place to change when log-in changes."""

from __future__ import annotations

from typing import Any

from django.test import Client


def log_in(client: Client, user: Any) -> Client:
    """Log `user` in on the test client, completing every factor the app requires."""
    client.force_login(user)
    return client


def browser_log_in(page: Any, username: str, password: str) -> None:
    """Log in through the real log-in page of a Playwright page (base_url set)."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
