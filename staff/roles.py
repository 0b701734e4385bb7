"""The newsroom's roles, as auth groups whose permissions the code keeps exact.

Press assistants write and edit drafts and keep their office's press contacts and lists;
press secretaries also publish, schedule, unpublish, delete, correct and send releases to
the press under embargo; newsroom admins manage everything, every office's releases and the
staff accounts. Which releases a user sees is the other half (their offices, releases/selectors.py).

`roles_sync()` runs after every `migrate` (staff/apps.py) and from `manage.py ensure_roles`;
a permission added to a group by hand is taken away again: the list below is the rule. The
groups are the one source of staff rights in the newsroom's apps, so a permission of those
apps given to a user directly (User.user_permissions) is taken away too, and said.
"""

import sys
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction

from staff.models import StaffChange
from staff.services import staff_changes_by

PRESS_ASSISTANTS = "Press assistants"
PRESS_SECRETARIES = "Press secretaries"
NEWSROOM_ADMINS = "Newsroom admins"


def _model_perms(app_label, model, actions):
    return [f"{app_label}.{action}_{model}" for action in actions]


VIEW = ["view"]
WRITE = ["view", "add", "change"]
# Assistants may take a quote or an issuing senator off the draft they are writing; they
# never delete a release (and cannot edit a published one at all, see releases/admin/offices.py).
WRITE_ROWS = ["view", "add", "change", "delete"]

ASSISTANT_PERMISSIONS = [
    *_model_perms("releases", "release", WRITE),
    *_model_perms("releases", "quote", WRITE_ROWS),
    *_model_perms("releases", "releasesenator", WRITE_ROWS),
    *_model_perms("releases", "previewlink", WRITE),
    # What the release form carries: a media advisory's event, its PDFs (as a quote is kept).
    *_model_perms("advisories", "event", WRITE_ROWS),
    *_model_perms("documents", "document", WRITE_ROWS),
    # What the release form's autocompletes look up. Topics are curated, so adding one is
    # left to newsroom admins, as are bills and organizations.
    *_model_perms("releases", "topic", VIEW),
    *_model_perms("releases", "legislation", VIEW),
    *_model_perms("people", "senator", VIEW),
    *_model_perms("people", "organization", VIEW),
    # Their office's press contacts and lists (distribution/), and who a release was sent
    # to; sending is a press secretary's.
    *_model_perms("distribution", "presscontact", WRITE),
    *_model_perms("distribution", "presslist", WRITE),
    *_model_perms("distribution", "distribution", VIEW),
]

SECRETARY_PERMISSIONS = [
    *ASSISTANT_PERMISSIONS,
    "releases.publish_release",
    "releases.delete_release",
    *_model_perms("releases", "correction", WRITE),
    # Revisions: who changed what, when.
    *_model_perms("releases", "historicalrelease", VIEW),
    *_model_perms("releases", "historicalquote", VIEW),
    *_model_perms("releases", "historicalreleasesenator", VIEW),
    # Press lists: send a scheduled release to them (with releases.publish_release), and
    # delete contacts and lists.
    "distribution.send_distribution",
    "distribution.delete_presscontact",
    "distribution.delete_presslist",
]

# Newsroom admins get every permission of these apps (edit_all_offices included, and
# people.OfficeMembership: they put staff in offices), whatever models the apps gain later.
ADMIN_APPS = ["people", "releases", "advisories", "documents", "distribution"]
ADMIN_PERMISSIONS = [
    *_model_perms("auth", "user", ["view", "add", "change", "delete"]),
    *_model_perms("auth", "group", ["view", "add", "change", "delete"]),
    *_model_perms("auth", "permission", VIEW),
    # The log of changes to staff accounts: read it, nothing more (nobody may change it).
    *_model_perms("staff", "staffchange", VIEW),
    # Email alerts: who follows what (the consent record) and every delivery's state, to
    # read only (alerts/admin.py).
    *_model_perms("alerts", "subscription", VIEW),
    *_model_perms("alerts", "alertdelivery", VIEW),
]


def newsroom_apps():
    """The labels of the project's own apps (core, people, releases, staff, ... and any
    added later): the apps in folders of the project itself, not installed packages. Their
    permissions come from the groups above only: one given to a user directly is removed by
    roles_sync()."""
    root = Path(settings.BASE_DIR).resolve()
    return sorted(
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == root
    )


