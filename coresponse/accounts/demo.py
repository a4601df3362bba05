"""Demo authenticators: every demo account gets a known TOTP secret, printed by `make demo`."""

from __future__ import annotations

import hashlib

from coresponse.accounts import mfa
from coresponse.demo.generator import STAFF, DemoContext, demo_step

DEMO_TOTP_SALT = "coresponse-demo-totp:"


def demo_totp_key(username: str) -> str:
    """A fixed 20-byte secret per demo username (synthetic accounts only, documented)."""
    return hashlib.sha256((DEMO_TOTP_SALT + username).encode()).hexdigest()[:40]


@demo_step(25, "authenticators for demo staff")
def build_authenticators(context: DemoContext) -> None:
    for spec in STAFF:
        user = context.users[spec.username]
        mfa.enrol_with_secret(user, demo_totp_key(spec.username))
