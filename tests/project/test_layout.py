"""The apps depend on each other one way only, and the project package is configuration.

    core, mailing  <  people  <  search  <  releases
                   <  importing, staff, api, alerts, distribution, sampledata
                   <  bulkdata, handoff
                   <  desk

Each app may import the apps before it, never one after it; the apps built on releases do
not import each other; no app imports `sampledata` (no request may load the demo or the
synthetic newsroom) or the project package `newsroom`, which only configures them.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAYERS = [
    ["core", "mailing"],
    ["people"],
    ["search"],
    ["releases"],
    ["advisories", "documents"],  # what a release may carry: its event, its PDFs
    ["importing", "staff", "api", "alerts", "distribution"],
    ["bulkdata", "handoff"],  # built on the API's records: bulk files, hand-offs
    ["desk"],  # the admin's front page, over every app's admin
]
APPS = [app for layer in LAYERS for app in layer] + ["sampledata"]
LAYER_OF = {app: n for n, layer in enumerate(LAYERS) for app in layer}


def imported_apps(path):
    """The project apps a module imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
    return found & {*APPS, "newsroom"}


def modules(app):
    return [p for p in sorted((ROOT / app).rglob("*.py")) if "migrations" not in p.parts]


def allowed(importer, imported):
    if imported == importer:
        return True
    if imported in ("sampledata", "newsroom"):
        return False
    if importer == "sampledata":  # the domain's rows: releases and what they carry
        return LAYER_OF[imported] <= LAYER_OF["advisories"]
    return LAYER_OF[imported] < LAYER_OF[importer]


def test_apps_import_only_the_apps_below_them():
    wrong = [
        f"{path.relative_to(ROOT)} imports {imported}"
        for app in APPS
        for path in modules(app)
        for imported in sorted(imported_apps(path))
        if not allowed(app, imported)
    ]
    assert wrong == []


def test_every_app_is_placed_and_read():
    packages = {
        p.parent.name for p in ROOT.glob("*/apps.py") if (p.parent / "__init__.py").exists()
    }
    assert packages == set(APPS)
    assert all(modules(app) for app in APPS)


def test_the_project_package_is_configuration_only():
    names = {p.name for p in (ROOT / "newsroom").glob("*.py")}
    assert names <= {"__init__.py", "settings.py", "urls.py", "wsgi.py", "asgi.py",
                     "context_processors.py"}  # fmt: skip
    assert not (ROOT / "newsroom" / "management").exists()
