"""What releases are about: curated topics and federal bills."""

import re
import unicodedata

from django.contrib.humanize.templatetags.humanize import ordinal
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse

from people.models import Senator

NOT_A_WORD_RE = re.compile(r"[^a-z0-9]+")
# "... Act of 2013", "... Appropriations Act, 2020": the year a title may go without.
TITLE_YEAR_RE = re.compile(r"(?: of)? (?:1[7-9]|2[0-9])[0-9]{2}$")


def title_words(text):
    """Text as titles are compared: lower case, no accents, apostrophes or punctuation."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    text = re.sub(r"['\u2019]", "", text.lower())
    return NOT_A_WORD_RE.sub(" ", text).strip()


def title_key(title):
    """A short title as it is compared: its title_words(), without a leading "The" or a
    closing year. "The Stop Exploitation Through Trafficking Act of 2013" and "stop
    exploitation through trafficking act" are both "stop exploitation through trafficking
    act"."""
    return TITLE_YEAR_RE.sub("", title_words(title)).removeprefix("the ")


class Topic(models.Model):
    """A curated subject a release is filed under (not a free-form tag)."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("releases:topic", kwargs={"slug": self.slug})


class Legislation(models.Model):
    """A federal bill or resolution, in the unitedstates/congress convention (s1733-113)."""

    class BillType(models.TextChoices):
        HR = "hr", "H.R."
        S = "s", "S."
        HRES = "hres", "H.Res."
        SRES = "sres", "S.Res."
        HJRES = "hjres", "H.J.Res."
        SJRES = "sjres", "S.J.Res."
        HCONRES = "hconres", "H.Con.Res."
        SCONRES = "sconres", "S.Con.Res."

    class Status(models.TextChoices):
        INTRODUCED = "introduced", "Introduced"
        REPORTED = "reported", "Reported by committee"
        PASSED_SENATE = "passed_senate", "Passed the Senate"
        PASSED_HOUSE = "passed_house", "Passed the House"
        PASSED_CONGRESS = "passed_congress", "Passed Congress"
        ENACTED = "enacted", "Became law"
        VETOED = "vetoed", "Vetoed"
        FAILED = "failed", "Failed"

    # congress.gov's path segment for each bill type.
    CONGRESS_GOV_TYPES = {
        "hr": "house-bill", "s": "senate-bill",
        "hres": "house-resolution", "sres": "senate-resolution",
        "hjres": "house-joint-resolution", "sjres": "senate-joint-resolution",
        "hconres": "house-concurrent-resolution", "sconres": "senate-concurrent-resolution",
    }  # fmt: skip

    bill_type = models.CharField(max_length=7, choices=BillType.choices)
    number = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    congress = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1)], help_text="2013–2014 is the 113th Congress."
    )
    bill_id = models.CharField(
        "bill ID", max_length=20, unique=True, editable=False, help_text="e.g. s1733-113"
    )
    official_title = models.TextField(blank=True)
    short_title = models.CharField(max_length=300, blank=True)
    # The short title as releases are matched against it (title_key(); releases/bill_titles.py).
    title_key = models.CharField(max_length=300, blank=True, editable=False)
    sponsor = models.ForeignKey(
        Senator, null=True, blank=True, on_delete=models.SET_NULL, related_name="sponsored_bills"
    )
    cosponsors = models.ManyToManyField(Senator, blank=True, related_name="cosponsored_bills")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.INTRODUCED)
    introduced_on = models.DateField(null=True, blank=True)
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["-congress", "bill_type", "number"]
        verbose_name_plural = "legislation"
        # The lists' order (/legislation/, the API's cursor), newest Congress first.
        indexes = [
            models.Index(fields=["-congress", "bill_type", "number"], name="legislation_order_idx"),
            # A release's named titles, looked up in the Congresses of its date.
            models.Index(fields=["title_key", "congress"], name="legislation_title_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["bill_type", "number", "congress"], name="legislation_unique_bill"
            ),
        ]

    def __str__(self):
        return f"{self.citation} ({ordinal(self.congress)} Congress)"

    def get_absolute_url(self):
        return reverse("releases:legislation", kwargs={"bill_id": self.bill_id})

    @property
    def citation(self):
        """ "S. 1733", as a bill is cited in prose."""
        return f"{self.get_bill_type_display()} {self.number}"

    @property
    def title(self):
        return self.short_title or self.official_title

    def citation_forms(self):
        """The ways people write this bill, for search: "S. 1733", "S1733", "s1733-113"."""
        prefix = self.get_bill_type_display()
        compact = prefix.replace(".", "")
        n, congress = self.number, self.congress
        return (
            f"{prefix} {n} {compact} {n} {compact}{n} {self.bill_id} {compact}{n} {congress} "
            f"{ordinal(congress)} Congress"
        )

    @property
    def congress_gov_url(self):
        return (
            f"https://www.congress.gov/bill/{ordinal(self.congress)}-congress/"
            f"{self.CONGRESS_GOV_TYPES[self.bill_type]}/{self.number}"
        )

    def save(self, *args, **kwargs):
        self.bill_id = f"{self.bill_type}{self.number}-{self.congress}"
        self.title_key = title_key(self.short_title)
        super().save(*args, **kwargs)
