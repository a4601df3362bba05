"""The public pages of the site, for the route-walk test's explicit allow-list.

Every other route refuses the anonymous user. `/` answers the public home page to anonymous
visitors (and the staff home to staff).
"""

PUBLIC_URL_NAMES = [
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
]
