from django.core.management.base import BaseCommand
from django.db import transaction

from people.models import Organization, Senator
from releases.models import Legislation, Quote, Release, ReleaseSenator, Topic
from sampledata import demo
from search.indexing import reindex_once


class Command(BaseCommand):
    help = "Load the demo newsroom: the sample release and its senators, bill, topics and organizations. Safe to run again."  # noqa: E501

    @reindex_once()
    @transaction.atomic
    def handle(self, *args, **options):
        senators = {}
        roles = {}
        for data in demo.SENATORS:
            data = dict(data)
            bioguide_id = data.pop("bioguide_id")
            roles[bioguide_id] = data.pop("role")
            senators[bioguide_id], _ = Senator.objects.update_or_create(
                bioguide_id=bioguide_id, defaults=data
            )
        organizations = [
            Organization.objects.update_or_create(slug=o["slug"], defaults=o)[0]
            for o in demo.ORGANIZATIONS
        ]
        topics = [
            Topic.objects.update_or_create(slug=t["slug"], defaults=t)[0] for t in demo.TOPICS
        ]
        bill_key = {k: demo.BILL[k] for k in ("bill_type", "number", "congress")}
        bill, _ = Legislation.objects.update_or_create(
            **bill_key,
            defaults={**demo.BILL, "sponsor": senators[demo.BILL_SPONSOR]},
        )
        bill.cosponsors.set([senators[b] for b in demo.BILL_COSPONSORS])

        release, created = Release.objects.update_or_create(
            slug=Release(title=demo.TITLE).derive_slug(),
            defaults=dict(
                title=demo.TITLE,
                highlights=demo.HIGHLIGHTS,
                dateline=demo.DATELINE,
                body=demo.BODY,
                status=Release.Status.PUBLISHED,
                published_at=demo.PUBLISHED_AT,
            ),
        )
        ReleaseSenator.objects.filter(release=release).delete()
        for order, (bioguide_id, senator) in enumerate(senators.items()):
            ReleaseSenator.objects.create(
                release=release, senator=senator, role=roles[bioguide_id], order=order
            )
        release.quotes.all().delete()
        for order, (bioguide_id, text) in enumerate(demo.QUOTES):
            Quote.objects.create(
                release=release, senator=senators[bioguide_id], text=text, order=order
            )
        release.topics.set(topics)
        release.legislation.set([bill])
        release.organizations.set(organizations)

        self.stdout.write(
            self.style.SUCCESS(
                f"{'Loaded' if created else 'Refreshed'} the demo newsroom: "
                f"{release.get_absolute_url()}"
            )
        )
