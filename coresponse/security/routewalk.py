"""The route walk: every URL pattern, every persona, own and foreign ids (SECURITY.md 1–3).

Each app declares the exact status its routes answer in `coresponse/<app>/route_expectations.py`:

    from coresponse.security.routewalk import Route, expect

    ROUTES = [
        Route("people:detail", kwargs={"pk": "person"},
              get=expect(404, clinician=200, supervisor=200, officer=200, liaison=200)),
    ]
    RECORDS = {"person": make_person}   # kind -> factory(place) -> id, for kwargs

The walker requests each route as every persona of `PERSONAS` with ids of records in the
personas' own department (Ashford), then again with ids from another department (Dover)
and another organization (Zeta), which must answer `foreign` (404 unless declared).
Anonymous requests are never declared per route: every route refuses them (302 to the
log-in page, 401 from the API) except the explicit allow-list `PUBLIC_ROUTES`.
A route nobody declared fails the walk with the line to add.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.module_loading import autodiscover_modules

PERSONAS = (
    "anonymous",
    "clinician",
    "supervisor",
    "officer",
    "liaison",
    "analyst",
    "ttac",
    "administrator",
    "outsider",
)
LOGGED_IN = PERSONAS[1:]

# Pages that answer an anonymous visitor. Adding one here is a security decision: say why
# in the route's `reason`.
PUBLIC_ROUTES = frozenset(
    {
        "accounts:login",
        "accounts:mfa",
        "accounts:mfa_enrol",
        "accounts:logout",
        "favicon",
        "admin:login",
        # The public site (issue 8): published, nothing person-level; see outreach/public_routes.py.
        "home",
        "public:about",
        "public:map",
        "public:map-svg",
        "public:history",
        "public:history-svg",
        "public:news",
        "public:news-detail",
        "public:newsletter",
        "public:newsletter-issue",
        "public:newsletter-confirm",
        "public:newsletter-unsubscribe",
        "public:newsletter-unsubscribe-request",
        "public:get-help",
        # Outcomes (issue 5): published, small-cell-suppressed figures per program.
        "reporting:public_outcomes",
    }
)


@dataclass(frozen=True)
class Expect:
    """Expected status per persona: `default` unless a persona is named."""

    default: int
    by_persona: Mapping[str, int] = field(default_factory=dict)

    def status_for(self, persona: str) -> int:
        return self.by_persona.get(persona, self.default)


def expect(default: int, **by_persona: int) -> Expect:
    unknown = set(by_persona) - set(PERSONAS)
    if unknown:
        raise ValueError(f"Unknown personas {sorted(unknown)}; use {PERSONAS}.")
    return Expect(default, by_persona)


@dataclass(frozen=True)
class Route:
    """The statuses of one named route (`namespace:name`)."""

    name: str
    get: Expect
    post: Expect | None = None
    kwargs: Mapping[str, str] = field(default_factory=dict)
    query: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)
    foreign: Expect = field(default_factory=lambda: expect(404))
    # Organization-wide records (TTAC work): another department of the same organization
    # is not foreign to organization-wide roles. Defaults to `foreign`.
    foreign_department: Expect | None = None
    public: bool = False
    reason: str = ""


@dataclass(frozen=True)
class Place:
    """Where a walk record lives: the personas' own department, or a foreign one."""

    tag: str
    organization: Any
    department: Any
    program: Any
    clinician: Any

    @property
    def identity_canary(self) -> str:
        """A name that only those allowed to see this place's people may receive."""
        return f"Zqxid{self.tag}"

    @property
    def clinical_canary(self) -> str:
        """Clinical text only this place's clinical staff may receive."""
        return f"zqxcl{self.tag}"


RecordFactory = Callable[[Place], int]


@dataclass(frozen=True)
class Pattern:
    """One URL pattern of the resolver."""

    name: str
    route: str
    kwarg_names: tuple[str, ...]
    is_named: bool


def _qualified(namespace: str, name: str | None, route: str) -> tuple[str, bool]:
    if name:
        return (f"{namespace}:{name}" if namespace else name), True
    return f"{namespace}:<{route}>", False


def _kwarg_names(route: str) -> tuple[str, ...]:
    names = re.findall(r"<(?:\w+:)?(\w+)>", route) + re.findall(r"\(\?P<(\w+)>", route)
    return tuple(dict.fromkeys(names))


