"""Redrawing the default dashboards' charts in the background after encounter writes.

`rollups.encounters_changed` runs inside the write's transaction; when that transaction
commits, the scopes whose figures it changed (the department, program and organization of
each encounter, before and after the write) are noted here. One daemon thread per process
redraws a noted scope's default dashboards, exact and suppressed (`dashboard.warm_scope`,
what `coresponse warm-charts` does for every scope), once writes to it have been quiet for
`CHART_REDRAW_QUIET_SECONDS` — at the latest `CHART_REDRAW_INTERVAL_SECONDS` after the first
write it has not drawn yet — and at most once per `CHART_REDRAW_INTERVAL_SECONDS`, so a burst
of saves costs one redraw per scope. Writes never wait for it; a failure is logged (without
its message, which could quote figures or records) and forgotten: the page draws what is
missing, as before. Several processes may draw the same chart: it is kept under one key.
The processes of one host take turns (`claim_on_host`): a scope one of them started to
redraw less than `CHART_REDRAW_INTERVAL_SECONDS` ago is left to it, and the others' writes
wait for the end of that interval (gunicorn's workers each redrew every scope once a
minute: three times the work with three workers).

`CHART_REDRAW_IN_BACKGROUND = False` turns it off (the test settings do).
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from coresponse.reporting.scopes import unrestricted_scope
from coresponse.security.rls import rls_scope

logger = logging.getLogger(__name__)

ScopeKey = tuple[str, int]  # (scopes.Kind, id)


def redraw_scope(key: ScopeKey) -> None:
    """Draw the charts of one scope's default dashboards, exact and suppressed, reading as a
    reader of that scope would (within its departments under row-level security)."""
    # Imported here: dashboard → measures → rollups, which imports this module.
    from coresponse.reporting.dashboard import scope_variants, warm_scope

    kind, object_id = key
    scope = unrestricted_scope(kind, object_id)
    with rls_scope(departments=sorted(scope.department_ids), people=[], user_id=None):
        for variant in scope_variants(scope):
            warm_scope(variant, timezone.localdate())


def claim_on_host(
    key: ScopeKey, interval_seconds: float, clock: Callable[[], float] = time.time
) -> float:
    """Claim the redraw of a scope for this process: 0 when claimed (draw it now), else the
    seconds until the interval of the redraw another process of this host started ends.

    The claim is the time written in a file under VAR_DIR, read and written under a lock;
    when the file cannot be used the process draws, as it did before claims existed.
    """
    kind, object_id = key
    path = Path(settings.VAR_DIR) / "chart-redraws" / f"{kind}-{int(object_id)}"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a+") as claim:
            fcntl.flock(claim, fcntl.LOCK_EX)  # released when the file is closed
            claim.seek(0)
            try:
                claimed_at = float(claim.read() or 0)
            except ValueError:
                claimed_at = 0.0
            now = clock()
            if 0 <= now - claimed_at < interval_seconds:
                return interval_seconds - (now - claimed_at)
            claim.seek(0)
            claim.truncate()
            claim.write(repr(now))
            return 0.0
    except OSError:
        return 0.0


@dataclass
class _Pending:
    first_at: float
    last_at: float


class ChartRedrawer:
    """Scopes waiting to be redrawn, and the thread that redraws them when they are due.

    `clock` (seconds, monotonic) and `redraw` can be replaced; with `in_background=False`
    no thread is started and the caller runs `run_due` itself (tests). `claim`, when given,
    is asked before each redraw (see `claim_on_host`).
    """

    def __init__(
        self,
        *,
        quiet_seconds: float,
        interval_seconds: float,
        clock: Callable[[], float] = time.monotonic,
        redraw: Callable[[ScopeKey], None] = redraw_scope,
        in_background: bool = True,
        claim: Callable[[ScopeKey], float] | None = None,
    ) -> None:
        self.quiet_seconds = quiet_seconds
        self.interval_seconds = interval_seconds
        self.clock = clock
        self.redraw = redraw
        self.in_background = in_background
        self.claim = claim
        self._condition = threading.Condition()
        self._pending: dict[ScopeKey, _Pending] = {}
        self._drawn_at: dict[ScopeKey, float] = {}
        self._thread: threading.Thread | None = None
        self._thread_pid = 0

    def note(self, keys: Iterable[ScopeKey]) -> None:
        """Remember that these scopes' figures changed now."""
        now = self.clock()
        with self._condition:
            for key in keys:
                pending = self._pending.get(key)
                if pending is None:
                    self._pending[key] = _Pending(first_at=now, last_at=now)
                else:
                    pending.last_at = now
            self._condition.notify()

    @property
    def pending(self) -> list[ScopeKey]:
        with self._condition:
            return sorted(self._pending)

    def _due_at(self, key: ScopeKey, pending: _Pending) -> float:
        settled = min(
            pending.last_at + self.quiet_seconds, pending.first_at + self.interval_seconds
        )
        drawn_at = self._drawn_at.get(key)
        return settled if drawn_at is None else max(settled, drawn_at + self.interval_seconds)

    def _take_due(self) -> tuple[list[ScopeKey], float | None]:
        """The scopes due now (no longer pending) and the seconds until the next one is due."""
        now = self.clock()
        due: list[ScopeKey] = []
        wait: float | None = None
        for key, pending in list(self._pending.items()):
            due_at = self._due_at(key, pending)
            if due_at <= now and self.claim is not None:
                # Another process redrawing it now covers the writes noted so far, perhaps
                # not the latest: they stay pending until the end of its interval.
                others_for = self.claim(key)
                if others_for > 0:
                    self._drawn_at[key] = now - self.interval_seconds + others_for
                    due_at = now + others_for
            if due_at <= now:
                due.append(key)
                del self._pending[key]
            else:
                wait = due_at - now if wait is None else min(wait, due_at - now)
        for key in [key for key, at in self._drawn_at.items() if at + self.interval_seconds <= now]:
            del self._drawn_at[key]  # no longer holds anything back
        for key in due:
            self._drawn_at[key] = now
        return sorted(due), wait

    def _redraw(self, keys: list[ScopeKey]) -> None:
        for kind, object_id in keys:
            try:
                self.redraw((kind, object_id))
            except Exception:
                logger.exception("Redrawing the charts of %s %s failed", kind, int(object_id))

    def run_due(self) -> list[ScopeKey]:
        """Redraw the scopes due now, here; returns them."""
        with self._condition:
            due, _ = self._take_due()
        self._redraw(due)
        return due

    def flush(self) -> list[ScopeKey]:
        """Redraw every pending scope here and now, due or not; returns them. For a process
        about to end (a command-line import), whose background thread would die with it."""
        with self._condition:
            pending = sorted(self._pending)
            self._pending.clear()
            now = self.clock()
            for key in pending:
                self._drawn_at[key] = now
        self._redraw(pending)
        return pending

    def start(self) -> None:
        """Start the background thread unless this process already runs it."""
        if not self.in_background:
            return
        with self._condition:
            thread = self._thread
            if thread is not None and thread.is_alive() and self._thread_pid == os.getpid():
                return
            self._thread = threading.Thread(target=self._run, name="chart-redraw", daemon=True)
            self._thread_pid = os.getpid()
            self._thread.start()

    def _run(self) -> None:
        while True:
            with self._condition:
                due, wait = self._take_due()
                if not due:
                    self._condition.wait(timeout=wait)
                    continue
            try:
                self._redraw(due)
                # No idle connection (or role) is kept between redraws.
                connection.close()
            except Exception:
                logger.exception("The chart redraw thread failed")


