"""A small newsroom for the bulk files, and reading the files back as a user would."""

import csv
import gzip
import io
import json
from datetime import datetime

from django.core.files.storage import default_storage

from bulkdata.models import BulkFile
from core.eastern import EASTERN
from releases.models import Correction, Quote, Release
from tests.support.factories import (
    LegislationFactory,
    OrganizationFactory,
    ReleaseFactory,
    TopicFactory,
)


def at(year, month, day, hour=12):
    return datetime(year, month, day, hour, tzinfo=EASTERN)


def small_newsroom(klobuchar, heitkamp):
    """Two public releases in May 2014 (one full: two senators, a bill, a topic, an
    organization, a quote, a correction, a source), one in June, a draft in May, and one
    embargoed until May 2099."""
    topic = TopicFactory(slug="human-trafficking", name="Human trafficking")
    bill = LegislationFactory(bill_type="s", number=1733, congress=113)
    organization = OrganizationFactory(slug="breaking-free", name="Breaking Free")
    full = ReleaseFactory(
        title="Klobuchar, Heitkamp join local advocates", published_at=at(2014, 5, 16),
        senators=[klobuchar, heitkamp], topics=[topic], legislation=[bill],
        organizations=[organization], source_url="https://www.klobuchar.senate.gov/x",
        body="=cmd|' /C calc'!A0 **bold**",
    )  # fmt: skip
    Quote.objects.create(release=full, senator=klobuchar, text="Children are victims.")
    Correction.objects.create(release=full, text="An earlier version misnamed the bill.",
                              noted_at=at(2014, 5, 17))  # fmt: skip
    return {
        "full": full,
        # At 23:30 Eastern on May 31: June in UTC, May in the Senate's clock.
        "late_may": ReleaseFactory(title="Late on the last day", senators=[heitkamp],
                                   published_at=at(2014, 5, 31, 23).replace(minute=30)),
        "june": ReleaseFactory(title="In June", senators=[klobuchar], published_at=at(2014, 6, 2)),
        "draft": ReleaseFactory(title="A draft", status=Release.Status.DRAFT,
                                published_at=at(2014, 5, 20)),
        "embargoed": ReleaseFactory(title="Embargoed", senators=[klobuchar],
                                    published_at=at(2099, 5, 1)),
    }  # fmt: skip


def stored_bytes(bulk_file):
    with default_storage.open(bulk_file.path, "rb") as f:
        return f.read()


def lines(month):
    bulk_file = BulkFile.objects.get(month=month, format="jsonl")
    text = gzip.decompress(stored_bytes(bulk_file)).decode()
    return [json.loads(line) for line in text.splitlines()]


def rows(month):
    bulk_file = BulkFile.objects.get(month=month, format="csv")
    text = gzip.decompress(stored_bytes(bulk_file)).decode()
    return list(csv.DictReader(io.StringIO(text, newline="")))


def state():
    """Each file's (month, format) → (sha256, path, built_at)."""
    return {(f.month, f.format): (f.sha256, f.path, f.built_at) for f in BulkFile.objects.all()}
