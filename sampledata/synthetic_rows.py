"""The rows of a synthetic newsroom, made from one seeded random source.

Senators, topics, organizations and bills first (each marked synthetic, see below), then a
release at a time as a `Plan`: the release and the rows that go with it, written by
sampledata/synthetic.py in batches. Marks: a release by its `import_key`, a senator by a Bioguide
id whose digits start with 9 (real ids are far below), topics and organizations by the end of
their description, bills by the end of their summary.
"""

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock

from django.utils import timezone
from django.utils.text import slugify

from advisories.models import Event
from core.eastern import EASTERN
from people.models import Organization, Senator
from people.states import State
from releases.models import Legislation, Quote, Release, ReleaseType, Topic
from releases.models.subjects import title_key
from sampledata import synthetic_words as words
from sampledata.synthetic_text import BILL_KINDS, KINDS, SyntheticWriter, join_names, title_case

SYNTHETIC_KEY = "synthetic:generate_newsroom"
SYNTHETIC_NOTE = "Synthetic data made by generate_newsroom."
SYNTHETIC_BIOGUIDE = r"^[A-Z]9[0-9]{5}$"
YEARS = 15
JOINT_SHARE = 0.30
DRAFT_SHARE = 0.03
EMBARGO_SHARE = 0.01
WASHINGTON_SHARE = 0.8
BILL_TYPES = [
    ("s", 60, 4000),
    ("hr", 15, 9000),
    ("sres", 12, 900),
    ("sjres", 4, 150),
    ("hres", 3, 1500),
    ("hjres", 2, 150),
    ("sconres", 2, 60),
    ("hconres", 2, 150),
]
BILL_STATUSES = [
    ("introduced", 70),
    ("reported", 10),
    ("passed_senate", 8),
    ("passed_house", 3),
    ("passed_congress", 2),
    ("enacted", 6),
    ("vetoed", 1),
]
ORG_KINDS = [("nonprofit", 55), ("government_agency", 15), ("company", 15),
             ("international_body", 5), ("other", 10)]  # fmt: skip
MAX_TOPICS = sum(len(a["topics"]) for a in words.AREAS) * (1 + len(words.TOPIC_QUALIFIERS))
MAX_SENATORS = 2000
# The kinds of statement, about as a sample of recent Senate releases mixes them.
TYPE_SHARES = [
    (ReleaseType.PRESS_RELEASE, 66), (ReleaseType.STATEMENT, 12), (ReleaseType.LETTER, 11),
    (ReleaseType.FLOOR_REMARKS, 5), (ReleaseType.OP_ED, 3), (ReleaseType.MEDIA_ADVISORY, 3),
]  # fmt: skip
OUTLETS = ["Star Tribune", "The Hill", "USA Today", "Roll Call", "The Des Moines Register",
           "The Boston Globe", "Houston Chronicle", "The Washington Post"]  # fmt: skip
EVENT_PLACES = [
    "Senate Radio-TV Gallery, S-325, U.S. Capitol", "Ohio Clock Corridor, U.S. Capitol",
    "Senate Swamp, U.S. Capitol grounds", "Dirksen Senate Office Building, Room 562",
    "Hart Senate Office Building, Room 216", "Russell Senate Office Building, SR-253",
]  # fmt: skip


def congress_of(day):
    """The Congress sitting on `day` (the 113th sat 2013-2014), ignoring the Jan. 3 handover."""
    return (day.year - 1789) // 2 + 1


@dataclass
class Bill:
    pk: int
    citation: str
    title: str
    url: str
    title_word: str
    area: int


@dataclass
class Plan:
    """One release and the rows that go with it, until they are written."""

    release: Release
    issuers: list = field(default_factory=list)  # (senator pk, role, order)
    quotes: list = field(default_factory=list)  # Quote instances without release
    topics: list = field(default_factory=list)
    bills: list = field(default_factory=list)
    organizations: list = field(default_factory=list)
    event: object = None  # a media advisory's Event, without its release


