from django.urls import path

from coresponse.referrals.views import follow_ups, referrals, work

app_name = "referrals"
urlpatterns = [
    path("my-work/", work.my_work, name="my_work"),
    path("queue/", work.queue, name="queue"),
    path("encounters/<int:encounter_id>/new/", referrals.referral_new, name="new"),
    path("<int:pk>/", referrals.referral_detail, name="detail"),
    path("<int:pk>/status/", referrals.referral_status, name="status"),
    path(
        "encounters/<int:encounter_id>/follow-ups/new/",
        follow_ups.follow_up_new,
        name="follow_up_new",
    ),
    path("follow-ups/<int:pk>/", follow_ups.follow_up_detail, name="follow_up"),
    path("follow-ups/<int:pk>/complete/", follow_ups.follow_up_complete, name="follow_up_complete"),
    path("follow-ups/<int:pk>/cancel/", follow_ups.follow_up_cancel, name="follow_up_cancel"),
    path("follow-ups/<int:pk>/assign/", follow_ups.follow_up_assign, name="follow_up_assign"),
    path("people/<int:person_id>/request/", follow_ups.request_follow_up, name="request"),
]
