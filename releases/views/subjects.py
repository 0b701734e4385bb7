"""What releases are about, each with its releases: senators, topics, bills, organizations.

Every subject page is one view, `SubjectDetailView`: the subject, its public releases newest
first (paged by position), and the feeds of that list; the registry entry naming the
subject's model (browse/registry.py) gives the feeds' parameter and the count's key. The
index pages (/topics/ ...) list every subject with its public releases counted.
"""

from django.db.models import Prefetch, Q
from django.shortcuts import redirect, render
from django.views.generic import DetailView

from people.models import Organization, Senator
from releases.browse import registry
from releases.browse.pagination import paginate
from releases.feeds import feed_links
from releases.models import Legislation, Quote, Release, Topic
from releases.selectors import with_public_counts


def subject_index(request, objects, *, template, name):
    """/senators/, /topics/, /legislation/, /organizations/: each with its public releases."""
    parameter = registry.for_model(objects.model).parameter
    return render(request, template, {name: with_public_counts(objects, parameter)})


def senator_list(request):
    senators = Senator.objects.order_by("-in_office", "last_name", "first_name")
    return subject_index(request, senators, template="people/senator_list.html", name="senators")


def topic_list(request):
    return subject_index(
        request, Topic.objects.all(), template="releases/topic_list.html", name="topics"
    )


def legislation_list(request):
    bills = Legislation.objects.select_related("sponsor")
    return subject_index(request, bills, template="releases/legislation_list.html", name="bills")


def organization_list(request):
    return subject_index(
        request, Organization.objects.all(), template="people/organization_list.html",
        name="organizations",
    )  # fmt: skip


class SubjectDetailView(DetailView):
    """A subject's page: the subject, and its public releases (joint ones included)."""

    release_field = ""  # the Release field that links releases to the subject: "topics"

    def get_context_data(self, **kwargs):
        subject = self.object
        parameter = registry.for_model(type(subject)).parameter
        releases = Release.objects.published().filter(**{self.release_field: subject})
        return super().get_context_data(
            page_obj=paginate(
                self.request, releases.for_listing(), keyset=True,
                count_key=(parameter, subject.pk),
            ),
            feeds=feed_links({parameter: [subject]}),
            **kwargs,
        )  # fmt: skip


class TopicDetailView(SubjectDetailView):
    model = Topic
    release_field = "topics"


class OrganizationDetailView(SubjectDetailView):
    model = Organization
    release_field = "organizations"


class LegislationDetailView(SubjectDetailView):
    """A bill, by its id in any case: /legislation/S1733-113/ redirects to the lower-case one."""

    release_field = "legislation"
    context_object_name = "bill"
    slug_field = slug_url_kwarg = "bill_id"
    queryset = Legislation.objects.select_related("sponsor").prefetch_related(
        Prefetch("cosponsors", queryset=Senator.objects.order_by("last_name"))
    )

    def get_object(self, queryset=None):
        self.kwargs = {**self.kwargs, "bill_id": self.kwargs["bill_id"].lower()}
        return super().get_object(queryset)

    def get(self, request, *args, bill_id, **kwargs):
        self.object = self.get_object()
        if bill_id != self.object.bill_id:
            return redirect(self.object, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))


class SenatorDetailView(SubjectDetailView):
    """A senator's releases (joint ones included), their latest quotes and their bills."""

    model = Senator
    release_field = "senators"

    def get_context_data(self, **kwargs):
        senator = self.object
        latest_releases = (
            Release.objects.published().filter(senators=senator).order_by("-published_at")
        )
        quotes = (
            # From their 50 latest releases (they speak in nearly all of them): a short list
            # from the index, where all of a busy senator's quotes took 50-70 ms to sort.
            Quote.objects.public()
            .filter(senator=senator, release__in=latest_releases.values("pk")[:50])
            .select_related("release")
            .order_by("-release__published_at", "order")[:5]
        )
        bills = (
            Legislation.objects.filter(Q(sponsor=senator) | Q(cosponsors=senator))
            .distinct()
            .select_related("sponsor")
            .order_by("-congress", "-introduced_on")[:20]
        )
        return super().get_context_data(quotes=quotes, bills=bills, **kwargs)