class NewsroomGenerator:
    """Makes the synthetic newsroom's rows from one seeded random source."""

    def __init__(self, *, seed, now):
        self.seed = seed
        self.rng = random.Random(seed)
        self.now = now
        self.start = now - timedelta(days=round(365.25 * YEARS))
        self.writer = SyntheticWriter(self.rng, seed)
        # Types and events come from a source of their own, so adding them left every other
        # row of a seed as it was.
        self.type_rng = random.Random(f"{seed}-types")

    def _weighted(self, pairs):
        return self.rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]

    # People, topics, bills, organizations ----------------------------------------------

    def make_senators(self, n):
        rng = self.rng
        states = list(words.STATE_CITIES)
        taken_ids = set(Senator.objects.values_list("bioguide_id", flat=True))
        taken_slugs = set(Senator.objects.values_list("slug", flat=True))
        last_names = rng.sample(words.LAST_NAMES, k=len(words.LAST_NAMES))
        senators = []
        for i in range(n):
            first = rng.choice(words.FIRST_NAMES)
            last = last_names[i % len(last_names)]
            bioguide_id = None
            while bioguide_id is None or bioguide_id in taken_ids:
                bioguide_id = f"{last[0]}9{rng.randrange(100000):05d}"
            taken_ids.add(bioguide_id)
            in_office = i < 100
            # Terms run six years from January 3 of an odd year.
            next_odd = self.now.year + (1 if self.now.year % 2 == 0 else 2)
            if in_office:
                term_end = date(next_odd + rng.choice([0, 2, 4]), 1, 3)
                term_start = date(term_end.year - 6 * rng.randint(1, 4), 1, 3)
            else:
                term_end = date(next_odd - 2 * rng.randint(2, 8), 1, 3)
                term_start = date(term_end.year - 6 * rng.randint(1, 3), 1, 3)
            senators.append(Senator(
                bioguide_id=bioguide_id, first_name=first, last_name=last,
                official_full_name=f"{first} {last}",
                slug=_unique(slugify(f"{first} {last}"), taken_slugs),
                party=self._weighted(words.PARTY_WEIGHTS), state=states[(i // 2) % len(states)],
                term_start=term_start, term_end=term_end, in_office=in_office,
            ))  # fmt: skip
        self.senators = Senator.objects.bulk_create(senators)
        # Some offices put out far more releases than others.
        self.senator_weights = [rng.uniform(0.3, 3.0) for _ in self.senators]

    def make_topics(self, n):
        taken_names = set(Topic.objects.values_list("name", flat=True))
        taken_slugs = set(Topic.objects.values_list("slug", flat=True))
        # Round the areas first, so that a few topics still span many areas.
        bases = [(area_i, name) for j in range(5) for area_i, area in enumerate(words.AREAS)
                 for name in area["topics"][j : j + 1]]  # fmt: skip
        candidates = bases + [
            (area_i, f"{q} {name[:1].lower()}{name[1:]}")
            for q in words.TOPIC_QUALIFIERS for area_i, name in bases
        ]  # fmt: skip
        topics, areas = [], []
        for area_i, name in candidates:
            if len(topics) == n:
                break
            if name in taken_names:
                continue
            taken_names.add(name)
            topics.append(Topic(
                name=name, slug=_unique(slugify(name), taken_slugs),
                description=f"Releases on {name[:1].lower()}{name[1:]}. {SYNTHETIC_NOTE}",
            ))  # fmt: skip
            areas.append(area_i)
        topics = Topic.objects.bulk_create(topics)
        self.topics_by_area = {}
        for topic, area_i in zip(topics, areas, strict=True):
            self.topics_by_area.setdefault(area_i, []).append(topic.pk)
        self.topic_pks = [t.pk for t in topics]
        return len(topics)

    def make_organizations(self, n):
        rng = self.rng
        taken_slugs = set(Organization.objects.values_list("slug", flat=True))
        names = set(Organization.objects.values_list("name", flat=True))
        agencies = list(words.FEDERAL_AGENCIES) + [
            f"{label} Department of {kind}" for _, label in State.choices
            for kind in words.STATE_AGENCY_KINDS
        ]  # fmt: skip
        bodies = list(words.INTERNATIONAL_BODIES)
        organizations, areas = [], []
        for _ in range(n):
            area_i = rng.randrange(len(words.AREAS))
            kind = self._weighted(ORG_KINDS)
            name = None
            if kind == "government_agency" and agencies:
                name = agencies.pop(rng.randrange(len(agencies)))
            elif kind == "international_body" and bodies:
                name = bodies.pop(rng.randrange(len(bodies)))
            for _attempt in range(20):
                if name and name not in names:
                    break
                kind = rng.choice(["nonprofit", "company", "other"])
                pattern = rng.choice({
                    "nonprofit": words.NONPROFIT_PATTERNS, "company": words.COMPANY_PATTERNS,
                    "other": words.OTHER_PATTERNS,
                }[kind])  # fmt: skip
                state = rng.choice(State.choices)
                name = pattern.format(
                    word=rng.choice(words.AREAS[area_i]["words"]), state=state[1],
                    city=rng.choice(words.STATE_CITIES[state[0]]),
                    last=rng.choice(words.LAST_NAMES), last2=rng.choice(words.LAST_NAMES),
                )  # fmt: skip
            if name in names:
                name = f"{name} of {rng.choice(State.choices)[1]} {len(names)}"
            names.add(name)
            organizations.append(Organization(
                name=name, slug=_unique(slugify(name)[:110], taken_slugs), kind=kind,
                description=f"{ORG_DESCRIPTIONS[kind]} {SYNTHETIC_NOTE}",
            ))  # fmt: skip
            areas.append(area_i)
        organizations = Organization.objects.bulk_create(organizations)
        self.organizations = organizations
        self.organizations_by_area = {}
        for org, area_i in zip(organizations, areas, strict=True):
            self.organizations_by_area.setdefault(area_i, []).append(org)

    def make_bills(self, n):
        rng = self.rng
        first, last = congress_of(self.start), congress_of(self.now)
        taken = set(Legislation.objects.values_list("bill_type", "number", "congress"))
        bills, areas = [], []
        for _ in range(n):
            area_i = rng.randrange(len(words.AREAS))
            area = words.AREAS[area_i]
            congress = rng.randint(first, last)
            for _attempt in range(50):
                bill_type = self._weighted([(t, w) for t, w, _ in BILL_TYPES])
                top = next(top for t, _, top in BILL_TYPES if t == bill_type)
                number = rng.randint(1, top)
                if (bill_type, number, congress) not in taken:
                    break
            else:
                continue
            taken.add((bill_type, number, congress))
            goal = rng.choice(area["goals"])
            year = 1789 + 2 * (congress - 1) + rng.randint(0, 1)
            resolution = "res" in bill_type
            if resolution:
                short_title = ""
                official = f"A resolution supporting efforts to {goal}."
            else:
                short_title = rng.choice([
                    "{w} {w2} Act of {year}", "{w} and {w2} Act", "{w} Improvement Act of {year}",
                    "Protecting {g} Act", "{w} {w2} Modernization Act",
                ]).format(
                    w=rng.choice(area["words"]), w2=rng.choice(area["words"]), year=year,
                    g=title_case(rng.choice(area["groups"])),
                )  # fmt: skip
                official = f"A bill to {goal}, and for other purposes."
            introduced_on = date(year, rng.randint(1, 12), rng.randint(1, 28))
            if introduced_on > self.now.date():
                introduced_on = self.now.date() - timedelta(days=rng.randint(1, 60))
            bills.append(Legislation(
                bill_type=bill_type, number=number, congress=congress,
                bill_id=f"{bill_type}{number}-{congress}", short_title=short_title,
                title_key=title_key(short_title),  # what save() sets; bulk_create skips it
                official_title=official, sponsor=rng.choice(self.senators),
                status=self._weighted(BILL_STATUSES), introduced_on=introduced_on,
                summary=f"Would {goal}. {SYNTHETIC_NOTE}",
            ))  # fmt: skip
            areas.append(area_i)
        bills = Legislation.objects.bulk_create(bills)
        Cosponsor = Legislation.cosponsors.through
        Cosponsor.objects.bulk_create(
            Cosponsor(legislation_id=bill.pk, senator_id=s.pk)
            for bill in bills
            for s in rng.sample(self.senators, k=min(len(self.senators), rng.randint(0, 4)))
            if s.pk != bill.sponsor_id
        )
        self.bills = {}  # (congress, area) -> [Bill]
        for bill, area_i in zip(bills, areas, strict=True):
            entry = Bill(
                pk=bill.pk, citation=bill.citation, url=bill.congress_gov_url,
                title=f"the {bill.short_title} ({bill.citation})" if bill.short_title
                else bill.citation,
                title_word="Resolution" if "res" in bill.bill_type else "Bill", area=area_i,
            )  # fmt: skip
            self.bills.setdefault((bill.congress, area_i), []).append(entry)
            self.bills.setdefault((bill.congress, None), []).append(entry)
        return len(bills)

    # Releases -----------------------------------------------------------------------------

    def moments(self, n):
        """n publication times over the years up to now, in order, on weekday office hours.

        Sorted uniform samples one at a time (the minimum of k uniforms is 1 - U^(1/k)), so
        the ids rise with the dates as in a real newsroom, without holding n times at once.
        """
        rng, span, x = self.rng, (self.now - self.start).total_seconds(), 0.0
        for k in range(n, 0, -1):
            x += (1 - x) * (1 - rng.random() ** (1 / k))
            local = timezone.localtime(self.start + timedelta(seconds=x * span), EASTERN)
            day = local.date()
            if day.weekday() >= 5 and rng.random() < 0.85:
                day -= timedelta(days=day.weekday() - 4)  # to the Friday before
            hour = min(18, max(8, round(rng.gauss(12, 2.5))))
            moment = datetime.combine(day, clock(hour, rng.randrange(60)), tzinfo=EASTERN)
            if moment > self.now:
                moment = self.now - timedelta(minutes=rng.randint(1, 120))
            yield moment.astimezone(UTC)

    def release(self, moment, used_slugs):
        rng = self.rng
        area_i = rng.randrange(len(words.AREAS))
        area = words.AREAS[area_i]
        lead = rng.choices(self.senators, weights=self.senator_weights)[0]
        issuers = [lead]
        if rng.random() < JOINT_SHARE and len(self.senators) > 1:
            partner = next(
                (s for s in self.senators if s.state == lead.state and s.pk != lead.pk), None
            )
            if partner is None or rng.random() < 0.5:
                partner = rng.choice([s for s in self.senators[:200] if s.pk != lead.pk])
            issuers.append(partner)
            for _ in range(rng.choice([0, 0, 0, 1, 1, 2])):
                other = rng.choice(self.senators)
                if other not in issuers:
                    issuers.append(other)
        bipartisan = len({s.party for s in issuers}) > 1

        status, published_at = Release.Status.PUBLISHED, moment
        roll = rng.random()
        if roll < DRAFT_SHARE:
            status, published_at = Release.Status.DRAFT, None
        elif roll < DRAFT_SHARE + EMBARGO_SHARE:
            published_at = self.now + timedelta(minutes=rng.randint(60, 14 * 24 * 60))
        congress = congress_of(timezone.localtime(moment, EASTERN))

        bills = []
        for _ in range(rng.choice([0, 0, 1, 1, 1, 2])):
            pool = self.bills.get((congress, area_i)) or self.bills.get((congress, None))
            bill = rng.choice(pool) if pool else None
            if bill and bill not in bills:
                bills.append(bill)
        kind = rng.choice(KINDS)
        if kind in BILL_KINDS and not bills:
            kind = "call"
        topics = [rng.choice(self.topics_by_area.get(area_i) or self.topic_pks)]
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            extra = rng.choice(self.topic_pks)
            if extra not in topics:
                topics.append(extra)
        organizations = []
        for _ in range(rng.choice([0, 1, 1, 2, 3])):
            pool = self.organizations_by_area.get(area_i) or self.organizations
            org = rng.choice(pool) if pool else None
            if org and org not in organizations:
                organizations.append(org)

        state = State(lead.state).label
        city = rng.choice(words.STATE_CITIES.get(lead.state, ["Washington"]))
        goal = rng.choice(area["goals"])
        last_names = [s.last_name for s in issuers]
        subject = join_names(last_names)
        have = "have" if len(issuers) > 1 else "has"
        bill = bills[0] if bills else None
        amount = self.writer.amount()
        agency = self.writer.agency()
        title = self.writer.title(
            kind=kind,
            last_names=last_names,
            goal=goal,
            bipartisan=bipartisan,
            bill=bill,
            amount=amount,
            agency=agency,
            city=city,
        )
        senators_word = "Senators" if len(issuers) > 1 else "Senator"
        values = {
            "INTRO": f"U.S. {senators_word} "
            + join_names([f"{s.first_name} {s.last_name} ({s.party}-{s.state})" for s in issuers]),
            "SUBJ": subject, "LEAD": lead.last_name, "STATE": state, "GOAL": goal,
            "HAVE": have, "THESEN": senators_word, "CITY": city, "AGENCY": agency,
            "AMOUNT": amount.replace("Million", "million"),
            "PARTISAN": "bipartisan" if bipartisan else "new",
            "BILL": bill.title if bill else "", "BILLCITE": bill.citation if bill else "",
            "BILLURL": bill.url if bill else "", "SENURL": f"/senators/{lead.slug}/",
        }  # fmt: skip
        body, body_html = self.writer.body(
            area=area, kind=kind, has_bill=bill is not None, values=values
        )
        release = Release(
            title=title,
            slug=_unique(slugify(title)[:190].strip("-"), used_slugs),
            highlights=self.writer.highlights(area=area, subject=subject, have=have, goal=goal),
            dateline="Washington, DC" if rng.random() < WASHINGTON_SHARE
            else f"{city}, {lead.state}",
            body=body, body_html=body_html, status=status, published_at=published_at,
            import_key=SYNTHETIC_KEY,
        )  # fmt: skip
        self._type(release, moment)
        plan = Plan(
            release=release, topics=topics, bills=[b.pk for b in bills],
            organizations=[o.pk for o in organizations],
            issuers=[(s.pk, "lead" if i == 0 else "joint", i) for i, s in enumerate(issuers)],
        )  # fmt: skip
        n_quotes = rng.randint(2, 4)
        for order, senator in enumerate(issuers[:n_quotes]):
            partner = issuers[1].last_name if order == 0 and len(issuers) > 1 else None
            text = self.writer.senator_quote(area=area, state=state, goal=goal, partner=partner)
            plan.quotes.append(Quote(senator_id=senator.pk, text=text, order=order))
        for order in range(len(plan.quotes), n_quotes):
            org = rng.choice(organizations) if organizations and rng.random() < 0.8 else None
            plan.quotes.append(Quote(
                speaker_name=f"{rng.choice(words.FIRST_NAMES)} {rng.choice(words.LAST_NAMES)}",
                speaker_title=self.writer.speaker_title(organization=org, city=city),
                speaker_organization_id=org.pk if org else None,
                text=self.writer.speaker_quote(area=area, lead=lead.last_name, goal=goal),
                order=order,
            ))  # fmt: skip
        if release.type == ReleaseType.MEDIA_ADVISORY:
            plan.event = self._event(moment)
        return plan

    def _type(self, release, moment):
        rng = self.type_rng
        release.type = rng.choices([t for t, _ in TYPE_SHARES], [w for _, w in TYPE_SHARES])[0]
        recent = moment > self.now - timedelta(days=21)
        if recent and rng.random() < 0.3:  # the coming weeks' events, for /advisories/
            release.type = ReleaseType.MEDIA_ADVISORY
        if release.type == ReleaseType.OP_ED:
            release.outlet = rng.choice(OUTLETS)
            release.outlet_url = f"https://news.example/opinion/{release.slug[:80]}/"
        elif release.type == ReleaseType.FLOOR_REMARKS:
            day = timezone.localtime(moment, EASTERN)
            volume = day.year - 1854  # the Record's volume: 160 in 2014
            release.congressional_record = (
                f"{volume} Cong. Rec. S{rng.randint(100, 8999)} (daily ed. "
                f"{day:%B} {day.day}, {day.year})"
            )
        elif release.type == ReleaseType.MEDIA_ADVISORY:
            release.title = f"Media advisory: {release.title}"
            release.dateline = "Washington, DC" if rng.random() < 0.8 else release.dateline

    def _event(self, moment):
        rng = self.type_rng
        announced = moment
        if announced > self.now - timedelta(days=21):
            announced = self.now  # the coming fortnight's calendar, as an office keeps it
        day = timezone.localtime(announced, EASTERN).date() + timedelta(days=rng.randint(0, 14))
        start = datetime.combine(day, clock(rng.choice([9, 10, 11, 13, 14, 15, 16]),
                                            rng.choice([0, 15, 30])), tzinfo=EASTERN)  # fmt: skip
        cancelled = rng.random() < 0.04
        return Event(
            kind=rng.choice([k for k, _ in Event.Kind.choices]),
            starts_at=start.astimezone(UTC),
            ends_at=(start + timedelta(minutes=rng.choice([30, 45, 60, 90]))).astimezone(UTC),
            location=rng.choice(EVENT_PLACES),
            cancelled=cancelled,
            update_note="Cancelled: votes were called." if cancelled else "",
        )


ORG_DESCRIPTIONS = {
    "nonprofit": "A nonprofit organization.",
    "government_agency": "A government agency.",
    "international_body": "An international organization.",
    "company": "A company.",
    "other": "An organization.",
}


def _unique(slug, taken):
    """`slug`, or `slug-2`, `slug-3`...: the first not in `taken`, which it is added to."""
    slug = slug or "item"
    candidate, n = slug, 1
    while candidate in taken:
        n += 1
        candidate = f"{slug}-{n}"
    taken.add(candidate)
    return candidate
