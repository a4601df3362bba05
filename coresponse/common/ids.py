"""Record ids taken from URLs, query strings and form fields.

`str.isdigit()` is not a test for an id: it accepts superscripts and other Unicode digits that
`int()` refuses, and it accepts numbers too large for a database integer. Both used to end in a
server error; an id that is not one simply finds nothing.
"""

from __future__ import annotations

import re

_ID = re.compile(r"[0-9]{1,18}")


def parse_id(value: object) -> int | None:
    """The id written in `value` (ASCII digits, at most 18 of them), or None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 <= value < 10**18 else None
    if not isinstance(value, str) or not _ID.fullmatch(value):
        return None
    return int(value)


def lookup_id(value: object) -> int:
    """The id written in `value`, or -1 (an id no row has) so that a lookup finds nothing."""
    parsed = parse_id(value)
    return -1 if parsed is None else parsed
