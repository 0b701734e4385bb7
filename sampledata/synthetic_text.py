"""The words of a synthetic release: title, highlights, body and quotes.

Rendering Markdown is the slow part of making releases (about 10 ms for a 600-word body, so
17 minutes for 100,000). So a body is written from a template whose release-specific parts
(senators, bill, goal, place) are placeholders; each template is rendered once with the
project's renderer, and a release's `body_html` is that HTML with the same plain values put in.
The values are checked to be inert in Markdown (no quotes, dashes, emphasis or HTML
characters), and anything else is rendered in full. `SyntheticWriter.check` renders a sample
in full and compares.
"""

import random
import re

from releases.markdown import render_markdown
from sampledata.synthetic_words import FEDERAL_AGENCIES, SPEAKER_TITLES

PLACEHOLDER = re.compile(r"QQ([A-Z]+)QQ")
# What a value may contain and still come out of Markdown unchanged: no straight quotes,
# dashes in pairs, ellipses, emphasis, brackets or characters HTML escapes.
INERT = re.compile(r"[A-Za-z0-9 ,.()’$/:-]*\Z")
SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on",
               "or", "the", "to", "with"}  # fmt: skip

KINDS = ["introduce", "introduce", "introduce", "funding", "urge", "join", "call",
         "passage", "law"]  # fmt: skip
BILL_KINDS = {"passage", "law"}

LEAD_PARAGRAPHS = {
    "introduce": [
        "QQINTROQQ today introduced QQBILLQQ, QQPARTISANQQ legislation to QQGOALQQ.",
        "QQINTROQQ today introduced QQPARTISANQQ legislation to QQGOALQQ.",
    ],
    "funding": [
        "QQINTROQQ today announced QQAMOUNTQQ in federal funding to QQGOALQQ.",
        "QQINTROQQ today announced that QQSTATEQQ will receive QQAMOUNTQQ in federal "
        "grants to QQGOALQQ.",
    ],
    "urge": [
        "QQINTROQQ today urged the QQAGENCYQQ to take immediate action to QQGOALQQ.",
        "QQINTROQQ today sent a letter calling on the QQAGENCYQQ to do more to QQGOALQQ.",
    ],
    "join": [
        "QQINTROQQ today joined local leaders in QQCITYQQ to discuss efforts to QQGOALQQ.",
        "QQINTROQQ today visited QQCITYQQ to highlight the need to QQGOALQQ.",
    ],
    "call": [
        "QQINTROQQ today called on Congress to act to QQGOALQQ.",
        "QQINTROQQ today called for a bipartisan effort to QQGOALQQ.",
    ],
    "passage": [
        "QQINTROQQ today applauded Senate passage of QQBILLQQ, legislation to QQGOALQQ.",
        "The Senate today passed QQBILLQQ, legislation led by QQINTROQQ to QQGOALQQ.",
    ],
    "law": [
        "QQINTROQQ today applauded the signing into law of QQBILLQQ, legislation to QQGOALQQ.",
        "QQBILLQQ, legislation led by QQINTROQQ to QQGOALQQ, was signed into law today.",
    ],
}

SENTENCES = [
    "Across QQSTATEQQ, {group} have raised concerns about {thing}.",
    "According to recent estimates, problems with {thing} cost {group} millions of dollars "
    "each year.",
    "The effort builds on QQSUBJQQ’s long record of work to {goal}.",
    "QQLEADQQ has heard from {group} in every corner of QQSTATEQQ about {thing}.",
    "Local leaders say that {thing} remains one of the biggest challenges facing {group}.",
    "The proposal would direct federal agencies to work with states and local partners to {goal}.",
    "It would also require a report to Congress on {thing} within one year.",
    "Last year, QQLEADQQ convened a roundtable with {group} to discuss {thing}.",
    "Advocates have long called for a national strategy to {goal}.",
    "The measure has been endorsed by organizations representing {group}.",
    "Under current law, {group} often face long delays and confusing rules when it comes to "
    "{thing}.",
    "The bill would provide grants to states, tribes and local governments to {goal}.",
    "QQSUBJQQ QQHAVEQQ pushed for years to {goal}, and this is the next step.",
    "Questions about {thing} have become a growing concern for {group} in rural and urban "
    "communities alike.",
    "The funding will be awarded through a competitive grant program.",
    "Experts estimate that the changes could benefit thousands of {group}.",
    "A companion bill has been introduced in the House of Representatives.",
    "In recent years, {group} have seen costs rise while support for {thing} has stalled.",
    "The QQTHESENQQ also pressed the administration to {goal2}.",
    "Earlier this year, QQLEADQQ released a report on {thing} and its effect on {group}.",
    "Communities in QQSTATEQQ have shown what works, and the rest of the country can learn "
    "from them.",
    "The plan would also give local officials more flexibility in how they use federal funds.",
    "Federal support for {thing} has not kept pace with the needs of {group}.",
    "The legislation has the support of a broad coalition, from {group} to {group2}.",
    "QQLEADQQ serves on the committee that oversees {thing}.",
    "The proposal would not add to the deficit, according to the Congressional Budget Office.",
    "QQSUBJQQ will continue to work with {group2} to {goal2}.",
    "Without action, {group} could face even greater challenges in the years ahead.",
]

