from django.urls import path

from coresponse.dispatch import views

app_name = "calls"
urlpatterns = [
    path("", views.trend, name="trend"),
    path("repeat/", views.repeat, name="repeat"),
    path("rules/<int:department_pk>/", views.rules, name="rules"),
    path("rules/<int:department_pk>/add/", views.rule_add, name="rule_add"),
    path("rules/delete/<int:pk>/", views.rule_delete, name="rule_delete"),
]
