from __future__ import annotations

from rest_framework import serializers

from permissions.models import Organisation, Role, User


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
