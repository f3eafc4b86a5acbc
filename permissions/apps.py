from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PermissionsConfig(AppConfig):
    name = "permissions"
    label = "permissions"
    verbose_name = _("Organisations, roles and access")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .api import schema  # noqa: F401  (registers the OpenAPI auth schemes)
        from .receivers import ensure_default_roles

        post_migrate.connect(ensure_default_roles, sender=self, dispatch_uid="permissions-roles")
