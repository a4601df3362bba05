"""Dashboards whose figures an encounter write changed are redrawn in the background, once a
burst of writes is over, and a failure there never reaches the writer."""

from __future__ import annotations

import datetime
import logging
import threading
import uuid
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from coresponse.common.testing import log_in
from coresponse.encounters.models import Encounter
from coresponse.encounters.services import encounter_create
from coresponse.encounters.tests.helpers import valid_input
from coresponse.reporting import charts, redraw
from coresponse.reporting.dashboard import scope_variants, warm_charts
from coresponse.reporting.models import RenderedChart
from coresponse.reporting.rollups import rebuild_rollups
from coresponse.reporting.scopes import Kind, unrestricted_scope
from coresponse.reporting.tests.helpers import at, hand_counted
from coresponse.security.logging import WITHHELD, RedactingFormatter

NOW = "2025-03-10 12:00:00-05:00"
TODAY = datetime.date(2025, 3, 10)
PERSON = "Anna Example, born 1980-04-12"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def _no_process_cache() -> None:
    # Charts kept in the process cache by an earlier test are gone from its database.
    cache.clear()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def redrawer(settings: Any, clock: Clock) -> Iterator[redraw.ChartRedrawer]:
    """Redraws turned on, run in the test's own thread (no background thread)."""
    settings.CHART_REDRAW_IN_BACKGROUND = True
    chosen = redraw.ChartRedrawer(
        quiet_seconds=5, interval_seconds=60, clock=clock, in_background=False
    )
    with mock.patch.object(redraw, "_redrawer", chosen):
        yield chosen


def _submit(world: Any, capture: Any, **overrides: Any) -> None:
    with capture(execute=True):
        encounter_create(
            actor=world.clinician,
            client_key=uuid.uuid4(),
            data=valid_input(world, **overrides),
            submit=True,
        )


def _scopes(world: Any) -> list[tuple[str, int]]:
    return [
        (Kind.DEPARTMENT, world.ashford.pk),
        (Kind.ORGANIZATION, world.organization.pk),
        (Kind.PROGRAM, world.ashford_program.pk),
    ]


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_submitted_encounter_has_its_dashboards_redrawn_so_the_page_draws_nothing(
    world: Any,
    redrawer: redraw.ChartRedrawer,
    clock: Clock,
    django_capture_on_commit_callbacks: Any,
) -> None:
    hand_counted(world)
    rebuild_rollups()
    department = unrestricted_scope(Kind.DEPARTMENT, world.ashford.pk)
    assert warm_charts(TODAY, [department]) == 7  # as in test_charts
    # February 2025: inside the default range (the last 24 full months).
    _submit(world, django_capture_on_commit_callbacks, occurred_at=at(2025, 2, 14))
    assert redrawer.pending == _scopes(world)
    assert redrawer.run_due() == []  # writes not quiet yet
    clock.now = 5
    assert redrawer.run_due() == _scopes(world)
    assert redrawer.pending == []
    # Exact and suppressed dashboards of the department, program and organization were drawn.
    redrawn = [
        variant
        for kind, pk in _scopes(world)
        for variant in scope_variants(unrestricted_scope(kind, pk))
    ]
    assert len(redrawn) == 6
    assert warm_charts(TODAY, redrawn) == 0
    cache.clear()  # another process
    url = reverse("reporting:department_dashboard", kwargs={"pk": world.ashford.pk})
    with mock.patch.object(charts, "_draw", side_effect=AssertionError("drawn again")):
        for user, shown in ((world.clinician, 8), (world.liaison, 7)):
            client = Client()
            log_in(client, user)
            response = client.get(url)
            assert response.status_code == 200
            assert response.content.decode().count('<svg role="img"') == shown


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_without_the_redraw_the_page_would_draw_the_new_data(
    world: Any, redrawer: redraw.ChartRedrawer, django_capture_on_commit_callbacks: Any
) -> None:
    hand_counted(world)
    rebuild_rollups()
    warm_charts(TODAY, [unrestricted_scope(Kind.DEPARTMENT, world.ashford.pk)])
    _submit(world, django_capture_on_commit_callbacks, occurred_at=at(2025, 2, 14))
    cache.clear()
    client = Client()
    log_in(client, world.clinician)
    url = reverse("reporting:department_dashboard", kwargs={"pk": world.ashford.pk})
    with mock.patch.object(charts, "_draw", wraps=charts._draw) as draw:
        assert client.get(url).status_code == 200
    # Volume, ED diversion, presenting problems, race/ethnicity, sex, age band changed; the
    # repeat chart did not (the new encounter has no person).
    assert draw.call_count == 6


