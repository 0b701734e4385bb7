"""Press contacts and lists in the admin, each office's own, and the CSV import."""

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from distribution.models import PressContact, PressList
from distribution.services import NotCSV, contacts_import
from tests.distribution.conftest import contact, press_list

pytestmark = pytest.mark.django_db

CONTACTS = "/admin/distribution/presscontact/"
LISTS = "/admin/distribution/presslist/"
IMPORT = "/admin/distribution/presscontact/import/"


def words(response):
    text = re.sub(r"<[^>]+>", "", response.content.decode())
    return html.unescape(re.sub(r"\s+", " ", text))


@pytest.fixture
def theirs(heitkamp):
    """Heitkamp's office's contact and list, which Klobuchar's office never sees."""
    bo = contact(heitkamp, "Bo Lund", "bo@inforum.example", "Forum of Fargo-Moorhead")
    return {"contact": bo, "list": press_list(heitkamp, "North Dakota press", [bo])}


# Offices


def test_staff_see_their_offices_contacts_only(client, assistant, reporters, theirs):
    client.force_login(assistant)
    shown = words(client.get(CONTACTS))
    assert "Jane Doe" in shown and "Raj Patel" in shown
    assert "Bo Lund" not in shown
    assert "Unsubscribed" in shown  # Lee Moe, marked as such

    change = reverse("admin:distribution_presscontact_change", args=[theirs["contact"].pk])
    response = client.get(change)
    assert response.status_code == 302  # as for a contact that does not exist
    assert "Bo Lund" not in words(client.get(response["Location"]))
    assert "North Dakota press" not in words(client.get(LISTS))


def test_another_offices_contacts_are_missing_from_the_autocomplete(
    client, assistant, reporters, theirs
):
    client.force_login(assistant)
    found = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "distribution", "model_name": "presslist", "field_name": "contacts",
         "term": ""},
    ).json()  # fmt: skip
    names = {row["text"] for row in found["results"]}
    assert names == {"Jane Doe (Star Tribune)", "Raj Patel (Pioneer Press)", "Lee Moe (MPR News)"}


def test_the_office_field_offers_only_the_users_offices_and_picks_their_one(
    client, assistant, klobuchar, heitkamp
):
    client.force_login(assistant)
    form = client.get(CONTACTS + "add/").context["adminform"].form
    assert list(form.fields["office"].queryset) == [klobuchar]
    assert form.initial["office"] == klobuchar.pk

    response = client.post(CONTACTS + "add/", {
        "office": heitkamp.pk, "name": "Bo", "email": "bo@example.com",
    })  # fmt: skip
    assert response.status_code == 200
    assert "Select a valid choice" in words(response)
    assert not PressContact.objects.filter(email="bo@example.com").exists()


def test_an_email_is_kept_in_lower_case_and_once_per_office(
    client, assistant, klobuchar, reporters
):
    client.force_login(assistant)
    response = client.post(CONTACTS + "add/", {
        "office": klobuchar.pk, "name": "Ana Ruiz", "email": "  Ana@KSTP.example ",
        "lists": [reporters["list"].pk],
    })  # fmt: skip
    assert response.status_code == 302
    ana = PressContact.objects.get(name="Ana Ruiz")
    assert ana.email == "ana@kstp.example"
    assert ana.created_by.username == "sam"
    assert list(ana.lists.all()) == [reporters["list"]]

    again = client.post(CONTACTS + "add/", {
        "office": klobuchar.pk, "name": "Jane", "email": "JANE.DOE@startribune.example",
    })  # fmt: skip
    assert "This office already has a contact with this email address." in words(again)
    with pytest.raises(IntegrityError), transaction.atomic():
        PressContact.objects.create(office=klobuchar, name="Shout", email="LOUD@example.com")


def test_a_list_holds_its_own_offices_contacts_only(client, assistant, klobuchar, theirs):
    client.force_login(assistant)
    response = client.post(LISTS + "add/", {
        "office": klobuchar.pk, "name": "Everyone", "contacts": [theirs["contact"].pk],
    })  # fmt: skip
    assert response.status_code == 200  # another office's contact is no choice here
    assert not PressList.objects.filter(name="Everyone").exists()

    duplicate = client.post(LISTS + "add/", {"office": klobuchar.pk, "name": "ND press"})
    assert duplicate.status_code == 302
    again = client.post(LISTS + "add/", {"office": klobuchar.pk, "name": "nd PRESS"})
    assert "This office already has a list with this name." in words(again)


def test_newsroom_admins_see_every_office(client, newsroom_admin, reporters, theirs):
    client.force_login(newsroom_admin)
    shown = words(client.get(CONTACTS))
    assert "Jane Doe" in shown and "Bo Lund" in shown


def test_assistants_keep_contacts_but_only_secretaries_delete_them(
    client, assistant, secretary, klobuchar
):
    ana = contact(klobuchar, "Ana Ruiz", "ana@kstp.example")
    delete = reverse("admin:distribution_presscontact_delete", args=[ana.pk])
    client.force_login(assistant)
    assert client.get(delete).status_code == 403
    client.force_login(secretary)
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not PressContact.objects.filter(pk=ana.pk).exists()


