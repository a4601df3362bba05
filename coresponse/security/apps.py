from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "coresponse.security"
    label = "security"
    verbose_name = "Security mechanisms"

    def ready(self) -> None:
        from django.contrib import admin
        from django.db.models.signals import post_migrate

        from coresponse.security.rls import apply_after_migrate

        post_migrate.connect(apply_after_migrate, sender=self, dispatch_uid="coresponse_rls")
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        # django-otp's device admin shows every user's TOTP secret to administrators; an
        # administrator resets a user's authenticator from the user list instead.
        for model in (TOTPDevice, StaticDevice):
            if admin.site.is_registered(model):
                admin.site.unregister(model)
