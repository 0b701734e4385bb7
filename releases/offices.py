"""Which releases a staff user may see and edit: those issued by their senators' offices.

A joint release belongs to every office involved. Newsroom admins (and superusers) have the
`releases.edit_all_offices` permission and see every release.
"""

from people.models import Senator

from .models import Release, ReleaseSenator


def sees_all_offices(user):
    return user.is_active and (user.is_superuser or user.has_perm("releases.edit_all_offices"))


def releases_for(user, queryset=None):
    """The releases `user` may see in the admin and preview, as a queryset."""
    queryset = Release.objects.all() if queryset is None else queryset
    if not (user.is_active and user.is_staff):
        return queryset.none()
    if sees_all_offices(user):
        return queryset
    issued_by_office = ReleaseSenator.objects.filter(senator__office_memberships__user=user).values(
        "release"
    )
    return queryset.filter(pk__in=issued_by_office)


def office_senators(user):
    """The senators whose offices `user` works in."""
    return Senator.objects.filter(office_memberships__user=user).order_by("last_name", "first_name")
