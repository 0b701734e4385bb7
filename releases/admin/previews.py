"""Preview links in the release admin: staff share an unpublished release, and end the link."""

from datetime import timedelta

from django import forms
from django.contrib import admin
from django.contrib.admin.options import BaseModelAdmin
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from core.eastern import eastern
from releases import seo
from releases.admin.forms import ReleaseInlineFormSet, UserInlineMixin
from releases.models import PreviewLink, PreviewLinkOpen
from releases.services import preview_link_create, preview_link_revoke

DEFAULT_LIFETIME = timedelta(days=3)
# Long enough for a reporter to prepare a story under embargo; short enough that a
# forgotten link does not outlive the reason it was shared.
MAX_LIFETIME = timedelta(days=30)
OPENS_SHOWN = 5  # the latest openings listed per link; the count says the rest


class PreviewLinkForm(forms.ModelForm):
    revoke = forms.BooleanField(
        required=False, label="Revoke", help_text="End the link now; it stays listed."
    )

    class Meta:
        model = PreviewLink
        fields = ["label", "expires_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        link = self.instance
        if link.pk is None:
            # Whole minutes, so the time shown is the time that would be saved.
            default = timezone.now().replace(second=0, microsecond=0) + DEFAULT_LIFETIME
            self.fields["expires_at"].initial = default
            self.fields["revoke"].disabled = True
        elif not link.is_active():
            # An ended link is a record of what was shared; it can't be revived.
            for field in self.fields.values():
                field.disabled = True

    def has_changed(self):
        if self.instance.pk is None:
            # The expiry comes filled in; a new link is meant once someone is named.
            return bool((self["label"].value() or "").strip())
        return super().has_changed()

    def clean_expires_at(self):
        expires_at = self.cleaned_data["expires_at"]
        if self.instance.pk is not None and "expires_at" not in self.changed_data:
            return expires_at
        now = timezone.now()
        if expires_at <= now:
            raise forms.ValidationError(
                "Pick a time in the future: a link that has already expired shows nothing."
            )
        if expires_at > now + MAX_LIFETIME:
            raise forms.ValidationError(
                f"A preview link lasts at most {MAX_LIFETIME.days} days: pick a time before "
                f"{eastern(now + MAX_LIFETIME, 'embargo')}."
            )
        return expires_at


class PreviewLinkFormSet(ReleaseInlineFormSet):
    def save_new(self, form, commit=True):
        if not commit:
            return super().save_new(form, commit=commit)
        return preview_link_create(
            release=self.instance,
            label=form.cleaned_data["label"],
            expires_at=form.cleaned_data["expires_at"],
            by=self.user,
        )

    def save_existing(self, form, obj, commit=True):
        obj = super().save_existing(form, obj, commit=commit)
        if commit and form.cleaned_data.get("revoke"):
            preview_link_revoke(link=obj, by=self.user)
        return obj


class PreviewLinkInline(UserInlineMixin, admin.TabularInline):
    model = PreviewLink
    form = PreviewLinkForm
    formset = PreviewLinkFormSet
    extra = 0  # a row appears when staff press "Add another preview link"
    can_delete = False
    fields = ["label", "expires_at", "address", "status", "views", "opened", "revoke"]
    readonly_fields = ["address", "status", "views", "opened"]
    verbose_name = "preview link"
    verbose_name_plural = "Preview links (for someone without an account; times Eastern)"
    site_root = "/"
    # Links another app makes and shows on the page itself (distribution: one per press
    # recipient, listed with their email): each a function narrowing the inline's queryset,
    # added by that app, so that releases need not know it.
    hidden_links = []

    def get_formset(self, request, obj=None, **kwargs):
        # Inline instances are made per request, so this is this request's.
        self.site_root = seo.site_root(request)
        return super().get_formset(request, obj, **kwargs)

    # Links belong to an existing release: none on the add page. Revoked and expired links
    # stay, as a record of what was shared.
    def has_view_permission(self, request, obj=None):
        return obj is not None and super().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return obj is not None and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return obj is not None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # InlineModelAdmin asks for view permission without the release, which here means
        # "no links"; the rows are this release's, so ask for the model permissions instead.
        queryset = BaseModelAdmin.get_queryset(self, request)
        if not (super().has_view_permission(request) or super().has_change_permission(request)):
            return queryset.none()
        for narrow in self.hidden_links:
            queryset = narrow(queryset)
        return queryset.prefetch_related(
            Prefetch("opens", queryset=PreviewLinkOpen.objects.order_by("-opened_at", "-id"))
        )

    @admin.display(description="Link to copy")
    def address(self, link):
        if link.pk is None:
            return "Made when you save."
        url = seo.absolute(self.site_root, link.get_absolute_url())
        return format_html(
            '<input type="text" class="vTextField preview-link-url" value="{}" readonly '
            'size="40" aria-label="Preview link for {}">',
            url,
            link.label,
        )

    @admin.display(description="Status")
    def status(self, link):
        if link.pk is None:
            return ""
        if link.revoked_at is not None:
            return f"Revoked {eastern(link.revoked_at)}"
        if not link.is_active():
            return "Expired"
        return "Active"

    @admin.display(description="Views")
    def views(self, link):
        if link.pk is None or not link.view_count:
            return "0" if link.pk else ""
        return f"{link.view_count} (last {eastern(link.last_viewed_at)})"

    @admin.display(description="Opened (ET)")
    def opened(self, link):
        if link.pk is None:
            return ""
        return opens_summary(list(link.opens.all()))


def opens_summary(opens, shown=OPENS_SHOWN):
    """The latest openings of a link, newest first (time in Eastern, the kind of program,
    what the link answered when it was not the release), and how many there were before."""
    if not opens:
        return "Not opened"
    latest = [(eastern(row.opened_at), row.client, _answered(row)) for row in opens[:shown]]
    items = format_html_join("", "<li>{} · {}{}</li>", latest)
    earlier = ""
    if len(opens) > shown:
        earlier = format_html("<li>and {} earlier</li>", len(opens) - shown)
    return format_html('<ul class="link-opens">{}{}</ul>', items, earlier)


def _answered(row):
    if row.outcome == PreviewLinkOpen.Outcome.SHOWN:
        return ""
    return f" ({row.get_outcome_display().lower()})"
