from django.urls import path

from coresponse.consents import views

app_name = "consents"
urlpatterns = [
    path("person/<int:person_pk>/", views.person_consents, name="person"),
    path("<int:pk>/disclose/", views.disclose, name="disclose"),
    path("<int:pk>/revoke/", views.revoke, name="revoke"),
]
