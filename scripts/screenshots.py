"""Screenshots of the public pages in Debian's Chromium, for looking at the design.

Usage: .venv/bin/python scripts/screenshots.py [BASE_URL] [OUT_DIR]
(default http://127.0.0.1:8000 and screenshots/), with `make run` serving.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]
PAGES = {
    "home": "/",
    "list": "/releases/",
    "list-filtered": "/releases/?senator=heidi-heitkamp&topic=human-trafficking",
    "release": "/releases/2014/05/klobuchar-heitkamp-join-with-local-advocates-to-discuss-efforts"
    "-to-combat-sex-trafficking-in-minnesota-and-across-the-world/",
    "senators": "/senators/",
    "senator": "/senators/amy-klobuchar/",
    "topic": "/topics/human-trafficking/",
    "bill": "/legislation/s1733-113/",
    "organizations": "/organizations/",
    "not-found": "/senators/nobody/",
}


def main():
    base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
    out = Path(sys.argv[2] if len(sys.argv) > 2 else "screenshots")
    out.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for width, label in [(1280, "desktop"), (390, "phone")]:
            page = browser.new_page(viewport={"width": width, "height": 900})
            for name, path in PAGES.items():
                page.goto(base + path)
                page.screenshot(path=out / f"{name}-{label}.png", full_page=True)
            page.close()
        browser.close()
    print(f"Wrote {len(PAGES) * 2} screenshots to {out}/")


if __name__ == "__main__":
    main()
