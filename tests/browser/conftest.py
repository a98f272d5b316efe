"""Browser tests: a real server (pytest-django's `live_server`, a thread on 127.0.0.1 serving the
test database) driven by Debian's headless Chromium through Playwright's sync API.

Playwright never downloads a browser here: it launches /usr/bin/chromium (`apt-get install
chromium`; `make test` does it as root). Without it every test here is skipped, saying why.

To add a browser test, mark it `@pytest.mark.browser` and ask for what it needs:
  page             a fresh browser context's page, base_url = the live server, so page.goto("/plans/")
  login            login(username, password) through the login page, as a person would
  make_account     make_account("manager", username=…) → Account(user, username, password)
  manager          an Account with the manager role
  requests_seen    every URL the context requested (checked after each test: nothing off the server)
  screenshot       screenshot("name") → Path of a full-page PNG in the test's tmp_path
  demo_documents   the folder of the decomposition documents shipped with the package (for uploads)
Data made in the test (users, plans) is committed (live_server implies transactional_db), so
the server thread sees it; the database is emptied after each test.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from duban.accounts.models import User

CHROMIUM = Path("/usr/bin/chromium")
# The flags the workplace's own probe uses: without the background-networking ones Chromium keeps
# trying to reach Google's hosts, which this machine's closed network refuses.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Schemes that never leave the browser.
LOCAL_SCHEMES = frozenset({"data", "blob", "about", "chrome", "chrome-extension"})
DEMO_DOCUMENTS = Path(__file__).resolve().parents[2] / "src" / "duban" / "demo_data"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives headless Chromium against a live server")


def offsite_requests(urls: list[str], base_url: str) -> list[str]:
    """The requests that went anywhere but the live server (an intranet has no CDN to reach)."""
    base = urlsplit(base_url)
    return [
        u
        for u in urls
        if urlsplit(u).scheme not in LOCAL_SCHEMES
        and (urlsplit(u).scheme, urlsplit(u).netloc) != (base.scheme, base.netloc)
    ]


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """One Chromium for the browser tests; each test gets its own context (cookies, storage).

    launch() gives Chromium a fresh temporary --user-data-dir of its own and deletes it on close.
    """
    if not CHROMIUM.exists():
        if os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}:
            pytest.fail(f"{CHROMIUM} is missing on CI: .ci/system-deps.sh installs it", pytrace=False)
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium): browser tests skipped")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop on this thread, and Django refuses ORM calls from
    # a thread with a running loop; the tests' own ORM calls (making users and plans) are plain
    # synchronous code, so the check is lifted for as long as the browser is up — and no longer.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def requests_seen() -> list[str]:
    return []


@pytest.fixture
def page(browser: Browser, live_server: Any, requests_seen: list[str]) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    # On the context, not the page: popups and downloads count too.
    context.on("request", lambda request: requests_seen.append(request.url))
    context.set_default_timeout(10_000)
    page = context.new_page()
    # Chromium reports what the Content-Security-Policy blocked on the console: every page the
    # browser tests visit must run with nothing blocked.
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    yield page
    context.close()
    offsite = offsite_requests(requests_seen, live_server.url)
    assert not offsite, f"the browser requested hosts other than the live server: {offsite}"
    assert not blocked, f"the Content-Security-Policy blocked: {blocked}"


@dataclass(frozen=True)
class Account:
    user: User
    username: str
    password: str


@pytest.fixture
def make_account(transactional_db: None) -> Callable[..., Account]:
    from duban.accounts.models import User
    from duban.units.models import Unit

    def make(
        role: str, *, username: str | None = None, unit: str | None = None, display_name: str = ""
    ) -> Account:
        username = username or f"{role}-{secrets.token_hex(3)}"
        password = secrets.token_urlsafe(12)
        unit_obj = Unit.objects.get_or_create(name=unit)[0] if unit else None
        user = User.objects.create_user(
            username, password=password, role=role, unit=unit_obj, display_name=display_name
        )
        return Account(user, username, password)

    return make


@pytest.fixture
def manager(make_account: Callable[..., Account]) -> Account:
    return make_account("manager", username="manager", display_name="督查室")


@pytest.fixture
def login(page: Page) -> Callable[[str, str], None]:
    """Log in through the login page; returns once the browser has left it."""

    def log_in(username: str, password: str) -> None:
        page.goto("/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)

    return log_in


@pytest.fixture
def screenshot(page: Page, tmp_path: Path) -> Callable[[str], Path]:
    def take(name: str) -> Path:
        path = tmp_path / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def demo_documents() -> Path:
    return DEMO_DOCUMENTS
