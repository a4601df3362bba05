from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "coresponse.imports"
    label = "imports"
    verbose_name = "Data imports"
