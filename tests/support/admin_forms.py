"""What the release admin's forms post: the release's fields and its inlines' formsets."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from releases.models import Release


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def png_file(name="photo.png", size=(12, 16)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "steelblue").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def senators_formset(rows, initial=0):
    """The issuing senators inline: rows of dicts with senator, role, order (and id)."""
    data = {
        "releasesenator_set-TOTAL_FORMS": str(len(rows)),
        "releasesenator_set-INITIAL_FORMS": str(initial),
        "releasesenator_set-MIN_NUM_FORMS": "1",
        "releasesenator_set-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for field, value in row.items():
            data[f"releasesenator_set-{i}-{field}"] = value
    return data


def quotes_formset(rows, initial=0):
    data = {
        "quotes-TOTAL_FORMS": str(len(rows)),
        "quotes-INITIAL_FORMS": str(initial),
        "quotes-MIN_NUM_FORMS": "0",
        "quotes-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for field, value in row.items():
            data[f"quotes-{i}-{field}"] = value
    return data


def release_form(**fields):
    data = {
        "title": "Klobuchar, Heitkamp Join with Local Advocates",
        "slug": "klobuchar-heitkamp-join-with-local-advocates",
        "highlights": "First bullet\nSecond bullet",
        "dateline": "Minneapolis, MN",
        "body": "U.S. Senators **joined** local advocates.\n\nA second paragraph.",
        "status": Release.Status.PUBLISHED,
        "published_at_0": "2014-05-16",
        "published_at_1": "12:00:00",
        "lead_image_alt": "",
        "lead_image_caption": "",
        "type": str(Release.Type.PRESS_RELEASE.value),
        **event_formset([]),
    }
    data.update(fields)
    return data


def event_formset(rows, initial=0):
    """A media advisory's event inline (advisories/admin.py): at most one row."""
    data = {
        "event-TOTAL_FORMS": str(len(rows)),
        "event-INITIAL_FORMS": str(initial),
        "event-MIN_NUM_FORMS": "0",
        "event-MAX_NUM_FORMS": "1",
    }
    for i, row in enumerate(rows):
        for field, value in row.items():
            data[f"event-{i}-{field}"] = value
    return data


def opened_version(release):
    """What the change form says it was opened at: the release's stored last-change time
    (a change form that does not say is refused: it could overwrite an edit unseen)."""
    stored = Release.objects.filter(pk=release.pk).values_list("updated_at", flat=True).get()
    return stored.isoformat()
