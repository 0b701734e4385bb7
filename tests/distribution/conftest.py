"""Two offices with staff in their real roles, their press contacts and lists, and a release
scheduled for a Tuesday noon, seen on the Monday before."""

from datetime import datetime

import pytest
import time_machine

from core.eastern import EASTERN
from distribution.models import PressContact, PressList
from releases.models import Quote
from staff.roles import NEWSROOM_ADMINS, PRESS_ASSISTANTS, PRESS_SECRETARIES
from tests.support.factories import ReleaseFactory, staff_member

EMBARGO = datetime(2014, 5, 20, 12, tzinfo=EASTERN)
MONDAY = datetime(2014, 5, 19, 9, tzinfo=EASTERN)
EMBARGO_LINE = "EMBARGOED until Tuesday, May 20, 2014, 12:00 p.m. EDT"


@pytest.fixture
def monday():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


staff = staff_member


@pytest.fixture
def secretary(klobuchar):
    return staff(
        "jordan", PRESS_SECRETARIES, [klobuchar], first_name="Jordan", last_name="Ali",
        email="jordan_ali@klobuchar.senate.gov",
    )  # fmt: skip


@pytest.fixture
def assistant(klobuchar):
    return staff("sam", PRESS_ASSISTANTS, [klobuchar])


@pytest.fixture
def other_secretary(heitkamp):
    return staff("heitkamp-press", PRESS_SECRETARIES, [heitkamp])


@pytest.fixture
def newsroom_admin():
    return staff("newsroom-admin", NEWSROOM_ADMINS)


def contact(office, name, email, outlet="", **fields):
    return PressContact.objects.create(office=office, name=name, email=email, outlet=outlet,
                                       **fields)  # fmt: skip


def press_list(office, name, contacts=()):
    made = PressList.objects.create(office=office, name=name)
    made.contacts.set(contacts)
    return made


@pytest.fixture
def reporters(klobuchar):
    """Klobuchar's office's press list "Minnesota dailies": two reporters and one who
    unsubscribed."""
    jane = contact(klobuchar, "Jane Doe", "jane.doe@startribune.example", "Star Tribune")
    raj = contact(klobuchar, "Raj Patel", "raj@pioneerpress.example", "Pioneer Press")
    lee = contact(klobuchar, "Lee Moe", "lee@mpr.example", "MPR News",
                  unsubscribed_at=MONDAY, unsubscribed_via=PressContact.Via.LINK)  # fmt: skip
    dailies = press_list(klobuchar, "Minnesota dailies", [jane, raj, lee])
    return {"jane": jane, "raj": raj, "lee": lee, "list": dailies}


@pytest.fixture
def scheduled(klobuchar, monday):
    """A release of Klobuchar's office, embargoed until Tuesday noon."""
    release = ReleaseFactory(
        title="Klobuchar Bill to Help Trafficking Victims Passes Committee",
        highlights="Bill gives victims a path to services\nBacked by local advocates",
        dateline="Minneapolis, MN", senators=[klobuchar], published_at=EMBARGO,
        body="Senator Amy Klobuchar **announced** today that her bill passed.\n\n"
        "The bill now goes to the full Senate.",
    )  # fmt: skip
    Quote.objects.create(
        release=release, senator=klobuchar, text="No child should be for sale in Minnesota."
    )
    return release
