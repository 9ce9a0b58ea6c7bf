"""Screenshot map pages in headless Chromium: `python scripts/screenshot.py OUT.png [PATH ...]`.

Serves the app in-process on a free loopback port; used for the README image and for looking at pages.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from app import create_app  # noqa: E402
from tests.chromium import launch_chromium  # noqa: E402


def main(out: str, paths: list[str]) -> None:
    http = make_server("127.0.0.1", 0, create_app(), threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{http.server_port}"
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1600, "height": 900})
        for number, path in enumerate(paths or ["/"]):
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            if page.query_selector(".folium-map"):
                page.wait_for_selector(".leaflet-overlay-pane path")
            page.wait_for_timeout(500)
            target = out if len(paths) <= 1 else out.replace(".png", f"-{number}.png")
            page.screenshot(path=target)
            print(target)
        browser.close()
    http.shutdown()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
