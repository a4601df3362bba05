from django.urls import path

from coresponse.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.search, name="search"),
    path("services/<int:pk>/", views.service_detail, name="service"),
    path("import/", views.import_file, name="import"),
    path("export/", views.export_file, name="export"),
]
