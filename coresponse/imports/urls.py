from django.urls import path

from coresponse.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.run_new, name="new"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("runs/<int:pk>/report.csv", views.run_issues_csv, name="run_report"),
    path("runs/<int:pk>/rollback/", views.run_rollback, name="run_rollback"),
    path("mappings/new/", views.mapping_edit, name="mapping_new"),
    path("mappings/<int:pk>/", views.mapping_edit, name="mapping"),
    path("mappings/preview/", views.mapping_preview, name="mapping_preview"),
]