LIST_INTROS = ["The legislation would:", "Specifically, the proposal would:",
               "The effort would:", "The funding will be used to:"]  # fmt: skip
CLOSINGS = [
    "A summary of the legislation is available [on Congress.gov](QQBILLURLQQ).",
    "The full text of QQBILLCITEQQ can be found [here](QQBILLURLQQ).",
    "More releases from Senator QQLEADQQ are [on the newsroom](QQSENURLQQ).",
]

SENATOR_QUOTE = [
    "{Group} across {state} are counting on us to {goal}.",
    "This is about making sure {group} have the support they need.",
    "I’ve heard from {group} in every corner of {state} about {thing}, and they are tired of "
    "waiting.",
    "We have a responsibility to {goal}, and this will help us do exactly that.",
    "I will keep working with my colleagues on both sides of the aisle to get this done.",
    "When it comes to {thing}, we can’t afford to wait.",
    "Today’s news is good news for {group} in {state}.",
    "No family should have to worry about {thing}.",
    "This is a commonsense step, and I urge my colleagues to support it.",
    "We owe it to {group} to {goal}.",
]
PARTNER_SENTENCE = "I’m proud to work with Senator {partner} on this effort."
SPEAKER_QUOTE = [
    "We are grateful to Senator {lead} for leading the effort to {goal}.",
    "Every day we see how {thing} affects {group}.",
    "This would make a real difference for the people we serve.",
    "{Group} have waited long enough, and this is a meaningful step forward.",
    "We look forward to working with the Senator to see it through.",
    "Our members know firsthand what is at stake.",
]
LOCAL_TITLES = ["Mayor of {city}", "{city} City Council Member", "Police Chief of {city}",
                "Superintendent of {city} Public Schools"]  # fmt: skip


# Rendered templates by seed, then by part: they depend on nothing else, so a second newsroom
# with the same seed (the tests make several) renders none again.
_TEMPLATES = {}


def title_case(text):
    """ "expand broadband access in rural communities" -> "Expand Broadband Access in Rural ..."."""
    words = text.split()
    return " ".join(
        w if (i and w in SMALL_WORDS) else "-".join(p[:1].upper() + p[1:] for p in w.split("-"))
        for i, w in enumerate(words)
    )


def capitalize(text):
    return text[:1].upper() + text[1:]


