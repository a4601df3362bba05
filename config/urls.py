from django.contrib import admin
from django.urls import include, path

from coresponse.common.views import favicon
from coresponse.encounters.views import home

admin.site.site_header = "CoResponse administration"
admin.site.site_title = "CoResponse"

urlpatterns = [
    path("", home, name="home"),
    path("favicon.ico", favicon, name="favicon"),
    path("accounts/", include("coresponse.accounts.urls")),
    path("encounters/", include("coresponse.encounters.urls")),
    path("people/", include("coresponse.people.urls")),
    path("api/", include("coresponse.api.urls")),
    path("admin/", admin.site.urls),
    # Security (issue 3)
    path("audit/", include("coresponse.audit.urls")),
    path("consents/", include("coresponse.consents.urls")),
    # Referrals, follow-ups and the service directory (issue 4)
    path("referrals/", include("coresponse.referrals.urls")),
    path("directory/", include("coresponse.directory.urls")),
    # Program network, training, outreach and the public site (issue 8)
    path("network/", include("coresponse.network.urls")),
    path("training/", include("coresponse.training.urls")),
    path("outreach/", include("coresponse.outreach.urls")),
    path("", include("coresponse.outreach.public_urls")),
    # Data imports and dispatch calls (issue 6)
    path("imports/", include("coresponse.imports.urls")),
    path("calls/", include("coresponse.dispatch.urls")),
    # Outcomes (issue 5): /outcomes/ (public) and /reports/
    path("", include("coresponse.reporting.urls")),
]
