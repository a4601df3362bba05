"""`coresponse demo-totp USERNAME`: print the current authenticator code of a demo account."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coresponse.accounts import mfa
from coresponse.accounts.models import User


class Command(BaseCommand):
    help = "Print the current 6-digit code of a user's authenticator (demo accounts)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--uri", action="store_true", help="Print the otpauth:// URI too.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user named {options['username']!r}.")
        device = mfa.confirmed_totp_device(user)
        if device is None:
            raise CommandError(f"{user.username} has no authenticator yet (enrols at log-in).")
        if options["uri"]:
            self.stdout.write(device.config_url)
        self.stdout.write(mfa.current_code(device))
