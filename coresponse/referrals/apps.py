from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "coresponse.referrals"
    label = "referrals"
    verbose_name = "Referrals and follow-ups"
