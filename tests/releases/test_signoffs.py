"""One office may not speak for another's senator (security review, issue 12 item 4).

Senator Klobuchar's office (A) and Senator Heitkamp's office (B) both have staff in the
newsroom. A's staff lead their own releases only, may quote only senators who issue the
release, and may name Heitkamp as a joint senator; the release then waits for the sign-off
of a press secretary of B's office before it can be published or scheduled, by any path.
"""

import html
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from releases.models import Quote, Release, ReleaseSenator, SignOff
from releases.selectors import release_may_go_public
from releases.services import (
    release_publish,
    signoff_give,
    signoff_refuse,
    signoffs_sync,
)
from staff.roles import NEWSROOM_ADMINS, PRESS_ASSISTANTS, PRESS_SECRETARIES
from tests.support.admin_forms import quotes_formset, senators_formset
from tests.support.factories import (
    QuoteFactory,
    ReleaseFactory,
    TopicFactory,
    staff_member,
)

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/releases/release/add/"
CHANGELIST_URL = "/admin/releases/release/"
WAITING = "Waiting for the sign-off of Heidi Heitkamp (D-ND)'s office."


def change_url(release):
    return reverse("admin:releases_release_change", args=[release.pk])


def decision_url(signoff, decision):
    return reverse(
        "admin:releases_release_signoff", args=[signoff.release_id, signoff.pk, decision]
    )


def text(response):
    return html.unescape(response.content.decode())


def shown_messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# Staff of the two offices


@pytest.fixture
def make_staff():
    return staff_member


@pytest.fixture
def a_assistant(make_staff, klobuchar):
    return make_staff("a-assistant", PRESS_ASSISTANTS, [klobuchar])


@pytest.fixture
def a_secretary(make_staff, klobuchar):
    return make_staff("a-secretary", PRESS_SECRETARIES, [klobuchar])


@pytest.fixture
def b_secretary(make_staff, heitkamp):
    return make_staff("b-secretary", PRESS_SECRETARIES, [heitkamp])


@pytest.fixture
def b_assistant(make_staff, heitkamp):
    return make_staff("b-assistant", PRESS_ASSISTANTS, [heitkamp])


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


# What the release form posts


def new_release(issuers, quotes=(), slug="joint-statement"):
    """The add form as an assistant posts it: no status or time (read-only for them)."""
    return {
        "title": "Klobuchar, Heitkamp on trafficking", "slug": slug, "highlights": "",
        "dateline": "Washington, DC", "body": "The senators spoke today.",
        "lead_image_alt": "", "lead_image_caption": "",
        **senators_formset([
            {"senator": senator.pk, "role": role, "order": str(i)}
            for i, (senator, role) in enumerate(issuers)
        ]),
        **quotes_formset([
            {"senator": senator.pk, "text": words, "order": str(i)}
            for i, (senator, words) in enumerate(quotes)
        ]),
    }  # fmt: skip


def change_data(release, *, publisher=True, **fields):
    """The change form of `release` as stored, as a browser posts it, with `fields` on top.

    Staff who may not publish do not post the status and time (read-only for them)."""
    release.refresh_from_db()
    issuers = list(release.releasesenator_set.order_by("order"))
    quotes = list(release.quotes.all())
    data = {
        "title": release.title, "slug": release.slug, "highlights": release.highlights,
        "dateline": release.dateline, "body": release.body,
        "topics": [t.pk for t in release.topics.all()],
        "lead_image_alt": "", "lead_image_caption": "",
        "opened_version": release.updated_at.isoformat(),
        **senators_formset([
            {"id": r.pk, "release": release.pk, "senator": r.senator_id, "role": r.role,
             "order": str(r.order)}
            for r in issuers
        ], initial=len(issuers)),
        **quotes_formset([
            {"id": q.pk, "release": release.pk, "senator": q.senator_id or "",
             "speaker_name": q.speaker_name, "text": q.text, "order": str(q.order)}
            for q in quotes
        ], initial=len(quotes)),
    }  # fmt: skip
    if publisher:
        local = timezone.localtime(release.published_at) if release.published_at else None
        data |= {
            "status": release.status,
            "published_at_0": f"{local:%Y-%m-%d}" if local else "",
            "published_at_1": f"{local:%H:%M:%S}" if local else "",
        }
    data.update(fields)
    return data


