"""Public site routes (no log-in). Listed in README "Public site" and in `public_routes.py`."""

from django.urls import path

from coresponse.outreach import public_views as views

app_name = "public"
urlpatterns = [
    path("about/", views.about, name="about"),
    path("map/", views.network_map, name="map"),
    path("map.svg", views.network_map_svg, name="map-svg"),
    path("history/", views.history, name="history"),
    path("history.svg", views.history_svg, name="history-svg"),
    path("news/", views.news_list, name="news"),
    path("news/<slug:slug>/", views.news_detail, name="news-detail"),
    path("newsletter/", views.newsletter, name="newsletter"),
    path("newsletter/<int:pk>/", views.newsletter_issue, name="newsletter-issue"),
    path("newsletter/confirm/<str:token>/", views.newsletter_confirm, name="newsletter-confirm"),
    path(
        "newsletter/unsubscribe/<str:token>/",
        views.newsletter_unsubscribe,
        name="newsletter-unsubscribe",
    ),
    path(
        "newsletter/unsubscribe-link/",
        views.newsletter_unsubscribe_request,
        name="newsletter-unsubscribe-request",
    ),
    path("get-help/", views.get_help, name="get-help"),
]
