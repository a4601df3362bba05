from django.urls import path

from coresponse.people import views, views_duplicates

app_name = "people"
urlpatterns = [
    path("", views.search, name="search"),
    path("lookup/", views.lookup, name="lookup"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/flags/", views.add_flag, name="add_flag"),
    path("<int:pk>/aliases/", views.add_alias, name="add_alias"),
    path("<int:pk>/identifiers/", views.add_identifier, name="add_identifier"),
    path("duplicates/", views_duplicates.queue, name="duplicates"),
    path("duplicates/<int:pk>/", views_duplicates.review, name="duplicate_review"),
    path("duplicates/<int:pk>/merge/", views_duplicates.merge, name="duplicate_merge"),
    path("duplicates/<int:pk>/dismiss/", views_duplicates.dismiss, name="duplicate_dismiss"),
    path("merges/<int:pk>/unmerge/", views_duplicates.unmerge, name="unmerge"),
]
