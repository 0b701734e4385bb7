"""The event on a media advisory's change form: an inline the releases admin is given, so
that releases need not know advisories (as distribution adds its press section)."""

from django.contrib import admin
from django.core.exceptions import ValidationError

from advisories.models import Event
from releases.admin.forms import ReleaseInlineFormSet
from releases.admin.releases import ReleaseAdmin
from releases.models import ReleaseType


class EventFormSet(ReleaseInlineFormSet):
    """A media advisory has its event; no other release has one. (A release form posted
    without this inline changes no event: ReleaseInlineFormSet.)"""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        is_advisory = self.instance.type == ReleaseType.MEDIA_ADVISORY
        # A form posted without this inline leaves a saved event as it is.
        unposted = not any(form.instance.pk for form in self.forms)
        saved = unposted and self.instance.pk and Event.objects.filter(release=self.instance)
        if is_advisory and not kept and not (saved and saved.exists()):
            raise ValidationError(
                "A media advisory announces an event: give its time and place under “Event”."
            )
        if kept and not is_advisory:
            raise ValidationError(
                "Only a media advisory has an event: choose the type “Media advisory”, or "
                "delete the event."
            )


class EventInline(admin.StackedInline):
    model = Event
    formset = EventFormSet
    extra = 0
    max_num = 1
    can_delete = True
    verbose_name = "event"
    verbose_name_plural = "Event (media advisories)"
    fields = ["kind", ("starts_at", "ends_at"), "location", "address", "cancelled",
              "update_note", "sequence"]  # fmt: skip
    readonly_fields = ["sequence"]
    template = "admin/advisories/event/stacked.html"

    def get_extra(self, request, obj=None, **kwargs):
        # A new release, or an advisory still without its event, offers the form at once.
        has_event = obj is not None and obj.pk and Event.objects.filter(release=obj).exists()
        return 0 if has_event else 1

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # An empty extra form is not an event: only a filled one is validated and saved.
        formset.form.empty_permitted = True
        return formset


ReleaseAdmin.inlines = [*ReleaseAdmin.inlines, EventInline]
ReleaseAdmin.inlines_after = {**ReleaseAdmin.inlines_after, Event: 1}
