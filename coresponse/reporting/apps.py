from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "coresponse.reporting"
    label = "reporting"
    verbose_name = "Outcome measures and reports"
