from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "coresponse.api"
    label = "api"
    verbose_name = "REST API"
