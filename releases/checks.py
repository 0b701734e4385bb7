"""Checks before publishing: what a release should get right before the public sees it.

One function per rule, each taking a `ReleaseText` and returning `Finding`s: an error
blocks publishing and scheduling, a warning is shown and can be acknowledged ("Publish
anyway"). The release form shows them in its publishing panel; the form and
`release_publish()` refuse a release with errors. They live in `releases`, not in the admin,
because the publish path enforces them: whatever publishes a release asks `release_checks()`.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import markdown

from releases.citations import release_citations
from releases.markdown import EXTENSIONS

ERROR, WARNING = "error", "warning"

# Link text that says nothing out of context (a screen reader's list of links).
VAGUE_LINK_TEXT = {"click here", "here", "read more", "more", "this link", "link", "click"}
# Campaign and fund-raising sites: the Senate's rules keep official sites free of them.
FUNDRAISING_DOMAINS = ("actblue.com", "winred.com", "anedot.com", "secure.anedot.com")
FUNDRAISING_HOST_RE = re.compile(r"(^|\.)(donate|give|contribute)\.|campaign|victoryfund|forsenate")
FUNDRAISING_PATH_RE = re.compile(r"/(donate|contribute|chip-?in)\b", re.IGNORECASE)
SOLICITATION_RE = re.compile(
    r"\b(donate|donating now|chip in|contribute (?:to|for) (?:my|our|the) (?:re-?election )?"
    r"campaign|campaign contribution|give to (?:my|our) campaign)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Finding:
    level: str  # ERROR or WARNING
    message: str
    rule: str  # the function that found it

    @property
    def is_error(self):
        return self.level == ERROR


@dataclass
class ReleaseText:
    """What the checks read of a release, saved or as a form is about to save it."""

    title: str = ""
    highlights: str = ""
    body: str = ""
    has_lead_image: bool = False
    lead_image_alt: str = ""
    quotes: list = field(default_factory=list)  # the quotes' words
    citations: list = field(default_factory=list)  # releases.citations.Citation
    linked_bill_ids: set = field(default_factory=set)

    @classmethod
    def of(cls, release):
        """A saved release as it stands (two queries: its citations and its bills)."""
        return cls(
            title=release.title, highlights=release.highlights, body=release.body,
            has_lead_image=bool(release.lead_image), lead_image_alt=release.lead_image_alt,
            quotes=list(release.quotes.values_list("text", flat=True)) if release.pk else [],
            citations=release_citations(release),
            linked_bill_ids=(
                set(release.legislation.values_list("pk", flat=True)) if release.pk else set()
            ),
        )  # fmt: skip

    def body_tree(self):
        """The body's elements, parsed once (before sanitizing: what the writer wrote)."""
        if not hasattr(self, "_tree"):
            self._tree = _Elements.parse(markdown.markdown(self.body or "", extensions=EXTENSIONS))
        return self._tree

    def words(self):
        """What a reader reads (the body's words, not its links' addresses)."""
        body = " ".join(self.body_tree().text)
        return "\n".join([self.title or "", self.highlights or "", body, *self.quotes])


class _Elements(HTMLParser):
    """Headings, links and images of an HTML fragment, in order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.headings, self.links, self.images, self.text = [], [], [], []
        self._link = None

    @classmethod
    def parse(cls, html):
        parser = cls()
        parser.feed(html)
        parser.close()
        return parser

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        elif tag == "a":
            self._link = {"href": attrs.get("href") or "", "text": "", "images": 0}
            self.links.append(self._link)
        elif tag == "img":
            self.images.append(attrs)
            if self._link is not None:
                self._link["text"] += attrs.get("alt") or ""
                self._link["images"] += 1

    def handle_endtag(self, tag):
        if tag == "a":
            self._link = None

    def handle_data(self, data):
        self.text.append(data)
        if self._link is not None:
            self._link["text"] += data


def _error(rule, message):
    return Finding(ERROR, message, rule)


def _warning(rule, message):
    return Finding(WARNING, message, rule)


def lead_image_has_alt_text(text):
    """The lead image is described for readers who can't see it."""
    if text.has_lead_image and not (text.lead_image_alt or "").strip():
        return [_error("lead_image_has_alt_text", "Describe the lead image (its alt text).")]
    return []


