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


class _Groups:
    """Withheld cells of 1–10 whose value the shown cells and the lines fix exactly, kept up to
    date as more cells are withheld.

    A line holding a withheld cell that appears in no other line (a hidden difference) says
    nothing about the rest, so it is left out. The rest splits into independent groups of
    cells joined by lines; each group is reduced once per distinct set of cells and
    remembered. Cells are only ever added to the withheld ones, and a newly withheld cell
    changes only the lines it is in: so each round regroups only the groups those lines
    touched (a few lines) instead of every line of the table.
    """

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.members = [(total, *parts) for total, parts in problem.lines]
        appearances: dict[Key, int] = {}
        for members in self.members:
            for member in members:
                appearances[member] = appearances.get(member, 0) + 1
        self.lonely = {key for key, count in appearances.items() if count == 1}
        self.lines_of: dict[Key, list[int]] = {}
        for index, members in enumerate(self.members):
            for member in dict.fromkeys(members):
                self.lines_of.setdefault(member, []).append(index)
        self.known: set[Key] = set()  # the withheld cells accounted for
        self.held: list[list[Key]] = [[] for _ in self.members]  # withheld members by line
        self.relevant: set[int] = set()
        self.dropped: dict[int, tuple[list[Key], list[Key]]] = {}  # line: (lonely, others)
        self.group_of: dict[Key, int] = {}
        self.cells_of: dict[int, set[Key]] = {}
        self.fixed_of: dict[int, list[Key]] = {}
        self.next_group = 0
        self.reduced: dict[frozenset[Key], list[Key]] = {}

    def fixed(self, withheld: set[Key]) -> list[Key]:
        new = withheld - self.known
        if new:
            self._regroup(withheld, new)
        fixed: set[Key] = set()
        for cells in self.fixed_of.values():
            fixed.update(cells)
        # A lonely cell is fixed when it is the only unknown left in its line.
        for lonely, others in self.dropped.values():
            if len(lonely) == 1 and all(member in fixed for member in others):
                fixed.add(lonely[0])
        values = self.problem.values
        return sorted((key for key in fixed if is_small(values[key])), key=repr)

    def _regroup(self, withheld: set[Key], new: set[Key]) -> None:
        self.known |= new
        touched = sorted({index for key in new for index in self.lines_of.get(key, ())})
        # The groups those lines tied together come apart; their cells are regrouped. (Any
        # other line holding one of these cells held it in the same group: it is regrouped
        # with them, and nothing outside them is tied to them.)
        region: set[Key] = set()
        apart = {
            self.group_of[member]
            for index in touched
            for member in self.held[index]
            if member in self.group_of
        }
        for group in apart:
            cells = self.cells_of.pop(group)
            del self.fixed_of[group]
            for key in cells:
                del self.group_of[key]
            region |= cells
        for index in touched:
            held = [member for member in self.members[index] if member in withheld]
            self.held[index] = held
            lonely = [member for member in held if member in self.lonely]
            self.relevant.discard(index)
            self.dropped.pop(index, None)
            if lonely:
                self.dropped[index] = (lonely, [member for member in held if member not in lonely])
            elif held:
                self.relevant.add(index)
                region.update(held)
        lines = sorted(
            {
                index
                for key in region
                for index in self.lines_of.get(key, ())
                if index in self.relevant
            }
        )
        parent: dict[Key, Key] = {}

        def root(key: Key) -> Key:
            while parent.setdefault(key, key) != key:
                parent[key] = parent[parent[key]]
                key = parent[key]
            return key

        for index in lines:
            held = self.held[index]
            for member in held[1:]:
                parent[root(member)] = root(held[0])
        lines_of_group: dict[Key, list[int]] = {}
        cells_of_group: dict[Key, set[Key]] = {}
        for index in lines:
            anchor = root(self.held[index][0])
            lines_of_group.setdefault(anchor, []).append(index)
            cells_of_group.setdefault(anchor, set()).update(self.held[index])
        for anchor, indexes in lines_of_group.items():
            cells = cells_of_group[anchor]
            signature = frozenset(cells)
            if signature not in self.reduced:
                self.reduced[signature] = _determined_in(
                    self.problem, withheld, [self.problem.lines[index] for index in indexes]
                )
            number = self.next_group
            self.next_group += 1
            self.cells_of[number] = cells
            self.fixed_of[number] = self.reduced[signature]
            for key in cells:
                self.group_of[key] = number


