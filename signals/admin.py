"""Categories are data the functional admin edits; signals are shown without their content."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from permissions.models import AccessAction
from permissions.origin import request_origin
from permissions.services import AccessEvent, access_log_record

from .models import Buurt, Category, Signal, Street, Wijk


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """Every change to a category is written to the access log (field names, not values)."""

    list_display = ["code", "label_nl", "case_type", "municipality", "active", "sort_order"]
    list_editable = ["active", "sort_order"]
    list_filter = ["case_type", "active", "municipality"]
    search_fields = ["code", "label_nl"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        access_log_record(
            actor=request.user,  # type: ignore[arg-type]
            origin=request_origin(request),
            events=[
                AccessEvent(
                    action=AccessAction.CONFIGURE,
                    object_type="signal_category",
                    object_id=obj.code,
                    detail={
                        "change": "changed" if change else "added",
                        "fields": sorted(form.changed_data),
                    },
                )
            ],
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Signals keep their category: retire a category by making it inactive.
        return False


@admin.register(Signal)
class SignalAdmin(admin.ModelAdmin):
    """Read-only and without content: no description, address or person is shown here."""

    list_display = ["reference", "category", "status", "municipality", "source", "created_at"]
    list_filter = ["status", "source", "municipality"]
    search_fields = ["reference"]
    fields = readonly_fields = (
        "reference",
        "municipality",
        "category",
        "source",
        "status",
        "decision",
        "decided_at",
        "wijk",
        "buurt",
        "postcode_area",
        "observed_at",
        "created_at",
        "personal_data_until",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Wijk)
class WijkAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "municipality"]
    list_filter = ["municipality"]
    search_fields = ["code", "name"]


@admin.register(Buurt)
class BuurtAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "wijk"]
    list_filter = ["wijk__municipality"]
    search_fields = ["code", "name"]


@admin.register(Street)
class StreetAdmin(admin.ModelAdmin):
    """The postcode table the intake form fills wijk and buurt from."""

    list_display = ["postcode", "name", "number_from", "number_to", "numbers", "buurt", "city"]
    list_filter = ["buurt__wijk__municipality", "buurt__wijk"]
    search_fields = ["postcode", "name"]
    list_select_related = ["buurt"]
