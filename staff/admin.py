"""Staff accounts in the admin, with the senators' offices each user works in, the groups,
and the log of changes to staff accounts.

A user's offices decide which releases they see and edit (releases/selectors.py); their groups
(Press assistants, Press secretaries, Newsroom admins) decide what they may do with them.

Newsroom admins manage staff accounts but cannot raise anyone above their own rights: only
superusers see or change superusers, grant superuser status or give a user permissions of
their own, and a group may only be given permissions its editor holds. Every change to an
account is in the log (staff/signals.py), which nobody may edit or delete.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from people.models import OfficeMembership
from staff.models import StaffChange
from staff.roles import newsroom_apps
from staff.services import staff_changes_by

User = get_user_model()

# Fields of the user form only superusers get: the rest of the staff have no such field at
# all, so a crafted POST that sets one is ignored (the form never reads it).
SUPERUSER_ONLY_FIELDS = ("is_superuser", "user_permissions")


class OfficeMembershipInline(admin.TabularInline):
    model = OfficeMembership
    fields = ["senator"]
    autocomplete_fields = ["senator"]
    extra = 0
    verbose_name = "office"
    verbose_name_plural = "Offices (this user sees and edits these senators' releases)"


def _label(permission):
    return f"{permission.content_type.app_label}.{permission.codename}"


def _beyond(editor, permissions):
    """The labels of `permissions` that `editor` does not hold, sorted."""
    if editor is None or editor.is_superuser:
        return []
    held = editor.get_all_permissions()
    return sorted({_label(p) for p in permissions} - held)


class AccountForm:
    """For the user change form of staff who are not superusers: no group that carries
    permissions beyond their own (a group a superuser made for other work, say)."""

    editor = None  # set per request by NewsroomUserAdmin.get_form

    def clean_groups(self):
        chosen = self.cleaned_data["groups"]
        kept = set(self.instance.groups.all()) if self.instance.pk else set()
        refused = [
            group.name
            for group in chosen
            if group not in kept
            and _beyond(self.editor, group.permissions.select_related("content_type"))
        ]
        if refused:
            raise ValidationError(
                "You may only put staff in groups whose permissions you have yourself; not: "
                "%(names)s.",
                params={"names": ", ".join(refused)},
                code="group_beyond_editor",
            )
        return chosen


class RecordedAdminMixin:
    """Account changes made through these pages are logged as the request's user's."""

    def changeform_view(self, request, *args, **kwargs):
        with staff_changes_by(request.user, source="admin"):
            return super().changeform_view(request, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        with staff_changes_by(request.user, source="admin"):
            return super().delete_view(request, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):  # bulk actions: delete selected
        with staff_changes_by(request.user, source="admin"):
            return super().changelist_view(request, *args, **kwargs)


if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class NewsroomUserAdmin(RecordedAdminMixin, UserAdmin):
    inlines = [*UserAdmin.inlines, OfficeMembershipInline]
    list_display = [*UserAdmin.list_display, "offices"]
    list_filter = [
        *UserAdmin.list_filter,
        ("office_memberships__senator", admin.RelatedOnlyFieldListFilter),
    ]

    def get_queryset(self, request):
        users = super().get_queryset(request).prefetch_related("office_memberships__senator")
        if not request.user.is_superuser:
            # Superusers are out of reach: their change, password, history and delete pages
            # answer as for a missing user, and no list, action or autocomplete offers them.
            # Listing them read-only would only tell a stolen staff login whom to aim at.
            users = users.filter(is_superuser=False)
        return users

    def _out_of_reach(self, request, obj):
        return obj is not None and obj.is_superuser and not request.user.is_superuser

    # Whatever looks a user up by itself still asks these (get_queryset is the main guard).
    def has_view_permission(self, request, obj=None):
        return not self._out_of_reach(request, obj) and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._out_of_reach(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._out_of_reach(request, obj) and super().has_delete_permission(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if request.user.is_superuser:
            return form
        return type(form.__name__, (AccountForm, form), {"editor": request.user})

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"]
                                          if f not in SUPERUSER_ONLY_FIELDS]})
            for name, options in fieldsets
        ]  # fmt: skip

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "user_permissions":
            # The newsroom's apps' permissions come from groups only (staff/roles.py), and
            # `ensure_roles` takes them away from users; so they are not offered here.
            field.queryset = field.queryset.exclude(content_type__app_label__in=newsroom_apps())
            field.help_text = (
                "Permissions of other parts of the site only. What staff may do with releases, "
                "senators and accounts comes from their groups."
            )
        return field

    def user_change_password(self, request, id, form_url=""):
        with staff_changes_by(request.user, source="admin"):
            return super().user_change_password(request, id, form_url)

    @admin.display(description="Offices")
    def offices(self, user):
        return ", ".join(m.senator.last_name for m in user.office_memberships.all()) or "—"


# Groups: nobody gives a group a permission they do not hold themselves.


class GroupPermissionsForm(forms.ModelForm):
    editor = None  # set per request by NewsroomGroupAdmin.get_form

    def clean_permissions(self):
        chosen = self.cleaned_data["permissions"]
        kept = set(self.instance.permissions.all()) if self.instance.pk else set()
        beyond = _beyond(self.editor, [p for p in chosen if p not in kept])
        if beyond:
            raise ValidationError(
                "You may only give a group permissions you have yourself; not: %(names)s.",
                params={"names": ", ".join(beyond)},
                code="permission_beyond_editor",
            )
        return chosen


if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@admin.register(Group)
class NewsroomGroupAdmin(RecordedAdminMixin, GroupAdmin):
    form = GroupPermissionsForm

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"editor": request.user})


# The log of changes to staff accounts: read-only for everyone, superusers included.


@admin.register(StaffChange)
class StaffChangeAdmin(admin.ModelAdmin):
    list_display = ["at", "account_username", "action", "detail", "actor_username", "source"]
    list_filter = ["action", "source"]
    search_fields = ["account_username", "actor_username", "detail"]
    date_hierarchy = "at"
    fields = list_display[:4] + ["account_id", "actor_username", "actor_id", "source"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
