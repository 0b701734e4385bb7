"""Roles and offices: who may write, publish and manage releases, and whose releases they see.

Staff log in with force_login (django-axes guards the password login). Forms are posted as a
browser posts them: every field the page renders, with the test's changes on top, so a
read-only field is not sent unless a test crafts it.
"""

from datetime import timedelta
from html.parser import HTMLParser
from io import StringIO

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from people.models import OfficeMembership
from releases.models import Release, ReleaseSenator
from staff.roles import NEWSROOM_ADMINS, PRESS_ASSISTANTS, PRESS_SECRETARIES
from tests.support.factories import ReleaseFactory, TopicFactory, UserFactory, staff_member

pytestmark = pytest.mark.django_db

CHANGELIST_URL = "/admin/releases/release/"
ADD_URL = "/admin/releases/release/add/"


def change_url(release):
    return reverse("admin:releases_release_change", args=[release.pk])


def delete_url(release):
    return reverse("admin:releases_release_delete", args=[release.pk])


def history_url(release):
    return reverse("admin:releases_release_history", args=[release.pk])


# Posting a form as the browser does


class _FormFields(HTMLParser):
    """The name/value pairs a browser submits for the page's main form."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pairs = []
        self._select = None
        self._option = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.pairs.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            if "selected" in attrs:
                self.pairs.append((self._select, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # Browsers drop the newline that follows <textarea>.
            name, value = self._textarea
            self.pairs.append((name, value.removeprefix("\n")))
            self._textarea = None


def browser_post(client, url, changes=(), **kwargs):
    """GET the form at `url`, then POST it with `changes` (a dict; None removes a field)."""
    page = client.get(url)
    assert page.status_code == 200
    parser = _FormFields()
    parser.feed(page.content.decode())
    data = {}
    for name, value in parser.pairs:
        if "__prefix__" in name:
            continue
        data.setdefault(name, []).append(value)
    for name, value in dict(changes).items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value if isinstance(value, list) else [value]
    return client.post(url, data, **kwargs)


# Staff, their groups and offices


@pytest.fixture
def make_staff():
    return staff_member


@pytest.fixture
def assistant(make_staff, klobuchar):
    return make_staff("assistant", PRESS_ASSISTANTS, [klobuchar])


@pytest.fixture
def secretary(make_staff, klobuchar):
    return make_staff("secretary", PRESS_SECRETARIES, [klobuchar])


@pytest.fixture
def newsroom_admin(make_staff):
    return make_staff("newsroom-admin", NEWSROOM_ADMINS)


@pytest.fixture
def as_user(client):
    def log_in(user):
        client.force_login(user)
        return client

    return log_in


@pytest.fixture
def klobuchar_draft(klobuchar):
    return ReleaseFactory(
        title="Klobuchar drafts a farm bill statement", status=Release.Status.DRAFT,
        published_at=None, senators=[klobuchar],
    )  # fmt: skip


@pytest.fixture
def heitkamp_release(heitkamp):
    return ReleaseFactory(
        title="Heitkamp office only statement", status=Release.Status.DRAFT, published_at=None,
        senators=[heitkamp],
    )  # fmt: skip


@pytest.fixture
def joint_release(klobuchar, heitkamp):
    return ReleaseFactory(title="Joint trafficking statement", senators=[heitkamp, klobuchar])


def perms(group_name):
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


# The groups


ASSISTANT = {
    "releases.view_release", "releases.add_release", "releases.change_release",
    "releases.view_quote", "releases.add_quote", "releases.change_quote",
    "releases.delete_quote",
    "releases.view_releasesenator", "releases.add_releasesenator",
    "releases.change_releasesenator", "releases.delete_releasesenator",
    "releases.view_previewlink", "releases.add_previewlink", "releases.change_previewlink",
    "advisories.view_event", "advisories.add_event", "advisories.change_event",
    "advisories.delete_event",
    "documents.view_document", "documents.add_document", "documents.change_document",
    "documents.delete_document",
    "releases.view_topic", "releases.view_legislation",
    "people.view_senator", "people.view_organization",
    "distribution.view_presscontact", "distribution.add_presscontact",
    "distribution.change_presscontact",
    "distribution.view_presslist", "distribution.add_presslist", "distribution.change_presslist",
    "distribution.view_distribution",
}  # fmt: skip
SECRETARY = ASSISTANT | {
    "releases.publish_release", "releases.delete_release",
    "releases.view_correction", "releases.add_correction", "releases.change_correction",
    "releases.view_historicalrelease", "releases.view_historicalquote",
    "releases.view_historicalreleasesenator",
    "distribution.send_distribution", "distribution.delete_presscontact",
    "distribution.delete_presslist",
}  # fmt: skip


def test_groups_exist_after_migrate_with_exact_permissions():
    assert perms(PRESS_ASSISTANTS) == ASSISTANT
    assert perms(PRESS_SECRETARIES) == SECRETARY

    admin = perms(NEWSROOM_ADMINS)
    every_app_permission = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.filter(
            content_type__app_label__in=[
                "people",
                "releases",
                "advisories",
                "documents",
                "distribution",
            ]
        )
    }
    assert every_app_permission <= admin
    assert {"releases.edit_all_offices", "releases.publish_release",
            "people.add_officemembership", "people.delete_officemembership",
            "auth.add_user", "auth.change_user", "auth.change_group"} <= admin  # fmt: skip
    assert {p for p in admin if p.startswith("auth.")} == {
        f"auth.{action}_{model}"
        for action in ("view", "add", "change", "delete")
        for model in ("user", "group")
    } | {"auth.view_permission"}
    # Beyond those apps: reading the log of staff account changes and the email alerts'
    # subscriptions and deliveries, and nothing else.
    assert {"distribution.send_distribution", "distribution.delete_presscontact"} <= admin
    apps = ("auth", "people", "releases", "advisories", "documents", "distribution")
    others = {p for p in admin if p.split(".")[0] not in apps}
    assert others == {"staff.view_staffchange", "alerts.view_subscription",
                      "alerts.view_alertdelivery"}  # fmt: skip


def test_ensure_roles_repairs_groups_and_is_idempotent():
    assistants = Group.objects.get(name=PRESS_ASSISTANTS)
    assistants.permissions.remove(Permission.objects.get(codename="change_release"))
    assistants.permissions.add(Permission.objects.get(codename="publish_release"))
    Group.objects.get(name=NEWSROOM_ADMINS).delete()

    out = StringIO()
    call_command("ensure_roles", stdout=out)
    said = out.getvalue()
    assert "Updated “Press assistants”: +releases.change_release -releases.publish_release." in said
    assert "“Press secretaries” unchanged (44 permissions)." in said
    assert "Created “Newsroom admins” with" in said
    assert perms(PRESS_ASSISTANTS) == ASSISTANT

    again = StringIO()
    call_command("ensure_roles", stdout=again)
    assert again.getvalue().count("unchanged") == 3
    assert perms(PRESS_ASSISTANTS) == ASSISTANT
    assert perms(PRESS_SECRETARIES) == SECRETARY
    assert Group.objects.filter(name__in=[PRESS_ASSISTANTS, PRESS_SECRETARIES,
                                          NEWSROOM_ADMINS]).count() == 3  # fmt: skip


def test_migrate_puts_the_groups_back():
    Group.objects.filter(name=PRESS_SECRETARIES).delete()
    Group.objects.get(name=PRESS_ASSISTANTS).permissions.clear()

    call_command("migrate", verbosity=0)

    assert perms(PRESS_SECRETARIES) == SECRETARY
    assert perms(PRESS_ASSISTANTS) == ASSISTANT


# Press assistants write drafts


def test_assistant_creates_a_draft_for_their_senator(as_user, assistant, klobuchar):
    client = as_user(assistant)
    page = client.get(ADD_URL)
    html = page.content.decode()
    assert 'name="status"' not in html  # read-only for them
    assert 'name="published_at_0"' not in html

    response = browser_post(client, ADD_URL, {
        "title": "Klobuchar statement on rural broadband",
        "slug": "klobuchar-statement-on-rural-broadband",
        "body": "Senator Klobuchar **welcomed** the grant.",
        "releasesenator_set-TOTAL_FORMS": "1",
        "releasesenator_set-0-senator": str(klobuchar.pk),
        "releasesenator_set-0-role": "lead",
        "releasesenator_set-0-order": "0",
    })  # fmt: skip

    assert response.status_code == 302, response.context["errors"]
    release = Release.objects.get(slug="klobuchar-statement-on-rural-broadband")
    assert release.status == Release.Status.DRAFT
    assert release.published_at is None
    assert release.created_by == assistant
    assert list(release.senators.all()) == [klobuchar]
    assert release in client.get(CHANGELIST_URL).context["cl"].result_list


def test_assistant_can_edit_their_draft(as_user, assistant, klobuchar_draft):
    client = as_user(assistant)
    response = browser_post(client, change_url(klobuchar_draft), {"title": "A better title"})
    assert response.status_code == 302
    klobuchar_draft.refresh_from_db()
    assert klobuchar_draft.title == "A better title"
    assert klobuchar_draft.status == Release.Status.DRAFT


PUBLISHING = {"status": "published", "published_at_0": "2014-05-16", "published_at_1": "12:00:00"}


@pytest.mark.parametrize(
    "crafted",
    [
        PUBLISHING,
        {"status": "published"},
        {"published_at_0": "2030-01-01", "published_at_1": "10:00:00"},
    ],
    ids=["publish-with-time", "publish-now", "schedule"],
)
def test_assistant_cannot_publish_a_new_release_with_a_crafted_post(
    as_user, assistant, klobuchar, crafted
):
    client = as_user(assistant)
    response = browser_post(client, ADD_URL, {
        "title": "Crafted publication", "slug": "crafted-publication", "body": "Text.",
        "releasesenator_set-TOTAL_FORMS": "1",
        "releasesenator_set-0-senator": str(klobuchar.pk),
        "releasesenator_set-0-role": "lead", "releasesenator_set-0-order": "0",
        **crafted,
    })  # fmt: skip

    assert response.status_code == 200
    assert "You may not publish, schedule or unpublish releases" in response.content.decode()
    assert not Release.objects.filter(slug="crafted-publication").exists()


def test_assistant_cannot_publish_their_draft_with_a_crafted_post(
    as_user, assistant, klobuchar_draft
):
    client = as_user(assistant)
    response = browser_post(
        client, change_url(klobuchar_draft), {"title": "Changed too", **PUBLISHING}
    )

    assert response.status_code == 200
    assert "You may not publish, schedule or unpublish releases" in response.content.decode()
    klobuchar_draft.refresh_from_db()
    assert klobuchar_draft.status == Release.Status.DRAFT
    assert klobuchar_draft.published_at is None
    assert klobuchar_draft.title == "Klobuchar drafts a farm bill statement"  # nothing saved


def offered_actions(client):
    form = client.get(CHANGELIST_URL).context["action_form"]  # None when there is none
    return {name for name, _ in form.fields["action"].choices if name} if form else set()


def test_assistant_is_not_offered_and_cannot_run_the_publishing_actions(
    as_user, assistant, secretary, klobuchar, klobuchar_draft
):
    scheduled = ReleaseFactory(published_at=timezone.now() + timedelta(days=1),
                               senators=[klobuchar])  # fmt: skip
    client = as_user(assistant)
    assert not offered_actions(client) & {"publish_now", "return_to_draft"}

    for action, release in (("publish_now", klobuchar_draft), ("return_to_draft", scheduled)):
        client.post(CHANGELIST_URL, {"action": action, "_selected_action": [release.pk]})
    klobuchar_draft.refresh_from_db()
    scheduled.refresh_from_db()
    assert klobuchar_draft.status == Release.Status.DRAFT
    assert scheduled.status == Release.Status.PUBLISHED

    assert {"publish_now", "return_to_draft"} <= offered_actions(as_user(secretary))


@pytest.mark.parametrize("published_at", [timedelta(days=-1), timedelta(days=1)],
                         ids=["published", "scheduled"])  # fmt: skip
def test_assistant_cannot_edit_a_published_or_scheduled_release(
    as_user, assistant, klobuchar, published_at
):
    release = ReleaseFactory(title="Already out", published_at=timezone.now() + published_at,
                             senators=[klobuchar])  # fmt: skip
    client = as_user(assistant)

    page = client.get(change_url(release))
    assert page.status_code == 200  # they may read it
    assert 'name="_save"' not in page.content.decode()
    assert 'name="title"' not in page.content.decode()

    response = client.post(change_url(release), {"title": "Rewritten", "status": "draft"})
    assert response.status_code == 403
    release.refresh_from_db()
    assert release.title == "Already out"
    assert release.status == Release.Status.PUBLISHED


def test_assistant_autocompletes_senators_and_topics(as_user, assistant, klobuchar):
    TopicFactory(name="Agriculture")
    client = as_user(assistant)
    for model, field, term, expected in (
        ("releasesenator", "senator", "Klob", "Amy Klobuchar (D-MN)"),
        ("release", "topics", "Agri", "Agriculture"),
    ):
        response = client.get("/admin/autocomplete/", {
            "app_label": "releases", "model_name": model, "field_name": field, "term": term,
        })  # fmt: skip
        assert response.status_code == 200
        assert [r["text"] for r in response.json()["results"]] == [expected]


# Press secretaries publish


def test_secretary_publishes_a_draft_now(as_user, secretary, klobuchar_draft):
    before = timezone.now()
    response = browser_post(as_user(secretary), change_url(klobuchar_draft),
                            {"status": "published", "published_at_0": "",
                             "published_at_1": ""})  # fmt: skip

    assert response.status_code == 302
    klobuchar_draft.refresh_from_db()
    assert klobuchar_draft.is_public()
    assert klobuchar_draft.published_at >= before
    assert klobuchar_draft in Release.objects.published()


def test_secretary_schedules_a_draft(as_user, secretary, klobuchar_draft):
    response = browser_post(as_user(secretary), change_url(klobuchar_draft),
                            {"status": "published", "published_at_0": "2099-05-20",
                             "published_at_1": "10:00:00"})  # fmt: skip

    assert response.status_code == 302
    klobuchar_draft.refresh_from_db()
    assert klobuchar_draft.is_embargoed()
    assert timezone.localtime(klobuchar_draft.published_at).hour == 10  # Eastern
    assert klobuchar_draft not in Release.objects.published()


def test_secretary_edits_and_unpublishes_a_published_release(as_user, secretary, klobuchar):
    release = ReleaseFactory(title="Out already", senators=[klobuchar])
    client = as_user(secretary)
    response = browser_post(client, change_url(release), {"title": "Out, corrected"})
    assert response.status_code == 302

    client.post(CHANGELIST_URL, {"action": "return_to_draft", "_selected_action": [release.pk]})
    release.refresh_from_db()
    assert release.title == "Out, corrected"
    assert release.status == Release.Status.DRAFT


# Offices


def listed(client):
    response = client.get(CHANGELIST_URL)
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


def assert_not_shown(client, url, release, method="get", data=None):
    response = getattr(client, method)(url, data or {}, follow=True)
    assert release.title not in response.content.decode()
    for earlier in response.redirect_chain:
        assert earlier[1] == 302
    return response


def test_office_user_sees_only_their_offices_releases(
    as_user, secretary, klobuchar_draft, heitkamp_release, joint_release
):
    assert listed(as_user(secretary)) == {klobuchar_draft, joint_release}


def test_other_offices_release_is_missing_at_its_addresses(as_user, secretary, heitkamp_release):
    client = as_user(secretary)

    response = assert_not_shown(client, change_url(heitkamp_release), heitkamp_release)
    assert response.redirect_chain  # the admin answers as for a deleted release
    assert "doesn’t exist" in response.content.decode()
    assert_not_shown(client, delete_url(heitkamp_release), heitkamp_release)
    assert_not_shown(client, history_url(heitkamp_release), heitkamp_release)
    version = heitkamp_release.history.first()
    if version is not None:
        assert_not_shown(
            client, f"{history_url(heitkamp_release)}{version.history_id}/", heitkamp_release
        )

    assert_not_shown(client, change_url(heitkamp_release), heitkamp_release, "post",
                     {"title": "Hijacked", "status": "draft"})  # fmt: skip
    assert_not_shown(client, delete_url(heitkamp_release), heitkamp_release, "post",
                     {"post": "yes"})  # fmt: skip
    client.post(CHANGELIST_URL, {"action": "publish_now",
                                 "_selected_action": [heitkamp_release.pk]})  # fmt: skip
    client.post(CHANGELIST_URL, {"action": "delete_selected", "post": "yes",
                                 "_selected_action": [heitkamp_release.pk]})  # fmt: skip

    heitkamp_release.refresh_from_db()  # still there
    assert heitkamp_release.title == "Heitkamp office only statement"
    assert heitkamp_release.status == Release.Status.DRAFT


def test_office_user_cannot_preview_another_offices_release(as_user, secretary, heitkamp_release):
    response = as_user(secretary).get(reverse("releases:preview", args=[heitkamp_release.pk]))
    assert response.status_code == 404
    assert heitkamp_release.title not in response.content.decode()


def test_joint_release_is_seen_and_edited_by_every_office_involved(
    as_user, make_staff, secretary, heitkamp, joint_release
):
    heitkamp_secretary = make_staff("heitkamp-secretary", PRESS_SECRETARIES, [heitkamp])
    for user, title in ((secretary, "Joint, edited in MN"), (heitkamp_secretary, "Joint, ND")):
        client = as_user(user)
        assert joint_release in listed(client)
        response = browser_post(client, change_url(joint_release), {"title": title})
        assert response.status_code == 302
        joint_release.refresh_from_db()
        assert joint_release.title == title


def test_newsroom_admin_and_superuser_see_every_office(
    as_user, newsroom_admin, make_staff, klobuchar_draft, heitkamp_release, joint_release
):
    superuser = make_staff("root", is_superuser=True)
    for user in (newsroom_admin, superuser):
        client = as_user(user)
        assert listed(client) == {klobuchar_draft, heitkamp_release, joint_release}
        page = client.get(change_url(heitkamp_release))
        assert page.status_code == 200
        assert 'name="status"' in page.content.decode()  # they publish too


def test_staff_in_no_office_see_no_releases(as_user, make_staff, klobuchar_draft):
    nobody = make_staff("no-office", PRESS_SECRETARIES)
    assert listed(as_user(nobody)) == set()


def senator_filter_choices(client):
    """What the list's senator filter offers as the user types (releases/admin/changelist.py)."""
    response = client.get(f"{CHANGELIST_URL}filter-choices/", {
        "term": "", "app_label": "releases", "model_name": "release", "field_name": "senators",
    })  # fmt: skip
    assert response.status_code == 200
    return [row["text"] for row in response.json()["results"]]