def test_staff_unsubscribe_a_contact_who_asked(client, assistant, reporters):
    client.force_login(assistant)
    client.post(CONTACTS, {"action": "unsubscribe_selected",
                           "_selected_action": [reporters["raj"].pk]})  # fmt: skip
    reporters["raj"].refresh_from_db()
    assert reporters["raj"].is_unsubscribed()
    assert reporters["raj"].unsubscribed_via == PressContact.Via.STAFF


# The CSV import

CSV = (
    "Name,Outlet,Email,Beats,Lists,Phone\n"
    "Jane Doe,Star Tribune,JANE.DOE@startribune.example,courts,Minnesota dailies\n"  # known
    "Raj Patel,St. Paul Pioneer Press,raj@pioneerpress.example,,Minnesota dailies; Farm press\n"
    'Ana Ruiz,KSTP,ana@kstp.example,"agriculture, trade",Farm press\n'
    ",No Name Weekly,nobody@example.com,,\n"
    "Bad Address,Somewhere,not-an-email,,\n"
    "Ana Again,KSTP,Ana@kstp.example,,\n"
    "\n"
    "Lee Moe,MPR News,lee@mpr.example,,\n"
)


def upload(data, name="contacts.csv"):
    return SimpleUploadedFile(name, data if isinstance(data, bytes) else data.encode(),
                              content_type="text/csv")  # fmt: skip


def test_the_import_reports_every_row_and_stores_the_good_ones(
    client, assistant, klobuchar, reporters
):
    client.force_login(assistant)
    assert "Import from CSV" in words(client.get(CONTACTS))
    response = client.post(IMPORT, {"office": klobuchar.pk, "file": upload(CSV)})
    assert response.status_code == 200
    report = response.context["report"]
    outcomes = [(row.line, row.outcome) for row in report.rows]
    assert outcomes == [
        (2, "updated"), (3, "updated"), (4, "created"), (5, "skipped"), (6, "skipped"),
        (7, "skipped"), (9, "unchanged"),
    ]  # fmt: skip
    reasons = {row.line: "; ".join(row.details) for row in report.rows}
    assert reasons[2] == "changed: beats"
    assert reasons[3] == "changed: outlet; added to Farm press"
    assert reasons[5] == "no name"
    assert reasons[6] == "“not-an-email” is not an email address"
    assert reasons[7] == "the same email address as line 4; only that one is imported"
    assert reasons[9] == "unsubscribed on May 19, 2014, 9:00 a.m. EDT: stays unsubscribed"
    assert report.new_lists == ["Farm press"] and report.ignored_columns == ["phone"]

    shown = words(response)
    assert "1 new 2 updated 1 unchanged 3 skipped" in shown
    assert "New list: Farm press · Columns not read: phone" in shown

    ana = PressContact.objects.get(email="ana@kstp.example")
    assert (ana.name, ana.outlet, ana.beats, ana.office) == (
        "Ana Ruiz", "KSTP", "agriculture, trade", klobuchar,
    )  # fmt: skip
    assert sorted(pl.name for pl in reporters["raj"].lists.all()) == [
        "Farm press", "Minnesota dailies",
    ]  # fmt: skip
    reporters["raj"].refresh_from_db()
    assert reporters["raj"].beats == ""  # a blank cell leaves it as it was
    assert not PressContact.objects.filter(email__in=["nobody@example.com", "not-an-email"])
    assert PressContact.objects.get(email="lee@mpr.example").is_unsubscribed()


def test_checking_a_file_imports_nothing(client, assistant, klobuchar, reporters):
    client.force_login(assistant)
    response = client.post(IMPORT, {"office": klobuchar.pk, "file": upload(CSV),
                                    "dry_run": "on"})  # fmt: skip
    assert response.context["report"].counts == {
        "created": 1, "updated": 2, "unchanged": 1, "skipped": 3,
    }  # fmt: skip
    assert "What the import would do (nothing was imported)" in words(response)
    assert not PressContact.objects.filter(email="ana@kstp.example").exists()
    assert not PressList.objects.filter(name="Farm press").exists()


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV file (it holds binary data)"),
        (b"", "The submitted file is empty."),
        (b" \n\n", "The file is empty."),
        (b"first,last,phone\nJane,Doe,555\n", "it has no name or email column"),
        (b'name,email\n"Jane,jane@example.com\n', "could not be read as CSV"),
    ],
)
def test_a_file_that_is_not_a_csv_of_contacts_is_refused_whole(
    client, assistant, klobuchar, data, says
):
    client.force_login(assistant)
    response = client.post(IMPORT, {"office": klobuchar.pk, "file": upload(data)})
    assert response.status_code == 200
    assert says in words(response)
    assert response.context["report"] is None
    assert not PressContact.objects.exists()


def test_a_spreadsheets_own_csv_is_read(klobuchar, assistant):
    """Excel on Windows writes Windows-1252 and, in some countries, semicolons."""
    data = "name;email;outlet\nJosé Núñez;jose@example.com;La Prensa\n".encode("cp1252")
    report = contacts_import(office=klobuchar, data=data, by=assistant)
    assert report.counts["created"] == 1
    assert PressContact.objects.get().name == "José Núñez"
    with pytest.raises(NotCSV):
        contacts_import(office=klobuchar, data=b"\x00\x01", by=assistant)


def test_the_import_is_for_the_users_offices_only(client, assistant, heitkamp):
    client.force_login(assistant)
    response = client.post(IMPORT, {"office": heitkamp.pk, "file": upload(CSV)})
    assert "Select a valid choice" in words(response)
    assert not PressContact.objects.exists()
