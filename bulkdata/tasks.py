"""The background work of bulk data: `archive_update`, which rebuilds the months a change
touched (bulkdata/signals.py queues it once the change commits, and at each embargo's time)
and notes corrections in the change log. A rebuild writes only what changed, so a run
queued twice, or for a month that did not change after all, costs a read and nothing more.
"""

from django.tasks import task

from bulkdata.models import month_of
from bulkdata.services import archive_build, corrections_note
from people.models import Organization, Senator
from releases.models import Legislation, Release, Topic

SUBJECTS = {
    model._meta.label: (model, lookup)
    for model, lookup in [
        (Senator, "senators"), (Topic, "topics"), (Legislation, "legislation"),
        (Organization, "organizations"),
    ]
}  # fmt: skip


def months_of(release_ids=(), subjects=()):
    """The months of the public releases among `release_ids` or naming `subjects`
    ([label, pk] pairs)."""
    public = Release.objects.published()
    moments = list(public.filter(pk__in=release_ids).values_list("published_at", flat=True))
    for label, pk in subjects:
        _, lookup = SUBJECTS[label]
        named = public.filter(**{lookup: pk}).values_list("published_at", flat=True)
        moments += named.iterator(chunk_size=2000)
    return {month_of(moment) for moment in moments}


@task
def archive_update(months=(), release_ids=(), subjects=(), correction_ids=()):
    """Rebuild the months named, and those of the releases and subjects named; note the
    corrections named in the change log."""
    if correction_ids:
        corrections_note(correction_ids=correction_ids)
    wanted = set(months) | months_of(release_ids, subjects)
    built = archive_build(months=wanted)
    return {month: formats for month, formats in built.items() if formats}
