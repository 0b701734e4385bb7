"""The front page: the latest releases, the busiest topics and senators."""

from django.shortcuts import render
from django.utils import timezone

from people.models import Senator
from releases.feeds import feed_links
from releases.models import Release, Topic
from releases.selectors import busiest


def home(request):
    latest = list(Release.objects.published().for_listing()[:7])
    return render(
        request,
        "home.html",
        {
            "lead": latest[0] if latest else None,
            "latest": latest[1:],
            "topics": busiest(Topic.objects.all(), "topic", 12),
            "senators": busiest(Senator.objects.all(), "senator", 12),
            "now": timezone.now(),
            "feeds": feed_links(),
        },
    )
