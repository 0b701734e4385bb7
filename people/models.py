import re
from datetime import datetime

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.eastern import eastern_date
from core.images import image_srcset
from people.states import State

BIOGUIDE_RE = r"^[A-Z][0-9]{6}\Z"
WIKIDATA_RE = r"^Q[1-9][0-9]*\Z"


class SenatorQuerySet(models.QuerySet):
    def serving_on(self, day):
        """The senators in the Senate on `day`, by their recorded terms (see `served_on`)."""
        terms = Term.objects.filter(senator=models.OuterRef("pk"))
        undated = (Q(term_start__isnull=True) | Q(term_start__lte=day)) & (
            Q(term_end__isnull=True) | Q(term_end__gte=day)
        )
        return self.filter(
            models.Exists(terms.filter(start__lte=day, end__gte=day))
            | (~models.Exists(terms) & undated)
        )


class Senator(models.Model):
    """A U.S. senator, current or former, identified by the Bioguide id."""

    class Party(models.TextChoices):
        DEMOCRAT = "D", "Democrat"
        REPUBLICAN = "R", "Republican"
        INDEPENDENT = "I", "Independent"

    bioguide_id = models.CharField(
        "Bioguide ID",
        max_length=7,
        unique=True,
        validators=[
            RegexValidator(
                BIOGUIDE_RE, "A Bioguide ID is a capital letter and six digits, e.g. K000367."
            )
        ],
        help_text="From bioguide.congress.gov, e.g. K000367.",
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    official_full_name = models.CharField(max_length=200, blank=True)
    slug = models.SlugField(max_length=120, unique=True)
    party = models.CharField(max_length=1, choices=Party.choices)
    state = models.CharField(max_length=2, choices=State.choices)
    photo = models.ImageField(upload_to="senators/", blank=True)
    # The widths the photo is served at (renditions made when it is saved; see
    # core/images.py), so a page builds its srcset without looking at storage.
    photo_widths = models.JSONField(default=list, blank=True, editable=False)
    website = models.URLField(blank=True)
    term_start = models.DateField(null=True, blank=True)
    term_end = models.DateField(null=True, blank=True)
    in_office = models.BooleanField(default=True)
    # Official (not campaign) accounts, as unitedstates/congress-legislators lists them.
    twitter = models.CharField("X (Twitter) handle", max_length=50, blank=True)
    facebook = models.CharField("Facebook page", max_length=100, blank=True)
    youtube = models.CharField(
        "YouTube channel", max_length=100, blank=True, help_text="A channel id (UC…) or user name."
    )
    instagram = models.CharField("Instagram handle", max_length=50, blank=True)
    mastodon = models.CharField(
        "Mastodon account", max_length=100, blank=True, help_text="@user@server"
    )

    objects = SenatorQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["last_name", "first_name"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(bioguide_id__regex=BIOGUIDE_RE), name="senator_bioguide_id_format"
            ),
            models.CheckConstraint(
                condition=Q(term_end__isnull=True)
                | Q(term_start__isnull=True)
                | Q(term_end__gte=models.F("term_start")),
                name="senator_term_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.party_state})"

    def get_absolute_url(self):
        return reverse("releases:senator", kwargs={"slug": self.slug})

    @property
    def name(self):
        return self.official_full_name or f"{self.first_name} {self.last_name}"

    @property
    def party_state(self):
        """ "D-MN", as the Senate writes it."""
        return f"{self.party}-{self.state}"

    @property
    def title(self):
        return "Sen." if self.in_office else "Former Sen."

    def title_on(self, moment):
        """ "Sen." or "Former Sen." as of `moment` (a date, or a time read in Eastern time):
        a release names its senators as they were when it was issued, so Senator Heitkamp
        is "Sen." on a 2014 release and "Former Sen." only on what came after her term.
        Without a recorded end of term, a former senator's releases are taken as issued in
        office (press offices issue them), and a senator in office is "Sen." throughout."""
        if moment is None:
            return self.title
        day = eastern_date(moment) if isinstance(moment, datetime) else moment
        if not self.in_office and self.term_end is not None and day > self.term_end:
            return "Former Sen."
        return "Sen."

    def served_on(self, day):
        """Whether the senator was in the Senate on `day`: one of the Senate terms covers it
        (a term ends on January 3 and the next begins that day, so both count it). A senator
        with no terms recorded (added by hand, or from the CSV, which has no term dates) is
        judged by `term_start` and `term_end`, an unknown bound taken as open. Reads
        `self.terms.all()`, so a prefetch of `terms` answers it without a query."""
        terms = self.terms.all()
        if terms:
            return any(t.start <= day <= t.end for t in terms)
        return (self.term_start is None or self.term_start <= day) and (
            self.term_end is None or day <= self.term_end
        )

    @property
    def photo_srcset(self):
        return image_srcset(self.photo, self.photo_widths)

    @property
    def official_accounts(self):
        """The senator's official social accounts, as (label, address) pairs."""
        accounts = []
        if self.twitter:
            accounts.append(("X", f"https://x.com/{self.twitter}"))
        if self.facebook:
            accounts.append(("Facebook", f"https://www.facebook.com/{self.facebook}"))
        if self.youtube:
            kind = "channel" if re.fullmatch(r"UC[\w-]{22}", self.youtube) else "user"
            accounts.append(("YouTube", f"https://www.youtube.com/{kind}/{self.youtube}"))
        if self.instagram:
            accounts.append(("Instagram", f"https://www.instagram.com/{self.instagram}"))
        user, _, server = self.mastodon.lstrip("@").partition("@")
        if user and server:
            accounts.append(("Mastodon", f"https://{server}/@{user}"))
        return accounts


class Term(models.Model):
    """One Senate term of a senator, as unitedstates/congress-legislators lists it: the
    senator's state and party in it and the seat's class. `import_legislators` writes them;
    they tell who was serving when an archived release was issued."""

    senator = models.ForeignKey(Senator, on_delete=models.CASCADE, related_name="terms")
    start = models.DateField()
    end = models.DateField()
    state = models.CharField(max_length=2, choices=State.choices)
    # Blank for a party the newsroom does not record (an earlier term as a Whig).
    party = models.CharField(max_length=1, choices=Senator.Party.choices, blank=True)
    senate_class = models.PositiveSmallIntegerField("class", null=True, blank=True)

    class Meta:
        ordering = ["senator", "start"]
        constraints = [
            models.UniqueConstraint(fields=["senator", "start"], name="term_senator_start_uniq"),
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="term_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["start", "end"], name="term_dates_idx")]

    def __str__(self):
        return f"{self.senator.name}, {self.state}, {self.start:%Y}–{self.end:%Y}"


class Organization(models.Model):
    """An organization a release names: a nonprofit, an agency, a company..."""

    class Kind(models.TextChoices):
        NONPROFIT = "nonprofit", "Nonprofit"
        GOVERNMENT_AGENCY = "government_agency", "Government agency"
        INTERNATIONAL_BODY = "international_body", "International body"
        COMPANY = "company", "Company"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    website = models.URLField(blank=True)
    description = models.TextField(blank=True)
    wikidata_id = models.CharField(
        "Wikidata ID",
        max_length=20,
        blank=True,
        validators=[RegexValidator(WIKIDATA_RE, "A Wikidata ID looks like Q1065.")],
    )

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(wikidata_id="") | Q(wikidata_id__regex=WIKIDATA_RE),
                name="organization_wikidata_id_format",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("releases:organization", kwargs={"slug": self.slug})

    @property
    def wikidata_url(self):
        return f"https://www.wikidata.org/wiki/{self.wikidata_id}" if self.wikidata_id else ""


class OfficeMembership(models.Model):
    """A staff user works in a senator's office: they see and edit that senator's releases."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="office_memberships"
    )
    senator = models.ForeignKey(
        Senator, on_delete=models.CASCADE, related_name="office_memberships"
    )

    class Meta:
        verbose_name = "office"
        constraints = [
            models.UniqueConstraint(fields=["user", "senator"], name="office_membership_once"),
        ]

    def __str__(self):
        return f"{self.user} in the office of {self.senator}"
