"""The baseline of the partner case list: the same page, computed with django-guardian.

``get_objects_for_user`` over the per-case group grants (``CaseGroupObjectPermission``, which
mirror the active participations), with the same filter, annotation, serializer and keyset
pagination as ``GET /api/v1/cases/``. Mounted only in the bench's URLconf.
"""

from __future__ import annotations

from django.db.models import F, QuerySet
from guardian.shortcuts import get_objects_for_user

from casework.api.views import CaseListView
from casework.models import Case, Confidentiality
from casework.selectors import with_deadlines


class GuardianCaseListView(CaseListView):
    def get_queryset(self) -> QuerySet[Case]:
        queryset = get_objects_for_user(
            self.request.user,
            "casework.view_case",
            klass=Case,
            accept_global_perms=False,
            with_superuser=False,
        )
        queryset = queryset.filter(confidentiality__lt=Confidentiality.HIGHEST).annotate(
            list_created_at=F("created_at")
        )
        return with_deadlines(queryset)
