"""factory-boy factories for the newsroom's models.

A release and what hangs off it (its senators, topics, bills, organizations, quotes) are
made inside `reindex_once()`: each release is indexed once, when the factory is done, not
once per row linked to it (that was nine tenths of the time tests spent building data).
A test building many releases wraps the whole build in `reindex_once()` too, for one pass.
"""

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from people.models import OfficeMembership, Organization, Senator
from releases.models import Legislation, Quote, Release, ReleaseSenator, Topic
from search.indexing import reindex_once


class IndexedOnceFactory(factory.django.DjangoModelFactory):
    """A factory whose object, and everything made with it, is indexed once at the end."""

    class Meta:
        abstract = True

    @classmethod
    def _generate(cls, strategy, params):
        with reindex_once():
            return super()._generate(strategy, params)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"staff{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.senate.gov")
    is_staff = True
    password = factory.django.Password("correct horse battery staple")


def staff_member(username, group=None, offices=(), **fields):
    """A staff user in a role (the auth group of that name, kept by staff/roles.py) who works
    in `offices` (senators)."""
    user = UserFactory(username=username, **fields)
    if group:
        user.groups.add(Group.objects.get(name=group))
    for senator in offices:
        OfficeMembership.objects.create(user=user, senator=senator)
    return user


class SenatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Senator

    bioguide_id = factory.Sequence(lambda n: f"T{n:06d}")
    first_name = factory.Faker("first_name")
    last_name = factory.Sequence(lambda n: f"Lastname{n}")
    slug = factory.LazyAttribute(lambda s: f"{s.first_name}-{s.last_name}".lower())
    party = Senator.Party.DEMOCRAT
    state = "MN"
    in_office = True


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"organization-{n}")
    kind = Organization.Kind.NONPROFIT


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class LegislationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Legislation

    bill_type = Legislation.BillType.S
    number = factory.Sequence(lambda n: 1000 + n)
    congress = 113
    short_title = factory.Sequence(lambda n: f"Example Act {n}")


class ReleaseFactory(IndexedOnceFactory):
    """A published release from a day ago; use status/published_at for drafts and embargoes."""

    class Meta:
        model = Release
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Senator announces measure number {n}")
    slug = factory.Sequence(lambda n: f"senator-announces-measure-{n}")
    highlights = "First highlight\nSecond highlight"
    dateline = "Washington, DC"
    body = "The senator **announced** a measure today.\n\nA second paragraph."
    status = Release.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))

    @factory.post_generation
    def senators(self, create, extracted, **kwargs):
        """ReleaseFactory(senators=[lead, joint, ...]): the first is the lead senator."""
        if create and extracted:
            for order, senator in enumerate(extracted):
                ReleaseSenator.objects.create(
                    release=self,
                    senator=senator,
                    role=ReleaseSenator.Role.LEAD if order == 0 else ReleaseSenator.Role.JOINT,
                    order=order,
                )

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)

    @factory.post_generation
    def legislation(self, create, extracted, **kwargs):
        if create and extracted:
            self.legislation.set(extracted)

    @factory.post_generation
    def organizations(self, create, extracted, **kwargs):
        if create and extracted:
            self.organizations.set(extracted)


class QuoteFactory(IndexedOnceFactory):
    class Meta:
        model = Quote

    release = factory.SubFactory(ReleaseFactory)
    senator = factory.SubFactory(SenatorFactory)
    text = "This is a good day for Minnesota."