def publish_form(release, **fields):
    return change_data(release, status="published", published_at_0="", published_at_1="",
                       **fields)  # fmt: skip


@pytest.fixture
def joint_draft(klobuchar, heitkamp, a_assistant, b_secretary):
    """Klobuchar's draft, Heitkamp joining and quoted, written by A's assistant in the admin
    (B's office has staff, so it is asked)."""
    response = logged_in(a_assistant).post(ADD_URL, new_release(
        [(klobuchar, "lead"), (heitkamp, "joint")],
        quotes=[(klobuchar, "We act today."), (heitkamp, "North Dakota stands with us.")],
    ))  # fmt: skip
    assert response.status_code == 302, text(response)[-2000:]
    return Release.objects.get(slug="joint-statement")


def reloaded(signoff):
    return SignOff.objects.get(pk=signoff.pk)


# The attack, end to end through the admin


def test_one_office_cannot_speak_for_anothers_senator_without_its_sign_off(
    klobuchar, heitkamp, a_assistant, a_secretary, b_secretary, committed
):
    assistant = logged_in(a_assistant)

    # Heitkamp as the lead: refused, nothing stored.
    response = assistant.post(ADD_URL, new_release([(heitkamp, "lead"), (klobuchar, "joint")]))
    assert response.status_code == 200
    assert (
        "The lead senator must be from your office (Amy Klobuchar (D-MN)): a release may not "
        "be issued in another office's name. Make Heidi Heitkamp (D-ND) a joint senator"
        in text(response)
    )
    # Heitkamp quoted without issuing it: refused.
    response = assistant.post(ADD_URL, new_release(
        [(klobuchar, "lead")], quotes=[(heitkamp, "Words she never said.")]
    ))  # fmt: skip
    assert response.status_code == 200
    assert (
        "Heidi Heitkamp (D-ND) is quoted but does not issue this release. Add them under "
        "“Issuing senators”" in text(response)
    )
    assert not Release.objects.exists()
    assert not Quote.objects.exists()

    # Heitkamp joining: saved as a draft, her office asked.
    response = assistant.post(ADD_URL, new_release(
        [(klobuchar, "lead"), (heitkamp, "joint")],
        quotes=[(heitkamp, "North Dakota stands with us.")],
    ))  # fmt: skip
    assert response.status_code == 302
    release = Release.objects.get()
    assert release.is_draft()
    signoff = SignOff.objects.get()
    assert (signoff.release, signoff.senator, signoff.state) == (release, heitkamp, "pending")
    assert signoff.requested_by == a_assistant

    # A's secretary cannot publish it: not with the form, not with the list's action.
    secretary = logged_in(a_secretary)
    response = secretary.post(change_url(release), publish_form(release))
    assert response.status_code == 200
    assert "This release can't be published or scheduled yet." in text(response)
    assert WAITING in text(response)
    assert response.context["adminform"].form.non_field_errors()  # a form error, at the top
    response = secretary.post(
        CHANGELIST_URL, {"action": "publish_now", "_selected_action": [release.pk]}, follow=True
    )
    assert "Published 0 release(s)." in shown_messages(response)
    assert f"Not published (1): “{release.title}”: {WAITING}" in shown_messages(response)
    release.refresh_from_db()
    assert release.is_draft()

    # B's secretary finds it waiting on their office, reads it, and signs off.
    b_client = logged_in(b_secretary)
    listed = b_client.get(CHANGELIST_URL, {"signoff": "mine"}).context["cl"].result_list
    assert list(listed) == [release]
    page = text(b_client.get(change_url(release)))
    assert "Sign-offs" in page and "Give sign-off" in page
    assert "Waiting for your office's sign-off: read the release below, then give" in page
    assert "Give sign-off" not in text(secretary.get(change_url(release)))  # not A's to give
    response = b_client.post(decision_url(signoff, "give"), {"note": "Fine by us."}, follow=True)
    assert "Heidi Heitkamp (D-ND)'s office has signed off on" in shown_messages(response)[0]
    signoff = reloaded(signoff)
    assert (signoff.state, signoff.decided_by, signoff.note) == (
        "given",
        b_secretary,
        "Fine by us.",
    )
    assert not b_client.get(CHANGELIST_URL, {"signoff": "mine"}).context["cl"].result_list

    # Now A's secretary publishes, and it is on Heitkamp's page, her quotes and the API.
    with committed():
        response = secretary.post(change_url(release), publish_form(release))
    assert response.status_code == 302
    release.refresh_from_db()
    assert release.is_public()
    reader = Client()
    assert release.title in text(reader.get(reverse("releases:senator", args=["heidi-heitkamp"])))
    assert "North Dakota stands with us." in text(reader.get("/quotes/?senator=heidi-heitkamp"))
    api = reader.get("/api/v1/releases/", {"senator": "heidi-heitkamp"}).json()
    assert [r["title"] for r in api["results"]] == [release.title]


