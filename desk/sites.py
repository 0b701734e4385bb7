"""The admin site of the newsroom: Django's, with the press desk as its front page.

`desk.apps.DeskAdminConfig` makes this the default site, so `admin.site` everywhere is this
one and every app registers on it as usual. Two changes:
- `/admin/` is the desk (desk/selectors.py): what the user's offices have scheduled, ready
  for review, waiting for a sign-off, in draft and out today, with links to write or paste a
  release; the app list is beside it;
- the app list is in a press office's order:
  press releases first, the newsroom's own apps next, installed packages (login attempts,
  the task queue) last.
"""

import functools
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.urls import reverse

from desk.selectors import desk_for

# The newsroom's apps in the order press staff reach for them; the project's other apps
# follow by name, then installed packages by name.
PRESS_ORDER = ["releases", "people", "distribution", "alerts", "staff", "auth"]
# Within press releases, the releases themselves first.
FIRST_MODELS = {"releases": ["Release"]}


@functools.cache
def _is_project_app(app_label):
    """Whether the app is one of the newsroom's (a folder of this project), not a package's;
    the answer does not change while the process runs."""
    root = Path(settings.BASE_DIR).resolve()
    try:
        return Path(apps.get_app_config(app_label).path).resolve().parent == root
    except LookupError:
        return False


def _place(app):
    label = app["app_label"]
    if label in PRESS_ORDER:
        return (0, PRESS_ORDER.index(label), "")
    return (1 if _is_project_app(label) else 2, 0, app["name"].lower())


class DeskSite(admin.AdminSite):
    index_template = "desk/index.html"
    # No side navigation: the desk lists the sections, every page has its breadcrumbs, and
    # the release form and list need the width (at 1366 px the list's last column and the
    # form's publishing panel did not fit beside it).
    enable_nav_sidebar = False

    def get_app_list(self, request, app_label=None):
        app_list = super().get_app_list(request, app_label)
        app_list.sort(key=_place)
        for app in app_list:
            first = FIRST_MODELS.get(app["app_label"], [])
            app["models"].sort(key=lambda model: (model["object_name"] not in first, model["name"]))
        return app_list

    def index(self, request, extra_context=None):
        user = request.user
        links = []
        if user.has_perm("releases.add_release"):
            links += [
                ("Write a release", reverse(f"{self.name}:releases_release_add"), "addlink"),
                ("Paste a release", reverse("importing:paste"), "addlink"),
            ]
        releases_list = None
        if user.has_perm("releases.view_release") or user.has_perm("releases.change_release"):
            releases_list = reverse(f"{self.name}:releases_release_changelist")
            links.append(("All releases", releases_list, "viewlink"))
        context = {
            "desk": desk_for(user) if releases_list else None,
            "desk_links": links,
            "release_list_url": releases_list,
            **(extra_context or {}),
        }
        return super().index(request, extra_context=context)
