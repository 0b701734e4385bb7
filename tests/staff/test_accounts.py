"""Staff accounts: nobody raises an account above their own rights, and every change is logged.

The attack: a newsroom admin made themselves superuser, reset the superuser's password, and
gave a press assistant `publish_release` directly on the user, which `ensure_roles` called
"unchanged"; the assistant then published a draft. Now only superusers grant superuser
status, reach superusers' accounts or set per-user permissions; `ensure_roles` (and every
migrate) removes per-user permissions of the newsroom's apps and says so; and each change to
a staff account is in a log newsroom admins read and nobody may edit or delete.
"""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse

from people.models import OfficeMembership
from releases.models import Release
from staff.models import StaffChange
from staff.roles import NEWSROOM_ADMINS, PRESS_ASSISTANTS, PRESS_SECRETARIES, newsroom_apps
from tests.staff.test_roles import browser_post
from tests.support.factories import ReleaseFactory, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "correct horse battery staple"  # UserFactory's


def user_url(user, view="change"):
    return reverse(f"admin:auth_user_{view}", args=[user.pk])


def password_url(user):
    return reverse("admin:auth_user_password_change", args=[user.pk])


def permission(label):
    app_label, codename = label.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def fresh(user):
    """The user as stored, with no permission cache."""
    return User.objects.get(pk=user.pk)


@pytest.fixture
def newsroom_admin():
    user = UserFactory(username="newsroom-admin")
    user.groups.add(Group.objects.get(name=NEWSROOM_ADMINS))
    return user


@pytest.fixture
def superuser():
    return UserFactory(username="root", is_superuser=True)


@pytest.fixture
def assistant(klobuchar):
    user = UserFactory(username="assistant")
    user.groups.add(Group.objects.get(name=PRESS_ASSISTANTS))
    OfficeMembership.objects.create(user=user, senator=klobuchar)
    return user


@pytest.fixture
def admin_client(client, newsroom_admin):
    client.force_login(newsroom_admin)
    return client


def changes(user, action=None):
    rows = StaffChange.objects.filter(account_id=user.pk).order_by("id")
    return list(rows.filter(action=action) if action else rows)


# Newsroom admins cannot raise anyone above their own rights


def test_newsroom_admin_cannot_make_themselves_superuser(admin_client, newsroom_admin):
    page = admin_client.get(user_url(newsroom_admin)).content.decode()
    assert 'name="is_superuser"' not in page
    assert 'name="user_permissions"' not in page

    publish = permission("releases.publish_release")
    response = browser_post(
        admin_client, user_url(newsroom_admin),
        {"is_superuser": "on", "user_permissions": [str(publish.pk)], "first_name": "Nora"},
    )  # fmt: skip

    assert response.status_code == 302  # the rest of the form is saved
    stored = fresh(newsroom_admin)
    assert stored.first_name == "Nora"
    assert not stored.is_superuser
    assert not stored.user_permissions.exists()


def test_newsroom_admin_cannot_add_a_superuser(admin_client):
    response = browser_post(admin_client, reverse("admin:auth_user_add"), {
        "username": "new-root", "usable_password": "true",
        "password1": "a long fresh passphrase", "password2": "a long fresh passphrase",
        "is_superuser": "on", "is_staff": "on",
    })  # fmt: skip
    assert response.status_code == 302
    assert not User.objects.get(username="new-root").is_superuser


