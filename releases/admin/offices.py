"""Offices and the publishing permission in the release admin.

Staff see and edit the releases of the senators' offices they work in (a joint release
belongs to every office involved); newsroom admins and superusers see every office's
(releases/selectors.py). Publishing is a permission of its own (`releases.publish_release`):
without it, staff write and edit drafts, and the server refuses the rest, whatever the
browser sends.
"""

from django.core.exceptions import ValidationError

from releases.admin.forms import PUBLISHING_ACTIONS, posted_action
from releases.models import Release, ReleaseSenator
from releases.selectors import office_senators, releases_for, sees_all_offices

PUBLICATION_FIELDS = ["status", "published_at"]
# The admin's split date/time widget posts these for published_at.
PUBLICATION_KEYS = ["published_at", "published_at_0", "published_at_1"]


class PublicationLockedForm:
    """For the release form of staff who may not publish: status and time are read-only on
    the page, the panel offers them no publishing button, and a POST that sets them anyway
    or presses such a button (a crafted one) is refused, nothing saved."""

    def clean(self):
        cleaned = super().clean()
        current = self.instance.status if self.instance.pk else Release.Status.DRAFT
        sent_status = self.data.get("status", current)
        sent_time = any(self.data.get(key) for key in [*PUBLICATION_KEYS, "schedule_at"])
        if sent_status != current or sent_time or posted_action(self.data) in PUBLISHING_ACTIONS:
            raise ValidationError(
                "You may not publish, schedule or unpublish releases, or set their publication "
                "time: press secretaries do that. Save the release as a draft.",
                code="publish_permission",
            )
        return cleaned


class OfficeSenatorsRequired:
    """Issuing senators must include one of the user's offices' senators, or the user could
    create a release they then cannot see; and the lead senator must be one of theirs, or one
    office could issue a release in another's name. Joint senators of other offices are
    welcome: their offices sign off before the release goes public (releases/admin/signoffs.py).

    The lead is checked when it is chosen (a new release, or a new lead): staff of a joint
    office still edit a release another office leads."""

    office_user = None  # set per request by OfficeReleaseAdminMixin

    def clean(self):
        super().clean()
        rows = [row for row in self.kept_rows() if row.get("senator")]
        chosen = {row["senator"].pk for row in rows}
        if not chosen:
            return  # the base formset has said a release needs a senator
        offices = list(office_senators(self.office_user))
        names = "; ".join(str(senator) for senator in offices)
        if chosen & {senator.pk for senator in offices}:
            self._check_lead(rows, offices, names)
        else:
            raise ValidationError(
                f"Include a senator from your office ({names}) among the issuing senators."
                if offices
                else "Include a senator from your office (you are not in any senator's office "
                "yet: a newsroom admin adds you to one under Users).",
                code="office_senator",
            )

    def _check_lead(self, rows, offices, names):
        leads = [row["senator"] for row in rows if row.get("role") == ReleaseSenator.Role.LEAD]
        if len(leads) != 1:
            return  # the base formset has said a release has one lead
        lead = leads[0]
        stored = None
        if self.instance.pk:
            stored = (
                ReleaseSenator.objects.filter(release=self.instance, role=ReleaseSenator.Role.LEAD)
                .values_list("senator_id", flat=True)
                .first()
            )
        if lead.pk == stored or lead.pk in {senator.pk for senator in offices}:
            return
        raise ValidationError(
            f"The lead senator must be from your office ({names}): a release may not be "
            f"issued in another office's name. Make {lead} a joint senator instead; their "
            "office then signs off before the release goes public.",
            code="office_lead",
        )


class OfficeReleaseAdminMixin:
    """For ReleaseAdmin: office visibility, and publishing only with its permission.

    Everything the admin shows or changes goes through get_queryset and the permission
    methods, so another office's release is missing from lists, actions, autocompletes and
    filters, and its change, delete and history addresses answer as for a deleted release.
    """

    def get_queryset(self, request):
        return releases_for(request.user, super().get_queryset(request))

    def has_publish_permission(self, request):
        """For admin actions with permissions=["publish"]."""
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.publish_release")

    def _in_offices(self, request, release):
        """Whether `release` is one of the user's offices' (once per release and request).

        Views that look a release up themselves (history, versions) still ask the permission
        methods, which ask this."""
        if release.pk is None or sees_all_offices(request.user):
            return True
        seen = request.__dict__.setdefault("_releases_in_offices", {})
        if release.pk not in seen:
            seen[release.pk] = releases_for(request.user).filter(pk=release.pk).exists()
        return seen[release.pk]

    def has_view_permission(self, request, obj=None):
        if obj is not None and not self._in_offices(request, obj):
            return False
        return super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        if obj is not None:
            if not self._in_offices(request, obj):
                return False
            # Published or scheduled: only those who may publish edit it (a change to a
            # release on the public site is a publishing decision).
            if not obj.is_draft() and not self.has_publish_permission(request):
                return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not self._in_offices(request, obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            fields += [name for name in PUBLICATION_FIELDS if name not in fields]
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if self.has_publish_permission(request):
            return form
        return type(form.__name__, (PublicationLockedForm, form), {})

    def get_formsets_with_inlines(self, request, obj=None):
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            if inline.model is ReleaseSenator and not sees_all_offices(request.user):
                formset = type(
                    formset.__name__,
                    (OfficeSenatorsRequired, formset),
                    {"office_user": request.user},
                )
            yield formset, inline
