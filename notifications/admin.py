from django.contrib import admin

from .models import Delivery, Digest, Heartbeat, NotificationPreference, Reminder


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "last_seen_at", "count"]
    readonly_fields = ["name", "last_seen_at", "count"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """The outbox is written by services only; the admin shows it to find what went wrong."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["kind", "object_type", "object_id", "step", "due_at", "status", "attempts"]
    list_filter = ["status", "kind"]
    search_fields = ["object_id"]
    date_hierarchy = "due_at"


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["reminder", "recipient", "channel", "status", "attempts", "sent_at"]
    list_filter = ["status", "channel"]


@admin.register(Digest)
class DigestAdmin(ReadOnlyAdmin):
    list_display = ["recipient", "day", "status", "items", "sent_at"]
    list_filter = ["status"]


# Notifications are personal: the admin lists none of their titles; preferences may be set.
@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email"]
    list_filter = ["email"]