def test_joint_office_staff_still_edit_a_release_another_office_leads(
    joint_draft, make_staff, heitkamp, b_assistant
):
    # B's assistant changes the title of A's release: the lead is not theirs, but not new.
    response = logged_in(b_assistant).post(
        change_url(joint_draft), change_data(joint_draft, publisher=False, title="Edited in ND")
    )
    assert response.status_code == 302
    joint_draft.refresh_from_db()
    assert joint_draft.title == "Edited in ND"


def test_a_quoted_senator_taken_off_the_issuers_is_refused(joint_draft, a_assistant, heitkamp):
    data = change_data(joint_draft, publisher=False, **{"releasesenator_set-1-DELETE": "on"})
    response = logged_in(a_assistant).post(change_url(joint_draft), data)
    assert response.status_code == 200
    assert "Heidi Heitkamp (D-ND) is quoted but does not issue this release." in text(response)
    assert joint_draft.senators.filter(pk=heitkamp.pk).exists()


# Refusing, and asking again


def test_a_refusal_holds_the_release_with_the_note_until_the_words_change(
    joint_draft, a_assistant, a_secretary, b_secretary
):
    signoff = joint_draft.signoffs.get()
    b_client = logged_in(b_secretary)

    response = b_client.post(decision_url(signoff, "refuse"), {"note": "  "}, follow=True)
    assert shown_messages(response) == [
        "Say why you refuse in the note, so the other office knows what to change. "
        "Nothing was saved."
    ]
    assert reloaded(signoff).is_pending()

    b_client.post(decision_url(signoff, "refuse"), {"note": "She never said that."})
    signoff = reloaded(signoff)
    assert (signoff.state, signoff.decided_by) == ("refused", b_secretary)
    refused = (
        "Heidi Heitkamp (D-ND)'s office refused: “She never said that.”. Remove Heidi Heitkamp "
        "(D-ND) from the issuing senators, or change the release and ask again."
    )
    with pytest.raises(ValidationError) as raised:
        release_publish(release=joint_draft, by=a_secretary)
    assert raised.value.messages == [refused]
    page = logged_in(a_secretary).get(change_url(joint_draft))
    assert refused in text(page) and "Ask Heitkamp's office again" in text(page)

    # A's assistant rewrites the quote: her office is asked again, about the new words.
    data = change_data(joint_draft, publisher=False, **{"quotes-1-text": "We stand together."})
    assert logged_in(a_assistant).post(change_url(joint_draft), data).status_code == 302
    signoff = reloaded(signoff)
    assert (signoff.state, signoff.requested_by, signoff.note) == ("pending", a_assistant, "")


def test_asking_again_after_a_refusal_with_the_words_unchanged(
    joint_draft, a_secretary, b_secretary
):
    signoff = joint_draft.signoffs.get()
    signoff_refuse(signoff=signoff, by=b_secretary, note="Not this week.")
    response = logged_in(a_secretary).post(decision_url(signoff, "ask-again"), follow=True)
    assert shown_messages(response) == ["Asked Heidi Heitkamp (D-ND)'s office again to sign off."]
    assert reloaded(signoff).is_pending()