def test_superusers_are_out_of_a_newsroom_admins_reach(admin_client, superuser):
    listed = admin_client.get(reverse("admin:auth_user_changelist")).context["cl"].result_list
    assert superuser not in listed

    response = admin_client.get(user_url(superuser), follow=True)
    assert "doesn’t exist" in response.content.decode()  # as for a deleted user
    assert 'name="username"' not in response.content.decode()

    assert admin_client.get(password_url(superuser)).status_code == 404
    reset = {"password1": "taken over now", "password2": "taken over now",
             "usable_password": "true"}  # fmt: skip
    assert admin_client.post(password_url(superuser), reset).status_code == 404

    admin_client.post(user_url(superuser), {"username": "root", "is_superuser": "on"})
    admin_client.post(user_url(superuser, "delete"), {"post": "yes"})
    admin_client.post(reverse("admin:auth_user_changelist"), {
        "action": "delete_selected", "post": "yes", "_selected_action": [superuser.pk],
    })  # fmt: skip

    stored = fresh(superuser)
    assert stored.is_superuser and stored.is_active
    assert stored.check_password(PASSWORD)
    assert changes(superuser, StaffChange.Action.PASSWORD) == []


def test_newsroom_admin_cannot_give_an_assistant_publishing_directly(
    admin_client, client, assistant, klobuchar
):
    publish = permission("releases.publish_release")
    response = browser_post(admin_client, user_url(assistant),
                            {"user_permissions": [str(publish.pk)]})  # fmt: skip
    assert response.status_code == 302
    assert not fresh(assistant).has_perm("releases.publish_release")

    # And the assistant, as before, cannot publish a draft.
    draft = ReleaseFactory(status=Release.Status.DRAFT, published_at=None, senators=[klobuchar])
    client.force_login(assistant)
    client.post(reverse("admin:releases_release_changelist"),
                {"action": "publish_now", "_selected_action": [draft.pk]})  # fmt: skip
    draft.refresh_from_db()
    assert draft.is_draft()


def test_newsroom_admin_still_manages_staff(admin_client, assistant):
    """What they are for: groups, activity, passwords of the staff below superusers."""
    secretaries = Group.objects.get(name=PRESS_SECRETARIES)
    response = browser_post(admin_client, user_url(assistant), {"groups": str(secretaries.pk)})
    assert response.status_code == 302
    assert fresh(assistant).has_perm("releases.publish_release")  # through the role

    reset = {"password1": "a new passphrase here", "password2": "a new passphrase here",
             "usable_password": "true"}  # fmt: skip
    assert admin_client.post(password_url(assistant), reset).status_code == 302
    assert fresh(assistant).check_password("a new passphrase here")


def test_groups_only_carry_permissions_their_editor_holds(admin_client, assistant):
    beyond = permission("staff.delete_staffchange")
    held = permission("releases.publish_release")
    add_group = reverse("admin:auth_group_add")

    response = admin_client.post(add_group, {"name": "Cover-up", "permissions": [beyond.pk]})
    assert response.status_code == 200
    assert "You may only give a group permissions you have yourself; not: " \
           "staff.delete_staffchange." in response.content.decode()  # fmt: skip
    assert not Group.objects.filter(name="Cover-up").exists()

    response = admin_client.post(add_group, {"name": "Publishers", "permissions": [held.pk]})
    assert response.status_code == 302

    # A group a superuser made for other work is not theirs to hand out either.
    other = Group.objects.create(name="Lockout desk")
    other.permissions.add(permission("axes.delete_accessattempt"))
    response = browser_post(admin_client, user_url(assistant), {"groups": str(other.pk)})
    assert response.status_code == 200
    assert "You may only put staff in groups whose permissions you have yourself" in (
        response.content.decode()
    )
    assert not fresh(assistant).groups.filter(pk=other.pk).exists()


def test_superuser_may_grant_superuser_but_not_newsroom_permissions_per_user(
    client, superuser, assistant
):
    client.force_login(superuser)
    page = client.get(user_url(assistant)).content.decode()
    assert 'name="is_superuser"' in page
    offered = client.get(user_url(assistant)).context["adminform"].form.fields["user_permissions"]
    assert not offered.queryset.filter(content_type__app_label__in=newsroom_apps()).exists()
    assert offered.queryset.filter(content_type__app_label="axes").exists()

    publish = permission("releases.publish_release")
    response = browser_post(client, user_url(assistant), {"user_permissions": [str(publish.pk)]})
    assert response.status_code == 200  # refused, nothing saved
    assert "Select a valid choice" in response.content.decode()
    assert not fresh(assistant).user_permissions.exists()

    response = browser_post(client, user_url(assistant), {"is_superuser": "on"})
    assert response.status_code == 302
    assert fresh(assistant).is_superuser


