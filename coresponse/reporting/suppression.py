"""Small-cell suppression: no count from 1 to 10 is shown or derivable from what is shown.

A release (a dashboard, a report, an export, a command's output) is described as cells — every
count it shows, plus hidden counts a reader could work out as differences (criminal-conduct
encounters not diverted...) — and lines: a total that is the sum of its parts. Then:

1. primary suppression: every shown cell of 1–10 is withheld;
2. complementary suppression: in every line whose total is shown, the withheld parts must add
   up to 0 or at least 11 (so neither a single withheld cell nor the sum of the withheld cells
   can be read off as total − shown parts); the smallest shown non-zero member is withheld
   until that holds;
3. a check over all lines together (exact rational elimination): no withheld cell of 1–10 may
   be fixed by the shown cells; if one is, one more of its line's members is withheld.

Hidden cells that are 0 are treated as known (a reader may guess them), which only makes the
check stricter. Derived values (a rate's percentage, an average, a cost) are shown only when
every count they are computed from is shown (`derived_shown`).

Whether an answer protects a table depends only on the values, which cells are hidden and
which cells each line ties together — not on the cells' names. So an answer can be kept by
`problem_key` (a hash of exactly those) as the positions of the withheld cells
(`withheld_positions`) and given again to any problem with the same key (`withheld_at`,
after `plausible`'s cheap checks): the same table gets the same suppression, solved once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

Key = Hashable
SMALL_MIN = 1
SMALL_MAX = 10
# Part of every `problem_key`: change it when the solver's choices change, so that answers
# kept by an older solver are not given again.
SOLVER_VERSION = 1


def is_small(value: int) -> bool:
    return SMALL_MIN <= value <= SMALL_MAX


@dataclass
class Problem:
    """The cells of one release and the sums that tie them together."""

    values: dict[Key, int] = field(default_factory=dict)
    hidden: set[Key] = field(default_factory=set)
    lines: list[tuple[Key, tuple[Key, ...]]] = field(default_factory=list)

    def cell(self, key: Key, value: int, *, hidden: bool = False) -> Key:
        if key in self.values and self.values[key] != value:
            raise ValueError(f"Cell {key!r} given two values ({self.values[key]} and {value}).")
        self.values[key] = int(value)
        if hidden:
            self.hidden.add(key)
        return key

    def line(self, total: Key, parts: Iterable[Key]) -> None:
        """`total` = the sum of `parts` (all of them cells already)."""
        members = tuple(parts)
        if sum(self.values[part] for part in members) != self.values[total]:
            raise ValueError(f"Line {total!r} does not add up.")
        self.lines.append((total, members))

    def difference(self, whole: Key, part: Key, name: Key) -> None:
        """`whole` = `part` + a hidden cell `name` (e.g. not diverted = criminal − diverted)."""
        self.cell(name, self.values[whole] - self.values[part], hidden=True)
        self.line(whole, (part, name))


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


def derived_shown(inputs: Sequence[Key], withheld: set[Key], problem: Problem) -> bool:
    """A value computed from `inputs` may be shown only if none of them is withheld or small."""
    return all(key not in withheld and not is_small(problem.values[key]) for key in inputs)


# ---------------------------------------------------------------- answers kept by table


def problem_key(problem: Problem) -> str:
    """SHA-256 of what the answer depends on: the solver version, every cell's value in the
    order the cells were given, which of them are hidden, and each line as the positions of
    its total and parts. Two problems with the same key are the same table up to the names
    of the cells, so one answer (as positions) protects both."""
    position = {key: index for index, key in enumerate(problem.values)}
    hidden = sorted(position[key] for key in problem.hidden)
    lines = ";".join(
        f"{position[total]}:{','.join(str(position[part]) for part in parts)}"
        for total, parts in problem.lines
    )
    text = "\n".join(
        (
            f"suppression {SOLVER_VERSION} {SMALL_MIN}-{SMALL_MAX}",
            ",".join(str(value) for value in problem.values.values()),
            ",".join(str(index) for index in hidden),
            lines,
        )
    )
    return hashlib.sha256(text.encode()).hexdigest()


def withheld_positions(problem: Problem, withheld: set[Key]) -> list[int]:
    """The answer as the positions of the withheld cells (in the order they were given)."""
    return [index for index, key in enumerate(problem.values) if key in withheld]


def withheld_at(problem: Problem, positions: Iterable[int]) -> set[Key]:
    """The cells at these positions; ValueError if a position is not one of a cell."""
    keys = list(problem.values)
    chosen: set[Key] = set()
    for index in positions:
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(keys):
            raise ValueError(f"No cell at position {index!r}.")
        chosen.add(keys[index])
    return chosen


def plausible(problem: Problem, withheld: set[Key]) -> bool:
    """Cheap checks that an answer kept for this problem's key fits it: every hidden and every
    small cell withheld, and no line whose withheld cells could be read off. (The elimination
    over all lines is not repeated: the key says the answer was solved for this table.)"""
    values = problem.values
    if not problem.hidden <= withheld:
        return False
    if any(is_small(value) and key not in withheld for key, value in values.items()):
        return False
    return not any(_line_needs_more(problem, line, withheld) for line in problem.lines)