def join_names(names):
    """ "Klobuchar", "Klobuchar and Heitkamp", "Klobuchar, Heitkamp and Smith"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def fill(template, values):
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


class SyntheticWriter:
    """Writes release text from one random source; renders each body template once."""

    def __init__(self, rng, seed):
        self.rng = rng
        self.seed = seed
        self._templates = _TEMPLATES.setdefault(seed, {})
        if len(_TEMPLATES) > 8:  # one newsroom's templates are a few megabytes
            _TEMPLATES.clear()
            self._templates = _TEMPLATES.setdefault(seed, {})
        self.full_renders = 0

    # Titles and highlights -------------------------------------------------------------

    def title(self, *, kind, last_names, goal, bipartisan, bill, amount, agency, city):
        names = ", ".join(last_names)
        s = "" if len(last_names) > 1 else "s"
        goal = title_case(goal)
        if kind == "introduce":
            what = self.rng.choice(["Legislation", "Bill"])
            adjective = "Bipartisan " if bipartisan else ""
            return f"{names} Introduce{s} {adjective}{what} to {goal}"
        if kind == "funding":
            return f"{names} Announce{s} {amount} to {goal}"
        if kind == "urge":
            return f"{names} Urge{s} {agency} to {goal}"
        if kind == "join":
            return f"{names} Join{s} {city} Leaders to Discuss Efforts to {goal}"
        if kind == "call":
            return f"{names} Call{s} for Action to {goal}"
        if kind == "passage":
            return f"Senate Passes {names} {bill.title_word} to {goal}"
        return f"{names} {bill.title_word} to {goal} Signed into Law"

    def highlights(self, *, area, subject, have, goal):
        rng = self.rng
        lines = [f"{subject} {have} long worked to {rng.choice(area['goals'])}"]
        if rng.random() < 0.7:
            lines.append(
                f"The effort would help {rng.choice(area['groups'])} and address "
                f"{rng.choice(area['things'])}"
            )
        if rng.random() < 0.4:
            lines.append(f"It is part of a broader push to {goal}")
        return "\n".join(lines)

    # Body -------------------------------------------------------------------------------

    def body(self, *, area, kind, has_bill, values):
        """(Markdown, HTML) of a body for these values.

        A body is a lead paragraph (what happened) and the rest (background, a list, a
        link); each part's template is rendered once. Markdown renders blocks separately,
        so the HTML of the two parts joined by a newline is the HTML of the whole.
        """
        rng = self.rng
        lead = self._template(("lead", area["name"], kind, has_bill, rng.randrange(3)), area)
        rest = self._template(("rest", area["name"], None, has_bill, rng.randrange(8)), area)
        body = fill(lead[0] + "\n\n" + rest[0], values)
        if all(INERT.match(v) and "--" not in v for v in values.values()):
            return body, fill(lead[1] + "\n" + rest[1], values)
        self.full_renders += 1
        return body, render_markdown(body)

    def _template(self, key, area):
        if key not in self._templates:
            # Its own random source: a template does not depend on which releases came first.
            rng = random.Random(":".join(str(part) for part in (self.seed, *key)))
            part, _, kind, has_bill, _ = key
            if part == "lead":
                markdown = self._lead_template(rng, area, kind, has_bill)
            else:
                markdown = self._rest_template(rng, area, has_bill)
            self._templates[key] = (markdown, render_markdown(markdown))
        return self._templates[key]

    def _sentence(self, rng, area):
        return rng.choice(SENTENCES).format(
            group=rng.choice(area["groups"]), group2=rng.choice(area["groups"]),
            thing=rng.choice(area["things"]), goal=rng.choice(area["goals"]),
            goal2=rng.choice(area["goals"]),
        )  # fmt: skip

    def _lead_template(self, rng, area, kind, has_bill):
        leads = [p for p in LEAD_PARAGRAPHS[kind] if has_bill or "QQBILLQQ" not in p]
        return f"{rng.choice(leads)} {self._sentence(rng, area)}"

    def _rest_template(self, rng, area, has_bill):
        target = rng.randint(270, 860)
        paragraphs, words = [], 0
        list_at = rng.randint(1, 3) if rng.random() < 0.4 else None
        while words < target:
            if len(paragraphs) == list_at:
                items = rng.sample(area["goals"], k=min(len(area["goals"]), rng.randint(3, 5)))
                block = (
                    rng.choice(LIST_INTROS)
                    + "\n\n"
                    + "\n".join(f"- {capitalize(item)};" for item in items)
                )
            else:
                block = " ".join(self._sentence(rng, area) for _ in range(rng.randint(3, 6)))
                if rng.random() < 0.1:
                    block = f"**{capitalize(rng.choice(area['things']))}.** {block}"
            paragraphs.append(block)
            words += len(block.split())
        closings = CLOSINGS if has_bill else CLOSINGS[2:]
        if rng.random() < 0.5:
            paragraphs.append(rng.choice(closings))
        return "\n\n".join(paragraphs)

    def check(self, body, body_html):
        """Whether `body_html` is what the project's renderer makes of `body`."""
        return render_markdown(body) == body_html

    # Quotes ------------------------------------------------------------------------------

    def _sentences(self, pool, k, **words):
        words.setdefault("Group", capitalize(words.get("group", "")))
        return [s.format(**words) for s in self.rng.sample(pool, k=k)]

    def senator_quote(self, *, area, state, goal, partner=None):
        rng = self.rng
        words = dict(group=rng.choice(area["groups"]), thing=rng.choice(area["things"]),
                     goal=goal, state=state)  # fmt: skip
        sentences = self._sentences(SENATOR_QUOTE, rng.randint(2, 4), **words)
        if partner:
            at = rng.randint(1, len(sentences))
            sentences.insert(at, PARTNER_SENTENCE.format(partner=partner))
        return self._paragraphs(sentences)

    def speaker_quote(self, *, area, lead, goal):
        rng = self.rng
        words = dict(group=rng.choice(area["groups"]), thing=rng.choice(area["things"]),
                     goal=goal, lead=lead)  # fmt: skip
        return self._paragraphs(self._sentences(SPEAKER_QUOTE, rng.randint(2, 4), **words))

    def _paragraphs(self, sentences):
        if len(sentences) > 2 and self.rng.random() < 0.2:
            cut = self.rng.randint(1, len(sentences) - 1)
            return " ".join(sentences[:cut]) + "\n\n" + " ".join(sentences[cut:])
        return " ".join(sentences)

    def speaker_title(self, *, organization, city):
        if organization is not None:
            return self.rng.choice(SPEAKER_TITLES)
        return self.rng.choice(LOCAL_TITLES).format(city=city)

    def agency(self):
        return self.rng.choice(FEDERAL_AGENCIES)

    def amount(self):
        rng = self.rng
        if rng.random() < 0.6:
            return f"${rng.randint(2, 99) * 10:,},000"
        return f"${rng.randint(11, 99) / 10:.1f} Million"
