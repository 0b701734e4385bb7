from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class DeskConfig(AppConfig):
    """The press desk: what each staff user's offices have going out, waiting and out today,
    on the admin's front page (desk/sites.py)."""

    name = "desk"
    verbose_name = "Press desk"
    default = True


class DeskAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the desk's site as `admin.site`, so that every app's
    `admin.register()` and `admin.site.urls` are the desk's, unchanged."""

    default = False
    default_site = "desk.sites.DeskSite"
