"""The suppression solver as first written (commit 0277abd), kept as the reference the faster
one in `reporting/suppression.py` must agree with exactly: same problem, same withheld cells.

Each round it recomputes, over every line, which withheld cells are tied together and which
are fixed; the module's solver keeps that bookkeeping up to date instead. Tests only.
"""

from __future__ import annotations

from fractions import Fraction

from coresponse.reporting.suppression import Key, Problem, is_small


def _line_needs_more(
    problem: Problem, line: tuple[Key, tuple[Key, ...]], withheld: set[Key]
) -> bool:
    total, parts = line
    values = problem.values
    if total in withheld:
        held = [member for member in (total, *parts) if member in withheld]
        # Only the total withheld: it equals the sum of the shown parts.
        return held == [total] and is_small(values[total])
    remainder = sum(values[part] for part in parts if part in withheld)
    return is_small(remainder)


def _withhold_one_more(
    problem: Problem, line: tuple[Key, tuple[Key, ...]], withheld: set[Key]
) -> Key | None:
    total, parts = line
    candidates = [
        member
        for member in (*parts, total)
        if member not in withheld and problem.values[member] > 0
    ]
    if not candidates:
        return None
    # Prefer the smallest part; the total is withheld only when no part is left.
    chosen = min(candidates, key=lambda member: (member == total, problem.values[member]))
    withheld.add(chosen)
    return chosen


def _determined(
    problem: Problem, withheld: set[Key], cache: dict[frozenset[Key], list[Key]]
) -> list[Key]:
    """Withheld cells of 1–10 whose value the shown cells and the lines fix exactly.

    A line holding a withheld cell that appears in no other line (a hidden difference) says
    nothing about the rest, so it is left out. The rest splits into independent groups of
    cells joined by lines; each group is reduced once and remembered.
    """
    appearances: dict[Key, int] = {}
    for total, parts in problem.lines:
        for member in (total, *parts):
            appearances[member] = appearances.get(member, 0) + 1
    relevant, dropped = [], []
    for total, parts in problem.lines:
        members = [member for member in (total, *parts) if member in withheld]
        lonely = [member for member in members if appearances[member] == 1]
        if lonely:
            dropped.append((lonely, [member for member in members if member not in lonely]))
        elif members:
            relevant.append((total, parts, members))
    parent: dict[Key, Key] = {}

    def root(key: Key) -> Key:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for _, _, members in relevant:
        for member in members[1:]:
            parent[root(member)] = root(members[0])
    groups: dict[Key, list[tuple[Key, tuple[Key, ...]]]] = {}
    variables_of: dict[Key, set[Key]] = {}
    for total, parts, members in relevant:
        group = root(members[0])
        groups.setdefault(group, []).append((total, parts))
        variables_of.setdefault(group, set()).update(members)
    fixed: set[Key] = set()
    for group, lines in groups.items():
        signature = frozenset(variables_of[group])
        if signature not in cache:
            cache[signature] = _determined_in(problem, withheld, lines)
        fixed.update(cache[signature])
    # A lonely cell is fixed when it is the only unknown left in its line.
    for lonely, others in dropped:
        if len(lonely) == 1 and all(member in fixed for member in others):
            fixed.add(lonely[0])
    return sorted((key for key in fixed if is_small(problem.values[key])), key=repr)


def _determined_in(
    problem: Problem, withheld: set[Key], lines: list[tuple[Key, tuple[Key, ...]]]
) -> list[Key]:
    variables = sorted(
        {member for total, parts in lines for member in (total, *parts) if member in withheld},
        key=repr,
    )
    index = {key: position for position, key in enumerate(variables)}
    rows: list[dict[int, Fraction]] = []
    for total, parts in lines:
        row: dict[int, Fraction] = {}
        for member, sign in ((total, -1), *((part, 1) for part in parts)):
            if member in index:
                row[index[member]] = row.get(index[member], Fraction(0)) + sign
        row = {column: value for column, value in row.items() if value}
        if row:
            rows.append(row)
    pivots = _reduce(rows)
    return [variables[column] for column, row in pivots.items() if len(row) == 1]