# Who may decide


def test_only_a_press_secretary_of_the_joint_office_decides(
    joint_draft, a_secretary, b_assistant, make_staff, heitkamp
):
    signoff = joint_draft.signoffs.get()
    refusal = (
        "Only a press secretary of Heidi Heitkamp (D-ND)'s office can give or refuse its sign-off."
    )
    for user in (a_secretary, b_assistant):  # the other office; the right office, cannot publish
        client = logged_in(user)
        response = client.post(decision_url(signoff, "give"), follow=True)
        assert shown_messages(response) == [refusal]
        assert client.get(decision_url(signoff, "give")).status_code == 405
        with pytest.raises(PermissionDenied, match="Only a press secretary"):
            signoff_give(signoff=signoff, by=user)
    # Staff in no office do not even see the release.
    nobody = make_staff("no-office", PRESS_SECRETARIES)
    response = logged_in(nobody).post(decision_url(signoff, "refuse"), {"note": "No."}, follow=True)
    assert "doesn’t exist" in text(response)
    with pytest.raises(PermissionDenied):
        signoff_refuse(signoff=signoff, by=nobody, note="No.")
    assert reloaded(signoff).is_pending()
    assert reloaded(signoff).decided_by is None


# The issuing senators and the words


def test_the_sign_off_goes_when_the_joint_senator_does(joint_draft, a_assistant, a_secretary):
    data = change_data(joint_draft, publisher=False, **{
        "releasesenator_set-1-DELETE": "on", "quotes-1-DELETE": "on",
    })  # fmt: skip
    assert logged_in(a_assistant).post(change_url(joint_draft), data).status_code == 302
    assert not SignOff.objects.exists()
    release_publish(release=joint_draft, by=a_secretary)
    assert joint_draft.is_public()


def test_changed_words_put_a_given_sign_off_back_to_waiting(
    joint_draft, a_assistant, a_secretary, b_secretary
):
    signoff = signoff_give(signoff=joint_draft.signoffs.get(), by=b_secretary)
    assert release_may_go_public(joint_draft)

    # A change in whitespace or in the quotes' order is no change of words.
    quote_orders = {"quotes-0-order": "1", "quotes-1-order": "0"}
    data = change_data(joint_draft, publisher=False, body="The senators  spoke\r\ntoday.",
                       **quote_orders)  # fmt: skip
    assert logged_in(a_assistant).post(change_url(joint_draft), data).status_code == 302
    assert reloaded(signoff).is_given()

    data = change_data(joint_draft, publisher=False, body="The senators agreed to everything.")
    assert logged_in(a_assistant).post(change_url(joint_draft), data).status_code == 302
    assert reloaded(signoff).is_pending()
    with pytest.raises(ValidationError, match="Waiting for the sign-off"):
        release_publish(release=joint_draft, by=a_secretary)


def test_the_joint_offices_own_edit_keeps_its_sign_off(joint_draft, b_secretary):
    signoff = signoff_give(signoff=joint_draft.signoffs.get(), by=b_secretary)
    data = change_data(joint_draft, body="Edited by North Dakota.")
    assert logged_in(b_secretary).post(change_url(joint_draft), data).status_code == 302
    signoff = reloaded(signoff)
    assert signoff.is_given()
    assert release_may_go_public(joint_draft)


