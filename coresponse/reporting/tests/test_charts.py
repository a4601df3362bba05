"""Charts are drawn once per distinct data and kept for every process; the five-year line."""

from __future__ import annotations

import datetime
import io
from unittest import mock

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from coresponse.common.testing import log_in
from coresponse.reporting import charts
from coresponse.reporting.dashboard import five_year_comparison, warm_charts
from coresponse.reporting.models import RenderedChart
from coresponse.reporting.rollups import rebuild_rollups
from coresponse.reporting.scopes import Kind, unrestricted_scope
from coresponse.reporting.tests.helpers import at, encounter_with, hand_counted

pytestmark = pytest.mark.django_db

NOW = "2025-03-10 12:00:00-05:00"
TODAY = datetime.date(2025, 3, 10)


def _spec(value: int) -> dict:  # type: ignore[type-arg]
    return charts.bar_chart([("Ashford", value)], x_title="encounters")


def test_a_chart_is_drawn_once_and_read_back_by_a_process_that_never_drew_it(world) -> None:
    cache.clear()
    with mock.patch.object(charts, "_draw", wraps=charts._draw) as draw:
        first, other = charts.render_svgs([_spec(3), _spec(4)])
        assert draw.call_count == 2
        cache.clear()  # another process: nothing in its own cache
        again = charts.render_svgs([_spec(4), _spec(3), _spec(4)])
        assert draw.call_count == 2
    assert again == [other, first, other]
    assert first != other
    assert RenderedChart.objects.count() == 2
    assert first.startswith('<svg role="img" aria-hidden="true" focusable="false" ')


def test_page_charts_are_laid_out_in_the_font_vl_convert_carries(world) -> None:
    cache.clear()
    (svg,) = charts.render_svgs([_spec(12)])
    # Liberation Sans (inside vl-convert) measures the labels; browsers use Arial or Helvetica,
    # as wide letter for letter.
    assert 'font-family="Liberation Sans, Arial, Helvetica, sans-serif"' in svg
    assert "DejaVu" not in svg
    report = charts.line_chart(
        [{"period": "Jan 2024", "series": "Encounters", "value": 12}],
        y_title="encounters",
        font=charts.REPORT_FONT,
    )
    assert 'font-family="DejaVu Sans"' in charts.render_svg(report)


@time_machine.travel(NOW, tick=False)
def test_charts_drawn_ahead_leave_nothing_to_draw_for_the_page(world) -> None:
    hand_counted(world)
    rebuild_rollups()
    cache.clear()
    scopes = [unrestricted_scope(Kind.DEPARTMENT, world.ashford.pk)]
    # Eight charts (three series, presenting problems, race, ethnicity, sex, age band) but
    # seven drawings: race and ethnicity are both "Unknown: 5", the same chart.
    assert warm_charts(TODAY, scopes) == 7
    assert warm_charts(TODAY, scopes) == 0
    cache.clear()
    url = reverse("reporting:department_dashboard", kwargs={"pk": world.ashford.pk})
    with mock.patch.object(charts, "_draw", side_effect=AssertionError("drawn again")):
        for user in (world.clinician, world.liaison):
            client = Client()
            log_in(client, user)
            response = client.get(url)  # the default range: the last 24 full months
            assert response.status_code == 200
            assert response.content.decode().count('<svg role="img"') == (
                8 if user is world.clinician else 7
            )


@time_machine.travel(NOW, tick=False)
def test_warm_charts_command_draws_every_default_dashboard(world) -> None:
    hand_counted(world)
    rebuild_rollups()
    first, second = io.StringIO(), io.StringIO()
    call_command("warm_charts", "--quiet", stdout=first)
    kept = RenderedChart.objects.count()
    assert kept > 0
    assert first.getvalue().startswith(f"Drew {kept} charts and solved ")
    call_command("warm_charts", "--quiet", stdout=second)
    assert second.getvalue().startswith("Drew 0 charts and solved 0 suppressed tables for ")
    assert RenderedChart.objects.count() == kept


@time_machine.travel(NOW, tick=False)
def test_five_year_comparison_counts_each_year_once(world) -> None:
    hand_counted(world)  # five counted Ashford encounters in 2024 (and a draft)
    for occurred_at in (at(2014, 6, 1), at(2015, 1, 1, 0, 30), at(2019, 12, 31, 23, 30)):
        encounter_with(
            department=world.ashford, program=world.ashford_program, occurred_at=occurred_at
        )
    rebuild_rollups()
    comparison = five_year_comparison(unrestricted_scope(Kind.DEPARTMENT, world.ashford.pk), TODAY)
    assert comparison is not None
    # 2020–2024: the five of 2024. 2015–2019: 1 January 2015 and 31 December 2019 (local
    # days); 2014 is outside both. (5 − 2) ÷ 2 = +150%.
    assert (comparison.current, comparison.previous) == (5, 2)
    assert comparison.text == "2020–2024 vs 2015–2019: +150% (5 encounters vs 2)"
