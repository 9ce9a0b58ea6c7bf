"""Debian's Chromium for Playwright, started the way this closed network needs (tests and scripts/screenshot.py)."""

from __future__ import annotations

import shutil

CHROMIUM = shutil.which("chromium")
# Without the background-networking flags Chromium keeps dialling Google's hosts, which this network refuses.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def launch_chromium(playwright):
    """Launch headless Chromium from /usr/bin (never a downloaded browser)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
