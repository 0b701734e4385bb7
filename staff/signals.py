"""Every receiver on staff accounts, in one table: each change is written to the log.

A user saved (created, fields changed, a password set), deleted, put in or taken out of a
group, given or stripped of a per-user permission, or put in or taken out of an office:
each becomes a `StaffChange` row (staff/models.py), through `staff_change_record()`, in the
change's own transaction. The receivers look at the data, not at the view, so the admin, the
roles command and any other code are recorded alike; who did it is said by
`staff_changes_by()` (staff/services.py).

RECEIVERS is the table; `connect()` (called from StaffConfig.ready) wires it up.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import is_password_usable
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save

from people.models import OfficeMembership
from staff.models import StaffChange
from staff.services import staff_change_record

User = get_user_model()
Action = StaffChange.Action

# The account fields the log follows, as the admin names them. last_login and date_joined
# are not changes anyone makes to an account.
FIELDS = {
    "username": "username",
    "first_name": "first name",
    "last_name": "last name",
    "email": "email address",
    "is_active": "active",
    "is_staff": "staff status",
    "is_superuser": "superuser status",
}


def _shown(value):
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"“{value}”" if value else "(empty)"


# The user: created, changed, password set, deleted.


def user_about_to_save(sender, instance, raw=False, using=None, update_fields=None, **kwargs):
    """Note the stored values, to tell after the save what changed."""
    instance._staff_before = None
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & {*FIELDS, "password"}:
        return  # a login's last_login, say: nothing the log follows
    instance._staff_before = (
        sender._default_manager.using(using)
        .filter(pk=instance.pk)
        .values(*FIELDS, "password")
        .first()
    )


def user_saved(sender, instance, created, raw=False, using=None, **kwargs):
    if raw:
        return
    if created:
        facts = [f"{label}: {_shown(getattr(instance, name))}" for name, label in FIELDS.items()]
        facts.append(f"password login: {_shown(instance.has_usable_password())}")
        staff_change_record(
            account=instance, action=Action.CREATED, detail="; ".join(facts), using=using
        )
        return
    before, instance._staff_before = getattr(instance, "_staff_before", None), None
    if before is None:
        return
    changed = [
        f"{label}: {_shown(before[name])} → {_shown(getattr(instance, name))}"
        for name, label in FIELDS.items()
        if before[name] != getattr(instance, name)
    ]
    if changed:
        staff_change_record(
            account=instance, action=Action.CHANGED, detail="; ".join(changed), using=using
        )
    password = _password_change(before["password"], instance)
    if password:
        staff_change_record(account=instance, action=Action.PASSWORD, detail=password, using=using)


def _password_change(stored, user):
    """What happened to the password, in words, or None; never the password or its hash."""
    # set_password() keeps the new password in _password until the save is done; a hash
    # upgraded at login (check_password) does not, and is no change anyone made.
    if getattr(user, "_password", None) is not None:
        return "Password set."
    if stored != user.password and is_password_usable(stored) and not user.has_usable_password():
        return "Password login disabled."
    return None


def user_about_to_delete(sender, instance, using=None, **kwargs):
    groups = ", ".join(instance.groups.using(using).values_list("name", flat=True)) or "none"
    detail = (
        f"Deleted. It was: staff status {_shown(instance.is_staff)}, superuser status "
        f"{_shown(instance.is_superuser)}, groups: {groups}."
    )
    staff_change_record(account=instance, action=Action.DELETED, detail=detail, using=using)


# Groups and per-user permissions, from either side (user.groups or group.user_set).


def _label(obj):
    if hasattr(obj, "codename"):
        return f"{obj.content_type.app_label}.{obj.codename}"
    return obj.name


def _related(model, pks, using):
    rows = model._default_manager.using(using).filter(pk__in=pks)
    if hasattr(model, "codename"):
        rows = rows.select_related("content_type")
    return sorted(_label(row) for row in rows)


def _memberships_changed(action_name, field):
    """An m2m_changed receiver for User.<field> (groups or user_permissions)."""
    through = getattr(User, field).through
    target = getattr(User, field).field.related_model
    target_column = f"{target._meta.model_name}_id"

    def receiver(sender, instance, action, reverse, model, pk_set, using=None, **kwargs):
        if action == "pre_remove" and pk_set:
            # remove() names what to take away, members or not: note which ones are.
            pairs = through.objects.using(using)
            if reverse:
                pairs = pairs.filter(**{target_column: instance.pk}, user_id__in=pk_set)
            else:
                pairs = pairs.filter(user_id=instance.pk, **{f"{target_column}__in": pk_set})
            instance._staff_removing = set(
                pairs.values_list("user_id" if reverse else target_column, flat=True)
            )
        elif action == "pre_clear":
            pairs = through.objects.using(using).filter(
                **({target_column: instance.pk} if reverse else {"user_id": instance.pk})
            )
            instance._staff_removing = set(
                pairs.values_list("user_id" if reverse else target_column, flat=True)
            )
        elif action in ("post_add", "post_remove", "post_clear"):
            sign = "+" if action == "post_add" else "−"
            pks = pk_set if action == "post_add" else getattr(instance, "_staff_removing", set())
            instance._staff_removing = set()
            if not pks:
                return
            if reverse:  # one group or permission, several users
                what = f"{sign} {_label(instance)}"
                for user in User._default_manager.using(using).filter(pk__in=pks):
                    staff_change_record(account=user, action=action_name, detail=what, using=using)
            else:
                what = ", ".join(f"{sign} {label}" for label in _related(target, pks, using))
                staff_change_record(account=instance, action=action_name, detail=what, using=using)

    receiver.__name__ = f"{field}_changed"
    return receiver


groups_changed = _memberships_changed(Action.GROUPS, "groups")
user_permissions_changed = _memberships_changed(Action.PERMISSIONS, "user_permissions")


def group_about_to_delete(sender, instance, using=None, **kwargs):
    """A deleted group's memberships go without an m2m signal: say so for each member."""
    for user in instance.user_set.using(using).all():
        staff_change_record(
            account=user, action=Action.GROUPS, detail=f"− {instance.name} (group deleted)",
            using=using,
        )  # fmt: skip


