from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignalsConfig(AppConfig):
    # "signals" here always means signalen (reports from the field), never Django signals.
    name = "signals"
    label = "signals"
    verbose_name = _("Signals")

    def ready(self) -> None:
        # Registers this app's reminder kinds with the outbox.
        from . import reminders  # noqa: F401
