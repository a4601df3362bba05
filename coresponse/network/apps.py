from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "coresponse.network"
    label = "network"
    verbose_name = "Program network, replication pipeline and technical assistance"
