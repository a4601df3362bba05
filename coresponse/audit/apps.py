from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "coresponse.audit"
    label = "audit"
    verbose_name = "Audit trail"
