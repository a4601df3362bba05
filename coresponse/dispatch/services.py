"""Writes of dispatch data: mental-health rules (and re-applying them), call–encounter links."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

from coresponse.accounts.models import User
from coresponse.audit.models import AuditEvent
from coresponse.audit.services import audit_record
from coresponse.dispatch.models import DispatchCall, MentalHealthRule
from coresponse.dispatch.rules import RuleSet, clean_pattern
from coresponse.dispatch.selectors import call_departments_managed_by
from coresponse.programs.models import Department


def _check_may_manage(actor: User, department: Department) -> None:
    if not call_departments_managed_by(actor).filter(pk=department.pk).exists():
        raise PermissionDenied("Only administrators and the program's supervisors manage calls.")


def mental_health_rules_apply(*, department: Department) -> int:
    """Re-evaluate every call of a department against its current rules; returns how many
    calls are mental-health related afterwards."""
    rules = RuleSet.for_department(department.pk)
    calls = DispatchCall.objects.filter(department=department)
    calls.update(
        is_mental_health=rules.is_mental_health_case(),
        mental_health_reason=rules.reason_case(),
    )
    return calls.filter(is_mental_health=True).count()


@transaction.atomic
def mental_health_rule_add(
    *, actor: User, department: Department, field: str, match: str, pattern: str, note: str = ""
) -> MentalHealthRule:
    """Add a rule and re-flag the department's calls."""
    _check_may_manage(actor, department)
    pattern = clean_pattern(pattern)
    errors: dict[str, list[str]] = {}
    if not pattern:
        errors["pattern"] = ["Enter the call type or disposition text to match."]
    if field not in MentalHealthRule.Field.values:
        errors["field"] = ["Choose which value the rule looks at."]
    if match not in MentalHealthRule.Match.values:
        errors["match"] = ["Choose how the value is matched."]
    if (
        not errors
        and MentalHealthRule.objects.filter(
            department=department, field=field, match=match, pattern__iexact=pattern
        ).exists()
    ):
        errors["pattern"] = ["This rule already exists."]
    if errors:
        raise ValidationError(errors)
    rule = MentalHealthRule.objects.create(
        department=department,
        field=field,
        match=match,
        pattern=pattern,
        note=note.strip()[:200],
        created_by=actor,
    )
    flagged = mental_health_rules_apply(department=department)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        object_type="mental_health_rule",
        object_id=rule.pk,
        organization_id=department.organization_id,
        detail={"department": department.pk, "rule": str(rule), "mental_health_calls": flagged},
    )
    return rule


@transaction.atomic
def mental_health_rule_remove(*, actor: User, rule: MentalHealthRule) -> None:
    """Delete a rule and re-flag the department's calls."""
    department = rule.department
    _check_may_manage(actor, department)
    description, rule_id = str(rule), rule.pk
    rule.delete()
    flagged = mental_health_rules_apply(department=department)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.DELETE,
        object_type="mental_health_rule",
        object_id=rule_id,
        organization_id=department.organization_id,
        detail={"department": department.pk, "rule": description, "mental_health_calls": flagged},
    )


def calls_link_encounters(*, department_ids: list[int]) -> int:
    """Link calls to the encounters recorded for the same incident number (and to the
    encounter's person), in one statement; returns the number of calls changed."""
    if not department_ids:
        return 0
    calls = DispatchCall._meta.db_table
    encounters = "encounters_encounter"
    marks = ", ".join(["%s"] * len(department_ids))
    # The smallest encounter id wins when several encounters share an incident number.
    # Table names are constants; every value is a parameter.
    statement = (
        f"UPDATE {calls} SET encounter_id = linked.encounter_id, "  # noqa: S608  # nosec B608
        f"person_id = COALESCE(linked.person_id, {calls}.person_id) "
        "FROM ( "
        "SELECT department_id, cad_incident_number, MIN(id) AS encounter_id, "
        "MIN(person_id) AS person_id "
        f"FROM {encounters} "
        f"WHERE department_id IN ({marks}) AND cad_incident_number <> '' "
        "GROUP BY department_id, cad_incident_number "
        ") AS linked "
        f"WHERE {calls}.department_id = linked.department_id "
        f"AND {calls}.incident_number = linked.cad_incident_number "
        f"AND ({calls}.encounter_id IS NULL OR {calls}.encounter_id <> linked.encounter_id) "
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, department_ids)
        return cursor.rowcount


def calls_link_people(*, department_ids: list[int]) -> int:
    """Link unlinked calls to the person whose police records number they carry."""
    if not department_ids:
        return 0
    calls = DispatchCall._meta.db_table
    marks = ", ".join(["%s"] * len(department_ids))
    # Table names are constants; every value is a parameter.
    statement = (
        f"UPDATE {calls} SET person_id = matched.person_id "  # noqa: S608  # nosec B608
        "FROM ( "
        "SELECT identifier.value AS value, person.organization_id AS organization_id, "
        "MIN(person.id) AS person_id "
        "FROM people_personidentifier AS identifier "
        "JOIN people_person AS person ON person.id = identifier.person_id "
        "WHERE identifier.kind = 'police_records' AND person.merged_into_id IS NULL "
        "GROUP BY identifier.value, person.organization_id "
        "HAVING COUNT(DISTINCT person.id) = 1 "
        ") AS matched "
        f"WHERE {calls}.department_id IN ({marks}) "
        f"AND {calls}.person_id IS NULL AND {calls}.subject_ref <> '' "
        f"AND {calls}.subject_ref = matched.value "
        f"AND {calls}.organization_id = matched.organization_id "
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, department_ids)
        return cursor.rowcount
