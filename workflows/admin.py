from django.contrib import admin

from permissions.admin import AuditedAdmin

from .models import ClockSetting


@admin.register(ClockSetting)
class ClockSettingAdmin(AuditedAdmin):
    list_display = ["municipality", "key", "amount"]
    list_filter = ["municipality"]
