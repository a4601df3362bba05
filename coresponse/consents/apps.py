from django.apps import AppConfig


class ConsentsConfig(AppConfig):
    name = "coresponse.consents"
    label = "consents"
    verbose_name = "Consents (releases of information)"
