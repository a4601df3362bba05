"""Keeping the precomputed figures right: on every encounter write, and by a full rebuild.

Encounter services call `encounter_changed(encounter)` inside their transaction; bulk paths
(demo data, imports, merges that re-point encounters) call `encounters_changed(ids)` or
`rebuild_rollups()`. A change is applied as a difference: the old contributions of the
changed encounters (and the distinct-people chains of their people, old and new) are
subtracted and the new ones added, so a write costs a handful of rows whatever the table size.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, transaction

from coresponse.common.statistics import refresh_statistics
from coresponse.encounters.models import Encounter
from coresponse.people.models import Person
from coresponse.reporting import redraw
from coresponse.reporting.facts import facts_of, iter_fact_batches
from coresponse.reporting.models import (
    COUNT_FIELDS,
    DistinctCell,
    EncounterFact,
    EncounterFactProblem,
    MeasureCell,
    Scope,
)
from coresponse.reporting.scopes import Kind

REPEAT_WINDOWS = (30, 90, 365)
CHAINS = ("person", "criminal", "diverted", *(f"repeat_{days}" for days in REPEAT_WINDOWS))
DIMENSIONS = (
    "all",
    "program",
    "department",
    "age_band",
    "sex",
    "race",
    "ethnicity",
    "call_source",
    "problem",
)
NO_PREVIOUS = -1

CellKey = tuple[str, int, int, str, str]
ChainKey = tuple[str, int, str, int, int]

# ---------------------------------------------------------------- contributions of facts


def _scope_ids(fact: EncounterFact) -> tuple[tuple[str, int], ...]:
    return (
        (Scope.DEPARTMENT, fact.department_id),
        (Scope.PROGRAM, fact.program_id),
        (Scope.ORGANIZATION, fact.organization_id),
    )


def count_vector(fact: EncounterFact) -> tuple[int, ...]:
    """What one fact adds to every cell it falls in, in COUNT_FIELDS order."""
    return (
        1,
        int(fact.person_id is not None),
        int(fact.is_criminal),
        int(fact.is_diverted),
        int(fact.is_eligible),
        int(fact.is_eligible_diverted),
        int(fact.is_arrested),
        int(fact.is_ed_indicated),
        int(fact.is_ed_diverted),
        int(fact.is_hold),
        int(fact.is_force),
        int(fact.is_resolved),
        fact.officer_minutes or 0,
        int(fact.officer_minutes is not None),
        fact.clinician_minutes or 0,
        int(fact.clinician_minutes is not None),
    )


def cell_keys(fact: EncounterFact) -> list[CellKey]:
    """The cells (scope, id, month, dimension, value) one fact falls in."""
    values = [
        ("all", ""),
        ("age_band", fact.age_band),
        ("sex", fact.sex),
        ("race", fact.race),
        ("ethnicity", fact.ethnicity),
        ("call_source", fact.call_source),
        *(("problem", key) for key in fact.problems.split()),
    ]
    keys = []
    for scope, scope_id in _scope_ids(fact):
        extra = []
        if scope != Scope.PROGRAM:
            extra.append(("program", str(fact.program_id)))
        if scope != Scope.DEPARTMENT:
            extra.append(("department", str(fact.department_id)))
        keys += [
            (scope, scope_id, fact.month, dimension, value) for dimension, value in values + extra
        ]
    return keys


def _add_counts(cells: dict[CellKey, list[int]], facts: Iterable[EncounterFact], sign: int) -> None:
    for fact in facts:
        vector = count_vector(fact)
        for key in cell_keys(fact):
            total = cells.setdefault(key, [0] * len(COUNT_FIELDS))
            for index, amount in enumerate(vector):
                total[index] += sign * amount


def chain_members(facts: Sequence[EncounterFact]) -> dict[str, list[EncounterFact]]:
    """One person's facts within one scope, split into the chains they belong to.

    `facts` must be in (day, encounter id) order. A repeat_N encounter is one whose previous
    encounter of the person in the scope was at most N days before.
    """
    chains: dict[str, list[EncounterFact]] = {chain: [] for chain in CHAINS}
    previous_day: int | None = None
    for fact in facts:
        chains["person"].append(fact)
        if fact.is_criminal:
            chains["criminal"].append(fact)
        if fact.is_diverted:
            chains["diverted"].append(fact)
        for days in REPEAT_WINDOWS:
            if previous_day is not None and fact.day - previous_day <= days:
                chains[f"repeat_{days}"].append(fact)
        previous_day = fact.day
    return chains


def chain_contributions(person_facts: Iterable[EncounterFact]) -> Counter[ChainKey]:
    """The distinct-cell rows one person's facts make, in every scope."""
    contributions: Counter[ChainKey] = Counter()
    ordered = sorted(person_facts, key=lambda fact: (fact.day, fact.encounter_id))
    for scope_index in range(3):
        by_scope: dict[tuple[str, int], list[EncounterFact]] = defaultdict(list)
        for fact in ordered:
            by_scope[_scope_ids(fact)[scope_index]].append(fact)
        for (scope, scope_id), facts in by_scope.items():
            for chain, members in chain_members(facts).items():
                previous_month = NO_PREVIOUS
                for fact in members:
                    contributions[(scope, scope_id, chain, fact.month, previous_month)] += 1
                    previous_month = fact.month
    return contributions