def test_senator_filter_offers_the_users_senators(
    as_user, secretary, newsroom_admin, joint_release, heitkamp_release
):
    assert senator_filter_choices(as_user(secretary)) == ["Amy Klobuchar (D-MN)"]
    assert senator_filter_choices(as_user(newsroom_admin)) == [
        "Heidi Heitkamp (D-ND)", "Amy Klobuchar (D-MN)",
    ]  # fmt: skip


# Issuing senators must include one of the user's offices


def new_release(senators):
    data = {"title": "Office rule", "slug": "office-rule", "body": "Text.",
            "releasesenator_set-TOTAL_FORMS": str(len(senators))}  # fmt: skip
    for i, senator in enumerate(senators):
        data |= {
            f"releasesenator_set-{i}-senator": str(senator.pk),
            f"releasesenator_set-{i}-role": "lead" if i == 0 else "joint",
            f"releasesenator_set-{i}-order": str(i),
        }
    return data


def test_release_of_other_offices_senators_only_is_refused(as_user, assistant, heitkamp):
    response = browser_post(as_user(assistant), ADD_URL, new_release([heitkamp]))

    assert response.status_code == 200
    assert (
        "Include a senator from your office (Amy Klobuchar (D-MN)) among the issuing senators."
        in response.content.decode()
    )
    assert not Release.objects.filter(slug="office-rule").exists()