@pytest.mark.django_db
def test_a_burst_of_ten_writes_redraws_each_scope_once(
    world: Any,
    redrawer: redraw.ChartRedrawer,
    clock: Clock,
    django_capture_on_commit_callbacks: Any,
) -> None:
    drawn: list[tuple[str, int]] = []
    redrawer.redraw = drawn.append
    for second in range(10):
        clock.now = second
        _submit(world, django_capture_on_commit_callbacks)
        assert redrawer.run_due() == []
    clock.now = 13.9  # 4.9 s after the last write
    assert redrawer.run_due() == []
    clock.now = 14
    assert redrawer.run_due() == _scopes(world)
    assert drawn == _scopes(world)
    # A write after the redraw waits for the interval (60 s after the redraw), however quiet.
    clock.now = 15
    _submit(world, django_capture_on_commit_callbacks)
    clock.now = 73.9
    assert redrawer.run_due() == []
    clock.now = 74
    assert redrawer.run_due() == _scopes(world)
    assert drawn == _scopes(world) * 2


def test_writes_that_never_pause_are_redrawn_a_minute_after_the_first(clock: Clock) -> None:
    drawn: list[tuple[str, int]] = []
    redrawer = redraw.ChartRedrawer(
        quiet_seconds=5, interval_seconds=60, clock=clock, redraw=drawn.append
    )
    # Due 60 s after the first write not drawn yet: at 60, then (62 + 60) at 122.
    for second in range(0, 130, 2):
        clock.now = second
        redrawer.note([(Kind.ORGANIZATION, 1)])
        if redrawer.run_due():
            drawn.append(("at", second))
    assert drawn == [(Kind.ORGANIZATION, 1), ("at", 60), (Kind.ORGANIZATION, 1), ("at", 122)]


