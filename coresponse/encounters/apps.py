from django.apps import AppConfig


class EncountersConfig(AppConfig):
    name = "coresponse.encounters"
    label = "encounters"
    verbose_name = "Crisis encounters"
