from django.db.models import Q
from django.shortcuts import get_object_or_404, render

from releases import facets as facet_lib
from releases.feeds import feed_links
from releases.listing import paginate
from releases.models import Legislation, Quote, Release

from .models import Organization, Senator


def senator_list(request):
    senators = facet_lib.with_public_counts(
        Senator.objects.order_by("-in_office", "last_name", "first_name"), "senator"
    )
    return render(request, "people/senator_list.html", {"senators": senators})


def senator_detail(request, slug):
    """A senator's releases (joint ones included), quotes and bills."""
    senator = get_object_or_404(Senator, slug=slug)
    public = Release.objects.published()
    page = paginate(
        request,
        public.filter(senators=senator).for_listing(),
        keyset=True,
        count_key=("senator", senator.pk),
    )
    quotes = (
        # From their 50 latest releases (they speak in nearly all of them): a short list
        # from the index, where all of a busy senator's quotes took 50-70 ms to sort.
        Quote.objects.filter(
            senator=senator,
            release__in=public.filter(senators=senator).order_by("-published_at").values("pk")[:50],
        )
        .select_related("release")
        .order_by("-release__published_at", "order")[:5]
    )
    bills = (
        Legislation.objects.filter(Q(sponsor=senator) | Q(cosponsors=senator))
        .distinct()
        .select_related("sponsor")
        .order_by("-congress", "-introduced_on")[:20]
    )
    return render(
        request,
        "people/senator_detail.html",
        {
            "senator": senator,
            "page_obj": page,
            "quotes": quotes,
            "bills": bills,
            "feeds": feed_links({"senator": [senator]}),
        },
    )


def organization_list(request):
    organizations = facet_lib.with_public_counts(Organization.objects.all(), "organization")
    return render(request, "people/organization_list.html", {"organizations": organizations})


def organization_detail(request, slug):
    organization = get_object_or_404(Organization, slug=slug)
    page = paginate(
        request,
        Release.objects.published().filter(organizations=organization).for_listing(),
        keyset=True,
        count_key=("organization", organization.pk),
    )
    return render(
        request,
        "people/organization_detail.html",
        {
            "organization": organization,
            "page_obj": page,
            "feeds": feed_links({"organization": [organization]}),
        },
    )