def test_a_published_joint_release_keeps_the_words_its_offices_agreed_to(
    joint_draft, a_secretary, b_secretary, klobuchar
):
    signoff_give(signoff=joint_draft.signoffs.get(), by=b_secretary)
    release_publish(release=joint_draft, by=a_secretary)
    client = logged_in(a_secretary)

    response = client.post(change_url(joint_draft), change_data(joint_draft, body="New words."))
    assert response.status_code == 200
    assert "words have changed, so it needs their sign-off again" in text(response)
    assert "Nothing was saved, and the release on the site is as it was." in text(response)
    joint_draft.refresh_from_db()
    assert joint_draft.body == "The senators spoke today."

    # What changes nothing anyone says is saved as before.
    topic = TopicFactory(name="Human trafficking")
    response = client.post(change_url(joint_draft), change_data(joint_draft, topics=[topic.pk]))
    assert response.status_code == 302

    # B's secretary retitles it: their own office's edit keeps their sign-off. A restore of
    # the first title would put words on the site B's office has not agreed to.
    response = logged_in(b_secretary).post(
        change_url(joint_draft), change_data(joint_draft, title="Retitled in ND")
    )
    assert response.status_code == 302
    assert joint_draft.signoffs.get().is_given()
    first = joint_draft.history.earliest("history_date")
    url = reverse("admin:releases_release_history_restore", args=[joint_draft.pk, first.history_id])
    response = client.post(url, follow=True)
    assert "words have changed, so it needs their sign-off again" in " ".join(
        shown_messages(response)
    )
    joint_draft.refresh_from_db()
    assert joint_draft.title == "Retitled in ND"
    assert joint_draft.signoffs.get().is_given()


def test_scheduling_waits_for_the_sign_off_too(joint_draft, a_secretary):
    later = timezone.now() + timedelta(days=2)
    day = f"{timezone.localtime(later):%Y-%m-%d}"
    data = change_data(joint_draft, status="published", published_at_0=day,
                       published_at_1="10:00:00")  # fmt: skip
    response = logged_in(a_secretary).post(change_url(joint_draft), data)
    assert response.status_code == 200
    assert WAITING in text(response)
    with pytest.raises(ValidationError, match="Waiting for the sign-off"):
        release_publish(release=joint_draft, by=a_secretary, at=later)
    joint_draft.refresh_from_db()
    assert joint_draft.is_draft()
    assert not Release.objects.scheduled().exists()


def test_adding_a_joint_senator_and_publishing_in_one_save_is_refused(
    a_secretary, b_secretary, klobuchar, heitkamp
):
    release = ReleaseFactory(status=Release.Status.DRAFT, published_at=None, senators=[klobuchar])
    data = publish_form(release, **{
        "releasesenator_set-TOTAL_FORMS": "2", "releasesenator_set-1-senator": heitkamp.pk,
        "releasesenator_set-1-role": "joint", "releasesenator_set-1-order": "1",
    })  # fmt: skip
    response = logged_in(a_secretary).post(change_url(release), data)
    assert response.status_code == 200
    assert (
        "Heidi Heitkamp (D-ND)'s office has not been asked to sign off yet: save the release "
        "as a draft to ask them." in text(response)
    )
    release.refresh_from_db()
    assert release.is_draft()
    assert list(release.senators.all()) == [klobuchar]


# The publication guard, through the service


def test_release_publish_refuses_while_a_sign_off_holds_it(
    klobuchar, heitkamp, a_secretary, b_secretary
):
    release = ReleaseFactory(status=Release.Status.DRAFT, published_at=None,
                             senators=[klobuchar, heitkamp])  # fmt: skip
    # Never asked (made outside the admin): held all the same.
    with pytest.raises(ValidationError, match="has not been asked to sign off yet"):
        release_publish(release=release, by=a_secretary)
    [signoff] = signoffs_sync(release=release, by=a_secretary)
    with pytest.raises(ValidationError) as raised:
        release_publish(release=release, by=a_secretary)
    assert raised.value.messages == [WAITING]
    release.refresh_from_db()
    assert release.is_draft()

    signoff_give(signoff=signoff, by=b_secretary)
    release_publish(release=release, by=a_secretary)
    assert release.is_public()


def test_a_release_made_outside_the_admin_with_another_offices_lead_waits_for_it(
    klobuchar, heitkamp, a_assistant, a_secretary, b_secretary
):
    """A paste (or an import) takes the first senator the text names as the lead: A's
    assistant's text naming Heitkamp first still needs her office's sign-off."""
    release = ReleaseFactory(status=Release.Status.DRAFT, published_at=None,
                             created_by=a_assistant, senators=[heitkamp, klobuchar])  # fmt: skip
    with pytest.raises(ValidationError, match="Heidi Heitkamp .* has not been asked"):
        release_publish(release=release, by=a_secretary)
    [signoff] = signoffs_sync(release=release, by=a_secretary)
    assert signoff.senator == heitkamp  # the lead's office; Klobuchar's is the author's own
    signoff_give(signoff=signoff, by=b_secretary)
    release_publish(release=release, by=a_secretary)
    assert release.is_public()