# ---------------------------------------------------------------- applying differences


def _upsert_sql(model: type[Any], key_fields: Sequence[str], value_fields: Sequence[str]) -> str:
    table = model._meta.db_table
    columns = [*key_fields, *value_fields]
    updates = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in value_fields)
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608  # nosec B608 - fixed names, values as parameters
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({', '.join(key_fields)}) DO UPDATE SET {updates}"
    )


def _delete_empty_sql(model: type[Any], key_fields: Sequence[str]) -> str:
    table = model._meta.db_table
    condition = " AND ".join(f"{name} = %s" for name in key_fields)
    return f"DELETE FROM {table} WHERE encounters = 0 AND {condition}"  # noqa: S608  # nosec B608 - fixed names, values as parameters


_CELL_KEY = ("scope", "scope_id", "month", "dimension", "value")
_CHAIN_KEY = ("scope", "scope_id", "chain", "month", "previous_month")


def _apply_cells(cells: dict[CellKey, list[int]]) -> None:
    changed = sorted((key, vector) for key, vector in cells.items() if any(vector))
    if not changed:
        return
    rows: list[list[Any]] = [[*key, *vector] for key, vector in changed]
    with connection.cursor() as cursor:
        # Sorted keys: concurrent writers take row locks in the same order (no deadlock).
        cursor.executemany(
            _upsert_sql(MeasureCell, _CELL_KEY, COUNT_FIELDS),
            rows,
        )
        emptied: list[list[Any]] = [list(key) for key, vector in changed if vector[0] < 0]
        if emptied:
            cursor.executemany(_delete_empty_sql(MeasureCell, _CELL_KEY), emptied)


def _apply_chains(chains: Counter[ChainKey]) -> None:
    changed = sorted((key, amount) for key, amount in chains.items() if amount)
    if not changed:
        return
    rows: list[list[Any]] = [[*key, amount] for key, amount in changed]
    with connection.cursor() as cursor:
        cursor.executemany(
            _upsert_sql(DistinctCell, _CHAIN_KEY, ("encounters",)),
            rows,
        )
        emptied: list[list[Any]] = [list(key) for key, amount in changed if amount < 0]
        if emptied:
            cursor.executemany(_delete_empty_sql(DistinctCell, _CHAIN_KEY), emptied)


