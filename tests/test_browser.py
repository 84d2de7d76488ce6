"""The real dashboard in a real headless Chromium (Playwright, system browser).

Starts ``streamlit run app.py`` on a freshly seeded temporary SQLite file,
clicks through every tab, checks that no exception or traceback is shown,
switches the lane in the sidebar, imports a CSV through the real file input,
and saves a full-page screenshot of each tab to ``test-artifacts/browser/``.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from views import nav

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STEP_TIMEOUT_MS = 60_000  # one user step (click + rerun) must settle within this
SERVER_START_TIMEOUT_S = 60.0
SEED_DAYS = 400  # a little over a year: enough for seasonality, quick to seed
VIEWPORT = {"width": 1440, "height": 1000}
MAX_SCREENSHOT_HEIGHT = 12_000  # px; keeps a runaway page from producing a giant image
# Variables that would point the app at another database or at the paid AI API.
ISOLATED_ENV = ("DATABASE_URL", "APP_MODE", "ADMIN_PASSWORD", "GEMINI_API_KEY", "GOOGLE_API_KEY")


def _chromium_or_skip() -> Path:
    if CHROMIUM.exists():
        return CHROMIUM
    message = f"{CHROMIUM} is missing: install the distribution's chromium package"
    if os.environ.get("CI"):
        pytest.fail(message + " (required on CI)")
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"streamlit exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    pytest.fail(f"streamlit did not become healthy within {SERVER_START_TIMEOUT_S:.0f} s")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of a Streamlit server running app.py on a freshly seeded SQLite file."""
    _chromium_or_skip()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ISOLATED_ENV}
    env["LSP_SQLITE_PATH"] = str(tmp_path_factory.mktemp("browser") / "browser.sqlite")
    seed = subprocess.run(
        [sys.executable, "-m", "services.demo_seeding", "--yes", "--seed", "1", "--days", str(SEED_DAYS),
         "--lanes", "2"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert seed.returncode == 0, seed.stderr[-3000:]
    port = _free_port()
    log = ARTIFACTS / "server.log"
    with log.open("w") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py",
             "--server.headless", "true", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.fileWatcherType", "none",
             "--browser.gatherUsageStats", "false",
             # Show real error details so a failure is visible to the assertions below.
             "--client.showErrorDetails", "full"],
            cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


@pytest.fixture(scope="module")
def page(server: str):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            context = browser.new_context(viewport=VIEWPORT)
            tab = context.new_page()
            tab.set_default_timeout(STEP_TIMEOUT_MS)
            tab.goto(server, wait_until="domcontentloaded")
            tab.get_by_role("tab").first.wait_for()
            wait_idle(tab)
            yield tab
        finally:
            browser.close()


def wait_idle(page) -> None:
    """Wait until Streamlit has finished the current script run."""
    # A click starts a rerun a moment later; give it time to begin before polling.
    page.wait_for_timeout(300)
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            if (!app) return false;
            const running = app.getAttribute('data-test-script-state') === 'running';
            const stale = document.querySelector('[data-stale="true"]');
            // Widgets load their code lazily and show a skeleton until it arrives.
            const loading = document.querySelector('[data-testid="stSkeleton"]');
            return !running && !stale && !loading;
        }""",
        timeout=STEP_TIMEOUT_MS,
    )


def assert_no_error(page, where: str) -> None:
    exceptions = page.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, f"{where}: {exceptions.first.inner_text()[:2000]}"
    body = page.locator("body").inner_text()
    assert "Traceback" not in body, f"{where}: a traceback is shown"


def slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")


def screenshot(page, name: str) -> Path:
    """Full-page screenshot; Streamlit scrolls inside its main container, so grow the viewport."""
    height = page.evaluate(
        """() => {
            const main = document.querySelector('[data-testid="stMain"]')
                || document.querySelector('section.main') || document.body;
            return main.scrollHeight;
        }"""
    )
    page.set_viewport_size(
        {"width": VIEWPORT["width"], "height": int(min(max(height, VIEWPORT["height"]),
                                                        MAX_SCREENSHOT_HEIGHT))}
    )
    page.wait_for_timeout(500)  # let charts re-layout to the new size
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(VIEWPORT)
    return path


def tab_of(page, label: str):
    """The tab whose label is ``label`` (found by its text; the Material icon is a glyph)."""
    return page.get_by_role("tab", name=nav.TITLES[label])


def open_tab(page, label: str) -> None:
    tab_of(page, label).click()
    wait_idle(page)


def test_every_tab_renders_without_error(page) -> None:
    labels = [t.inner_text().strip() for t in page.get_by_role("tab").all()]
    assert len(labels) == len(nav.TABS)
    assert all(label.endswith(nav.TITLES[tab]) for label, tab in zip(labels, nav.TABS, strict=True))
    for label in nav.TABS:
        open_tab(page, label)
        assert tab_of(page, label).get_attribute("aria-selected") == "true"
        assert_no_error(page, label)
        path = screenshot(page, slug(nav.TITLES[label]))
        assert path.stat().st_size > 0


def test_lane_switch_changes_the_lane_tab(page) -> None:
    open_tab(page, nav.LANE_OPS)
    sidebar = page.locator('[data-testid="stSidebar"]')
    select = sidebar.locator('[data-testid="stSelectbox"]').first
    current = select.inner_text()
    select.click()
    options = page.get_by_role("option")
    options.first.wait_for()
    texts = [o.inner_text().strip() for o in options.all()]
    target = next(t for t in texts if t and t not in current)
    page.get_by_role("option", name=target, exact=True).click()
    wait_idle(page)
    heading = page.locator('[data-testid="stHeading"]', has_text="Lane operations").first
    heading.wait_for()
    assert target in heading.inner_text()
    assert_no_error(page, "lane switch")


def test_csv_import_through_the_file_input(page) -> None:
    open_tab(page, nav.DATA)
    rows = ["date,lane,demand"] + [f"2024-02-{day:02d},BROWSER-TEST,{10 + day}" for day in range(1, 8)]
    # the first uploader is the CSV import (the backup restore has its own, further down)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(
        files=[{"name": "browser.csv", "mimeType": "text/csv",
                "buffer": ("\n".join(rows) + "\n").encode("utf-8")}]
    )
    wait_idle(page)
    page.get_by_role("button", name="Import file").click()
    wait_idle(page)
    page.get_by_text("Imported 7 new records").wait_for()
    assert_no_error(page, "import")
    screenshot(page, "data_after_import")


def test_export_downloads_the_csv(page) -> None:
    open_tab(page, nav.DATA)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download all lanes (CSV)").click()
    content = Path(download_info.value.path()).read_bytes()
    assert content.startswith(b"date,lane,demand\n")
    assert b"BER-MUC" in content
    assert_no_error(page, "export")


def test_deep_link_opens_lane_and_tab_and_back_returns(page, server: str) -> None:
    """``/?lane=HAM-ROT&tab=risk`` opens that view; the URL follows clicks; Back goes back."""
    page.goto(f"{server}/?lane=HAM-ROT&tab=risk", wait_until="domcontentloaded")
    page.get_by_role("tab").first.wait_for()
    wait_idle(page)
    assert tab_of(page, nav.RISK).get_attribute("aria-selected") == "true"
    heading = page.locator('[data-testid="stHeading"]', has_text="Risk & resilience").first
    heading.wait_for()
    assert "HAM-ROT" in heading.inner_text()
    assert_no_error(page, "deep link")
    open_tab(page, nav.FINANCE)
    page.wait_for_function("() => location.search.includes('tab=finance')")
    assert "lane=HAM-ROT" in page.url
    page.go_back()
    wait_idle(page)
    page.wait_for_function("() => location.search.includes('tab=risk')")
    wait_idle(page)
    assert tab_of(page, nav.RISK).get_attribute("aria-selected") == "true"
    screenshot(page, "deep_link_risk")
