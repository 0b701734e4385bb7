"""A senator's newsroom written out as a BagIt bag (RFC 8493), to hand to an archivist.

The payload (the bag's data/) holds every public release the senator issued or joined as
its public page, made to browse offline (handoff/offline.py), an index.html of them newest
first, the senator's RSS and Atom feeds, releases.jsonl (the API's record of each) and the
media the pages show. Pages and feeds are asked of the site's own views through Django's
test client, at the public site's address, so each is the page readers were served.
Drafts and embargoed releases are never asked for: only `published()` releases are read.

Memory stays bounded: releases are read CHUNK at a time, each page written out as it is
made; what is held throughout is one address per release (so that pages can link to
each other inside the bag).
"""

import json
import shutil
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

import bagit
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone

from api.serializers import ReleaseSerializer
from core.eastern import eastern_date
from core.images import rendition_name
from handoff.offline import Payload
from releases.feeds import feed_links
from releases.models import Release

CHUNK = 100
CHECKSUMS = ["sha256", "sha512"]
PAGE_PLACEHOLDER = "<!-- the releases -->"


class OfficeExportRefused(Exception):
    """The export cannot be written where it was asked for."""


def office_releases(senator):
    """The public releases `senator` issued or joined, newest first."""
    return Release.objects.published().filter(senators=senator).order_by("-published_at", "-pk")


def in_chunks(releases, size=CHUNK):
    """`releases` (newest first), `size` at a time, each chunk read by position after the
    last: no OFFSET, and no more than a chunk in memory."""
    chunk = list(releases[:size])
    while chunk:
        yield chunk
        last = chunk[-1]
        chunk = list(releases.older_than(last.published_at, last.pk)[:size])


def image_names(field_file, widths):
    """The stored names of an image and of its resized copies (core/images.py)."""
    if not field_file:
        return []
    return [field_file.name] + [rendition_name(field_file.name, w) for w in widths[:-1]]


def release_path(release):
    """Where a release's page lies in the payload: its site address, as a folder."""
    return release.get_absolute_url().strip("/") + "/index.html"


def office_export(*, senator, out):
    """Write `senator`'s newsroom as a bag at `out` (a folder that is missing or empty);
    return the bag. On any failure, what was written is removed again."""
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise OfficeExportRefused(
            f"{out} is not an empty folder: give a new or an empty one, nothing is overwritten."
        )
    made = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    try:
        site = urlsplit(settings.NEWSROOM_SITE_URL)
        # The pages are the public site's: asked for at its address, whatever this host is.
        with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, site.hostname]):
            count = _payload_write(senator=senator, payload=Payload(out, site_url=site.geturl()))
        return bagit.make_bag(
            str(out), bag_info_for(senator, count=count), processes=1, checksums=CHECKSUMS
        )
    except BaseException:
        if made:
            shutil.rmtree(out, ignore_errors=True)
        else:
            for child in out.iterdir():
                if child.is_dir():
                    shutil.rmtree(child)
                else:
                    child.unlink()
        raise


def bag_info_for(senator, *, count):
    """bag-info.txt's fields (bagit adds Payload-Oxum and Bag-Software-Agent)."""
    contact_name, contact_email = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return {
        "Source-Organization": settings.NEWSROOM_NAME,
        "Organization-Address": settings.NEWSROOM_SITE_URL,
        "Contact-Name": contact_name or settings.NEWSROOM_NAME,
        "Contact-Email": contact_email,
        "External-Identifier": senator.bioguide_id,
        "External-Description": (
            f"Press releases of Senator {senator.name} ({senator.party_state}), Bioguide ID "
            f"{senator.bioguide_id}{term_words(senator, prefix=', ')}: {count} public "
            f"release{'' if count == 1 else 's'} as published by {settings.NEWSROOM_NAME} "
            f"at {settings.NEWSROOM_SITE_URL}, with the senator's feeds, the API's records "
            "(releases.jsonl) and the media the pages show. Open data/index.html."
        ),
        "Bagging-Date": eastern_date(timezone.now()).isoformat(),
        "Bag-Count": "1 of 1",
        "Bag-Group-Identifier": f"{senator.bioguide_id}-newsroom",
    }


def term_words(senator, *, prefix=""):
    """ "in office 2013-01-03 to 2019-01-03", from what is recorded of the term."""
    if senator.term_start and senator.term_end and not senator.in_office:
        return f"{prefix}in office {senator.term_start} to {senator.term_end}"
    if senator.term_start:
        return f"{prefix}in office since {senator.term_start}"
    return ""


def _payload_write(*, senator, payload):
    """Write the bag's payload; return how many releases it holds."""
    site = payload.site
    client = Client(HTTP_HOST=site.netloc)
    secure = site.scheme == "https"
    releases = office_releases(senator)

    def fetched(address):
        response = client.get(address, secure=secure)
        if response.status_code != 200:
            raise RuntimeError(f"{address} answered {response.status_code}, not 200.")
        return response.content

    # Every address first: a page links releases exported after it (older ones, related).
    count = 0
    for release in releases.only("slug", "published_at", "created_at").iterator(CHUNK):
        payload.place(release.get_absolute_url(), release_path(release))
        count += 1
    payload.place(senator.get_absolute_url(), "index.html")
    feeds = feed_links({"senator": [senator]})
    for address, path in ((feeds.rss, "feeds/rss.xml"), (feeds.atom, "feeds/atom.xml")):
        payload.place(address, path)
        payload.write_bytes(path, fetched(address))
    payload.keep_media(senator.photo, image_names(senator.photo, senator.photo_widths))

    request = RequestFactory(HTTP_HOST=site.netloc).get(senator.get_absolute_url(), secure=secure)
    head, tail = payload.offline(
        render_to_string(
            "handoff/office_index.html",
            {"senator": senator, "count": count, "feeds": feeds, "term": term_words(senator),
             "releases_here": PAGE_PLACEHOLDER},
            request=request,
        ),
        "index.html",
    ).split(PAGE_PLACEHOLDER)  # fmt: skip
    serializer = ReleaseSerializer(context={"request": request})
    index = (payload.root / "index.html").open("w", encoding="utf-8")
    records = (payload.root / "releases.jsonl").open("w", encoding="utf-8")
    with index, records:
        index.write(head)
        for chunk in in_chunks(releases.for_display(document_text=False)):
            for release in chunk:
                payload.keep_media(
                    release.lead_image,
                    image_names(release.lead_image, release.lead_image_widths),
                )
                for document in release.documents.all():
                    payload.keep_media(document.file, [document.file.name])
                record = serializer.to_representation(release)
                records.write(json.dumps(record, cls=DjangoJSONEncoder, ensure_ascii=False))
                records.write("\n")
                path = release_path(release)
                page = fetched(release.get_absolute_url()).decode("utf-8")
                payload.write_text(path, payload.offline(page, path))
                item = render_to_string(
                    "includes/release_item.html", {"release": release, "level": 2}
                )
                index.write(payload.offline(item, "index.html"))
        index.write(tail)
    return count
