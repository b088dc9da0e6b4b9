"""Fixtures of the web tests."""

# Browser tests (Playwright + Chromium): tests/web/browser.py.
from tests.web.browser import browser, page, playwright_driver, site, ui_database  # noqa: F401