def test_joint_senator_of_another_office_is_welcome(as_user, assistant, klobuchar, heitkamp):
    # As joint senator only: the lead is the office's own (tests/releases/test_signoffs.py).
    response = browser_post(as_user(assistant), ADD_URL, new_release([klobuchar, heitkamp]))

    assert response.status_code == 302
    release = Release.objects.get(slug="office-rule")
    assert set(release.senators.all()) == {klobuchar, heitkamp}


def test_removing_the_offices_senator_from_a_joint_release_is_refused(
    as_user, secretary, joint_release, klobuchar
):
    rows = list(ReleaseSenator.objects.filter(release=joint_release).order_by("order"))
    mn = next(i for i, row in enumerate(rows) if row.senator == klobuchar)
    response = browser_post(as_user(secretary), change_url(joint_release),
                            {f"releasesenator_set-{mn}-DELETE": "on"})  # fmt: skip

    assert response.status_code == 200
    assert "Include a senator from your office" in response.content.decode()
    assert joint_release.senators.filter(pk=klobuchar.pk).exists()


def test_staff_in_no_office_are_told_to_join_one(as_user, make_staff, klobuchar):
    client = as_user(make_staff("no-office", PRESS_ASSISTANTS))
    response = browser_post(client, ADD_URL, new_release([klobuchar]))
    assert "you are not in any senator" in response.content.decode()
    assert not Release.objects.filter(slug="office-rule").exists()


