"""The releases app's models, by meaning; every name is importable from `releases.models`."""

from releases.models.editorial import (
    OPENS_KEPT_PER_LINK,
    Correction,
    FormerSlug,
    PreviewLink,
    PreviewLinkOpen,
    SignOff,
    words_digest,
)
from releases.models.quote import Quote, QuoteQuerySet
from releases.models.release import (
    AmongListed,
    Release,
    ReleaseQuerySet,
    ReleaseSenator,
    ReleaseType,
    public_condition,
    public_release_count,
    year_span,
)
from releases.models.subjects import Legislation, Topic

__all__ = [
    "AmongListed",
    "Correction",
    "FormerSlug",
    "Legislation",
    "OPENS_KEPT_PER_LINK",
    "PreviewLink",
    "PreviewLinkOpen",
    "Quote",
    "QuoteQuerySet",
    "Release",
    "ReleaseQuerySet",
    "ReleaseSenator",
    "ReleaseType",
    "SignOff",
    "Topic",
    "public_condition",
    "public_release_count",
    "words_digest",
    "year_span",
]