def _reduce(rows: list[dict[int, Fraction]]) -> dict[int, dict[int, Fraction]]:
    """Reduced row echelon form of sparse rows; returns pivot column → its row."""
    pivots: dict[int, dict[int, Fraction]] = {}
    for original in rows:
        row = dict(original)
        for column, pivot_row in pivots.items():
            if column in row:
                factor = row[column]
                for other, value in pivot_row.items():
                    row[other] = row.get(other, Fraction(0)) - factor * value
                row = {key: value for key, value in row.items() if value}
        if not row:
            continue
        column = min(row)
        scale = row[column]
        row = {key: value / scale for key, value in row.items()}
        for other_column, pivot_row in pivots.items():
            if column in pivot_row:
                factor = pivot_row[column]
                for key, value in row.items():
                    pivot_row[key] = pivot_row.get(key, Fraction(0)) - factor * value
                pivots[other_column] = {k: v for k, v in pivot_row.items() if v}
        pivots[column] = row
    return pivots


def _withhold_near(
    problem: Problem,
    key: Key,
    withheld: set[Key],
    lines_of: dict[Key, list[tuple[Key, tuple[Key, ...]]]],
) -> Key | None:
    """Withhold the smallest shown non-zero cell among the lines that pin `key`: those reached
    from it through withheld cells (the equations that determine it)."""
    # Breadth first: a candidate in the cell's own lines beats a smaller one further away.
    seen, layer = {key}, [key]
    while layer:
        candidates, following = set(), []
        for current in layer:
            for total, parts in lines_of.get(current, []):
                for member in (total, *parts):
                    if member in withheld:
                        if member not in seen:
                            seen.add(member)
                            following.append(member)
                    elif problem.values[member] > 0:
                        candidates.add(member)
        if candidates:
            chosen = min(candidates, key=lambda member: (problem.values[member], repr(member)))
            withheld.add(chosen)
            return chosen
        layer = following
    return None


def _reachable(
    key: Key, withheld: set[Key], lines_of: dict[Key, list[tuple[Key, tuple[Key, ...]]]]
) -> set[Key]:
    seen, queue = {key}, [key]
    while queue:
        for total, parts in lines_of.get(queue.pop(), []):
            for member in (total, *parts):
                if member in withheld and member not in seen:
                    seen.add(member)
                    queue.append(member)
    return seen


def suppress(problem: Problem) -> set[Key]:
    """The keys not to show: every hidden cell and every withheld one."""
    values = problem.values
    withheld = {key for key, value in values.items() if is_small(value)}
    withheld |= {key for key in problem.hidden if values[key] > 0}
    lines_of: dict[Key, list[tuple[Key, tuple[Key, ...]]]] = {}
    for line in problem.lines:
        for member in (line[0], *line[1]):
            lines_of.setdefault(member, []).append(line)
    cache: dict[frozenset[Key], list[Key]] = {}
    pending = list(problem.lines)
    while True:
        # Lines to check again are only those of cells withheld since the last check.
        while pending:
            line = pending.pop()
            while _line_needs_more(problem, line, withheld):
                added = _withhold_one_more(problem, line, withheld)
                if added is None:
                    break
                pending.extend(lines_of.get(added, []))
        fixed = _determined(problem, withheld, cache)
        if not fixed:
            break
        # One more cell per fixed cell's neighbourhood at a time: it may well protect the
        # other fixed cells of its group too.
        protected: set[Key] = set()
        for key in fixed:
            if key in protected:
                continue
            added = _withhold_near(problem, key, withheld, lines_of)
            if added is None:
                raise RuntimeError(f"Cannot protect {key!r}: every neighbour is withheld.")
            pending.extend(lines_of.get(added, []))
            protected |= _reachable(key, withheld, lines_of)
    return withheld | problem.hidden