# ensure_roles and migrate remove per-user permissions of the newsroom's apps


def test_the_newsroom_apps_are_the_projects_own():
    labels = newsroom_apps()
    assert {"core", "people", "search", "releases", "importing", "staff", "api",
            "sampledata"} <= set(labels)  # fmt: skip
    assert not {"auth", "admin", "axes", "contenttypes", "simple_history"} & set(labels)


def test_ensure_roles_reports_and_removes_per_user_permissions(assistant):
    lockouts = permission("axes.view_accessattempt")  # not a newsroom app's: left alone
    assistant.user_permissions.add(permission("releases.publish_release"),
                                   permission("people.change_senator"), lockouts)  # fmt: skip
    assert fresh(assistant).has_perm("releases.publish_release")

    out = StringIO()
    call_command("ensure_roles", stdout=out)

    assert (
        "Removed from “assistant” the per-user permission(s) people.change_senator, "
        "releases.publish_release: staff rights come from their groups." in out.getvalue()
    )
    stored = fresh(assistant)
    assert not stored.has_perm("releases.publish_release")
    assert list(stored.user_permissions.all()) == [lockouts]
    [row] = changes(assistant, StaffChange.Action.PERMISSIONS)[-1:]
    assert row.source == "ensure_roles"
    assert row.detail == "− people.change_senator, − releases.publish_release"

    again = StringIO()
    call_command("ensure_roles", stdout=again)
    assert "No per-user permissions in the newsroom's apps." in again.getvalue()
    assert again.getvalue().count("unchanged") == 3


def test_migrate_removes_them_too(assistant):
    assistant.user_permissions.add(permission("releases.publish_release"))
    out = StringIO()
    call_command("migrate", verbosity=1, stdout=out)
    assert "Removed from “assistant” the per-user permission(s) releases.publish_release" in (
        out.getvalue()
    )
    assert not fresh(assistant).has_perm("releases.publish_release")
    assert changes(assistant, StaffChange.Action.PERMISSIONS)[-1].source == "migrate"


# The log


def test_admin_changes_to_an_account_are_logged_with_who_and_what(
    admin_client, newsroom_admin, assistant, heitkamp
):
    StaffChange.objects.all().delete()  # the fixtures' own rows: this test reads its own
    secretaries = Group.objects.get(name=PRESS_SECRETARIES)
    browser_post(admin_client, user_url(assistant), {
        "groups": str(secretaries.pk), "is_staff": None, "email": "aide@example.senate.gov",
        "office_memberships-TOTAL_FORMS": "2",
        "office_memberships-1-senator": str(heitkamp.pk),
    })  # fmt: skip
    reset = {"password1": "a new passphrase here", "password2": "a new passphrase here",
             "usable_password": "true"}  # fmt: skip
    admin_client.post(password_url(assistant), reset)

    rows = changes(assistant)
    assert {row.actor_username for row in rows} == {"newsroom-admin"}
    assert {row.actor_id for row in rows} == {newsroom_admin.pk}
    assert {row.source for row in rows} == {"admin"}
    said = {(row.action, row.detail) for row in rows}
    assert (StaffChange.Action.CHANGED,
            "email address: “assistant@example.senate.gov” → “aide@example.senate.gov”; "
            "staff status: yes → no") in said  # fmt: skip
    assert (StaffChange.Action.GROUPS, "− Press assistants") in said
    assert (StaffChange.Action.GROUPS, "+ Press secretaries") in said
    assert (StaffChange.Action.OFFICES, "+ Heidi Heitkamp (D-ND)") in said
    assert (StaffChange.Action.PASSWORD, "Password set.") in said
    assert not any("md5$" in row.detail or "passphrase" in row.detail for row in rows)


