from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "coresponse.outreach"
    label = "outreach"
    verbose_name = "Newsletter, news and the public site"
