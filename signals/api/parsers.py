"""The one body format the signal API accepts: JSON, and not too much of it."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from rest_framework.parsers import JSONParser

from config.api import PayloadTooLarge


class BoundedJSONParser(JSONParser):
    """JSON only (any other content type is 415), at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes.

    DRF reads the request stream itself, past Django's own size check, so the limit is
    enforced here: a larger body is 413, whether or not it announced its length.
    """

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None:
            body = stream.read(limit + 1)
            if len(body) > limit:
                raise PayloadTooLarge()
            stream = io.BytesIO(body)
        return super().parse(stream, media_type, parser_context)
