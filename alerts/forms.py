"""The sign-up form and the manage page's form for one alert."""

from django import forms
from django.core.exceptions import ValidationError

from alerts.models import Subscription, hour_label
from alerts.services import normalized_email

HOURS = [(hour, hour_label(hour)) for hour in range(24)]
FREQUENCIES = [
    (Subscription.Frequency.INSTANT, "Each release, as it is published"),
    (Subscription.Frequency.DAILY, "A daily digest, once a day at the time below"),
]


class AlertOptionsForm(forms.Form):
    frequency = forms.ChoiceField(
        label="How often", choices=FREQUENCIES, widget=forms.RadioSelect,
        initial=Subscription.Frequency.INSTANT,
        error_messages={"required": "Choose each release or a daily digest.",
                        "invalid_choice": "Choose each release or a daily digest."},
    )  # fmt: skip
    digest_hour = forms.TypedChoiceField(
        label="Daily digest time (Eastern)", choices=HOURS, coerce=int, initial=7,
        help_text="Only for the daily digest.",
        error_messages={"required": "Choose an hour for the digest.",
                        "invalid_choice": "Choose an hour of the day for the digest."},
    )  # fmt: skip


class SubscribeForm(AlertOptionsForm):
    email = forms.CharField(
        label="Your email address", max_length=254, strip=True,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={"required": "Enter your email address.",
                        "max_length": "An email address is at most 254 characters."},
    )  # fmt: skip
    field_order = ["email", "frequency", "digest_hour"]

    def clean_email(self):
        # The one rule for an address is the service's (alerts.services.normalized_email).
        try:
            return normalized_email(self.cleaned_data["email"])
        except ValidationError as error:
            raise forms.ValidationError(error.message_dict["email"]) from None


class ManageForm(AlertOptionsForm):
    wants_corrections = forms.BooleanField(
        label="Also send me a short note when a release I was sent is corrected",
        required=False,
    )
