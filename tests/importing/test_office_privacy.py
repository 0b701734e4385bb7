"""Security review, item 12: what an office's staff may do and learn through *Paste a release*
and the release form's address.

A press assistant may not set a publication time, and the paste must not let them; no one
learns from the paste or the slug that another office's release exists.
"""

from datetime import datetime

import pytest

from core.eastern import EASTERN
from releases.models import FormerSlug, Release, ReleaseSenator
from staff.roles import PRESS_ASSISTANTS, PRESS_SECRETARIES
from tests.support.admin_forms import quotes_formset, release_form, senators_formset
from tests.support.factories import LegislationFactory, ReleaseFactory, staff_member

pytestmark = pytest.mark.django_db

PASTE_URL = "/admin/releases/release/paste/"
ADD_URL = "/admin/releases/release/add/"

UNDATED = """Klobuchar Backs the Trafficking Bill

WASHINGTON, D.C. – U.S. Senator Amy Klobuchar today backed S. 1733 in committee.

"We have to treat these children as victims," Klobuchar said.

###
"""
DATED = "May 16, 2014\n\n" + UNDATED
JOINT = """Klobuchar, Heitkamp Back the Trafficking Bill

WASHINGTON, D.C. – U.S. Senators Amy Klobuchar and Heidi Heitkamp today backed S. 1733.

"We have to treat these children as victims," Klobuchar said.

###
"""


staff = staff_member


def logged_in(client, user):
    client.force_login(user)
    return client


def post(client, url, data):
    """Post and follow the redirect: (where it led, the messages that page showed)."""
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    where = response.redirect_chain[-1][0] if response.redirect_chain else url
    return where, [str(m) for m in response.context["messages"]]


@pytest.fixture
def bills():
    """S. 1733 in two Congresses: the date tells which one the text means."""
    return {
        congress: LegislationFactory(bill_type="s", number=1733, congress=congress)
        for congress in (113, 118)
    }


# The date of a paste


@pytest.mark.parametrize("text, form", [(UNDATED, {"date": "2014-05-16"}), (DATED, {})])
def test_an_assistants_paste_sets_no_publication_time(client, klobuchar, bills, text, form):
    assistant = staff("mn-assistant", PRESS_ASSISTANTS, [klobuchar])

    where, messages = post(logged_in(client, assistant), PASTE_URL, {"text": text, **form})

    release = Release.objects.get()
    assert where == f"/admin/releases/release/{release.pk}/change/"
    assert release.published_at is None  # a press secretary's to set
    # The date still says which Congress "S. 1733" is.
    assert list(release.legislation.all()) == [bills[113]]
    assert (
        "Note: the date it gives (May 16, 2014) tells its bills' Congress; the publication "
        "time is a press secretary's to set." in messages
    )


def test_a_secretarys_paste_dates_the_draft(client, klobuchar, bills):
    secretary = staff("mn-secretary", PRESS_SECRETARIES, [klobuchar])

    post(logged_in(client, secretary), PASTE_URL, {"text": UNDATED, "date": "2014-05-16"})

    release = Release.objects.get()
    assert release.published_at == datetime(2014, 5, 16, 12, tzinfo=EASTERN)
    assert list(release.legislation.all()) == [bills[113]]


def test_an_assistants_paste_keeps_the_time_a_secretary_set(client, klobuchar, bills):
    secretary = staff("mn-secretary", PRESS_SECRETARIES, [klobuchar])
    assistant = staff("mn-assistant", PRESS_ASSISTANTS, [klobuchar])
    post(logged_in(client, secretary), PASTE_URL, {"text": UNDATED, "date": "2014-05-16"})

    # The same text, another date (in the same Congress): it finds the draft, time and all.
    _, messages = post(
        logged_in(client, assistant), PASTE_URL, {"text": UNDATED, "date": "2014-06-02"}
    )

    release = Release.objects.get()
    assert messages[0].startswith("Found the draft")
    assert release.published_at == datetime(2014, 5, 16, 12, tzinfo=EASTERN)


# Another office's draft, pasted again


