"""Small-cell suppression: no count of 1–10 shown or derivable, on random tables."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coresponse.reporting.suppression import (
    Problem,
    _reduce,
    is_small,
    plausible,
    problem_key,
    suppress,
    withheld_at,
    withheld_positions,
)
from coresponse.reporting.tests import reference_suppression


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


def _check_guarantee(problem: Problem, withheld: set) -> None:  # type: ignore[type-arg]
    shown = {key: value for key, value in problem.values.items() if key not in withheld}
    assert not [key for key, value in shown.items() if is_small(value)]
    for key, value in problem.values.items():
        if key in withheld and is_small(value):
            assert not _derivable(problem, withheld, key), key
    for total, parts in problem.lines:
        if total not in withheld:
            remainder = sum(problem.values[part] for part in parts if part in withheld)
            assert not is_small(remainder)


@st.composite
def _releases(draw):  # type: ignore[no-untyped-def]
    """Tables shaped like a release: periods whose counts nest (criminal within encounters,
    diverted within criminal, with the hidden differences), the range's total of each count
    as the sum of its periods, and a breakdown of the range's encounters."""
    periods = draw(st.integers(1, 6))
    problem = Problem()
    sums = {"E": 0, "C": 0, "D": 0}
    for period in range(periods):
        encounters = draw(small_or_not)
        criminal = draw(st.integers(0, encounters))
        diverted = draw(st.integers(0, criminal))
        for base, value in (("E", encounters), ("C", criminal), ("D", diverted)):
            problem.cell((period, base), value)
            sums[base] += value
        problem.difference((period, "E"), (period, "C"), (period, "E−C"))
        problem.difference((period, "C"), (period, "D"), (period, "C−D"))
    for base, value in sums.items():
        problem.cell(("range", base), value)
        problem.line(("range", base), [(period, base) for period in range(periods)])
    problem.difference(("range", "E"), ("range", "C"), ("range", "E−C"))
    problem.difference(("range", "C"), ("range", "D"), ("range", "C−D"))
    rows = draw(st.integers(0, 4))
    if rows:
        shares = draw(st.lists(st.integers(0, sums["E"]), min_size=rows - 1, max_size=rows - 1))
        cuts = sorted(shares)
        edges = [0, *cuts, sums["E"]]
        for row in range(rows):
            problem.cell(("row", row), edges[row + 1] - edges[row])
        problem.line(("range", "E"), [("row", row) for row in range(rows)])
    return problem


@settings(max_examples=150, deadline=None)
@given(_releases())
def test_release_shaped_tables_are_protected(problem: Problem) -> None:
    _check_guarantee(problem, suppress(problem))


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        _releases(),
        st.integers(1, 4)
        .flatmap(
            lambda columns: st.lists(
                st.lists(small_or_not, min_size=columns, max_size=columns),
                min_size=1,
                max_size=5,
            )
        )
        .map(_table_problem),
    )
)
def test_the_solver_withholds_exactly_what_the_first_solver_withheld(problem: Problem) -> None:
    # The solver keeps its groups up to date instead of recomputing them over every line each
    # round, and reduces with integers while pivots are ±1: the same answer, faster.
    assert suppress(problem) == reference_suppression.suppress(problem)


def test_reduction_stays_exact_when_a_pivot_is_not_one() -> None:
    # 2x + y = 3 and x + y = 2 (columns x=0, y=1): x = 1, y = 1; the first pivot is 2.
    pivots = _reduce([{0: 2, 1: 1}, {0: 1, 1: 1}])
    assert pivots == {0: {0: 1}, 1: {1: 1}}
    # x − y alone: neither is fixed. With y + z and x + z too, still none (x + z minus x − y
    # is y + z again); with x + y instead, all three are.
    assert _reduce([{0: 1, 1: -1}]) == {0: {0: 1, 1: -1}}

    def fixed(rows):  # type: ignore[no-untyped-def]
        return {column for column, row in _reduce(rows).items() if len(row) == 1}

    assert fixed([{0: 1, 1: -1}, {1: 1, 2: 1}, {0: 1, 2: 1}]) == set()
    assert fixed([{0: 1, 1: -1}, {1: 1, 2: 1}, {0: 1, 1: 1}]) == {0, 1, 2}
    # 3x + y with x + 2y: pivots 3 then 5/3, fractions throughout, still exact.
    assert _reduce([{0: 3, 1: 1}, {0: 1, 1: 2}]) == {0: {0: 1}, 1: {1: 1}}
    assert _reduce([{0: 3, 1: 1}]) == {0: {0: 1, 1: Fraction(1, 3)}}


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


