from django.urls import path

from coresponse.training import views

app_name = "training"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("sessions/new/", views.session_new, name="session-new"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("officers/", views.officers, name="officers"),
    path("reminders/", views.reminders, name="reminders"),
    path("reminders/send/", views.reminders_send, name="reminders-send"),
    path("ride-alongs/", views.ride_alongs, name="ride-alongs"),
    path("incidents/", views.incidents, name="incidents"),
]