def url_patterns() -> list[Pattern]:
    """Every pattern of the root resolver, flattened, with its qualified name."""
    found: list[Pattern] = []

    def walk(patterns: list[Any], prefix: str, namespace: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry.url_patterns, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                route = prefix + str(entry.pattern)
                name, is_named = _qualified(namespace, entry.name, route)
                found.append(Pattern(name, route, _kwarg_names(route), is_named))

    walk(get_resolver().url_patterns, "", "")
    return found


def load_declarations() -> tuple[dict[str, Route], dict[str, RecordFactory]]:
    """Every app's ROUTES and RECORDS (route_expectations modules), checked for duplicates."""
    import importlib

    from django.apps import apps

    autodiscover_modules("route_expectations")
    routes: dict[str, Route] = {}
    records: dict[str, RecordFactory] = {}
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.route_expectations")
        except ModuleNotFoundError:
            continue
        declared = list(getattr(module, "ROUTES", []))
        extra = getattr(module, "routes", None)
        if callable(extra):
            declared += list(extra())
        for route in declared:
            if route.name in routes:
                raise ValueError(f"Route {route.name} is declared twice.")
            routes[route.name] = route
        for kind, factory in getattr(module, "RECORDS", {}).items():
            if kind in records:
                raise ValueError(f"Record kind {kind!r} is declared twice.")
            records[kind] = factory
    return routes, records


def _app_module_for(pattern: Pattern) -> str:
    namespace = pattern.name.split(":", 1)[0] if ":" in pattern.name else ""
    if namespace and namespace not in {"admin", "api"}:
        return f"coresponse/{namespace}/route_expectations.py"
    return "coresponse/<your app>/route_expectations.py"


def unclassified_message(patterns: list[Pattern]) -> str:
    lines = ["Routes without a declared expectation (default deny needs every route classified):"]
    for pattern in patterns:
        kwargs = ", ".join(f'"{name}": "<record kind>"' for name in pattern.kwarg_names)
        kwargs_text = f" kwargs={{{kwargs}}}," if kwargs else ""
        lines.append(
            f"  /{pattern.route}  ->  add to {_app_module_for(pattern)}:\n"
            f'      Route("{pattern.name}",{kwargs_text} '
            "get=expect(<status>, clinician=<status>, ...)),"
        )
    lines.append("See README, section Security, 'Route expectations'.")
    return "\n".join(lines)


def anonymous_status(name: str) -> int:
    """What default deny answers an anonymous visitor: the API 401, pages a redirect."""
    return 401 if name.startswith("api:") else 302


def path_for(pattern: Pattern, values: Mapping[str, str]) -> str:
    """The URL of a pattern with the given kwargs (unnamed patterns are filled by hand)."""
    if pattern.is_named:
        return reverse(pattern.name, kwargs={key: values[key] for key in pattern.kwarg_names})
    path = pattern.route
    for key in pattern.kwarg_names:
        path = re.sub(rf"<(?:\w+:)?{key}>", values[key], path)
        path = re.sub(rf"\(\?P<{key}>[^)]*\)", values[key], path)
    return "/" + path.replace("^", "").replace("$", "")


def iter_requests(
    pattern: Pattern, route: Route, ids: Mapping[str, Mapping[str, int]]
) -> Iterator[tuple[str, str, str, Mapping[str, str]]]:
    """(variant, method, path, kwargs) for own ids, then foreign ids when the route takes ids."""
    kinds = {name: route.kwargs.get(name, "") for name in pattern.kwarg_names}
    variants = ["own"]
    if any(kind in ids for kind in kinds.values()):
        variants += ["foreign_department", "foreign_organization"]
    for variant in variants:
        values: dict[str, str] = {}
        for name, kind in kinds.items():
            if kind in ids:
                values[name] = str(ids[kind][variant])
            elif name == "format":
                values[name] = "json"
            elif kind:
                values[name] = kind
            else:
                raise KeyError(f"{route.name}: no value for URL argument {name!r}.")
        path = path_for(pattern, values)
        yield variant, "GET", path, values
        if route.post is not None:
            yield variant, "POST", path, values
