"""What changes staff accounts' records: the log of changes to staff accounts.

Every change to an account is written by `staff_change_record()`, in the same transaction
as the change (a change rolled back leaves no row). Who made it is said once, around the
work, by `staff_changes_by()`: the user admin and the roles command do; otherwise the
logged-in user of the request in progress is taken, and failing that the row says "code".
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import DEFAULT_DB_ALIAS
from simple_history.models import HistoricalRecords

from staff.models import StaffChange

_acting = ContextVar("staff_changes_by", default=None)


@contextmanager
def staff_changes_by(actor, *, source):
    """Within the block, account changes are recorded as made by `actor` through `source`.

    `actor` is a user or None (a management command); `source` a short word such as "admin"
    or "ensure_roles"."""
    token = _acting.set((actor, source))
    try:
        yield
    finally:
        _acting.reset(token)


def _current_actor():
    said = _acting.get()
    if said is not None:
        return said
    # django-simple-history's middleware keeps the request in progress for its own records
    # of who changed a release; a change made while serving a request was made by its user.
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user, "web"
    return None, "code"


def staff_change_record(*, account, action, detail, using=DEFAULT_DB_ALIAS):
    """Write one change to `account` (a user) to the log; returns the StaffChange."""
    if action not in StaffChange.Action.values:
        raise ValueError(f"Unknown staff change {action!r}.")
    actor, source = _current_actor()
    return StaffChange.objects.using(using).create(
        account_id=account.pk,
        account_username=account.get_username(),
        action=action,
        detail=detail,
        actor_id=actor.pk if actor is not None else None,
        actor_username=actor.get_username() if actor is not None else "",
        source=source,
    )
