"""A suppressed table is solved once: its answer is kept by the table's hash for every process,
solved ahead for the default dashboards, and solved again when a kept answer does not fit."""

from __future__ import annotations

import datetime
import io
from dataclasses import replace
from unittest import mock

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from coresponse.common.testing import log_in
from coresponse.reporting import charts, results
from coresponse.reporting.dashboard import dashboard_release, prune_charts, warm_charts
from coresponse.reporting.models import KeptSuppression
from coresponse.reporting.rollups import rebuild_rollups
from coresponse.reporting.scopes import Kind, unrestricted_scope
from coresponse.reporting.suppression import Problem, problem_key, suppress, withheld_positions
from coresponse.reporting.tests.helpers import hand_counted

pytestmark = pytest.mark.django_db

NOW = "2025-03-10 12:00:00-05:00"
TODAY = datetime.date(2025, 3, 10)


def _table(prefix: str, small: int = 4) -> Problem:
    """[[small, 30], [20, 25]] with row, column and grand totals."""
    problem = Problem()
    grid = [[small, 30], [20, 25]]
    for r in range(2):
        for c in range(2):
            problem.cell((prefix, r, c), grid[r][c])
        problem.cell((prefix, "row", r), sum(grid[r]))
        problem.line((prefix, "row", r), [(prefix, r, c) for c in range(2)])
    for c in range(2):
        problem.cell((prefix, "column", c), grid[0][c] + grid[1][c])
        problem.line((prefix, "column", c), [(prefix, r, c) for r in range(2)])
    problem.cell((prefix, "grand"), sum(map(sum, grid)))
    problem.line((prefix, "grand"), [(prefix, "row", r) for r in range(2)])
    problem.line((prefix, "grand"), [(prefix, "column", c) for c in range(2)])
    return problem


def test_a_table_is_solved_once_for_every_process_whatever_its_cells_are_called(world) -> None:
    cache.clear()
    with mock.patch.object(results, "suppress", wraps=suppress) as solver:
        first = results.solve(_table("department 1"))
        assert solver.call_count == 1
        (kept,) = KeptSuppression.objects.all()
        assert kept.key == problem_key(_table("x"))
        assert kept.withheld == [0, 1, 2, 3, 4, 6]
        cache.clear()  # another process: the answer comes from the database
        second = results.solve(_table("program 7"))
        again = results.solve(_table("program 7"))  # and then from its own cache
        assert solver.call_count == 1
        results.solve(_table("department 1", small=5))  # another table
        assert solver.call_count == 2
    assert first == {("department 1", *rest) for (_, *rest) in second}
    assert second == again == suppress(_table("program 7"))
    assert KeptSuppression.objects.count() == 2


@pytest.mark.parametrize(
    "kept",
    [
        [8],  # the grand total only: the 4 would be shown
        [0],  # the 4 alone: row 0's total minus the 30 gives it back
        [0, 1, 99],  # no cell 99
        ["0", "1"],  # not positions
        {"0": 1},  # not a list
    ],
)
def test_a_kept_answer_that_does_not_fit_its_table_is_solved_again_and_replaced(
    world, kept
) -> None:
    cache.clear()
    table = _table("t")
    KeptSuppression.objects.create(key=problem_key(table), withheld=kept)
    with mock.patch.object(results, "suppress", wraps=suppress) as solver:
        withheld = results.solve(table)
    assert solver.call_count == 1
    assert withheld == suppress(table)
    assert KeptSuppression.objects.get().withheld == [0, 1, 2, 3, 4, 6]


