from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "coresponse.common"
    label = "common"
    verbose_name = "Code lists and shared pieces"
