from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from coresponse.encounters.api import EncounterViewSet
from coresponse.people.api import PersonViewSet
from coresponse.referrals.api import FollowUpViewSet, ReferralViewSet
from coresponse.reporting.api import MeasuresView

router = DefaultRouter()
# The viewsets take no `format` argument: ".json" suffixes would crash them (500).
router.include_format_suffixes = False
router.register("encounters", EncounterViewSet, basename="encounter")
router.register("people", PersonViewSet, basename="person")
# Referrals and follow-ups (issue 4)
router.register("referrals", ReferralViewSet, basename="referral")
router.register("follow-ups", FollowUpViewSet, basename="follow-up")

app_name = "api"
urlpatterns = [
    path("v1/", include(router.urls)),
    path("v1/measures/<str:kind>/<int:pk>/", MeasuresView.as_view(), name="measures"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
]