# ---------------------------------------------------------------- answers kept by table


def _renamed(problem: Problem, prefix: str) -> Problem:
    """The same table with every cell renamed."""
    copy = Problem()
    for key, value in problem.values.items():
        copy.cell((prefix, key), value, hidden=key in problem.hidden)
    for total, parts in problem.lines:
        copy.line((prefix, total), [(prefix, part) for part in parts])
    return copy


def test_the_key_names_the_table_not_its_cells() -> None:
    table = _table_problem([[4, 30], [20, 25]])
    assert problem_key(table) == problem_key(_renamed(table, "another dashboard"))
    assert len(problem_key(table)) == 64
    # A different value, a different line, a hidden cell, another order: another table.
    assert problem_key(table) != problem_key(_table_problem([[5, 30], [20, 25]]))
    fewer_lines = _table_problem([[4, 30], [20, 25]])
    fewer_lines.lines.pop()
    assert problem_key(table) != problem_key(fewer_lines)
    hidden = _table_problem([[4, 30], [20, 25]])
    hidden.hidden.add(("cell", 1, 1))
    assert problem_key(table) != problem_key(hidden)
    swapped = _table_problem([[30, 4], [25, 20]])
    assert problem_key(table) != problem_key(swapped)


def test_an_answer_is_kept_as_positions_and_given_back_to_the_same_table() -> None:
    # Cells in the order given: (cell,0,0)=4 (cell,0,1)=30 (row,0)=34 (cell,1,0)=20
    # (cell,1,1)=25 (row,1)=45 (column,0)=24 (column,1)=55 grand=79.
    table = _table_problem([[4, 30], [20, 25]])
    withheld = suppress(table)
    positions = withheld_positions(table, withheld)
    # The 4; the 30 and the 20 to cover it in its row and column; then, because the shown 25
    # and row 1 give the 20 back (and so the 4), column 0's total, row 0's total and the 25:
    # four unknown cells with known row and column totals leave one degree of freedom.
    assert positions == [0, 1, 2, 3, 4, 6]
    other = _renamed(table, "x")
    assert withheld_at(other, positions) == {("x", key) for key in withheld}
    assert plausible(other, withheld_at(other, positions))


def test_positions_that_are_not_cells_are_refused() -> None:
    table = _table_problem([[4, 30], [20, 25]])
    for positions in ([9], [-1], [True], ["0"], [0.0]):
        with pytest.raises(ValueError):
            withheld_at(table, positions)


def test_an_answer_that_does_not_fit_is_not_plausible() -> None:
    table = _table_problem([[4, 30], [20, 25]])
    keys = list(table.values)
    assert plausible(table, suppress(table))
    # The 4 shown.
    assert not plausible(table, set())
    # The 4 alone: its row total (34) − 30 gives it back.
    assert not plausible(table, {keys[0]})
    # The 4 and the 20 of its column: column 0 (24) shows, 4 + 20 = 24 is not small; but
    # row 0 (34) − 30 still gives the 4.
    assert not plausible(table, {keys[0], keys[3]})
    # A hidden difference not withheld.
    rate = Problem()
    rate.cell("criminal", 40)
    rate.cell("diverted", 25)
    rate.difference("criminal", "diverted", "not diverted")
    assert not plausible(rate, set())
    assert plausible(rate, {"not diverted"})