def test_newsroom_admin_needs_no_office(as_user, newsroom_admin, heitkamp):
    response = browser_post(as_user(newsroom_admin), ADD_URL, new_release([heitkamp]))
    assert response.status_code == 302
    assert Release.objects.filter(slug="office-rule").exists()


# Putting staff in offices


def test_newsroom_admin_puts_a_user_in_an_office(as_user, newsroom_admin, klobuchar):
    staffer = UserFactory(username="new-staffer")
    client = as_user(newsroom_admin)
    url = reverse("admin:auth_user_change", args=[staffer.pk])
    assert "Offices (this user sees and edits" in client.get(url).content.decode()

    found = client.get("/admin/autocomplete/", {
        "app_label": "people", "model_name": "officemembership", "field_name": "senator",
        "term": "Klob",
    }).json()["results"]  # fmt: skip
    assert [r["text"] for r in found] == ["Amy Klobuchar (D-MN)"]

    response = browser_post(client, url, {
        "office_memberships-TOTAL_FORMS": "1",
        "office_memberships-0-senator": found[0]["id"],
        "groups": str(Group.objects.get(name=PRESS_ASSISTANTS).pk),
    })  # fmt: skip

    assert response.status_code == 302
    assert list(
        OfficeMembership.objects.filter(user=staffer).values_list("senator", flat=True)
    ) == [klobuchar.pk]
    staffer.refresh_from_db()
    assert staffer.has_perm("releases.add_release")
    assert not staffer.has_perm("releases.publish_release")
    assert "Klobuchar" in client.get(reverse("admin:auth_user_changelist")).content.decode()


