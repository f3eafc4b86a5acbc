"""The browsable API documentation renders under the Content-Security-Policy."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_api_docs_render_without_csp_violations(live_server, desktop_page):
    page = desktop_page
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title", timeout=15000)
    assert "Ketenregie API" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.locator("text=/api/v1/me/").count() >= 1
    assert page.console_errors == []
