"""axe-core in the real page (bundled in axe-playwright-python, installed by `make install`):
what the accessibility tests of the site and the admin ask of every page."""

from axe_playwright_python.sync_playwright import Axe

# A "serious" or "critical" violation fails a test; the lesser ones are printed, to be read
# and fixed in time.
FAILING_IMPACTS = {"serious", "critical"}


def axe_failures(page, label):
    """axe's serious and critical violations on the page as it stands, as report lines."""
    results = Axe().run(page).response
    failing = []
    for violation in results["violations"]:
        targets = [" ".join(node["target"]) for node in violation["nodes"]][:5]
        line = (
            f"{label}: {violation['id']} ({violation['impact']}) {violation['help']} at {targets}"
        )
        if violation["impact"] in FAILING_IMPACTS:
            failing.append(line)
        else:
            print(line)
    return failing


def check(page, url, label, ready=None):
    """axe's serious and critical violations on `url`, as report lines. `ready`: a selector
    to wait for, when scripts finish the page after it loads."""
    response = page.goto(url)
    assert response is not None and response.status < 500, f"{label}: {url}"
    if ready:
        page.wait_for_selector(ready, state="attached")
    return axe_failures(page, f"{label} {url}")