# Offices.


def office_about_to_save(sender, instance, raw=False, using=None, **kwargs):
    instance._staff_before = None
    if raw or instance._state.adding or instance.pk is None:
        return
    instance._staff_before = (
        OfficeMembership.objects.using(using)
        .filter(pk=instance.pk)
        .select_related("senator", "user")
        .first()
    )


def office_saved(sender, instance, created, raw=False, using=None, **kwargs):
    if raw:
        return
    before, instance._staff_before = getattr(instance, "_staff_before", None), None
    if created:
        staff_change_record(
            account=instance.user, action=Action.OFFICES, detail=f"+ {instance.senator}",
            using=using,
        )  # fmt: skip
    elif before is not None and (before.senator_id, before.user_id) != (
        instance.senator_id,
        instance.user_id,
    ):
        if before.user_id != instance.user_id:
            staff_change_record(
                account=before.user, action=Action.OFFICES, detail=f"− {before.senator}",
                using=using,
            )  # fmt: skip
            detail = f"+ {instance.senator}"
        else:
            detail = f"− {before.senator}, + {instance.senator}"
        staff_change_record(
            account=instance.user, action=Action.OFFICES, detail=detail, using=using
        )


def office_about_to_delete(sender, instance, using=None, **kwargs):
    # Before the rows go (a user's or a senator's deletion takes its offices with it): the
    # user and senator are still there to be named.
    staff_change_record(
        account=instance.user, action=Action.OFFICES, detail=f"− {instance.senator}", using=using
    )


# The table: (signal, senders, receiver).

RECEIVERS = [
    (pre_save, [User], user_about_to_save),
    (post_save, [User], user_saved),
    (pre_delete, [User], user_about_to_delete),
    (m2m_changed, [User.groups.through], groups_changed),
    (pre_delete, [Group], group_about_to_delete),
    (m2m_changed, [User.user_permissions.through], user_permissions_changed),
    (pre_save, [OfficeMembership], office_about_to_save),
    (post_save, [OfficeMembership], office_saved),
    (pre_delete, [OfficeMembership], office_about_to_delete),
]


def dispatch_uid(receiver, sender):
    return f"staff:{receiver.__module__}.{receiver.__name__}:{sender._meta.label}"


def connect():
    for signal, senders, receiver in RECEIVERS:
        for sender in senders:
            signal.connect(receiver, sender=sender, dispatch_uid=dispatch_uid(receiver, sender))