def _permissions(names, *, using):
    """Permission rows for "app_label.codename" names; a name that matches none is an error."""
    wanted = {tuple(name.split(".", 1)) for name in names}
    found = {
        (p.content_type.app_label, p.codename): p
        for p in Permission.objects.using(using)
        .filter(codename__in={codename for _, codename in wanted})
        .select_related("content_type")
    }
    missing = sorted(".".join(key) for key in wanted - found.keys())
    if missing:
        raise LookupError(f"No such permission(s): {', '.join(missing)}. Has `migrate` run?")
    return [found[key] for key in wanted]


def role_permissions(*, using=DEFAULT_DB_ALIAS):
    """Each group's name and the exact set of Permission rows it should have."""
    admin = _permissions(ADMIN_PERMISSIONS, using=using) + list(
        Permission.objects.using(using).filter(content_type__app_label__in=ADMIN_APPS)
    )
    return {
        PRESS_ASSISTANTS: set(_permissions(ASSISTANT_PERMISSIONS, using=using)),
        PRESS_SECRETARIES: set(_permissions(SECRETARY_PERMISSIONS, using=using)),
        NEWSROOM_ADMINS: set(admin),
    }


def _label(permission):
    return f"{permission.content_type.app_label}.{permission.codename}"


def roles_sync(*, using=DEFAULT_DB_ALIAS):
    """Create the three groups and set their permissions exactly, and take away every
    per-user permission of the newsroom's apps.

    Returns what it did, a (changed, line) pair per group, e.g.
    (True, "Created “Press assistants” with 24 permissions.") or
    (False, "“Newsroom admins” unchanged (101 permissions)."), then one per user whose
    per-user permissions it removed, or a single (False, "No per-user permissions ...").
    Removals are written to the log of staff account changes (staff/signals.py), as made
    by whoever the caller names with staff_changes_by().
    """
    with transaction.atomic(using=using):
        report = [
            _group_sync(name, wanted, using=using)
            for name, wanted in role_permissions(using=using).items()
        ]
        return report + _user_permissions_sync(using=using)


def _group_sync(name, wanted, *, using):
    group, created = Group.objects.using(using).get_or_create(name=name)
    have = set(group.permissions.select_related("content_type"))
    added, removed = wanted - have, have - wanted
    if added or removed:
        group.permissions.set(wanted)
    if created:
        return True, f"Created “{name}” with {len(wanted)} permissions."
    if added or removed:
        changes = [f"+{_label(p)}" for p in sorted(added, key=_label)]
        changes += [f"-{_label(p)}" for p in sorted(removed, key=_label)]
        return True, f"Updated “{name}”: {' '.join(changes)}."
    return False, f"“{name}” unchanged ({len(wanted)} permissions)."


def _user_permissions_sync(*, using):
    User = get_user_model()
    given = (
        User.user_permissions.through.objects.using(using)
        .filter(permission__content_type__app_label__in=newsroom_apps())
        .select_related("user", "permission__content_type")
        .order_by("user__username", "permission__content_type__app_label",
                  "permission__codename")
    )  # fmt: skip
    per_user = {}
    for row in given:
        per_user.setdefault(row.user, []).append(row.permission)
    if not per_user:
        return [(False, "No per-user permissions in the newsroom's apps.")]
    lines = []
    for user, permissions in per_user.items():
        user.user_permissions.remove(*permissions)
        labels = ", ".join(_label(p) for p in permissions)
        lines.append(
            (True, f"Removed from “{user.get_username()}” the per-user permission(s) {labels}: "
                   "staff rights come from their groups.")
        )  # fmt: skip
    return lines


def roles_post_migrate(sender, *, using=DEFAULT_DB_ALIAS, verbosity=1, stdout=None, **kwargs):
    """post_migrate receiver: sync the groups once every app's permissions exist.

    post_migrate is sent once per app, and django.contrib.auth creates each app's permissions
    in its own receiver for that app's signal; so the groups are synced on the signal of the
    last app, when auth has made the permissions of all of them (fresh and test databases too).
    """
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if not with_models or sender is not with_models[-1]:
        return
    if not router.allow_migrate_model(using, Group):
        return
    if StaffChange._meta.db_table not in connections[using].introspection.table_names():
        return  # a partial migrate, before the staff app's tables: the next one syncs
    stdout = stdout or sys.stdout
    with staff_changes_by(None, source="migrate"):
        report = roles_sync(using=using)
    for changed, line in report:
        if verbosity >= 2 or (verbosity >= 1 and changed):
            stdout.write(f"  Roles: {line}\n")
