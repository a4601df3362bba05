"""Expected statuses of the outreach routes, staff and public (see security/routewalk.py).

The public routes are the explicit allow-list of the public site: each answers anonymous
visitors and shows only published, non-person-level content.
"""

from __future__ import annotations

from coresponse.security.routewalk import Place, Route, expect

RUNS = {"ttac": 200, "administrator": 200}


def make_newsletter_issue(place: Place) -> int:
    from coresponse.outreach.models import NewsletterIssue

    return NewsletterIssue.objects.create(
        organization=place.organization, subject="Draft", body="Draft issue."
    ).pk


RECORDS = {"newsletter_issue": make_newsletter_issue}
ISSUE = {"pk": "newsletter_issue"}
# Any unsigned value: refused with 400 and a message.
BAD_LINK = "not-a-signed-link"

ROUTES = [
    Route("outreach:dashboard", get=expect(403, **RUNS)),
    Route("outreach:issue-new", get=expect(403, **RUNS), post=expect(403, **RUNS)),
    Route(
        "outreach:issue",
        kwargs=ISSUE,
        get=expect(404, **RUNS),
        foreign_department=expect(404, **RUNS),
    ),
    Route(
        "outreach:issue-edit",
        kwargs=ISSUE,
        get=expect(404, **RUNS),
        post=expect(404, **RUNS),
        foreign_department=expect(404, **RUNS),
    ),
    Route(
        "outreach:issue-send",
        kwargs=ISSUE,
        get=expect(405),
        post=expect(404, ttac=302, administrator=302),
        foreign_department=expect(404, ttac=302, administrator=302),
    ),
    Route("outreach:news-new", get=expect(403, **RUNS), post=expect(403, **RUNS)),
    # The public site.
    Route("public:about", public=True, get=expect(200), reason="Public: how co-response works."),
    Route("public:map", public=True, get=expect(200), reason="Public: map of partner departments."),
    Route("public:map-svg", public=True, get=expect(200), reason="Public: the map image."),
    Route("public:history", public=True, get=expect(200), reason="Public: replication history."),
    Route("public:history-svg", public=True, get=expect(200), reason="Public: history chart."),
    Route("public:news", public=True, get=expect(200), reason="Public: published news items."),
    Route(
        "public:news-detail",
        kwargs={"slug": "no-such-news"},
        public=True,
        get=expect(404),
        reason="Public: one published news item.",
    ),
    Route(
        "public:newsletter",
        public=True,
        get=expect(200),
        post=expect(200),
        reason="Public: newsletter archive and sign-up (an empty post re-shows the form).",
    ),
    Route(
        "public:newsletter-issue",
        kwargs={"pk": "999999"},
        public=True,
        get=expect(404),
        reason="Public: one sent issue of the archive.",
    ),
    Route(
        "public:newsletter-confirm",
        kwargs={"token": BAD_LINK},
        public=True,
        get=expect(400),
        reason="Public: the confirmation link of the double opt-in (signed token).",
    ),
    Route(
        "public:newsletter-unsubscribe",
        kwargs={"token": BAD_LINK},
        public=True,
        get=expect(400),
        post=expect(400),
        reason="Public: one-click unsubscribe (signed token), also posted by mail programs.",
    ),
    Route(
        "public:newsletter-unsubscribe-request",
        public=True,
        get=expect(405),
        post=expect(400),
        reason="Public: ask for a fresh unsubscribe link (mailed only to a subscribed address).",
    ),
    Route("public:get-help", public=True, get=expect(200), reason="Public: 988 and local numbers."),
]
