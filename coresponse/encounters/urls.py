from django.urls import path

from coresponse.encounters import views

app_name = "encounters"
urlpatterns = [
    path("", views.encounter_list, name="list"),
    path("new/", views.encounter_new, name="new"),
    path("review/", views.review, name="review"),
    path("lock/", views.lock, name="lock"),
    path("<int:pk>/", views.encounter_detail, name="detail"),
    path("<int:pk>/edit/", views.encounter_edit, name="edit"),
]
