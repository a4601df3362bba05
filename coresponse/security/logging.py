"""Logs without person-level data: exception messages withheld, query strings cut.

Exception messages can carry record contents (PostgreSQL puts the offending values in an
IntegrityError's DETAIL; a ValueError may quote a form value), and query strings carry
what was searched for (names). Tracebacks keep their frames (file, line, code), which is
what a developer needs to find the bug.
"""

from __future__ import annotations

import logging
import re
import traceback
from types import TracebackType
from typing import Any

WITHHELD = "[message withheld: may contain person-level data]"
_QUERY = re.compile(r"\?[^\s\"']*")

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def redacted_traceback(exc_info: Any) -> str:
    """A traceback with every frame but no exception message (chained causes included)."""
    _, error, _ = exc_info
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = "".join(traceback.format_tb(current.__traceback__))
        parts.insert(
            0,
            "Traceback (most recent call last):\n"
            + frames
            + f"{type(current).__module__}.{type(current).__qualname__}: {WITHHELD}",
        )
        current = current.__cause__ or current.__context__
    return "\n\nDuring handling of the above exception, another exception occurred:\n\n".join(parts)


class RedactingFormatter(logging.Formatter):
    """Formats exceptions without their messages, never reusing another handler's text."""

    def formatException(self, ei: Any) -> str:
        return redacted_traceback(ei)

    def format(self, record: logging.LogRecord) -> str:
        cached = record.exc_text
        record.exc_text = None
        try:
            return super().format(record)
        finally:
            record.exc_text = cached


class QueryStringFilter(logging.Filter):
    """Cut query strings (searched names) out of request lines and messages."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(
                _QUERY.sub("?…", arg) if isinstance(arg, str) else arg for arg in args
            )
        if isinstance(record.msg, str):
            record.msg = _QUERY.sub("?…", record.msg)
        return True
