"""The press lists' forms: a contact, a list, the CSV import, a send."""

from django import forms

from distribution.models import PressContact, PressList, normalize_email


class PressContactForm(forms.ModelForm):
    """A contact, and the lists of their office they are on."""

    lists = forms.ModelMultipleChoiceField(
        queryset=PressList.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple, help_text="Lists of the contact's office.",
    )  # fmt: skip

    class Meta:
        model = PressContact
        fields = ["office", "name", "outlet", "email", "beats", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["lists"].initial = list(self.instance.lists.values_list("pk", flat=True))

    def clean_email(self):
        return normalize_email(self.cleaned_data["email"])

    def clean(self):
        cleaned = super().clean()
        office = cleaned.get("office")
        others = [pl for pl in cleaned.get("lists") or [] if office and pl.office_id != office.pk]
        if others:
            names = ", ".join(f"“{pl}” ({pl.office})" for pl in others)
            self.add_error("lists", f"Only lists of {office}'s office: not {names}.")
        return cleaned


class PressListForm(forms.ModelForm):
    class Meta:
        model = PressList
        fields = ["office", "name", "description", "contacts"]

    def clean(self):
        cleaned = super().clean()
        office = cleaned.get("office")
        others = [c for c in cleaned.get("contacts") or [] if office and c.office_id != office.pk]
        if others:
            names = ", ".join(str(c) for c in others)
            self.add_error(
                "contacts",
                f"A list holds its own office's contacts only; not of {office}'s office: {names}.",
            )
        return cleaned


class ContactImportForm(forms.Form):
    office = forms.ModelChoiceField(
        queryset=None, help_text="The office whose contacts and lists these are."
    )
    file = forms.FileField(
        label="CSV file",
        help_text="Columns, named on the first line: name, outlet, email, beats, lists (list "
        "names separated by “;”). From a spreadsheet: File → Save as → CSV.",
    )
    dry_run = forms.BooleanField(
        label="Check the file only", required=False,
        help_text="Shows what the import would do, row by row, and imports nothing.",
    )  # fmt: skip

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices
        only = list(offices[:2])
        if len(only) == 1:
            self.fields["office"].initial = only[0].pk


class SendForm(forms.Form):
    lists = forms.ModelMultipleChoiceField(
        queryset=PressList.objects.none(), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Pick at least one press list."},
    )  # fmt: skip
    follow_up_when_public = forms.BooleanField(
        label="When the embargo lifts, email them that it is public, with its address",
        required=False,
    )
    send_corrections = forms.BooleanField(
        label="If a correction is added, email it to them", required=False
    )

    def __init__(self, *args, lists, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lists"].queryset = PressList.objects.filter(pk__in=[pl.pk for pl in lists])
