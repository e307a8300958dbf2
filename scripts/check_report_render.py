"""Render a tpcarbon ``report.html`` in headless Chromium; check every image loaded; save a screenshot.

Needs Chromium (Debian: ``apt-get install chromium``) and the ``playwright`` Python package (only its
driver is used; no browser download). Not part of the package or of CI (CI machines have no browser).

    python scripts/check_report_render.py RUNDIR/report.html [--png OUT.png] [--chromium /usr/bin/chromium]

Prints one JSON line: images found, images loaded (``complete`` and ``naturalWidth > 0``), the page
title, the headings and the banner text; exits 1 if an image failed to load or the page has none.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

#: Flags that keep Chromium from calling home on a closed network (and allow running as root).
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def check(report: Path, png: Path, chromium: str) -> dict:
    """Open ``report`` in headless Chromium; return the image/heading summary and write a full-page PNG."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(report.resolve().as_uri(), wait_until="load")
        info = page.evaluate("""() => {
            const imgs = Array.from(document.images);
            return {
              title: document.title,
              images: imgs.length,
              loaded: imgs.filter(i => i.complete && i.naturalWidth > 0).length,
              broken: imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.alt || i.src.slice(0, 60)),
              headings: Array.from(document.querySelectorAll('h1, h2')).map(h => h.textContent.trim()),
              tables: document.querySelectorAll('table').length,
              banner: (document.querySelector('.banner, .warning, .synthetic') || {textContent: ''})
                        .textContent.trim().slice(0, 200),
            };
        }""")
        page.screenshot(path=str(png), full_page=True)
        browser.close()
    info["screenshot"] = str(png)
    return info


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("report", type=Path)
    ap.add_argument("--png", type=Path, default=None)
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    args = ap.parse_args()
    png = args.png or args.report.with_name("report_screenshot.png")
    info = check(args.report, png, args.chromium)
    print(json.dumps(info))
    sys.exit(0 if info["images"] > 0 and info["loaded"] == info["images"] else 1)


if __name__ == "__main__":
    main()
