"""Small-cell suppression: no count of 1–10 shown or derivable, on random tables."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from coresponse.reporting.suppression import Problem, is_small, suppress


def _table_problem(grid: list[list[int]]) -> Problem:
    """A table with row totals, column totals and a grand total."""
    problem = Problem()
    rows, columns = len(grid), len(grid[0])
    for r in range(rows):
        for c in range(columns):
            problem.cell(("cell", r, c), grid[r][c])
        problem.cell(("row", r), sum(grid[r]))
        problem.line(("row", r), [("cell", r, c) for c in range(columns)])
    for c in range(columns):
        problem.cell(("column", c), sum(grid[r][c] for r in range(rows)))
        problem.line(("column", c), [("cell", r, c) for r in range(rows)])
    problem.cell("grand", sum(map(sum, grid)))
    problem.line("grand", [("row", r) for r in range(rows)])
    problem.line("grand", [("column", c) for c in range(columns)])
    return problem


def _rank(rows: list[list[Fraction]]) -> int:
    """Rank by plain Gaussian elimination (independent of the module's own reduction)."""
    matrix = [list(row) for row in rows]
    rank = 0
    width = len(matrix[0]) if matrix else 0
    for column in range(width):
        pivot = next((i for i in range(rank, len(matrix)) if matrix[i][column] != 0), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        for i in range(len(matrix)):
            if i != rank and matrix[i][column] != 0:
                factor = matrix[i][column] / matrix[rank][column]
                matrix[i] = [a - factor * b for a, b in zip(matrix[i], matrix[rank], strict=True)]
        rank += 1
    return rank


def _derivable(problem: Problem, withheld: set, key) -> bool:  # type: ignore[no-untyped-def]
    """Whether the shown cells and the lines fix `key` exactly: e_key is in the row space."""
    variables = sorted(withheld, key=repr)
    rows = []
    for total, parts in problem.lines:
        row = [Fraction(0)] * len(variables)
        for member, sign in ((total, -1), *((part, 1) for part in parts)):
            if member in withheld:
                row[variables.index(member)] += sign
        if any(row):
            rows.append(row)
    unit = [Fraction(int(variable == key)) for variable in variables]
    return _rank([*rows, unit]) == _rank(rows) if rows else False


small_or_not = st.one_of(st.just(0), st.integers(1, 10), st.integers(11, 80))


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 4).flatmap(
        lambda columns: st.lists(
            st.lists(small_or_not, min_size=columns, max_size=columns), min_size=1, max_size=5
        )
    )
)
def test_no_small_count_is_shown_or_derivable(grid: list[list[int]]) -> None:
    problem = _table_problem(grid)
    withheld = suppress(problem)
    shown = {key: value for key, value in problem.values.items() if key not in withheld}
    assert not [key for key, value in shown.items() if is_small(value)]
    for key, value in problem.values.items():
        if key in withheld and is_small(value):
            assert not _derivable(problem, withheld, key), key
    for total, parts in problem.lines:
        if total not in withheld:
            remainder = sum(problem.values[part] for part in parts if part in withheld)
            assert not is_small(remainder)


def test_a_single_small_cell_takes_a_complement_in_its_row_and_column() -> None:
    problem = _table_problem([[4, 30], [20, 25]])
    withheld = suppress(problem)
    # 4 is primary; its row and its column each need a second withheld cell.
    assert ("cell", 0, 0) in withheld
    assert len({("cell", 0, 1), ("row", 0)} & withheld) >= 1
    assert len({("cell", 1, 0), ("column", 0)} & withheld) >= 1
    assert not _derivable(problem, withheld, ("cell", 0, 0))


def test_a_rate_whose_complement_is_small_is_withheld() -> None:
    problem = Problem()
    problem.cell("criminal", 16)
    problem.cell("diverted", 12)
    problem.difference("criminal", "diverted", "not_diverted")
    withheld = suppress(problem)
    assert "not_diverted" in withheld
    assert "diverted" in withheld


def test_zeros_and_large_counts_stay_shown() -> None:
    problem = _table_problem([[0, 30], [20, 25]])
    assert suppress(problem) == set()


def test_a_cell_in_one_line_is_protected_when_the_rest_of_its_line_is_known() -> None:
    # Months add up to the quarter; the quarter's encounters = criminal + not criminal.
    problem = Problem()
    for month, value in (("jan", 40), ("feb", 30), ("mar", 5)):
        problem.cell(("E", month), value)
    problem.cell(("E", "q1"), 75)
    problem.line(("E", "q1"), [("E", "jan"), ("E", "feb"), ("E", "mar")])
    problem.cell(("C", "mar"), 3)
    problem.difference(("E", "mar"), ("C", "mar"), ("E−C", "mar"))
    withheld = suppress(problem)
    assert ("E", "mar") in withheld
    assert ("C", "mar") in withheld
    assert len({("E", "jan"), ("E", "feb"), ("E", "q1")} & withheld) >= 1
