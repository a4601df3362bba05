"""PostgreSQL row-level security: the second wall on person-level tables (SECURITY.md 7).

The first wall is the selectors (`*_visible_to`). This one holds even when a query forgets
them: each request runs as the role `coresponse_app` (not the tables' owner), with the
departments it may reach in the setting `coresponse.department_ids`; every person-level
table has FORCE ROW LEVEL SECURITY and a policy for that role keyed on those departments.
Migrations and management commands run as the owner, whose own policy sees every row.

Tables are found, not listed: any table with a foreign key to a person, an encounter or a
referral gets a policy at every `migrate` (post_migrate), so new person-level tables of
other apps are covered without their own migration. See docs/decisions/ (RLS ADR).
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection, models

logger = logging.getLogger("coresponse.security")

DEPARTMENTS_SETTING = "coresponse.department_ids"
PEOPLE_SETTING = "coresponse.person_ids"
USER_SETTING = "coresponse.user_id"
POLICY = "coresponse_scope"
OWNER_POLICY = "coresponse_owner"

# Tables with a department column whose rows are police data about places and people.
EXTRA_DEPARTMENT_TABLES: set[str] = set()
# Reasons a table with a person link stays outside the wall.
EXEMPT = {
    # Read while the request's access (and so its scope) is being computed.
    "accounts.BreakGlassGrant": "access metadata read before the scope is known",
    # Bulk-loaded with COPY, which PostgreSQL refuses on tables under row-level security;
    # police call records stay scoped by the selectors (first wall only).
    "dispatch.DispatchCall": "bulk-loaded with COPY (refused under row-level security)",
}


_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def app_role() -> str:
    """The application's role name, checked to be a plain identifier (it is put in SQL)."""
    role = str(getattr(settings, "DATABASE_APP_ROLE", "coresponse_app"))
    if not _IDENTIFIER.match(role):
        raise ValueError("DATABASE_APP_ROLE must be a lower-case SQL identifier.")
    return role


def is_enabled() -> bool:
    return connection.vendor == "postgresql" and bool(getattr(settings, "CORESPONSE_RLS", True))


@dataclass(frozen=True)
class TablePolicy:
    table: str
    condition: str


def _fk_column(model: type[models.Model], target: str) -> str | None:
    for field in model._meta.concrete_fields:
        related = field.related_model if isinstance(field, models.ForeignKey) else None
        if related is not None and not isinstance(related, str) and related._meta.label == target:
            return str(field.column)
    return None


# The scope functions wrapped in a scalar subquery: PostgreSQL evaluates each once per query
# (an InitPlan) instead of once per row (parsing the setting again for every row scanned).
DEPARTMENTS = "(SELECT coresponse_departments())::bigint[]"
PEOPLE = "(SELECT coresponse_people())::bigint[]"
USER = "(SELECT coresponse_user())"


def _condition_for(model: type[models.Model]) -> str | None:
    label = model._meta.label
    table = model._meta.db_table
    if label in EXEMPT:
        return None
    if label == "people.Person":
        return (
            "EXISTS (SELECT 1 FROM people_persondepartment pd WHERE pd.person_id = "  # nosec B608
            f"{table}.id AND pd.department_id = ANY ({DEPARTMENTS})) "
            f"OR id = ANY ({PEOPLE}) OR created_by_id = {USER}"
        )
    person = _fk_column(model, "people.Person")
    encounter = _fk_column(model, "encounters.Encounter")
    referral = _fk_column(model, "referrals.Referral")
    department = _fk_column(model, "programs.Department")
    if department and (person or encounter or referral or label in EXTRA_DEPARTMENT_TABLES):
        condition = f"{department} = ANY ({DEPARTMENTS})"
        if person:
            condition += f" OR {person} = ANY ({PEOPLE})"
        return condition
    if encounter:
        return f"EXISTS (SELECT 1 FROM encounters_encounter e WHERE e.id = {table}.{encounter})"  # nosec B608
    if referral:
        return f"EXISTS (SELECT 1 FROM referrals_referral r WHERE r.id = {table}.{referral})"  # nosec B608
    if person:
        return f"EXISTS (SELECT 1 FROM people_person p WHERE p.id = {table}.{person})"  # nosec B608
    return None


def protected_tables() -> list[TablePolicy]:
    """Every person-level table with the condition its rows must meet."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        condition = _condition_for(model)
        if condition is not None:
            found.append(TablePolicy(model._meta.db_table, condition))
    return sorted(found, key=lambda policy: policy.table)


FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION coresponse_departments() RETURNS bigint[] LANGUAGE sql STABLE AS $$
    SELECT coalesce(string_to_array(nullif(current_setting('{DEPARTMENTS_SETTING}', true), ''),
                                    ',')::bigint[], '{{}}')
$$;
CREATE OR REPLACE FUNCTION coresponse_people() RETURNS bigint[] LANGUAGE sql STABLE AS $$
    SELECT coalesce(string_to_array(nullif(current_setting('{PEOPLE_SETTING}', true), ''),
                                    ',')::bigint[], '{{}}')
$$;
CREATE OR REPLACE FUNCTION coresponse_user() RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT nullif(current_setting('{USER_SETTING}', true), '')::bigint
$$;
"""


def _create_role(cursor: Any, role: str) -> None:
    # Roles belong to the whole cluster: several databases (and test workers) share them.
    cursor.execute(
        f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') THEN "  # nosec B608
        f"CREATE ROLE {role} NOLOGIN NOSUPERUSER NOBYPASSRLS; END IF; "
        "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;"
    )


