from django.urls import path

from coresponse.people import views

app_name = "people"
urlpatterns = [
    path("", views.search, name="search"),
    path("lookup/", views.lookup, name="lookup"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/flags/", views.add_flag, name="add_flag"),
    path("<int:pk>/aliases/", views.add_alias, name="add_alias"),
    path("<int:pk>/identifiers/", views.add_identifier, name="add_identifier"),
]
