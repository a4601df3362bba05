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
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

Key = Hashable
SMALL_MIN = 1
SMALL_MAX = 10


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
) -> bool:
    total, parts = line
    candidates = [
        member
        for member in (*parts, total)
        if member not in withheld and problem.values[member] > 0
    ]
    if not candidates:
        return False
    # Prefer the smallest part; the total is withheld only when no part is left.
    withheld.add(min(candidates, key=lambda member: (member == total, problem.values[member])))
    return True


def _determined(problem: Problem, withheld: set[Key]) -> list[Key]:
    """Withheld cells of 1–10 whose value the shown cells and the lines fix exactly."""
    variables = sorted(withheld, key=repr)
    index = {key: position for position, key in enumerate(variables)}
    rows: list[dict[int, Fraction]] = []
    for total, parts in problem.lines:
        row: dict[int, Fraction] = {}
        for member, sign in ((total, -1), *((part, 1) for part in parts)):
            if member in index:
                row[index[member]] = row.get(index[member], Fraction(0)) + sign
        row = {column: value for column, value in row.items() if value}
        if row:
            rows.append(row)
    pivots = _reduce(rows)
    found = []
    for column, row in pivots.items():
        if len(row) == 1 and is_small(problem.values[variables[column]]):
            found.append(variables[column])
    return found


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
) -> bool:
    """Withhold the smallest shown non-zero cell among the lines that pin `key`: those reached
    from it through withheld cells (the equations that determine it)."""
    seen, queue, candidates = {key}, [key], set()
    while queue:
        for total, parts in lines_of.get(queue.pop(), []):
            for member in (total, *parts):
                if member in withheld:
                    if member not in seen:
                        seen.add(member)
                        queue.append(member)
                elif problem.values[member] > 0:
                    candidates.add(member)
    if not candidates:
        return False
    withheld.add(min(candidates, key=lambda member: (problem.values[member], repr(member))))
    return True


def suppress(problem: Problem) -> set[Key]:
    """The keys not to show: every hidden cell and every withheld one."""
    values = problem.values
    withheld = {key for key, value in values.items() if is_small(value)}
    withheld |= {key for key in problem.hidden if values[key] > 0}
    lines_of: dict[Key, list[tuple[Key, tuple[Key, ...]]]] = {}
    for line in problem.lines:
        for member in (line[0], *line[1]):
            lines_of.setdefault(member, []).append(line)
    while True:
        changed = False
        for line in problem.lines:
            while _line_needs_more(problem, line, withheld):
                if not _withhold_one_more(problem, line, withheld):
                    break
                changed = True
        if changed:
            continue
        fixed = _determined(problem, withheld)
        if not fixed:
            break
        # One more cell at a time: it may well protect the other fixed cells too.
        if not _withhold_near(problem, fixed[0], withheld, lines_of):
            raise RuntimeError(f"Cannot protect {fixed[0]!r}: every neighbour is withheld.")
    return withheld | problem.hidden


def derived_shown(inputs: Sequence[Key], withheld: set[Key], problem: Problem) -> bool:
    """A value computed from `inputs` may be shown only if none of them is withheld or small."""
    return all(key not in withheld and not is_small(problem.values[key]) for key in inputs)
