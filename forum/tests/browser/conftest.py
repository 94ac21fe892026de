"""A real browser against the running app: Playwright driving Debian's chromium (apt-get install
chromium), pointed at pytest-django's live_server. Playwright's own browser download cannot work
here, so `playwright install` is never run; only the Python package and its driver are needed.
"""

import os

import pytest
from django.conf import settings
from django.db import connections

from .support import DESKTOP

CHROMIUM = "/usr/bin/chromium"  # Debian's package: apt-get install chromium
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # CI runs as root, where chromium's sandbox will not start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.fixture
def browser(transactional_db):
    """Chromium, started for each test once its database is ready, and stopped before it is flushed.

    Playwright's sync API keeps an asyncio loop running in this thread while it is started. Django
    then refuses ORM calls here (SynchronousOnlyOperation), and asgiref hands this thread a second
    set of database connections, apart from the ones the database fixtures prepared (on SQLite
    in memory, the one live_server shares; the one holding the copy that serialized_rollback
    restores). So the browser lives inside the test only: the fixtures set up and flush the
    database on their own connection, and the extra ones are closed before Playwright stops.
    """
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is missing: install it with `apt-get install -y chromium` (see README)."
        if os.environ.get("CI") == "true":
            pytest.fail("Browser tests cannot run under CI: " + message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # The ORM calls made while the loop is up are ordinary blocking ones, made while it is idle.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                yield chromium
            finally:
                chromium.close()
                # PostgreSQL would refuse to drop the test database while they are open.
                connections.close_all()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def open_page(browser, live_server):
    """A fresh browser (own cookies) on the live app: open_page(js=False, viewport=PHONE, user=u)."""
    contexts = []

    def open_(*, js=True, viewport=DESKTOP, user=None, bypass_csp=False):
        context = browser.new_context(
            base_url=live_server.url, java_script_enabled=js, viewport=viewport, bypass_csp=bypass_csp
        )
        contexts.append(context)
        if user is not None:
            context.add_cookies([_session_cookie(user, live_server.url)])
        page = context.new_page()
        # Auto-waiting for an element gives up after this; it is a hang guard, not a speed test.
        page.set_default_timeout(15_000)
        return page

    yield open_
    for context in contexts:
        context.close()


def _session_cookie(user, url) -> dict:
    """Signed in as `user` without going through the form (the sign-up journey does that)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": url}


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def js(request):
    """Every journey runs twice: the forum must work with JavaScript off."""
    return request.param
