from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "coresponse.programs"
    label = "programs"
    verbose_name = "Organizations, departments and programs"