def test_a_joint_senator_whose_office_has_no_staff_here_is_not_waited_for(
    klobuchar, heitkamp, a_secretary
):
    release = ReleaseFactory(status=Release.Status.DRAFT, published_at=None,
                             senators=[klobuchar, heitkamp])  # fmt: skip
    assert signoffs_sync(release=release, by=a_secretary) == []
    release_publish(release=release, by=a_secretary)
    assert release.is_public()


def test_a_release_out_before_its_joint_office_was_asked_stays_editable(
    klobuchar, heitkamp, a_secretary, b_secretary
):
    release = ReleaseFactory(title="Out in 2014", senators=[klobuchar, heitkamp])
    response = logged_in(a_secretary).post(change_url(release), change_data(release, title="Out"))
    assert response.status_code == 302
    assert not SignOff.objects.exists()


# Newsroom admins


def test_newsroom_admins_pick_any_lead_but_joint_offices_still_sign_off(
    make_staff, klobuchar, heitkamp, a_secretary, b_secretary
):
    admin = logged_in(make_staff("newsroom-admin", NEWSROOM_ADMINS))
    data = new_release([(heitkamp, "lead"), (klobuchar, "joint")], quotes=[(klobuchar, "Yes.")])
    data["status"] = "draft"  # they may publish, so the form has the status
    assert admin.post(ADD_URL, data).status_code == 302
    release = Release.objects.get()
    signoff = SignOff.objects.get()
    assert (signoff.senator, signoff.state) == (klobuchar, "pending")

    response = admin.post(change_url(release), publish_form(release))
    assert "Waiting for the sign-off of Amy Klobuchar (D-MN)'s office." in text(response)
    release.refresh_from_db()
    assert release.is_draft()


# The change list


def test_change_list_says_who_is_waited_for_in_fixed_queries(
    klobuchar, heitkamp, a_secretary, b_secretary
):
    def build(n):
        for _ in range(n):
            release = ReleaseFactory(status=Release.Status.DRAFT, published_at=None,
                                     senators=[klobuchar, heitkamp])  # fmt: skip
            QuoteFactory(release=release, senator=heitkamp)
            signoffs_sync(release=release, by=a_secretary)

    client = logged_in(a_secretary)

    def queries():
        with CaptureQueriesContext(transaction.get_connection()) as captured:
            response = client.get(CHANGELIST_URL)
        assert response.status_code == 200
        return len(captured), text(response)

    build(2)
    few, page = queries()
    assert "Sign-off: waiting for Heitkamp" in page
    build(4)
    assert queries()[0] == few

    filtered = logged_in(b_secretary).get(CHANGELIST_URL, {"signoff": "mine"})
    assert len(filtered.context["cl"].result_list) == 6
    assert not client.get(CHANGELIST_URL, {"signoff": "mine"}).context["cl"].result_list
    choices = [label for _, label in next(
        spec for spec in filtered.context["cl"].filter_specs if spec.title == "sign-off"
    ).lookup_choices]  # fmt: skip
    assert choices == ["Waiting on my office", "Waiting on any office", "Refused"]


# The database holds the rules too


def test_the_database_keeps_sign_offs_whole(joint_draft, heitkamp):
    signoff = joint_draft.signoffs.get()
    for change in (
        {"state": "refused", "decided_at": timezone.now(), "note": ""},  # a refusal says why
        {"state": "given"},  # a decision has its time
        {"state": "maybe", "decided_at": timezone.now()},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            SignOff.objects.filter(pk=signoff.pk).update(**change)
    with pytest.raises(IntegrityError), transaction.atomic():
        SignOff.objects.create(release=joint_draft, senator=heitkamp)  # once per senator
    assert ReleaseSenator.objects.filter(release=joint_draft).count() == 2
