from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "casework"
    label = "casework"
    verbose_name = _("Casework")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate, post_save

        from permissions.models import Municipality

        # Registers this app's reminder kinds with the outbox.
        from . import reminders  # noqa: F401
        from .receivers import ensure_meeting_types, ensure_role_grants

        post_migrate.connect(ensure_role_grants, sender=self, dispatch_uid="casework-role-grants")
        post_save.connect(
            ensure_meeting_types, sender=Municipality, dispatch_uid="casework-meeting-types"
        )
