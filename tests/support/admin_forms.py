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


def inline_formset(prefix, rows, initial=0, least=0, most=1000):
    """An inline formset as the release form posts it: its management form and `rows` of
    {field: value} (with "id" for rows already saved, the first `initial` of them)."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": str(least),
        f"{prefix}-MAX_NUM_FORMS": str(most),
    }
    for i, row in enumerate(rows):
        for field, value in row.items():
            data[f"{prefix}-{i}-{field}"] = value
    return data


def senators_formset(rows, initial=0):
    """The issuing senators inline: rows of dicts with senator, role, order (and id)."""
    return inline_formset("releasesenator_set", rows, initial, least=1)


def quotes_formset(rows, initial=0):
    return inline_formset("quotes", rows, initial)


def documents_formset(rows, initial=0):
    """The PDF documents inline (documents/admin.py)."""
    return inline_formset("documents", rows, initial)


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
    return inline_formset("event", rows, initial, most=1)


def opened_version(release):
    """What the change form says it was opened at: the release's stored last-change time
    (a change form that does not say is refused: it could overwrite an edit unseen)."""
    stored = Release.objects.filter(pk=release.pk).values_list("updated_at", flat=True).get()
    return stored.isoformat()
