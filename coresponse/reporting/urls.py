from django.urls import path

from coresponse.reporting import views

app_name = "reporting"
urlpatterns = [
    path("outcomes/", views.public_outcomes, name="public_outcomes"),
    path("reports/", views.index, name="index"),
    path("reports/department/<int:pk>/", views.department_dashboard, name="department_dashboard"),
    path("reports/program/<int:pk>/", views.program_dashboard, name="program_dashboard"),
    path(
        "reports/organization/<int:pk>/",
        views.organization_dashboard,
        name="organization_dashboard",
    ),
    path("reports/<str:kind>/<int:pk>/export.<str:output>", views.export, name="export"),
    path(
        "reports/department/<int:pk>/monthly/<int:year>-<int:month>.<str:output>",
        views.monthly_report,
        name="monthly_report",
    ),
    path(
        "reports/program/<int:pk>/quarterly/<int:year>-q<int:quarter>.<str:output>",
        views.funder_report,
        name="funder_report",
    ),
    path(
        "reports/program/<int:pk>/annual/<int:year>.<str:output>",
        views.annual_report,
        name="annual_report",
    ),
    path(
        "reports/program/<int:pk>/extract/<int:year>.csv",
        views.extract,
        name="extract",
    ),
]
