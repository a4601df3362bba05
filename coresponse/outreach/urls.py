from django.urls import path

from coresponse.outreach import views

app_name = "outreach"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("issues/new/", views.issue_edit, name="issue-new"),
    path("issues/<int:pk>/", views.issue_detail, name="issue"),
    path("issues/<int:pk>/edit/", views.issue_edit, name="issue-edit"),
    path("issues/<int:pk>/send/", views.issue_send, name="issue-send"),
    path("news/new/", views.news_new, name="news-new"),
]