Number = int | Fraction


def _determined_in(
    problem: Problem, withheld: set[Key], lines: list[tuple[Key, tuple[Key, ...]]]
) -> list[Key]:
    variables = sorted(
        {member for total, parts in lines for member in (total, *parts) if member in withheld},
        key=repr,
    )
    index = {key: position for position, key in enumerate(variables)}
    rows: list[dict[int, Number]] = []
    for total, parts in lines:
        row: dict[int, Number] = {}
        for member, sign in ((total, -1), *((part, 1) for part in parts)):
            if member in index:
                row[index[member]] = row.get(index[member], 0) + sign
        row = {column: value for column, value in row.items() if value}
        if row:
            rows.append(row)
    pivots = _reduce(rows)
    return [variables[column] for column, row in pivots.items() if len(row) == 1]


def _reduce(rows: list[dict[int, Number]]) -> dict[int, dict[int, Number]]:
    """Reduced row echelon form of sparse rows; returns pivot column → its row.

    Exact: the lines' coefficients are integers and stay integers while every pivot is 1 or
    −1 (nearly always); a row is divided, as fractions, only by another pivot.
    """
    pivots: dict[int, dict[int, Number]] = {}
    for original in rows:
        row = dict(original)
        for column, pivot_row in pivots.items():
            if column in row:
                factor = row[column]
                for other, value in pivot_row.items():
                    row[other] = row.get(other, 0) - factor * value
                row = {key: value for key, value in row.items() if value}
        if not row:
            continue
        column = min(row)
        scale = row[column]
        if scale == -1:
            row = {key: -value for key, value in row.items()}
        elif scale != 1:
            row = {key: Fraction(value) / scale for key, value in row.items()}
        for other_column, pivot_row in pivots.items():
            if column in pivot_row:
                factor = pivot_row[column]
                for key, value in row.items():
                    pivot_row[key] = pivot_row.get(key, 0) - factor * value
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


class _Ties:
    """Withheld cells tied together through any line (directly or through other withheld
    cells), kept up to date as more cells are withheld: withheld cells are never given back,
    so ties only ever join."""

    def __init__(self, groups: _Groups) -> None:
        self.members = groups.members
        self.lines_of = groups.lines_of
        self.parent: dict[Key, Key] = {}
        self.cells: dict[Key, set[Key]] = {}

    def _root(self, key: Key) -> Key:
        parent = self.parent
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    def reachable(self, key: Key, withheld: set[Key]) -> set[Key]:
        """The withheld cells reachable from `key` (withheld) through lines."""
        new = [member for member in withheld if member not in self.parent]
        for member in new:
            self.parent[member] = member
            self.cells[member] = {member}
        for member in new:
            for index in self.lines_of.get(member, ()):
                for other in self.members[index]:
                    if other in withheld:
                        first, second = self._root(member), self._root(other)
                        if first != second:
                            if len(self.cells[first]) < len(self.cells[second]):
                                first, second = second, first
                            self.parent[second] = first
                            self.cells[first] |= self.cells.pop(second)
        return self.cells[self._root(key)]


def suppress(problem: Problem) -> set[Key]:
    """The keys not to show: every hidden cell and every withheld one."""
    values = problem.values
    withheld = {key for key, value in values.items() if is_small(value)}
    withheld |= {key for key in problem.hidden if values[key] > 0}
    lines_of: dict[Key, list[tuple[Key, tuple[Key, ...]]]] = {}
    for line in problem.lines:
        for member in (line[0], *line[1]):
            lines_of.setdefault(member, []).append(line)
    groups = _Groups(problem)
    ties = _Ties(groups)
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
        fixed = groups.fixed(withheld)
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
            protected |= ties.reachable(key, withheld)
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
