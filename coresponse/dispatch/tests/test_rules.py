"""Mental-health call identification: the flag and each department's rules, evaluated the
same way while importing (Python) and when rules change (SQL)."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from coresponse.audit.models import AuditEvent
from coresponse.dispatch.models import DispatchCall, MentalHealthRule
from coresponse.dispatch.rules import FLAG_REASON, RuleSet
from coresponse.dispatch.services import mental_health_rule_add, mental_health_rule_remove

pytestmark = pytest.mark.django_db
WHEN = datetime.datetime(2021, 3, 1, 15, tzinfo=datetime.UTC)


def _rule(department, field, match, pattern):  # type: ignore[no-untyped-def]
    return MentalHealthRule.objects.create(
        department=department, field=field, match=match, pattern=pattern
    )


def _call(department, number, initial="", final="", disposition="", flagged=False):  # type: ignore[no-untyped-def]
    return DispatchCall.objects.create(
        organization=department.organization,
        department=department,
        incident_number=number,
        received_at=WHEN,
        initial_call_type=initial,
        final_call_type=final,
        disposition=disposition,
        is_flagged_mental_health=flagged,
    )


def test_each_kind_of_rule_and_the_flag(world):
    _rule(world.ashford, "any_call_type", "exact", "WELL BEING CHECK")
    _rule(world.ashford, "final_call_type", "starts", "MENTAL")
    _rule(world.ashford, "disposition", "contains", "SECTION 12")
    rules = RuleSet.for_department(world.ashford.pk)
    assert rules.evaluate("well being check", "", "", False) == (
        True,
        "Initial or final call type is “WELL BEING CHECK”",
    )
    assert rules.evaluate("DISTURBANCE", "MENTAL HEALTH", "", False) == (
        True,
        "Final call type starts with “MENTAL”",
    )
    assert rules.evaluate("MENTAL HEALTH", "DISTURBANCE", "", False) == (False, "")
    assert rules.evaluate("ALARM", "ALARM", "TRANSPORTED (SECTION 12)", False) == (
        True,
        "Disposition contains “SECTION 12”",
    )
    assert rules.evaluate("ALARM", "ALARM", "", True) == (True, FLAG_REASON)
    assert rules.evaluate("WELL BEING", "ALARM", "", False) == (False, "")


def test_python_and_sql_evaluation_agree_on_every_combination(world):
    _rule(world.ashford, "initial_call_type", "exact", "DISTURBANCE")
    _rule(world.ashford, "any_call_type", "contains", "SUICID")
    _rule(world.ashford, "disposition", "starts", "SECTION")
    values = ["", "DISTURBANCE", "suicidal person", "SECTION 12", "ALARM"]
    expected = {}
    rules = RuleSet.for_department(world.ashford.pk)
    for number, (initial, final, disposition, flagged) in enumerate(
        itertools.product(values, values, values, [False, True])
    ):
        _call(world.ashford, str(number), initial, final, disposition, flagged)
        expected[str(number)] = rules.evaluate(initial, final, disposition, flagged)
    DispatchCall.objects.update(
        is_mental_health=rules.is_mental_health_case(), mental_health_reason=rules.reason_case()
    )
    found = {
        number: (is_mh, reason)
        for number, is_mh, reason in DispatchCall.objects.values_list(
            "incident_number", "is_mental_health", "mental_health_reason"
        )
    }
    assert found == expected


def test_adding_a_rule_reflags_the_department_and_is_audited(world):
    hidden = _call(world.ashford, "21-1", "WELL BEING CHECK", "WELL BEING CHECK")
    other_town = _call(world.dover, "21-1", "WELL BEING CHECK", "WELL BEING CHECK")
    rule = mental_health_rule_add(
        actor=world.supervisor,
        department=world.ashford,
        field="any_call_type",
        match="exact",
        pattern="  well being   check ",
        note="Our welfare checks are mostly mental-health calls.",
    )
    assert rule.pattern == "well being check"
    hidden.refresh_from_db()
    other_town.refresh_from_db()
    assert (hidden.is_mental_health, other_town.is_mental_health) == (True, False)
    event = AuditEvent.objects.get(object_type="mental_health_rule")
    assert (event.action, event.actor_id, event.detail["mental_health_calls"]) == (
        AuditEvent.Action.CREATE,
        world.supervisor.pk,
        1,
    )
    mental_health_rule_remove(actor=world.supervisor, rule=rule)
    hidden.refresh_from_db()
    assert (hidden.is_mental_health, hidden.mental_health_reason) == (False, "")
    assert AuditEvent.objects.filter(
        object_type="mental_health_rule", action=AuditEvent.Action.DELETE
    ).exists()


def test_duplicate_and_empty_rules_are_refused(world):
    mental_health_rule_add(
        actor=world.administrator,
        department=world.ashford,
        field="any_call_type",
        match="exact",
        pattern="X",
    )
    with pytest.raises(ValidationError) as duplicate:
        mental_health_rule_add(
            actor=world.administrator,
            department=world.ashford,
            field="any_call_type",
            match="exact",
            pattern="x",
        )
    assert duplicate.value.message_dict == {"pattern": ["This rule already exists."]}
    with pytest.raises(ValidationError) as empty:
        mental_health_rule_add(
            actor=world.administrator,
            department=world.ashford,
            field="any_call_type",
            match="exact",
            pattern=" ",
        )
    assert empty.value.message_dict == {
        "pattern": ["Enter the call type or disposition text to match."]
    }


@pytest.mark.parametrize(
    "persona", ["outsider", "clinician", "officer", "liaison", "analyst", "ttac"]
)
def test_only_administrators_and_the_departments_supervisors_change_rules(world, persona):
    with pytest.raises(PermissionDenied):
        mental_health_rule_add(
            actor=getattr(world, persona),
            department=world.ashford,
            field="any_call_type",
            match="exact",
            pattern="DISTURBANCE",
        )
    assert not MentalHealthRule.objects.exists()