def test_creation_and_deletion_are_logged_and_outlive_the_account(admin_client):
    browser_post(admin_client, reverse("admin:auth_user_add"), {
        "username": "temp-aide", "usable_password": "true",
        "password1": "a long fresh passphrase", "password2": "a long fresh passphrase",
    })  # fmt: skip
    aide = User.objects.get(username="temp-aide")
    admin_client.post(user_url(aide, "delete"), {"post": "yes"})
    assert not User.objects.filter(username="temp-aide").exists()

    rows = changes(aide)
    assert [row.action for row in rows] == [StaffChange.Action.CREATED,
                                           StaffChange.Action.DELETED]  # fmt: skip
    assert "password login: yes" in rows[0].detail
    assert rows[1].detail.startswith("Deleted. It was: staff status no, superuser status no")
    assert {row.account_username for row in rows} == {"temp-aide"}


def test_superuser_status_given_by_a_superuser_is_logged(client, superuser, assistant):
    client.force_login(superuser)
    browser_post(client, user_url(assistant), {"is_superuser": "on"})
    [row] = changes(assistant, StaffChange.Action.CHANGED)
    assert row.detail == "superuser status: no → yes"
    assert row.actor_username == "root"


def test_group_membership_from_the_groups_side_and_a_deleted_group_are_logged(assistant):
    group = Group.objects.create(name="Interns")
    group.user_set.add(assistant)
    group.delete()
    assert [row.detail for row in changes(assistant, StaffChange.Action.GROUPS)][-2:] == [
        "+ Interns", "− Interns (group deleted)",
    ]  # fmt: skip
    assert changes(assistant)[-1].source == "code"  # nobody named: said so


def test_logins_and_password_hash_upgrades_are_not_changes(client, assistant, settings):
    before = len(changes(assistant))
    # A login updates last_login; a login under a new default hasher re-hashes the password.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    assert fresh(assistant).check_password(PASSWORD)  # saves the upgraded hash
    assert fresh(assistant).password.startswith("pbkdf2_")
    client.force_login(assistant)
    assert len(changes(assistant)) == before


def test_newsroom_admins_read_the_log_and_nobody_changes_it(
    client, admin_client, superuser, assistant
):
    row = changes(assistant)[0]
    log = reverse("admin:staff_staffchange_changelist")
    row_url = reverse("admin:staff_staffchange_change", args=[row.pk])

    for who in (admin_client, client):
        if who is client:
            client.force_login(superuser)
        response = who.get(log)
        assert response.status_code == 200
        assert "assistant" in response.content.decode()
        actions = response.context["action_form"]
        assert actions is None or "delete_selected" not in dict(actions.fields["action"].choices)
        page = who.get(row_url)
        assert page.status_code == 200
        assert 'name="_save"' not in page.content.decode()
        assert who.post(row_url, {"detail": "nothing happened"}).status_code == 403
        assert who.post(reverse("admin:staff_staffchange_delete", args=[row.pk]),
                        {"post": "yes"}).status_code == 403  # fmt: skip
        assert who.get(reverse("admin:staff_staffchange_add")).status_code == 403
        who.post(log, {"action": "delete_selected", "post": "yes", "_selected_action": [row.pk]})

    row.refresh_from_db()
    assert row.detail != "nothing happened"
    assert StaffChange.objects.filter(pk=row.pk).exists()

    with pytest.raises(TypeError):
        row.save()
    with pytest.raises(TypeError):
        row.delete()


def test_press_secretaries_do_not_read_the_log(client, klobuchar):
    secretary = UserFactory(username="secretary")
    secretary.groups.add(Group.objects.get(name=PRESS_SECRETARIES))
    client.force_login(secretary)
    assert client.get(reverse("admin:staff_staffchange_changelist")).status_code == 403
