"""Take the screenshots: seed a demo database, start the app, click through every tab.

Run: python docs/screenshots/make.py   (needs Debian's /usr/bin/chromium and playwright)

Writes ``<tab>.png`` (README, 1,440 px wide) and ``<tab>_1280.png`` / ``<tab>_1600.png``
(the two laptop/desktop widths every UI change is checked at).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1440, "height": 1000}
CHECK_WIDTHS = (1280, 1600)  # px
MAX_HEIGHT = 3200  # px; Streamlit scrolls inside its main container, so grow the viewport


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_idle(page) -> None:
    page.wait_for_timeout(400)
    page.wait_for_function(
        """() => { const app = document.querySelector('[data-testid="stApp"]');
                   return app && app.getAttribute('data-test-script-state') !== 'running'
                     && !document.querySelector('[data-stale="true"]')
                     && !document.querySelector('[data-testid="stSkeleton"]'); }""",
        timeout=120_000,
    )


def _save_example_scenarios(path: str) -> None:
    """Two saved what-ifs of BER-MUC, so the Finance tab shows the comparison."""
    os.environ["LSP_SQLITE_PATH"] = path
    os.environ.pop("DATABASE_URL", None)
    import db
    import services
    from domain import Scenario
    from services.config import get_settings

    settings = get_settings()
    ctx = services.WriteContext(settings=settings, engine=db.get_engine(settings.engine_url),
                                who="docs/screenshots")
    master = db.get_lane_master("BER-MUC", engine=ctx.engine)
    peak = master.with_overrides(internal_capacity=round(master.internal_capacity * 1.25))
    services.save_scenario(ctx, Scenario(lane="BER-MUC", params=peak), "Peak: +25 % capacity")
    services.save_scenario(ctx, Scenario(lane="BER-MUC", params=master, service_level=0.90),
                           "Lean: α 90 %")


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from views import nav

    shots = {nav.WATCHTOWER: "watchtower", nav.LANE_OPS: "lane_operations",
             nav.RISK: "risk_simulation", nav.COOPERATION: "cooperation",
             nav.FINANCE: "finance", nav.DATA: "data", nav.ANALYST: "analyst"}
    workdir = Path(tempfile.mkdtemp())
    env = {**os.environ, "LSP_SQLITE_PATH": str(workdir / "demo.sqlite")}
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "services.demo_seeding", "--yes", "--lanes", "20"], cwd=ROOT,
                   env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _save_example_scenarios(env["LSP_SQLITE_PATH"])
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port)], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(f"http://127.0.0.1:{port}")
            page.get_by_role("tab").first.wait_for(timeout=120_000)
            _wait_idle(page)
            widths = [(VIEWPORT["width"], "")] + [(w, f"_{w}") for w in CHECK_WIDTHS]
            for width, suffix in widths:
                for label, name in shots.items():
                    page.set_viewport_size({"width": width, "height": VIEWPORT["height"]})
                    page.get_by_role("tab", name=nav.TITLES[label]).click()
                    _wait_idle(page)
                    if name == "risk_simulation" and not suffix:
                        page.get_by_role("button", name="Run simulation").click()
                        _wait_idle(page)
                    height = page.evaluate(
                        "() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
                    page.set_viewport_size({"width": width,
                                            "height": min(max(height, VIEWPORT["height"]), MAX_HEIGHT)})
                    page.wait_for_timeout(600)  # charts re-layout to the new size
                    path = OUT / f"{name}{suffix}.png"
                    page.screenshot(path=str(path), full_page=True)
                    print("wrote", path)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=15)


if __name__ == "__main__":
    main()
