"""The `coresponse` command: Django's management commands with friendlier names.

`coresponse demo-data` runs the `demo_data` command; words joined by hyphens become
underscores, and `import` (a Python keyword) maps to `import_data`.
"""

from __future__ import annotations

import os
import sys

ALIASES = {"import": "import_data"}


def main(argv: list[str] | None = None) -> None:
    """Run a management command, defaulting to local settings."""
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    if args and not args[0].startswith("-"):
        name = args[0]
        args[0] = ALIASES.get(name, name.replace("-", "_"))
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["coresponse", *args])
    finally:
        _redraw_before_exit()


def _redraw_before_exit() -> None:
    """Dashboards whose figures the command changed (an encounter import, say) are redrawn
    now: the web processes' background redraw never hears of a command's writes, and this
    process's own thread would end with it."""
    if "coresponse.reporting.redraw" not in sys.modules:
        return  # nothing was written that could have noted a dashboard
    from coresponse.reporting.redraw import flush_before_exit

    redrawn = flush_before_exit()
    if redrawn:
        count = len(redrawn)
        print(
            f"Charts redrawn for the new figures: {count} scope{'s' if count != 1 else ''}.",
            file=sys.stderr,
        )


if __name__ == "__main__":
    main()
