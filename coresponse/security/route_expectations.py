"""Expected statuses of the Django admin (every registered model, generated).

Only staff reach the admin; everyone else is sent to the log-in page. The walk gives the
administrator persona staff status and every permission of the registered models, then
asks each page with an object id that does not exist ("0"): the admin answers a redirect
to its index with "doesn't exist", the same as for an object of another organization
(see test_admin_scoping for the organization filter of users and memberships).
"""

from __future__ import annotations

from coresponse.security.routewalk import Route, expect, url_patterns

_ADMIN_BY_SUFFIX = {
    "_changelist": 200,
    "_add": 200,
    "_change": 302,
    "_delete": 302,
    "_history": 302,
}
_ADMIN_PAGES = {
    "admin:index": 200,
    "admin:app_list": 200,
    "admin:password_change": 200,
    "admin:password_change_done": 200,
    "admin:jsi18n": 200,
    "admin:autocomplete": 403,
    "admin:view_on_site": 404,
    "admin:logout": 405,
    "admin:auth_user_password_change": 404,  # nosec B105 - a URL name, not a secret
}
_ADMIN_KWARGS = {
    "object_id": "0",
    "content_type_id": "0",
    "id": "0",
    "app_label": "accounts",
    "url": "nowhere/",
}


def _admin_status(name: str) -> int:
    if name in _ADMIN_PAGES:
        return _ADMIN_PAGES[name]
    for suffix, status in _ADMIN_BY_SUFFIX.items():
        if name.endswith(suffix):
            return status
    if name.startswith("admin:<"):
        # <object_id>/ redirects to the change page; the catch-all answers 404.
        return 404 if "(?P<url>" in name else 302
    raise KeyError(name)


def routes() -> list[Route]:
    declared = [
        Route(
            "admin:login",
            public=True,
            get=expect(302),
            reason="The admin's password-only form is replaced by a redirect to the log-in.",
        )
    ]
    for pattern in url_patterns():
        if not pattern.name.startswith("admin:") or pattern.name == "admin:login":
            continue
        kwargs = {name: _ADMIN_KWARGS[name] for name in pattern.kwarg_names}
        declared.append(
            Route(
                pattern.name,
                kwargs=kwargs,
                get=expect(302, administrator=_admin_status(pattern.name)),
            )
        )
    return declared
