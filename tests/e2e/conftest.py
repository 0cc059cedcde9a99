"""Browser tests: Playwright drives Debian's Chromium (no browser download) against live_server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

from decider.models import Scenario, Workflow
from tests.conftest import load_demo

CHROMIUM = Path("/usr/bin/chromium")

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# for setup are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            "Browser tests need Debian's chromium at /usr/bin/chromium (make test installs it)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def log_in(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def log_in_as(context: BrowserContext, base_url: str, user: AbstractBaseUser) -> None:
    """Log a browser context in without the login form: a session made by Django's test client,
    handed over as the session cookie. The login form has its own test (test_demo)."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": session.key, "value": session.value, "url": base_url}])


@pytest.fixture
def console_errors(page: Page) -> list[str]:
    """Console errors (CSP violations among them) and uncaught exceptions of `page`."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    return errors


@dataclass
class Demo:
    base_url: str
    workflow: Workflow
    scenario: Scenario

    def url(self, name: str, *args: object) -> str:
        return f"{self.base_url}{reverse(name, args=args)}"

    @property
    def new_scenario_url(self) -> str:
        return self.url("scenario_new", self.workflow.pk)

    @property
    def saved_scenario_url(self) -> str:
        return self.url("scenario", self.scenario.pk)


@pytest.fixture
def demo(live_server) -> Demo:
    # The database is emptied after every live-server test, so each one loads the demo again.
    scenario = load_demo()
    return Demo(live_server.url, scenario.workflow, scenario)
