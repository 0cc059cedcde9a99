from __future__ import annotations

import pytest

from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_manager_logs_in_and_sees_the_demo_workflow(demo, page) -> None:
    csp_violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            csp_violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    log_in(page, demo.base_url, "demo", "demo")
    page.click("text=tactivos/mural-api")
    page.wait_for_selector("table.jobs")
    assert page.locator("table.jobs tbody tr").count() == 11
    assert "API Test Image" in page.content()
    assert page.locator("td.unmeasured").count() == 3
    assert csp_violations == []
