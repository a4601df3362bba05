from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "coresponse.accounts"
    label = "accounts"
    verbose_name = "Staff accounts and memberships"
