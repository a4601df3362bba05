"""Gunicorn settings: `gunicorn -c config/gunicorn.conf.py config.wsgi`.

Measured with `bench/load.py` (50 staff users, 120 s each, on the 2-core development
machine, PostgreSQL on the same machine): 3 workers × 8 threads gave reads p95 432 ms and
saves p95 668 ms; 6 × 3, 361 and 403; 8 × 2, 347 and 371; 10 × 2, 374 and 401; 12 × 1, 408
and 483. A page is mostly Python work between short database waits, and Python runs one
thread at a time per process: with many threads in few processes, a thread back from the
database waits for the others to yield, once per query. Four processes per core with two
threads each keep both cores busy without that wait. Each process holds the application
(about 100–250 MB once it has drawn a chart) and one database connection per thread.

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