def test_press_secretary_cannot_manage_users(as_user, secretary):
    response = as_user(secretary).get(reverse("admin:auth_user_changelist"))
    assert response.status_code == 403


def test_admin_permissions_refuse_another_offices_release(
    rf, secretary, newsroom_admin, heitkamp_release, klobuchar_draft
):
    """Views that look a release up themselves (simple-history's versions) ask these."""
    release_admin = admin.site.get_model_admin(Release)
    request = rf.get("/admin/")
    request.user = secretary
    for check in ("has_view_permission", "has_change_permission", "has_delete_permission"):
        assert getattr(release_admin, check)(request, klobuchar_draft)
        assert not getattr(release_admin, check)(request, heitkamp_release)
    request.user = newsroom_admin
    assert release_admin.has_change_permission(request, heitkamp_release)


# Pasting a release


PASTE_URL = "/admin/releases/release/paste/"
PASTED = """Klobuchar Statement on Rural Broadband

WASHINGTON, D.C. – U.S. Senator Amy Klobuchar today welcomed a rural broadband grant.

"This grant connects Minnesota's farms," Klobuchar said.

###
"""


def test_pasted_release_must_be_one_of_the_users_offices(
    as_user, make_staff, assistant, klobuchar, heitkamp
):
    paste = {"text": PASTED, "date": "2014-05-16"}
    other_office = as_user(make_staff("nd-assistant", PRESS_ASSISTANTS, [heitkamp]))
    response = other_office.post(PASTE_URL, paste)
    assert response.status_code == 200
    assert "Include a senator from your office (Heidi Heitkamp (D-ND))" in (
        response.content.decode()
    )
    assert not Release.objects.exists()

    response = as_user(assistant).post(PASTE_URL, paste)
    release = Release.objects.get()
    assert response.status_code == 302
    assert list(release.senators.all()) == [klobuchar]
    Release.objects.filter(pk=release.pk).update(title="Edited by the MN office")

    # The same text again, from another office, does not touch Minnesota's draft, and is
    # answered exactly as a text never seen: nothing says Minnesota's draft exists.
    response = as_user(make_staff("nd-mn-assistant", PRESS_ASSISTANTS, [heitkamp])).post(
        PASTE_URL, paste
    )
    page = response.content.decode()
    assert "Include a senator from your office (Heidi Heitkamp (D-ND))" in page
    assert "another senator" not in page and "Edited by the MN office" not in page
    release.refresh_from_db()
    assert release.title == "Edited by the MN office"


def test_secretary_deletes_a_release_and_assistant_cannot(
    as_user, assistant, secretary, klobuchar_draft
):
    response = as_user(assistant).post(delete_url(klobuchar_draft), {"post": "yes"})
    assert response.status_code == 403
    assert Release.objects.filter(pk=klobuchar_draft.pk).exists()

    response = as_user(secretary).post(delete_url(klobuchar_draft), {"post": "yes"})
    assert response.status_code == 302
    assert not Release.objects.filter(pk=klobuchar_draft.pk).exists()
