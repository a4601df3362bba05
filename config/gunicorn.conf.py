"""Gunicorn settings: `gunicorn -c config/gunicorn.conf.py config.wsgi`.

Four processes per core with two threads each: a page is mostly Python work between short
database waits, and Python runs one thread at a time per process, so in a process of many
threads a thread back from the database waits for the others to yield, once per query. The
settings compared with `bench/load.py` and their figures are in ADR 0014
(docs/decisions/0014-serving-processes-and-prepared-statements.md). Each process holds the
application (about 100–250 MB once it has drawn a chart) and one database connection per
thread.

Every setting can be overridden from the environment (`WEB_WORKERS`, `WEB_THREADS`,
`WEB_BIND`) or on the command line.
"""

from __future__ import annotations

import os

worker_class = "gthread"
workers = int(os.environ.get("WEB_WORKERS", 4 * (os.cpu_count() or 1)))
threads = int(os.environ.get("WEB_THREADS", 2))
bind = os.environ.get("WEB_BIND", "127.0.0.1:8000")
# Longer than the pauses between a user's clicks: at gunicorn's default of 2 s an idle
# connection can be closed just as the browser (or proxy) reuses it.
keepalive = 5
