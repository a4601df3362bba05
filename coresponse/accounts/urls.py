from django.urls import path

from coresponse.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/code/", views.mfa_view, name="mfa"),
    path("login/enrol/", views.mfa_enrol_view, name="mfa_enrol"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("emergency-access/", views.break_glass, name="break_glass"),
    path("emergency-access/open/", views.break_glass_open, name="break_glass_open"),
    path("emergency-access/log/", views.break_glass_log, name="break_glass_log"),
]