def _lock_people(person_ids: set[int]) -> None:
    # Two writers changing encounters of one person would each subtract the same old chain:
    # the person row serialises them (SQLite already serialises all writers).
    if person_ids:
        list(
            Person.objects.select_for_update()
            .filter(pk__in=sorted(person_ids))
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def _people_of(facts: Iterable[EncounterFact]) -> set[int]:
    return {fact.person_id for fact in facts if fact.person_id is not None}


@transaction.atomic
def encounters_changed(encounter_ids: Iterable[int]) -> None:
    """Bring facts and rollups up to date after encounters were created, changed or deleted."""
    ids = sorted(set(encounter_ids))
    if not ids:
        return
    new_facts = facts_of(ids)
    guessed = _people_of(EncounterFact.objects.filter(encounter_id__in=ids)) | _people_of(new_facts)
    _lock_people(guessed)
    old_facts = list(EncounterFact.objects.filter(encounter_id__in=ids))
    people = _people_of(old_facts) | _people_of(new_facts)
    _lock_people(people - guessed)
    unchanged = list(
        EncounterFact.objects.filter(person_id__in=people).exclude(encounter_id__in=ids)
    )

    cells: dict[CellKey, list[int]] = {}
    _add_counts(cells, old_facts, -1)
    _add_counts(cells, new_facts, +1)
    chains: Counter[ChainKey] = Counter()
    for person_id in people:
        kept = [fact for fact in unchanged if fact.person_id == person_id]
        chains.subtract(
            chain_contributions(kept + [f for f in old_facts if f.person_id == person_id])
        )
        chains.update(
            chain_contributions(kept + [f for f in new_facts if f.person_id == person_id])
        )

    EncounterFact.objects.filter(encounter_id__in=ids).delete()
    EncounterFactProblem.objects.filter(encounter_id__in=ids).delete()
    EncounterFact.objects.bulk_create(new_facts)
    EncounterFactProblem.objects.bulk_create(_problem_rows(new_facts))
    _apply_cells(cells)
    _apply_chains(chains)
    # After the commit, the default dashboards of these scopes are redrawn in the background.
    redraw.charts_changed(_dashboards_of([*old_facts, *new_facts]))


def _dashboards_of(facts: Iterable[EncounterFact]) -> set[tuple[str, int]]:
    """The dashboards (scopes.Kind, id) whose figures these facts are part of."""
    return {
        (kind, scope_id)
        for fact in facts
        for kind, scope_id in (
            (Kind.DEPARTMENT, fact.department_id),
            (Kind.PROGRAM, fact.program_id),
            (Kind.ORGANIZATION, fact.organization_id),
        )
    }


def encounter_changed(encounter: Encounter) -> None:
    """Bring facts and rollups up to date after one encounter was written."""
    encounters_changed([encounter.pk])


def _problem_rows(facts: Iterable[EncounterFact]) -> list[EncounterFactProblem]:
    return [
        EncounterFactProblem(encounter_id=fact.encounter_id, problem=key)
        for fact in facts
        for key in fact.problems.split()
    ]


# ---------------------------------------------------------------- full rebuild

_SCOPE_COLUMNS = {
    Scope.DEPARTMENT: "department_id",
    Scope.PROGRAM: "program_id",
    Scope.ORGANIZATION: "organization_id",
}


def _sum_columns(alias: str) -> str:
    flag = "SUM(CASE WHEN {alias}.{name} THEN 1 ELSE 0 END)"
    flags = [
        "is_criminal",
        "is_diverted",
        "is_eligible",
        "is_eligible_diverted",
        "is_arrested",
        "is_ed_indicated",
        "is_ed_diverted",
        "is_hold",
        "is_force",
        "is_resolved",
    ]
    return ", ".join(
        [
            "COUNT(*)",
            f"SUM(CASE WHEN {alias}.person_id IS NULL THEN 0 ELSE 1 END)",
            *(flag.format(alias=alias, name=name) for name in flags),
            f"COALESCE(SUM({alias}.officer_minutes), 0)",
            f"COUNT({alias}.officer_minutes)",
            f"COALESCE(SUM({alias}.clinician_minutes), 0)",
            f"COUNT({alias}.clinician_minutes)",
        ]
    )


def _dimension_expression(dimension: str) -> str:
    return {
        "all": "''",
        "program": "CAST(f.program_id AS TEXT)",
        "department": "CAST(f.department_id AS TEXT)",
        "problem": "p.problem",
    }.get(dimension, f"f.{dimension}")


def _cells_sql(scope: str, dimension: str, where: str) -> str:
    scope_column = _SCOPE_COLUMNS[scope]  # type: ignore[index]
    value = _dimension_expression(dimension)
    join = ""
    if dimension == "problem":
        join = f" JOIN {EncounterFactProblem._meta.db_table} p ON p.encounter_id = f.encounter_id"
    return (
        f"INSERT INTO {MeasureCell._meta.db_table} "  # noqa: S608  # nosec B608 - fixed names, values as parameters
        f"(scope, scope_id, month, dimension, value, {', '.join(COUNT_FIELDS)}) "
        f"SELECT '{scope}', f.{scope_column}, f.month, '{dimension}', {value}, "
        f"{_sum_columns('f')} FROM {EncounterFact._meta.db_table} f{join} {where} "
        f"GROUP BY f.{scope_column}, f.month{'' if dimension == 'all' else ', ' + value}"
    )


_SET_COLUMNS = {
    "age_band": "f.age_band",
    "sex": "f.sex",
    "race": "f.race",
    "ethnicity": "f.ethnicity",
    "call_source": "f.call_source",
    "program": "f.program_id",
    "department": "f.department_id",
}


def _grouping_sets_sql(scope: str, where: str) -> str:
    """Every dimension but problems of one scope in one pass (PostgreSQL GROUPING SETS)."""
    scope_column = _SCOPE_COLUMNS[scope]  # type: ignore[index]
    dimensions = [
        dimension
        for dimension in _SET_COLUMNS
        if not (scope == Scope.PROGRAM and dimension == "program")
        and not (scope == Scope.DEPARTMENT and dimension == "department")
    ]
    names = " ".join(f"WHEN GROUPING({_SET_COLUMNS[d]}) = 0 THEN '{d}'" for d in dimensions)
    values = " ".join(
        f"WHEN GROUPING({_SET_COLUMNS[d]}) = 0 THEN CAST({_SET_COLUMNS[d]} AS TEXT)"
        for d in dimensions
    )
    sets = ", ".join(
        [f"(f.{scope_column}, f.month)"]
        + [f"(f.{scope_column}, f.month, {_SET_COLUMNS[d]})" for d in dimensions]
    )
    return (
        f"INSERT INTO {MeasureCell._meta.db_table} "  # noqa: S608  # nosec B608 - fixed names
        f"(scope, scope_id, month, dimension, value, {', '.join(COUNT_FIELDS)}) "
        f"SELECT '{scope}', f.{scope_column}, f.month, CASE {names} ELSE 'all' END, "
        f"COALESCE(CASE {values} END, ''), {_sum_columns('f')} "
        f"FROM {EncounterFact._meta.db_table} f {where} GROUP BY GROUPING SETS ({sets})"
    )


_CHAIN_CONDITIONS = {
    "person": "1 = 1",
    "criminal": "is_criminal = 1",
    "diverted": "is_diverted = 1",
    **{f"repeat_{days}": f"gap <= {days}" for days in REPEAT_WINDOWS},
}


def _chain_base_sql(scope: str, where: str) -> str:
    scope_column = _SCOPE_COLUMNS[scope]  # type: ignore[index]
    window = f"PARTITION BY f.{scope_column}, f.person_id ORDER BY f.day, f.encounter_id"
    person_filter = "f.person_id IS NOT NULL" + (f" AND {where[6:]}" if where else "")
    return (
        "CREATE TEMPORARY TABLE reporting_chain_base AS "  # noqa: S608  # nosec B608 - fixed names, values as parameters
        f"SELECT f.{scope_column} AS scope_id, f.person_id, f.day, f.month, f.encounter_id, "
        "CASE WHEN f.is_criminal THEN 1 ELSE 0 END AS is_criminal, "
        "CASE WHEN f.is_diverted THEN 1 ELSE 0 END AS is_diverted, "
        f"f.day - LAG(f.day) OVER ({window}) AS gap "
        f"FROM {EncounterFact._meta.db_table} f WHERE {person_filter}"
    )


def _chain_sql(scope: str, chain: str) -> str:
    return (
        f"INSERT INTO {DistinctCell._meta.db_table} "  # noqa: S608  # nosec B608 - fixed names, values as parameters
        "(scope, scope_id, chain, month, previous_month, encounters) "
        f"SELECT '{scope}', scope_id, '{chain}', month, previous_month, COUNT(*) FROM ("
        "SELECT scope_id, month, COALESCE(LAG(month) OVER "
        f"(PARTITION BY scope_id, person_id ORDER BY day, encounter_id), {NO_PREVIOUS}) "
        "AS previous_month FROM reporting_chain_base "
        f"WHERE {_CHAIN_CONDITIONS[chain]}) chain_rows GROUP BY scope_id, month, previous_month"
    )


def _delete_rollups(organization_id: int | None) -> None:
    if organization_id is None:
        for model in (MeasureCell, DistinctCell, EncounterFactProblem, EncounterFact):
            model.objects.all().delete()
        return
    from coresponse.programs.models import Department, Program

    scopes = {
        Scope.DEPARTMENT: list(
            Department.objects.filter(organization_id=organization_id).values_list("pk", flat=True)
        ),
        Scope.PROGRAM: list(
            Program.objects.filter(organization_id=organization_id).values_list("pk", flat=True)
        ),
    }
    for model in (MeasureCell, DistinctCell):
        model.objects.filter(scope=Scope.ORGANIZATION, scope_id=organization_id).delete()
        for scope, owner_ids in scopes.items():
            model.objects.filter(scope=scope, scope_id__in=owner_ids).delete()
    facts = EncounterFact.objects.filter(organization_id=organization_id)
    EncounterFactProblem.objects.filter(encounter_id__in=facts.values("encounter_id")).delete()
    facts.delete()


def _copy_facts(facts: list[EncounterFact]) -> None:
    EncounterFact.objects.bulk_create(facts, batch_size=5000)
    EncounterFactProblem.objects.bulk_create(_problem_rows(facts), batch_size=5000)


def _postgres_facts_sql(organization_id: int | None) -> str:
    """The facts of every counting encounter in one statement (PostgreSQL only).

    The same rules as `reporting.facts` (tests compare both on PostgreSQL); it exists
    because a rebuild of tens of millions of encounters should not pass through Python.
    """
    encounter = Encounter._meta.db_table
    problems = Encounter.presenting_problems.through._meta.db_table
    dispositions = Encounter.dispositions.through._meta.db_table
    where = f"AND e.organization_id = {int(organization_id)}" if organization_id else ""
    return f"""
        INSERT INTO {EncounterFact._meta.db_table} (
            encounter_id, organization_id, program_id, department_id, person_id, day, month,
            is_criminal, is_diverted, is_eligible, is_eligible_diverted, is_arrested,
            is_ed_indicated, is_ed_diverted, is_hold, is_force, is_resolved,
            officer_minutes, clinician_minutes, age_band, sex, race, ethnicity, problems,
            call_source)
        SELECT e.id, e.organization_id, e.program_id, e.department_id, e.person_id,
            local.day - DATE '1970-01-01',
            (EXTRACT(YEAR FROM local.day) * 12 + EXTRACT(MONTH FROM local.day) - 1)::int,
            e.has_criminal_conduct,
            e.has_criminal_conduct AND e.arrest_outcome = 'arrest_diverted',
            e.has_criminal_conduct AND e.charge_severity <> 'mandatory_arrest',
            e.has_criminal_conduct AND e.charge_severity <> 'mandatory_arrest'
                AND e.arrest_outcome = 'arrest_diverted',
            e.arrest_outcome = 'arrested',
            e.ed_outcome IN ('ed_diverted', 'ed_voluntary', 'ed_involuntary'),
            e.ed_outcome = 'ed_diverted',
            e.is_involuntary_hold,
            e.had_use_of_force,
            resolved.encounter_id IS NOT NULL,
            e.officer_minutes,
            CASE WHEN e.clinician_cleared_at >= e.clinician_arrived_at THEN
                FLOOR(EXTRACT(EPOCH FROM e.clinician_cleared_at - e.clinician_arrived_at) / 60)::int
            END,
            e.age_band, e.sex, e.race, e.ethnicity,
            COALESCE(problem_keys.keys, ''),
            COALESCE(source.key, '')
        FROM {encounter} e
        JOIN programs_organization o ON o.id = e.organization_id
        LEFT JOIN common_code source ON source.id = e.call_source_id
        LEFT JOIN (
            SELECT p.encounter_id, string_agg(c.key, ' ' ORDER BY c.key COLLATE "C") AS keys
            FROM {problems} p JOIN common_code c ON c.id = p.code_id GROUP BY p.encounter_id
        ) problem_keys ON problem_keys.encounter_id = e.id
        LEFT JOIN (
            SELECT DISTINCT d.encounter_id FROM {dispositions} d
            JOIN common_code c ON c.id = d.code_id WHERE c.key = 'resolved_on_scene'
        ) resolved ON resolved.encounter_id = e.id
        CROSS JOIN LATERAL (SELECT (e.occurred_at AT TIME ZONE o.time_zone)::date AS day) local
        WHERE e.status IN ('submitted', 'locked') {where}
    """  # noqa: S608  # nosec B608 - fixed names, the id is an int


def _postgres_problem_rows_sql(organization_id: int | None) -> str:
    problems = Encounter.presenting_problems.through._meta.db_table
    where = f"WHERE f.organization_id = {int(organization_id)}" if organization_id else ""
    return (
        f"INSERT INTO {EncounterFactProblem._meta.db_table} (encounter_id, problem) "  # noqa: S608  # nosec B608 - fixed names, the id is an int
        f"SELECT p.encounter_id, c.key FROM {problems} p JOIN common_code c ON c.id = p.code_id "
        f"JOIN {EncounterFact._meta.db_table} f ON f.encounter_id = p.encounter_id {where}"
    )


Progress = Callable[[str, int, int], None]


def _no_progress(step: str, done: int, total: int) -> None:
    return None


@transaction.atomic
def rebuild_rollups(
    *, organization_id: int | None = None, progress: Progress = _no_progress
) -> int:
    """Recompute every fact and rollup (of one organization, or all) from the encounters.

    `progress(step, done, total)` is told how far each step is. Returns the facts written.
    """
    _delete_rollups(organization_id)
    encounters = Encounter.objects.all()
    if organization_id is not None:
        encounters = encounters.filter(organization_id=organization_id)
    total = encounters.count()
    done = written = 0
    progress("facts", 0, total)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_postgres_facts_sql(organization_id))
            written = cursor.rowcount
            cursor.execute(_postgres_problem_rows_sql(organization_id))
        progress("facts", total, total)
    else:
        for read, facts in iter_fact_batches(organization_id=organization_id):
            _copy_facts(facts)
            done += read
            written += len(facts)
            progress("facts", done, total)
    where = f"WHERE f.organization_id = {int(organization_id)}" if organization_id else ""
    if connection.vendor == "postgresql":
        statements = [
            statement
            for scope in _SCOPE_COLUMNS
            for statement in (
                _grouping_sets_sql(scope, where),
                _cells_sql(scope, "problem", where),
            )
        ]
    else:
        statements = [
            _cells_sql(scope, dimension, where)
            for scope in _SCOPE_COLUMNS
            for dimension in DIMENSIONS
            if not (scope == Scope.PROGRAM and dimension == "program")
            and not (scope == Scope.DEPARTMENT and dimension == "department")
        ]
    steps = len(statements) + len(_SCOPE_COLUMNS) * len(CHAINS)
    with connection.cursor() as cursor:
        for index, statement in enumerate(statements, start=1):
            cursor.execute(statement)
            progress("rollups", index, steps)
        index = len(statements)
        for scope in _SCOPE_COLUMNS:
            cursor.execute(_chain_base_sql(scope, where))
            for chain in CHAINS:
                cursor.execute(_chain_sql(scope, chain))
                index += 1
                progress("rollups", index, steps)
            cursor.execute("DROP TABLE reporting_chain_base")
    refresh_statistics([MeasureCell, DistinctCell, EncounterFactProblem, EncounterFact])
    return written
