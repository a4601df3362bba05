"""CPU time of a process on this machine, from /proc (Linux), for the benchmarks: unlike
wall-clock time it hardly depends on what else the machine is doing."""

from __future__ import annotations

import os
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def stat_fields(pid: int | str) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (state, ppid, …), or None when
    there is no such process here."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def cpu_seconds(fields: list[str]) -> float:
    """User + system CPU seconds of a process, from its `stat_fields`."""
    return (int(fields[11]) + int(fields[12])) / TICK


def process_cpu(pid: int | str) -> float | None:
    """CPU seconds process `pid` has used so far, or None when it is not on this machine."""
    fields = stat_fields(pid)
    return None if fields is None else cpu_seconds(fields)