@time_machine.travel(NOW, tick=False)
def test_an_analysts_dashboard_drawn_ahead_neither_solves_nor_draws(world) -> None:
    hand_counted(world)
    rebuild_rollups()
    cache.clear()
    suppressed = replace(
        unrestricted_scope(Kind.PROGRAM, world.ashford_program.pk), is_suppressed=True
    )
    warm_charts(TODAY, [suppressed])
    assert KeptSuppression.objects.count() == 1
    cache.clear()  # the page is served by a process that solved and drew nothing
    client = Client()
    log_in(client, world.analyst)
    url = reverse("reporting:program_dashboard", kwargs={"pk": world.ashford_program.pk})
    with (
        mock.patch.object(results, "suppress", side_effect=AssertionError("solved again")),
        mock.patch.object(charts, "_draw", side_effect=AssertionError("drawn again")),
    ):
        response = client.get(url)  # the analyst's default: 24 months by quarter
    assert response.status_code == 200
    body = response.content.decode()
    assert "Counts from 1 to 10 are suppressed" in body
    assert body.count('<svg role="img"') == 8


@time_machine.travel(NOW, tick=False)
def test_warm_charts_solves_each_suppressed_default_dashboard_once(world) -> None:
    hand_counted(world)
    rebuild_rollups()
    cache.clear()
    first, second = io.StringIO(), io.StringIO()
    call_command("warm_charts", "--quiet", stdout=first)
    # Nine suppressed default dashboards, six tables: Dover PD and Easton PD each counted one
    # encounter of Dev in Q1 2024 (the same table); Other Agency, Zeta Co-Response and Zeta PD
    # counted nothing (the same empty table).
    assert KeptSuppression.objects.count() == 6
    assert " and solved 6 suppressed tables for 18 dashboards " in first.getvalue()
    cache.clear()
    call_command("warm_charts", "--quiet", stdout=second)
    assert second.getvalue().startswith("Drew 0 charts and solved 0 suppressed tables for ")
    assert "(forgot 0 old charts and 0 old suppressions)" in second.getvalue()


def test_old_kept_suppressions_are_forgotten_with_old_charts(world) -> None:
    with time_machine.travel("2025-01-01 12:00:00-05:00", tick=False):
        KeptSuppression.objects.create(key="a" * 64, withheld=[0])
    with time_machine.travel("2025-02-20 12:00:00-05:00", tick=False):
        KeptSuppression.objects.create(key="b" * 64, withheld=[0])
        assert prune_charts(35) == (0, 1)
    assert list(KeptSuppression.objects.values_list("key", flat=True)) == ["b" * 64]


def _keep_elsewhere(key: str, positions: list[int]) -> None:
    """Keep an answer from another connection, as another process solving the same table."""
    import json

    import psycopg
    from django.db import connection

    settings = connection.settings_dict
    with psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        password=settings["PASSWORD"] or None,
        autocommit=True,
    ) as other:
        other.execute(
            "INSERT INTO reporting_keptsuppression (key, withheld, created_at) "
            "VALUES (%s, %s, now())",
            [key, json.dumps(positions)],
        )


@pytest.mark.django_db(transaction=True)
@time_machine.travel(NOW, tick=False)
def test_an_answer_kept_meanwhile_by_another_process_is_no_error(world) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("A REPEATABLE READ insert beside a concurrent one fails on PostgreSQL only.")
    hand_counted(world)
    rebuild_rollups()
    cache.clear()
    seen: list[tuple[bool, str]] = []

    def solved_elsewhere_too(problem: Problem) -> set:  # type: ignore[type-arg]
        withheld = suppress(problem)
        with connection.cursor() as cursor:
            cursor.execute("SHOW transaction_isolation")
            seen.append((connection.in_atomic_block, cursor.fetchone()[0]))
        _keep_elsewhere(problem_key(problem), withheld_positions(problem, withheld))
        return withheld

    scope = replace(unrestricted_scope(Kind.PROGRAM, world.ashford_program.pk), is_suppressed=True)
    with mock.patch.object(results, "suppress", solved_elsewhere_too):
        release = dashboard_release(scope, datetime.date(2024, 1, 1), datetime.date(2024, 4, 1))
    # Solved after the release's REPEATABLE READ snapshot: the insert meets the other
    # process's committed row and leaves it (inside the snapshot it would have failed).
    assert seen == [(False, "read committed")]
    assert KeptSuppression.objects.count() == 1
    assert release.total is not None
    assert release.total.values["encounters"] is results.WITHHELD  # five encounters
