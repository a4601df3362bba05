"""A URL configuration for tests: a view that crashes with person-level text in its error."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

CANARY = "Zqxcrashname"


def crash(request: HttpRequest) -> HttpResponse:
    raise ValueError(f"duplicate key value (last_name)=({CANARY}) already exists")


urlpatterns = [path("crash/", crash), path("", include("config.urls"))]