def apply_policies(*, using: str = "default") -> list[str]:
    """Create the role, grants, helper functions and one policy per person-level table."""
    from django.db import connections

    db = connections[using]
    if db.vendor != "postgresql":
        return []
    role = app_role()
    tables = protected_tables()
    with db.cursor() as cursor:
        try:
            _create_role(cursor, role)
        except Exception:  # the owner may lack CREATEROLE: the DBA creates it (README)
            logger.warning("Could not create the role %s; create it as described.", role)
        cursor.execute(FUNCTIONS)
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
        cursor.execute(
            f"GRANT USAGE ON SCHEMA public TO {role}; "  # nosec B608 - a checked identifier
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}; "
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}; "
            f"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO {role}; "
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}; "
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role}; "
            f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_auditevent FROM {role};"
        )
        for policy in tables:
            cursor.execute(
                f"""
                ALTER TABLE {policy.table} ENABLE ROW LEVEL SECURITY;
                ALTER TABLE {policy.table} FORCE ROW LEVEL SECURITY;
                DROP POLICY IF EXISTS {POLICY} ON {policy.table};
                DROP POLICY IF EXISTS {OWNER_POLICY} ON {policy.table};
                CREATE POLICY {POLICY} ON {policy.table} TO {role}
                    USING ({policy.condition}) WITH CHECK ({policy.condition});
                CREATE POLICY {OWNER_POLICY} ON {policy.table} TO "{owner}"
                    USING (true) WITH CHECK (true);
                """
            )
    return [policy.table for policy in tables]


def apply_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    if getattr(settings, "CORESPONSE_RLS", True):
        apply_policies(using=using)


def scope_departments(access: Any) -> list[int]:
    """Departments a request may touch at any level (person-level or aggregate)."""
    from coresponse.programs.models import Department

    departments = set(access.all_department_ids)
    organizations = set(access.admin_organization_ids) | set(access.ttac_organization_ids)
    if organizations:
        departments |= set(
            Department.objects.filter(organization_id__in=organizations).values_list(
                "id", flat=True
            )
        )
    return sorted(departments)


def all_departments() -> list[int]:
    from coresponse.programs.models import Department

    return sorted(Department.objects.values_list("id", flat=True))


def _join(ids: Any) -> str:
    return ",".join(str(int(value)) for value in ids)


@dataclass
class _Scope:
    """The scope of one request, applied to the connection at its first query."""

    resolve: Callable[[], tuple[list[int], frozenset[int] | list[int], int | None]]
    applied: bool = False
    suspended: bool = False


_current: contextvars.ContextVar[_Scope | None] = contextvars.ContextVar(
    "coresponse_rls_scope", default=None
)


def _set_scope(cursor: Any, departments: Any, people: Any, user_id: int | None) -> None:
    # One statement (sent before every request's first query): setting `role` is SET ROLE.
    cursor.execute(
        "SELECT set_config(%s, %s, false), set_config(%s, %s, false), set_config(%s, %s, false), "
        "set_config('role', %s, false)",
        [
            DEPARTMENTS_SETTING,
            _join(departments),
            PEOPLE_SETTING,
            _join(people),
            USER_SETTING,
            str(user_id or ""),
            app_role(),
        ],
    )


def _apply_before_first_query(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
    scope = _current.get()
    if scope is not None and not scope.applied and not scope.suspended:
        scope.applied = True  # first, so the queries below do not come back here
        departments, people, user_id = scope.resolve()
        with context["connection"].cursor() as cursor:
            _set_scope(cursor, departments, people, user_id)
    return execute(sql, params, many, context)


@contextlib.contextmanager
def request_scope(
    resolve: Callable[[], tuple[list[int], frozenset[int] | list[int], int | None]],
) -> Iterator[None]:
    """Scope every query of the enclosed request; nothing is sent if it makes no query."""
    if not is_enabled():
        yield
        return
    scope = _Scope(resolve)
    token = _current.set(scope)
    try:
        with connection.execute_wrapper(_apply_before_first_query):
            yield
    finally:
        _current.reset(token)
        if scope.applied:
            _reset()


@contextlib.contextmanager
def rls_scope(
    *, departments: list[int], people: list[int] | frozenset[int], user_id: int | None
) -> Iterator[None]:
    """Run the enclosed queries as the application role within these departments."""
    if not is_enabled():
        yield
        return
    with connection.cursor() as cursor:
        _set_scope(cursor, departments, people, user_id)
    try:
        yield
    finally:
        _reset()


@contextlib.contextmanager
def unscoped(reason: str) -> Iterator[None]:
    """Leave the request's scope for one deliberate, audited look beyond it.

    Only break-the-glass uses it: finding a person outside one's towns is its purpose.
    """
    scope = _current.get()
    if not is_enabled() or scope is None:
        yield
        return
    was_suspended = scope.suspended
    scope.suspended = True
    if scope.applied and not was_suspended:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
    try:
        yield
    finally:
        scope.suspended = was_suspended
        if scope.applied and not was_suspended:
            with connection.cursor() as cursor:
                cursor.execute(f"SET ROLE {app_role()}")
        logger.info("Row-level scope left on purpose: %s", reason)


def _reset() -> None:
    try:
        with connection.cursor() as cursor:
            # Role "none" is RESET ROLE (back to the session's own user), in the same statement.
            cursor.execute(
                "SELECT set_config('role', 'none', false), set_config(%s, '', false), "
                "set_config(%s, '', false), set_config(%s, '', false)",
                [DEPARTMENTS_SETTING, PEOPLE_SETTING, USER_SETTING],
            )
    except DatabaseError:
        # An aborted transaction refuses even RESET; its rollback undoes SET ROLE. Outside
        # a transaction, drop the connection rather than leave a scoped role on it.
        if not connection.in_atomic_block:
            connection.close()