def test_a_text_another_office_pasted_makes_a_new_draft(client, klobuchar, heitkamp):
    mn = staff("mn-assistant", PRESS_ASSISTANTS, [klobuchar])
    nd = staff("nd-assistant", PRESS_ASSISTANTS, [heitkamp])
    post(logged_in(client, mn), PASTE_URL, {"text": JOINT})
    theirs = Release.objects.get()
    # Minnesota takes Heitkamp off its draft: North Dakota no longer sees it.
    ReleaseSenator.objects.filter(release=theirs, senator=heitkamp).delete()
    Release.objects.filter(pk=theirs.pk).update(title="Minnesota's working title")

    where, messages = post(logged_in(client, nd), PASTE_URL, {"text": JOINT})

    # Answered as a text never seen: a new draft, with no word of Minnesota's.
    mine = Release.objects.exclude(pk=theirs.pk).get()
    assert where == f"/admin/releases/release/{mine.pk}/change/"
    assert messages == [
        "Created the draft: 2 senator(s), 1 quote(s), 0 bill(s), 0 organization(s). "
        "Check it before publishing.",
        "Note: S. 1733 is cited but not in the database.",
    ]
    assert [r.senator for r in mine.releasesenator_set.order_by("order")] == [klobuchar, heitkamp]
    theirs.refresh_from_db()
    assert theirs.title == "Minnesota's working title"
    assert list(theirs.senators.all()) == [klobuchar]

    # Pasting it again finds North Dakota's own draft, not a third one.
    where, messages = post(client, PASTE_URL, {"text": JOINT})
    assert where == f"/admin/releases/release/{mine.pk}/change/"
    assert messages[0].startswith("Found the draft")
    assert Release.objects.count() == 2


def test_a_joint_draft_the_office_sees_is_found_not_duplicated(client, klobuchar, heitkamp):
    post(logged_in(client, staff("mn-assistant", PRESS_ASSISTANTS, [klobuchar])), PASTE_URL,
         {"text": JOINT})  # fmt: skip
    joint = Release.objects.get()

    nd = logged_in(client, staff("nd-assistant", PRESS_ASSISTANTS, [heitkamp]))
    where, messages = post(nd, PASTE_URL, {"text": JOINT})

    assert where == f"/admin/releases/release/{joint.pk}/change/"
    assert messages[0].startswith("Found the draft")
    assert Release.objects.count() == 1


# The release form's address


def add_data(senator, slug):
    data = {
        **release_form(slug=slug, status=Release.Status.DRAFT),
        **senators_formset([{"senator": senator.pk, "role": "lead", "order": "0"}]),
        **quotes_formset([]),
    }
    del data["published_at_0"], data["published_at_1"]  # not on an assistant's form
    return data


@pytest.fixture
def nd_draft(heitkamp):
    return ReleaseFactory(
        title="Heitkamp to endorse a candidate", slug="heitkamp-to-endorse-a-candidate",
        status=Release.Status.DRAFT, published_at=None, senators=[heitkamp],
    )  # fmt: skip


def test_a_slug_another_offices_draft_holds_gets_a_free_one(client, klobuchar, nd_draft):
    assistant = staff("mn-assistant", PRESS_ASSISTANTS, [klobuchar])

    where, messages = post(
        logged_in(client, assistant), ADD_URL, add_data(klobuchar, nd_draft.slug)
    )

    added = Release.objects.exclude(pk=nd_draft.pk).get()
    assert where == "/admin/releases/release/"
    assert added.slug == "heitkamp-to-endorse-a-candidate-2"
    assert (
        "The address “heitkamp-to-endorse-a-candidate” is not available, so this release has "
        "“heitkamp-to-endorse-a-candidate-2”. Change the slug if you want another." in messages
    )
    assert not any("exist" in m for m in messages)


def test_another_offices_former_slug_gets_a_free_one_too(client, klobuchar, nd_draft):
    FormerSlug.objects.create(release=nd_draft, slug="heitkamp-plans")
    assistant = staff("mn-assistant", PRESS_ASSISTANTS, [klobuchar])

    post(logged_in(client, assistant), ADD_URL, add_data(klobuchar, "heitkamp-plans"))

    assert Release.objects.exclude(pk=nd_draft.pk).get().slug == "heitkamp-plans-2"


def test_a_slug_the_office_can_see_is_still_an_error(client, klobuchar):
    ReleaseFactory(slug="klobuchar-farm-bill", status=Release.Status.DRAFT, published_at=None,
                   senators=[klobuchar])  # fmt: skip
    assistant = staff("mn-assistant", PRESS_ASSISTANTS, [klobuchar])

    response = logged_in(client, assistant).post(
        ADD_URL, add_data(klobuchar, "klobuchar-farm-bill")
    )

    assert response.status_code == 200
    assert "Release with this Slug already exists." in response.content.decode()
    assert Release.objects.count() == 1
