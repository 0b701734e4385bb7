"""What every template may need from core: the generation kept fragments are filed under."""

from functools import cache

from django.conf import settings

from core import caching


def kept(request):
    """`kept_generation` and `kept_seconds` for `{% cache %}` fragments that show public data
    only (a release's card): filed under the generation, they end with any change, as kept
    counts do (core/caching.py). The generation is read once per request, when first used."""
    return {
        "kept_generation": cache(caching.generation),
        "kept_seconds": settings.COUNT_CACHE_SECONDS,
    }
