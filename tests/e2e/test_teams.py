from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from decider.models import Team
from tests.e2e.conftest import log_in_as
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_user_creates_a_team_and_adds_a_member(page: Page, live_server, console_errors) -> None:
    founder = UserFactory(username="founder")
    UserFactory(username="ann")
    log_in_as(page.context, live_server.url, founder)
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="create a team").click()
    page.get_by_label("Name").fill("Release Engineering")
    page.get_by_role("button", name="Create team").click()
    expect(page.get_by_text("Created Release Engineering; you are its editor.")).to_be_visible()
    page.get_by_label("Username").fill("ann")
    page.locator("#id_role").select_option("editor")  # the add form's, not a row's
    page.get_by_role("button", name="Add member").click()
    expect(page.get_by_text("Added ann to Release Engineering.")).to_be_visible()
    expect(page.get_by_role("cell", name="ann", exact=True)).to_be_visible()
    team = Team.objects.get(slug="release-engineering")
    assert dict(team.memberships.values_list("user__username", "role")) == {
        "founder": "editor",
        "ann": "editor",
    }
    assert console_errors == []