def headings_in_order(text):
    """Body headings start at level 2 (the title is the page's one level 1) and go down one
    level at a time, so that a screen reader's outline of the page makes sense."""
    found, previous = [], 1
    for level in text.body_tree().headings:
        if level == 1:
            found.append(
                _warning(
                    "headings_in_order",
                    "The body has a level-1 heading (“# …”): the title is the page's only one. "
                    "Use “##” for sections.",
                )
            )
        elif level > previous + 1:
            found.append(
                _warning(
                    "headings_in_order",
                    f"A level-{level} heading follows a level-{previous} one: skip no level "
                    f"(use {'#' * (previous + 1)} here).",
                )
            )
        previous = max(level, 1)
    return found


def links_say_where_they_go(text):
    """No empty links, and no "click here": a link's words say where it goes."""
    found = []
    for link in text.body_tree().links:
        words = " ".join(link["text"].split()).strip(" .:!")
        if not words:
            found.append(
                _warning(
                    "links_say_where_they_go",
                    f"A link to {link['href'] or '(no address)'} has no text: readers can't "
                    "tell what it is.",
                )
            )
        elif words.lower() in VAGUE_LINK_TEXT:
            found.append(
                _warning(
                    "links_say_where_they_go",
                    f"A link reads “{words}”: say where it goes (“the bill's text”, "
                    "“the senator's letter”).",
                )
            )
    return found


def body_images_have_alt_text(text):
    """Every image in the body is described (an empty alt marks a decorative one, which a
    release has no reason to carry)."""
    missing = [img.get("src") or "(no address)" for img in text.body_tree().images
               if not (img.get("alt") or "").strip()]  # fmt: skip
    return [
        _error(
            "body_images_have_alt_text",
            f"An image in the body has no description: {src}. Write it as "
            "![what the image shows](address).",
        )
        for src in missing
    ]


def cited_bills_are_linked(text):
    """Bills the text cites ("S. 1733") are linked under Bills, so the release is listed on
    their pages (releases/citations.py finds them)."""
    found = []
    for citation in text.citations:
        if citation.bill is None:
            found.append(
                _warning(
                    "cited_bills_are_linked",
                    f"The text cites {citation.text}, which is not in the newsroom yet: add it "
                    "under Legislation to link it.",
                )
            )
        elif citation.bill.pk not in text.linked_bill_ids:
            found.append(
                _warning(
                    "cited_bills_are_linked",
                    f"The text cites {citation.text} but it is not linked: add it under Bills.",
                )
            )
    return found


def _fundraising(href):
    parts = urlsplit(href)
    host = (parts.hostname or "").lower()
    if any(host == domain or host.endswith("." + domain) for domain in FUNDRAISING_DOMAINS):
        return True
    if not host:
        return False
    return bool(FUNDRAISING_HOST_RE.search(host) or FUNDRAISING_PATH_RE.search(parts.path))


def senate_rules(text):
    """No links to campaign or fund-raising sites and no solicitation: the Senate's rules
    keep official websites free of campaign and political material."""
    found = [
        _warning(
            "senate_rules",
            f"A link goes to {urlsplit(link['href']).hostname}, a campaign or fund-raising "
            "site: official Senate sites may not link to them.",
        )
        for link in text.body_tree().links
        if _fundraising(link["href"])
    ]
    wordings = dict.fromkeys(m.group(0).lower() for m in SOLICITATION_RE.finditer(text.words()))
    for wording in wordings:
        found.append(
            _warning(
                "senate_rules",
                f"The text says “{wording}”: official Senate sites may not ask for money or "
                "campaign support.",
            )
        )
    return found


RULES = [
    lead_image_has_alt_text,
    headings_in_order,
    links_say_where_they_go,
    body_images_have_alt_text,
    cited_bills_are_linked,
    senate_rules,
]


def release_checks(text):
    """Every rule's findings for `text` (a ReleaseText), errors first."""
    found = [finding for rule in RULES for finding in rule(text)]
    return sorted(found, key=lambda finding: not finding.is_error)
