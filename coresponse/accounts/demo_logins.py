"""What `make demo` prints about the demo authenticators."""

from __future__ import annotations

from coresponse.accounts import mfa
from coresponse.accounts.models import User


def demo_authenticator_lines(usernames: list[str]) -> list[str]:
    """Each demo account's authenticator key, and how to get its current code."""
    lines = [
        "",
        "Every account also needs an authenticator code after the password. Either add the",
        "key below to an authenticator app, or print the current code with:",
        "  .venv/bin/coresponse demo-totp USERNAME",
        "",
        f"  {'username':<12} authenticator key (TOTP, SHA-1, 6 digits, 30 s)",
    ]
    for user in User.objects.filter(username__in=usernames).order_by("username"):
        device = mfa.confirmed_totp_device(user)
        if device is not None:
            lines.append(f"  {user.username:<12} {mfa.base32_secret(device)}")
    return lines
