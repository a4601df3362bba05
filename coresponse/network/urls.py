from django.urls import path

from coresponse.network import views

app_name = "network"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("map.svg", views.network_map_svg, name="map-svg"),
    path("pipeline/new/", views.replication_new, name="replication-new"),
    path("pipeline/<int:pk>/", views.replication_detail, name="replication"),
    path("pipeline/<int:pk>/move/", views.replication_move, name="replication-move"),
    path("pipeline/<int:pk>/plan/", views.replication_plan, name="replication-plan"),
    path("pipeline/<int:pk>/requests/", views.ta_request_new, name="ta-request-new"),
    path("pipeline/<int:pk>/contacts/", views.ta_contact_new, name="ta-contact-new"),
    path("requests/<int:pk>/close/", views.ta_request_close, name="ta-request-close"),
    path("assistance/", views.ta_overview, name="ta"),
]
