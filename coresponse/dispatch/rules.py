"""Recognising mental-health calls: the explicit flag, then the department's rules.

The same rules are evaluated in Python while importing (`RuleSet.evaluate`) and in SQL when a
department changes its rules (`RuleSet.reason_case`), with the same order and the same
case-insensitive comparison, so both always agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Q, Value, When

from coresponse.dispatch.models import MentalHealthRule

FLAG_REASON = "Flagged mental-health related by the call-taker or officer"
Field = MentalHealthRule.Field
Match = MentalHealthRule.Match


def clean_pattern(pattern: str) -> str:
    return " ".join(pattern.split())


def rule_reason(rule: MentalHealthRule) -> str:
    return f"{rule.get_field_display()} {rule.get_match_display()} “{rule.pattern}”"[:160]


def _fields_of(rule: MentalHealthRule) -> list[str]:
    if rule.field == Field.ANY_CALL_TYPE:
        return ["initial_call_type", "final_call_type"]
    return [rule.field]


@dataclass(frozen=True)
class CompiledRule:
    fields: tuple[int, ...]  # 0 initial call type, 1 final call type, 2 disposition
    match: str
    pattern: str  # case-folded
    reason: str


_POSITIONS = {"initial_call_type": 0, "final_call_type": 1, "disposition": 2}


class RuleSet:
    """The active rules of one department, in their evaluation order."""

    def __init__(self, rules: list[MentalHealthRule]) -> None:
        self.rules = [rule for rule in rules if rule.is_active]
        self.compiled = [
            CompiledRule(
                fields=tuple(_POSITIONS[name] for name in _fields_of(rule)),
                match=rule.match,
                pattern=rule.pattern.casefold(),
                reason=rule_reason(rule),
            )
            for rule in self.rules
        ]
        # Most rules are exact call types: one dictionary look-up per field answers them.
        self.exact: list[dict[str, str]] = [{}, {}, {}]
        for compiled in reversed(self.compiled):
            if compiled.match == Match.EXACT:
                for position in compiled.fields:
                    self.exact[position][compiled.pattern] = compiled.reason
        self.has_partial = any(rule.match != Match.EXACT for rule in self.compiled)

    @classmethod
    def for_department(cls, department_id: int) -> RuleSet:
        return cls(list(MentalHealthRule.objects.filter(department_id=department_id)))

    def evaluate(
        self, initial: str, final: str, disposition: str, is_flagged: bool
    ) -> tuple[bool, str]:
        """Whether a call is mental-health related, and why."""
        if is_flagged:
            return True, FLAG_REASON
        values = (initial.casefold(), final.casefold(), disposition.casefold())
        if not self.has_partial:
            for position in (0, 1, 2):
                reason = self.exact[position].get(values[position]) if values[position] else None
                if reason is not None:
                    # The first rule in order wins, as in SQL: check the earlier ones too.
                    return True, self._first_reason(values)
            return False, ""
        reason = self._first_reason(values)
        return bool(reason), reason

    def _first_reason(self, values: tuple[str, str, str]) -> str:
        for rule in self.compiled:
            for position in rule.fields:
                value = values[position]
                if not value:
                    continue
                if (
                    (rule.match == Match.EXACT and value == rule.pattern)
                    or (rule.match == Match.STARTS and value.startswith(rule.pattern))
                    or (rule.match == Match.CONTAINS and rule.pattern in value)
                ):
                    return rule.reason
        return ""

    def _condition(self, rule: MentalHealthRule) -> Q:
        lookup = {Match.EXACT: "iexact", Match.STARTS: "istartswith", Match.CONTAINS: "icontains"}[
            Match(rule.match)
        ]
        condition = Q()
        for name in _fields_of(rule):
            condition |= Q(**{f"{name}__{lookup}": rule.pattern})
        return condition

    def reason_case(self) -> Case:
        """The SQL expression giving each call's reason ("" when not mental-health)."""
        whens = [When(is_flagged_mental_health=True, then=Value(FLAG_REASON))]
        whens += [When(self._condition(rule), then=Value(rule_reason(rule))) for rule in self.rules]
        return Case(*whens, default=Value(""))

    def is_mental_health_case(self) -> Case:
        condition = Q(is_flagged_mental_health=True)
        for rule in self.rules:
            condition |= self._condition(rule)
        return Case(When(condition, then=Value(True)), default=Value(False))
