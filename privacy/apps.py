from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    label = "privacy"
    verbose_name = _("Privacy rights and retention")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from casework.receivers import ensure_role_grants

        # approve_retention_rules is declared here; the privacy officer's role gets it.
        post_migrate.connect(ensure_role_grants, sender=self, dispatch_uid="privacy-role-grants")

        # The privacy officer's reminder kinds, registered with the outbox.
        from . import reminders  # noqa: F401
