from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The fictitious demo municipality and the embedded runner. Nothing imports this app."""

    name = "demo"
    label = "demo"
    verbose_name = "Demo"
