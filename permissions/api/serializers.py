from __future__ import annotations

from rest_framework import serializers

from permissions.models import AccessLog, Organisation, Role, User


class OrganisationSerializer(serializers.ModelSerializer[Organisation]):
    id = serializers.UUIDField(source="uuid", read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", "name", "type"]


class MeSerializer(serializers.ModelSerializer[User]):
    role: serializers.SlugRelatedField[Role] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    role_name = serializers.CharField(source="role.name", read_only=True, default=None)
    organisation = OrganisationSerializer(read_only=True)
    permissions = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "username",
            "first_name",
            "last_name",
            "role",
            "role_name",
            "organisation",
            "permissions",
        ]

    def get_permissions(self, user: User) -> list[str]:
        return sorted(p for p in user.get_all_permissions() if p.startswith("permissions."))


class AccessLogSerializer(serializers.ModelSerializer[AccessLog]):
    id = serializers.UUIDField(source="uuid", read_only=True)
    actor = serializers.SerializerMethodField()

    class Meta:
        model = AccessLog
        fields = [
            "id",
            "at",
            "action",
            "result",
            "object_type",
            "object_id",
            "person_uuid",
            "field_groups",
            "reason",
            "origin",
            "actor",
            "detail",
        ]

    def get_actor(self, entry: AccessLog) -> dict[str, str]:
        return {
            "username": entry.actor_username,
            "role": entry.actor_role,
            "organisation": entry.actor_organisation,
        }
