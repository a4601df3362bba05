from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "coresponse.directory"
    label = "directory"
    verbose_name = "Service directory (Open Referral HSDS)"
