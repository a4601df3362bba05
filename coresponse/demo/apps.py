from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "coresponse.demo"
    label = "demo"
    verbose_name = "Synthetic demo data"
