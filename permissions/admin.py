from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, Municipality, Organisation, Region, Role, User
from .origin import request_origin
from .services import AccessEvent, access_log_record, user_sync_groups


class AuditedAdmin(admin.ModelAdmin):
    """Every change through the admin to who-may-see-what is written to the access log.

    Only the names of the changed fields are logged, never their values (passwords).
    """

    def _audit(self, request: HttpRequest, obj: Any, what: str, fields: list[str]) -> None:
        access_log_record(
            actor=request.user,  # type: ignore[arg-type]
            origin=request_origin(request),
            events=[
                AccessEvent(
                    action="configure",
                    object_type=obj._meta.model_name,
                    object_id=str(getattr(obj, "uuid", None) or obj.pk)[:64],
                    detail={"change": what, "fields": sorted(fields), "name": str(obj)[:200]},
                )
            ],
        )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        self._audit(request, obj, "changed" if change else "added", list(form.changed_data))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self._audit(request, obj, "deleted", [])
        super().delete_model(request, obj)


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ["name", "code"]


@admin.register(Municipality)
class MunicipalityAdmin(AuditedAdmin):
    list_display = ["name", "code", "region"]


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "type", "municipality", "region", "is_active"]
    list_filter = ["type", "is_active", "region"]
    search_fields = ["name"]
    readonly_fields = ["uuid", "group", "created_at"]


@admin.register(Role)
class RoleAdmin(AuditedAdmin):
    list_display = ["name", "slug"]
    readonly_fields = ["group"]


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "organisation", "role", "is_active"]
    list_filter = ["role", "organisation", "is_active", "is_demo"]
    # A user's groups follow from organisation and role (user_sync_groups); they are not edited
    # by hand. Individual permissions are, e.g. designation for police data.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Organisation and role"), {"fields": ("organisation", "role", "department", "is_demo")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        user_sync_groups(user=form.instance)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "digest", "prefix", "created_at", "last_used_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Tokens are issued by `manage.py issue_token`, which shows the secret once.
        return False