@pytest.mark.django_db
def test_a_failed_redraw_is_logged_without_its_message_and_the_others_still_run(
    world: Any,
    redrawer: redraw.ChartRedrawer,
    clock: Clock,
    django_capture_on_commit_callbacks: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    drawn: list[tuple[str, int]] = []

    def failing(key: tuple[str, int]) -> None:
        if key[0] == Kind.DEPARTMENT:
            raise ValueError(PERSON)
        drawn.append(key)

    redrawer.redraw = failing
    _submit(world, django_capture_on_commit_callbacks)
    clock.now = 5
    with caplog.at_level(logging.ERROR, logger="coresponse.reporting.redraw"):
        assert redrawer.run_due() == _scopes(world)
    assert drawn == _scopes(world)[1:]
    [record] = caplog.records
    assert record.getMessage() == f"Redrawing the charts of department {world.ashford.pk} failed"
    logged = RedactingFormatter().format(record)
    assert "Anna" not in logged
    assert f"builtins.ValueError: {WITHHELD}" in logged
    assert redrawer.pending == []  # not retried until the next write


@pytest.mark.django_db
def test_a_failure_to_note_the_dashboards_leaves_the_write_done(
    world: Any,
    redrawer: redraw.ChartRedrawer,
    django_capture_on_commit_callbacks: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with (
        mock.patch.object(redrawer, "note", side_effect=RuntimeError("broken")),
        caplog.at_level(logging.ERROR, logger="coresponse.reporting.redraw"),
    ):
        _submit(world, django_capture_on_commit_callbacks)
    assert Encounter.objects.filter(department=world.ashford).count() == 1
    assert [record.getMessage() for record in caplog.records] == [
        "Noting dashboards to redraw failed"
    ]


@pytest.mark.django_db
def test_nothing_is_noted_when_turned_off_or_rolled_back(
    world: Any,
    settings: Any,
    redrawer: redraw.ChartRedrawer,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.CHART_REDRAW_IN_BACKGROUND = False
    _submit(world, django_capture_on_commit_callbacks)
    assert redrawer.pending == []
    settings.CHART_REDRAW_IN_BACKGROUND = True
    refused = RuntimeError("refused")
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        mock.patch("coresponse.encounters.services.audit_record", side_effect=refused),
    ):
        encounter_create(
            actor=world.clinician, client_key=uuid.uuid4(), data=valid_input(world), submit=True
        )
    assert redrawer.pending == []


def test_the_background_thread_redraws_what_is_noted() -> None:
    done = threading.Event()
    drawn: list[tuple[str, int]] = []

    def record(key: tuple[str, int]) -> None:
        drawn.append(key)
        done.set()

    redrawer = redraw.ChartRedrawer(quiet_seconds=0, interval_seconds=0, redraw=record)
    redrawer.start()
    redrawer.note([(Kind.DEPARTMENT, 7)])
    assert done.wait(timeout=30)
    assert drawn == [(Kind.DEPARTMENT, 7)]


@pytest.mark.django_db
def test_a_chart_another_process_kept_meanwhile_is_not_an_error(world: Any) -> None:
    spec = charts.bar_chart([("Ashford", 3)], x_title="encounters")
    draw = charts._draw

    def drawn_elsewhere_too(drawn_spec: dict[str, Any]) -> str:
        svg = draw(drawn_spec)
        RenderedChart.objects.create(key=charts.chart_key(drawn_spec), svg=svg)
        return svg

    with mock.patch.object(charts, "_draw", side_effect=drawn_elsewhere_too):
        svg = charts.render_svg(spec)
    assert RenderedChart.objects.get().svg == svg


def test_a_scope_another_process_redraws_waits_for_the_end_of_its_interval(clock: Clock) -> None:
    drawn: list[tuple[str, int]] = []
    others = {"for": 30.0}  # another process of the host started its redraw 30 s ago
    redrawer = redraw.ChartRedrawer(
        quiet_seconds=5,
        interval_seconds=60,
        clock=clock,
        redraw=drawn.append,
        claim=lambda key: others["for"],
    )
    redrawer.note([(Kind.DEPARTMENT, 1)])
    clock.now = 5  # quiet for 5 s: due, but left to the other process
    assert redrawer.run_due() == []
    assert redrawer.pending == [(Kind.DEPARTMENT, 1)]
    others["for"] = 0.0
    clock.now = 34.9
    assert redrawer.run_due() == []
    clock.now = 35  # the other process's interval is over: this one draws its writes
    assert redrawer.run_due() == [(Kind.DEPARTMENT, 1)]
    assert drawn == [(Kind.DEPARTMENT, 1)]
    assert redrawer.pending == []


def test_processes_of_one_host_take_turns_per_scope(settings: Any, tmp_path: Any) -> None:
    settings.VAR_DIR = tmp_path
    program = (Kind.PROGRAM, 7)
    assert redraw.claim_on_host(program, 60, clock=lambda: 1000.0) == 0.0
    assert redraw.claim_on_host(program, 60, clock=lambda: 1020.0) == 40.0
    assert redraw.claim_on_host((Kind.PROGRAM, 8), 60, clock=lambda: 1020.0) == 0.0
    assert redraw.claim_on_host(program, 60, clock=lambda: 1060.0) == 0.0
    assert (tmp_path / "chart-redraws" / "program-7").read_text() == "1060.0"


def test_a_host_where_claims_cannot_be_kept_redraws_as_before(settings: Any, tmp_path: Any) -> None:
    (tmp_path / "not-a-directory").write_text("")
    settings.VAR_DIR = tmp_path / "not-a-directory"
    for _ in range(2):
        assert redraw.claim_on_host((Kind.ORGANIZATION, 1), 60) == 0.0


def test_a_command_ending_redraws_what_its_writes_left_pending(clock: Clock) -> None:
    drawn: list[tuple[str, int]] = []
    redrawer = redraw.ChartRedrawer(
        quiet_seconds=5, interval_seconds=60, clock=clock, redraw=drawn.append
    )
    redrawer.note([(Kind.DEPARTMENT, 2), (Kind.ORGANIZATION, 1)])
    assert redrawer.run_due() == []  # not due for 5 s
    with mock.patch.object(redraw, "_redrawer", redrawer):
        assert redraw.flush_before_exit() == [(Kind.DEPARTMENT, 2), (Kind.ORGANIZATION, 1)]
    assert drawn == [(Kind.DEPARTMENT, 2), (Kind.ORGANIZATION, 1)]
    assert redrawer.pending == []
    clock.now = 10
    assert redrawer.run_due() == []  # drawn once, not again


def test_a_process_that_noted_nothing_draws_nothing_at_exit() -> None:
    with mock.patch.object(redraw, "_redrawer", None):
        assert redraw.flush_before_exit() == []


def test_the_coresponse_command_redraws_before_it_exits_even_when_it_fails() -> None:
    from coresponse import cli

    with mock.patch.object(redraw, "flush_before_exit") as flush:
        cli.main(["check", "--fail-level", "CRITICAL"])
        assert flush.call_count == 1
        with pytest.raises(SystemExit):
            cli.main(["no-such-command"])
        assert flush.call_count == 2
