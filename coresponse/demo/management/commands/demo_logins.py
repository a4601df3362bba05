"""`coresponse demo-logins`: print the URL and the demo accounts to log in with."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from coresponse.accounts.demo_logins import demo_authenticator_lines
from coresponse.demo.generator import DEMO_PASSWORD, STAFF


class Command(BaseCommand):
    help = "Print the demo log-ins (synthetic accounts of the demo data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args: Any, **options: Any) -> None:
        lines = [
            "",
            f"CoResponse demo: open {options['url']}",
            f"Every demo account's password is: {DEMO_PASSWORD}",
            "",
            f"  {'username':<12} what you will see",
        ]
        lines += [f"  {spec.username:<12} {spec.description}" for spec in STAFF]
        lines += demo_authenticator_lines([spec.username for spec in STAFF])
        lines.append("")
        self.stdout.write("\n".join(lines))
