from django.apps import AppConfig


class ReleasesConfig(AppConfig):
    name = "releases"
    verbose_name = "Press releases"

    def ready(self):
        from django.db.models.signals import post_migrate

        from newsroom import pagecache

        from . import addresses, revisions, signals
        from .roles import roles_post_migrate

        signals.connect()
        pagecache.connect()  # a change ends every kept page (newsroom/pagecache.py)
        addresses.connect()  # a renamed release's old slug redirects (releases/addresses.py)
        revisions.connect()  # one version per admin save or restore (releases/revisions.py)
        # The roles' groups and permissions, kept exact after every migrate (releases/roles.py).
        post_migrate.connect(roles_post_migrate, dispatch_uid="releases.roles_sync")