_redrawer: ChartRedrawer | None = None
_redrawer_lock = threading.Lock()


def redrawer() -> ChartRedrawer:
    """This process's redrawer, made from the settings at first use."""
    global _redrawer
    with _redrawer_lock:
        if _redrawer is None:
            interval = float(getattr(settings, "CHART_REDRAW_INTERVAL_SECONDS", 60))
            _redrawer = ChartRedrawer(
                quiet_seconds=float(getattr(settings, "CHART_REDRAW_QUIET_SECONDS", 5)),
                interval_seconds=interval,
                claim=lambda key: claim_on_host(key, interval),
            )
        return _redrawer


def flush_before_exit() -> list[ScopeKey]:
    """Redraw what this process's writes left pending (nothing when it wrote nothing)."""
    with _redrawer_lock:
        chosen = _redrawer
    return chosen.flush() if chosen is not None else []


def _noted(keys: frozenset[ScopeKey]) -> None:
    try:
        chosen = redrawer()
        chosen.note(keys)
        chosen.start()
    except Exception:
        # After the commit: the write succeeded, and only a later reader waits for its charts.
        logger.exception("Noting dashboards to redraw failed")


def charts_changed(keys: Iterable[ScopeKey]) -> None:
    """Have these scopes' default dashboards redrawn in the background once the current
    transaction commits (nothing when it rolls back, or when turned off)."""
    if not getattr(settings, "CHART_REDRAW_IN_BACKGROUND", True):
        return
    chosen = frozenset(keys)
    if chosen:
        transaction.on_commit(lambda: _noted(chosen))
