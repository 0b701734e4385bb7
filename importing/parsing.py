"""Read a press release, as plain text or a saved web page, into the parts a press office writes.

Title (when there is one), the highlight bullets above the dateline, the dateline, the body,
the quotes with who said them (`attribution.py`), and the closing `###`. Nothing here
touches the database: `recognizing.py` links names to senators, bills and organizations,
`importing.py` writes the draft.

HTML is read with BeautifulSoup on Python's own `html.parser`: saved pages are often broken
HTML, and BeautifulSoup repairs them and guesses their encoding the way a browser would,
with no compiled dependency.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from bs4 import BeautifulSoup, NavigableString
from bs4.dammit import EncodingDetector
from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

from importing.attribution import intro_attribution, quotes_extract
from people.states import STATE_CODES


class ParseError(Exception):
    """The text is not a press release this parser can read; the message says why."""


class NoTitleError(ParseError):
    """The text has no title and none was given."""


@dataclass
class ParsedRelease:
    title: str = ""
    published_on: date | None = None
    highlights: list = field(default_factory=list)
    dateline: str = ""
    body: list = field(default_factory=list)  # paragraphs, without the quotes
    quotes: list = field(default_factory=list)
    notes: list = field(default_factory=list)  # what a reader of the file should check

    @property
    def lead(self):
        return self.body[0] if self.body else ""

    @property
    def full_text(self):
        """Everything a reader sees, for recognizing names in it."""
        quotes = [q.text for q in self.quotes]
        return "\n\n".join([self.title, *self.highlights, *self.body, *quotes])


# Caps on what one release may be. Each is a per-file failure that names it, nothing stored.
#
# 2 MB a file (or a pasted text, counted in UTF-8): a release as text is 5 to 50 KB, and a
# saved senate.gov page with its navigation, inline styles and scripts a few hundred KB; 2 MB
# is several times the largest of those, parses in well under a second, and stays under
# Django's 2.5 MB request limit (DATA_UPLOAD_MAX_MEMORY_SIZE) for the paste view.
MAX_BYTES = 2 * 1024 * 1024
# A release quotes a handful of people; a coalition's joint release may quote fifty senators.
# Each quote is a row and an index entry of its own.
MAX_QUOTES = 200
# The text read (title, highlights, body and quotes): about 30,000 words, more than three
# hours of floor remarks. It also bounds the body's paragraphs, so no cap of their own.
MAX_CHARS = 200_000

# Control characters no text file holds: C0 controls other than tab and the line and page
# breaks (line feed, vertical tab, form feed, carriage return), and DEL. Refused
# rather than stripped: a file that has them is binary data, or text damaged beyond a guess,
# and PostgreSQL cannot store a NUL at all (SQLite would, silently): refusing them before
# anything is written keeps both databases alike.
CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
BINARY = "not text: it contains binary data"
# What browsers read a page declaring these as (WHATWG Encoding): Windows-1252.
WINDOWS_1252_ALIASES = {"ascii", "us-ascii", "iso-8859-1", "iso8859-1", "latin-1", "latin1"}


def size_check(size):
    """A ParseError when `size` bytes is over the cap."""
    if size > MAX_BYTES:
        raise ParseError(
            f"too large ({size:,} bytes); a release may be at most "
            f"{MAX_BYTES // 1024 // 1024} MB ({MAX_BYTES:,} bytes)"
        )


def text_check(text):
    """`text`, or a ParseError if it holds a NUL or another control character."""
    if "\x00" in text:
        raise ParseError(f"{BINARY} (NUL bytes)")
    if match := CONTROL_RE.search(text):
        count = len(CONTROL_RE.findall(text))
        line = text.count("\n", 0, match.start()) + 1
        raise ParseError(
            f"{BINARY} (control character U+{ord(match[0]):04X} on line {line}; {count} in all)"
        )
    return text


def text_decode(data, *, html=False):
    """Bytes of a file to str, refusing binary data: NUL bytes anywhere, control characters,
    or bytes that are no text in any encoding tried.

    Text: UTF-8 (with or without a BOM), UTF-16 with a BOM, or Windows-1252, which old
    press-office files often are. HTML: the encoding of its BOM or the one it declares
    first, then the same UTF-8 and Windows-1252 (no guessing from byte statistics, which
    would read garbage as some encoding)."""
    size_check(len(data))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise ParseError(f"not valid UTF-16 text ({e.reason} at byte {e.start})") from e
        return text_check(text.removesuffix("\x1a"))
    if b"\x00" in data:
        raise ParseError(f"{BINARY} (NUL bytes)")
    encodings = ["utf-8-sig", "cp1252"]
    if html:
        data, sniffed = EncodingDetector.strip_byte_order_mark(data)
        declared = EncodingDetector.find_declared_encoding(data, is_html=True)
        if declared in WINDOWS_1252_ALIASES:
            declared = "cp1252"
        elif declared and declared.startswith(("utf-16", "utf-32")):
            declared = None  # a page with no BOM and no NUL byte is neither (browsers agree)
        encodings = [e for e in (sniffed, declared) if e] + encodings
    error = None
    for encoding in dict.fromkeys(encodings):
        try:
            text = data.decode(encoding)
        except LookupError:  # a declared encoding Python does not know
            continue
        except UnicodeDecodeError as e:
            error = e  # the last: the byte not even Windows-1252 reads
            continue
        # A DOS end-of-file mark (Ctrl-Z) closes some old files; it is no part of the text.
        return text_check(text.removesuffix("\x1a"))
    names = {"utf-8-sig": "UTF-8", "utf-8": "UTF-8", "cp1252": "Windows-1252"}
    tried = list(dict.fromkeys(names.get(e, e) for e in encodings))
    raise ParseError(
        f"not text in {', '.join(tried[:-1])} or {tried[-1]} "
        f"(byte {data[error.start]:#04x} at {error.start})"
    ) from error


def looks_like_html(text):
    head = text[:2048].lstrip().lower()
    return head.startswith(("<!doctype html", "<html", "<?xml")) or bool(
        re.search(r"<(?:html|body|head|p|div|article|h1)[\s>]", head)
    )


def releases_parse(*, text, html=None, title="", published_on=None):
    """Parse a file or pasted text into its releases: one, or several when it holds several.

    `title` and `published_on` are used when the text has none (for the first release; a
    later one must have its own title). `text` is str or bytes (a file's content: the
    encoding is found here). `html` says whether it is a web page; None looks at it to
    decide. Binary data and a release over the caps (MAX_BYTES, MAX_QUOTES, MAX_CHARS) are a
    ParseError saying so.

    A file holds several releases when, after an end mark (`###`, `-30-`), another release
    begins: a dateline in its first paragraphs, or a title and a quotation or statement.
    What follows the last end mark without one (the office's address, "Print this page") is
    the site's, not a release's, and is left; if any of it reads as prose, the last
    release's `notes` say so, quoting its start, so no release's text is lost unseen.
    """
    if isinstance(text, bytes):
        if html is None:
            html = looks_like_html(text[:2048].decode("latin-1"))
        text = text_decode(text, html=html)
    else:
        size_check(len(text.encode("utf-8", "replace")))
        text_check(text)
        if html is None:
            html = looks_like_html(text)
    page_title, page_date = "", None
    if html:
        page_title, page_date, text = html_to_text(text)
    all_paragraphs = _paragraphs(text)
    parts, left_out = _release_parts(all_paragraphs)
    releases = []
    for number, paragraphs in enumerate(parts, start=1):
        first = number == 1
        release = _release_from(
            paragraphs,
            title=page_title if first else "",
            marked=all_paragraphs,
            given=title if first else "",
        )
        if first:
            release.title = release.title or " ".join(title.split())
            release.published_on = release.published_on or page_date or published_on
        if not release.title:
            where = f"release {number} of the {len(parts)} in it: " if len(parts) > 1 else ""
            raise NoTitleError(
                f"{where}no title found (a short first line in Title or sentence case, "
                "or <h1>/<title> in HTML)"
            )
        # What is stored: character references in HTML (&#7;) and a given title are text too.
        text_check(release.full_text + release.dateline)
        if len(release.quotes) > MAX_QUOTES:
            raise ParseError(
                f"{len(release.quotes)} quotes; a release may have at most {MAX_QUOTES}"
            )
        if (chars := len(release.full_text)) > MAX_CHARS:
            raise ParseError(f"{chars:,} characters; a release may have at most {MAX_CHARS:,}")
        releases.append(release)
    if left_out:
        words = " ".join(left_out[0].split()[:12])
        releases[-1].notes.append(
            f"after the last end mark the file goes on with text that opens no release (no "
            f"dateline, or no title before a quotation): “{words}…”, not imported; check it"
        )
    return releases


def release_parse(*, text, html=None, title="", published_on=None):
    """Parse a text that holds one release (see `releases_parse`); a text of several is a
    ParseError saying how many, so that no release is dropped or merged into another."""
    releases = releases_parse(text=text, html=html, title=title, published_on=published_on)
    if len(releases) > 1:
        raise ParseError(
            f"it holds {len(releases)} releases, each closed by an end mark; "
            "import them one at a time"
        )
    return releases[0]


# HTML

BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "ol",
    "p", "pre", "section", "table", "td", "th", "tr", "ul",
}  # fmt: skip
SKIPPED_TAGS = {
    "button", "embed", "form", "head", "iframe", "input", "nav", "noscript", "object",
    "script", "select", "style", "svg", "template", "textarea",
}  # fmt: skip
NOT_TEXT = (Comment, Declaration, Doctype, ProcessingInstruction)


def html_to_text(markup):
    """A saved release page to (title, date, text with paragraphs separated by blank lines).

    The release is the page's <article> or <main> when it has one, else the part of its
    <body> around the title that holds the release's text (`_around_title`), without the
    site's header, footer and sidebars. A page of several releases, each its own
    <article>, is read as all of them, each closed by an end mark (`releases_parse` splits
    them). The title is its <h1>, else the page <title>.
    """
    soup = BeautifulSoup(markup, "html.parser")
    root = _release_root(soup)
    if root.name != "article":
        for tag in root.find_all(["header", "footer", "aside"], recursive=False):
            tag.decompose()
    title = ""
    # "Release title | Senator Name" or "Release title - Senator Name": the first part.
    page_title = (soup.title.string or "") if soup.title else ""
    page_parts = re.split(r"\s+[|–—-]\s+", " ".join(page_title.split()))
    site_names = {_fold_name(p) for p in page_parts[1:]}
    heading = _title_heading(root, soup, site_names=site_names)
    releases_around = root.name in ("article", "main") or root.find("article") is not None
    if heading and not releases_around and root in heading.parents:
        root = _around_title(heading, root)
    for tag in root.find_all(["h1", "h2"]):
        if _fold_name(tag.get_text(" ")) in site_names:
            tag.decompose()  # the site's name, not the release's words
    if heading:
        title = " ".join(heading.get_text(" ").split())
        heading.decompose()
    if not title:
        title = page_parts[0]
    published_on = _page_date(soup)
    paragraphs, buffer = [], []
    try:
        _walk(root, paragraphs, buffer)
    except RecursionError as e:
        raise ParseError("the page's HTML is nested too deeply to read") from e
    _flush(buffer, paragraphs)
    return title, published_on, "\n\n".join(paragraphs)


# Words around a title that make the release's text when no dateline says where it starts.
LEAD_WORDS = 80


def _a_release(article):
    """Whether an <article> is a release, not another's teaser: two paragraphs or more, the
    page's <h1>, or a lead's worth of words."""
    return (
        len(article.find_all("p")) >= 2
        or article.find("h1") is not None
        or len(article.get_text(" ").split()) >= LEAD_WORDS
    )


def _around_title(heading, root):
    """In a page with no <article> or <main>, the nearest element around the title's
    heading that holds a dateline paragraph or a lead's worth of words: the site's logo,
    menus and sidebars of "Recent News" beside it are none of the release."""
    for around in heading.parents:
        if around is root:
            break
        paragraphs = (" ".join(p.get_text(" ").split()) for p in around.find_all("p"))
        if any(_dateline(text[:300]) for text in paragraphs):
            return around
        words = len(around.get_text(" ").split()) - len(heading.get_text(" ").split())
        if words >= LEAD_WORDS:
            return around
    return root


# Where a release's <article> is not: a teaser of another release beside or below it.
OUTSIDE_ARTICLES = ["article", "aside", "nav", "header", "footer"]


def _release_root(soup):
    """The part of the page that holds its release, or its releases: a page's only
    <article>; around several, the element holding them all, each of them closed by an end
    mark. An <article> that is none (`_a_release`: another release's teaser, "Read more")
    is left out, and with no <article> a release the page's <main> or <body> is read."""
    articles = [a for a in soup.find_all("article") if not a.find_parent(OUTSIDE_ARTICLES)]
    releases = [a for a in articles if _a_release(a)]
    for article in articles:
        if article not in releases:
            article.decompose()
    if not releases:
        return soup.find("main") or soup.body or soup
    if len(releases) == 1:
        return releases[0]
    for article in releases:
        texts = [p.get_text(" ", strip=True) for p in article.find_all(["p", "div"])]
        if not any(END_MARK_RE.match(t) for t in texts[-2:] if t):
            end = soup.new_tag("p")
            end.string = "###"
            article.append(end)
    around = releases[0].parent
    while not all(around in a.parents for a in releases[1:]):
        around = around.parent
    return around


def _fold_name(text):
    return " ".join(text.split()).casefold()


def _title_heading(root, soup, *, site_names):
    """The release's heading: the <h1> of the release's part of the page, else the page's
    <h1>, else the release's first <h2>. A heading that is the site's name (the part of the page's
    <title> after its separator, "U.S. Senator Mark R. Warner") is no release's title."""

    def the_release(tag):
        return _fold_name(tag.get_text(" ")) not in site_names and tag.get_text(strip=True)

    for candidates in (root.find_all("h1"), soup.find_all("h1"), root.find_all("h2")):
        for tag in candidates:
            if the_release(tag):
                return tag
    return None


def _page_date(soup):
    candidates = [
        tag.get("content")
        for tag in soup.find_all("meta")
        if (tag.get("property") or tag.get("name") or "").lower()
        in {"article:published_time", "date", "dc.date", "pubdate"}
    ]
    candidates += [tag.get("datetime") for tag in soup.find_all("time")]
    for value in candidates:
        match = re.match(r"\s*(\d{4}-\d{2}-\d{2})", value or "")
        if match:
            try:
                return date.fromisoformat(match[1])
            except ValueError:
                continue
    return None


def _walk(node, paragraphs, buffer):
    for child in node.children:
        if isinstance(child, NOT_TEXT):
            continue
        if isinstance(child, NavigableString):
            buffer.append(re.sub(r"\s+", " ", str(child)))
        elif child.name in SKIPPED_TAGS:
            continue
        elif child.name == "br":
            buffer.append("\n")
        elif child.name in BLOCK_TAGS:
            _flush(buffer, paragraphs)
            if child.name == "li":
                buffer.append("• ")
            _walk(child, paragraphs, buffer)
            _flush(buffer, paragraphs)
        else:
            _walk(child, paragraphs, buffer)


def _flush(buffer, paragraphs):
    chunk = "".join(buffer).strip()
    buffer.clear()
    if chunk and chunk != "•":
        paragraphs.append(chunk)


# Plain text

# The end of a release: ###, # # #, #####, -###-, - ### -, -30-, - 30 -.
END_MARK_RE = re.compile(r"^(?:-\s*)?(?:#\s*){3,}(?:-)?$|^-\s*30\s*-$")
BULLET_RE = re.compile(r"^(?:[•●◦▪‣·*–-]|\d{1,2}[.)])\s+")
MONTHS = {
    name: n
    for n, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
WEEKDAY = r"(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?,?\s+)?"
DATE_RE = re.compile(
    rf"{WEEKDAY}(?P<month>[A-Za-z]{{3,9}})\.?\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})"
    r"|(?P<m>\d{1,2})(?P<sep>[/.])(?P<d>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})"
    r"|(?P<iso>\d{4}-\d{2}-\d{2})",
    re.IGNORECASE,
)
PREAMBLE_RE = re.compile(
    r"^(?:for immediate release|immediate release|news release|press release|embargoed"
    r"|(?:press |media )?contacts?:|phone:|tel\.?:|e-?mail:|\(?\d{3}\)?[\s.-]\d{3}-\d{4}"
    r"|\S+@\S+\.\w+$)",
    re.IGNORECASE,
)


# Lines of the site around a release copied from its page: skip links, menus, breadcrumbs
# ("Home » Newsroom » Press Releases"), sharing buttons. A line made of these words only.
NAV_WORDS = {
    "skip to content", "skip to main content", "skip navigation", "home", "menu", "search",
    "news", "newsroom", "news room", "press", "press releases", "releases", "news releases",
    "press release", "statements", "share", "share this", "share this page", "print",
    "print this page", "email", "e-mail", "tweet", "facebook", "twitter", "x", "linkedin",
    "about", "contact", "next", "previous", "next article", "previous article", "back",
    "back to press releases", "back to top", "main menu", "toggle navigation", "issues",
    "media", "media center", "latest news", "recent news", "en español", "services",
    "constituent services", "legislation", "committees", "priorities", "newsletter",
    "newsletter sign up", "newsletter sign-up", "sign up", "subscribe", "photos", "videos",
    "video", "photo gallery", "op-eds", "in the news", "blog", "biography", "offices",
    "office locations", "contact me", "visiting washington", "visiting dc", "tours",
    "grants", "related issues", "related news", "related", "tags", "topics",
}  # fmt: skip
NAV_SEPARATORS_RE = re.compile(r"\s*(?:[|»›>/·•]|::)\s*")
# "Share on Facebook", "Email this page", "Follow us on X", "Print this release"; the
# menu's "About Amy", "Meet Tim".
NAV_PHRASE_RE = re.compile(
    r"(?:share|post|tweet|send|email|e-mail|print|follow(?: us)?)(?: (?:this|it|on|to|via|by))?"
    r"(?: (?:page|release|article|story|post|facebook|twitter|x|linkedin|email|e-mail|reddit"
    r"|bluesky|threads|instagram|youtube))?"
    r"|(?:about|meet) (?:senator )?[a-z][a-z'’.-]*"
)


def _navigation(line):
    """A line of the site's navigation, not of the release."""
    parts = [p for p in NAV_SEPARATORS_RE.split(line.strip().lower().rstrip(":")) if p]
    return bool(parts) and all(
        p in NAV_WORDS or NAV_PHRASE_RE.fullmatch(p) or date_parse(p) for p in parts
    )


def _line_date(line):
    """The date of a line above a release: "May 16, 2014", or in a notice or contact line,
    "FOR IMMEDIATE RELEASE: Thursday, March 5, 2015", "Date: 5/16/2014"."""
    found = date_parse(line)
    labelled = PREAMBLE_RE.match(line) or re.match(r"^(?:date|dated|released?)\s*:", line, re.I)
    if not found and labelled and ":" in line:
        found = date_parse(line.split(":", 1)[1])
    return found


def date_parse(text):
    """ "May 16, 2014", "Friday, May 16, 2014", "5/16/2014", "05.16.14" (as senators' sites
    date their releases) or "2014-05-16" to a date."""
    match = DATE_RE.fullmatch(text.strip(" .,|()"))
    if not match:
        return None
    try:
        if match["iso"]:
            return date.fromisoformat(match["iso"])
        if match["y"]:
            year = int(match["y"])
            year += 0 if year >= 100 else 2000 if year < 70 else 1900
            return date(year, int(match["m"]), int(match["d"]))
        month = MONTHS.get(match["month"].lower())
        return date(int(match["year"]), month, int(match["day"])) if month else None
    except ValueError:
        return None


# A line this long is no hard-wrapped line (those wrap at 72 to 80): the text keeps each
# paragraph on a line of its own (a page's text taken out line by line).
PARAGRAPH_LINE = 100


def _paragraphs(text):
    """Paragraphs of plain text: blank lines separate them; lines inside one are joined,
    except bullet lines, kept one a line, and a block holding a line of PARAGRAPH_LINE
    characters or more, which is a paragraph a line. An end mark (###) is a paragraph of
    its own."""
    paragraphs, lines = [], []

    def close():
        if len(lines) > 1 and any(len(line) >= PARAGRAPH_LINE for line in lines):
            paragraphs.extend(lines)
        elif lines:
            paragraphs.append(_join_lines(lines))
        lines.clear()

    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = " ".join(raw.split())
        if not line:
            close()
        elif END_MARK_RE.match(line):
            close()
            paragraphs.append(line)
        else:
            lines.append(line)
    close()
    return paragraphs


def _join_lines(lines):
    out = [lines[0]]
    for previous, line in zip(lines, lines[1:], strict=False):
        if BULLET_RE.match(line) or _boilerplate(line) or _boilerplate(previous):
            out.append("\n" + line)
        else:
            out.append(" " + line)
    return "".join(out)


def _boilerplate(line):
    """A line of its own above a release: a date, a release notice, a contact."""
    return bool(date_parse(line) or PREAMBLE_RE.match(line) or _navigation(_highlight(line)))


# Datelines: "Minneapolis, MN –", "WASHINGTON, D.C. –", "FARGO, N.D. —", "ST. PAUL, Minn. -".
DATELINE_RE = re.compile(
    r"^(?P<place>[A-Z][^–—:()\[\]\n]{1,60}?)\s*(?:[(\[](?P<date>[^)\]]{6,40})[)\]]\s*)?"
    r"(?P<dash>[–—]+|\s-{1,2}\s|-{2}|:(?=\s+[A-Z]))\s*(?P<rest>.*)$",
    re.DOTALL,
)
PLACE_RE = re.compile(r"^(?P<city>[A-Z][A-Za-z.'’ -]*?)(?:,\s*(?P<state>[A-Za-z. ]+?))?\.?$")
# How a dateline writes a state, compared without case, periods or spaces: "MN", "Minn.",
# "N.D.", "North Dakota" (people/states.py); and D.C. and the territories, for datelines
# from there.
STATE_KEYS = {*STATE_CODES, "dc", "districtofcolumbia", "pr", "puertorico", "gu", "guam",
              "vi", "as", "mp"}  # fmt: skip


# A city that needs no state and may be written in mixed case: "Washington –".
CITIES_ALONE = {"washington"}
# "(Washington, DC) –", "[WASHINGTON, D.C.] –": the place in brackets, then the dash.
BRACKETED_RE = re.compile(r"^[(\[](?P<place>[^()\[\]\n]{2,60})[)\]]\s*(?P<dash>[–—]+|-{1,2}|:)\s*")
# A date opening the paragraph before the dateline: "May 22, 2014 – WASHINGTON, D.C. –".
DATE_FIRST_RE = re.compile(
    r"^(?P<date>[^–—\n]{6,40}?)\s*(?:[–—]+|\s-{1,2}\s)\s*(?P<rest>.*)$", re.S
)
# A date after the place: "NEWARK, N.J., October 3, 2019 —".
PLACE_DATE_RE = re.compile(
    r"^(?P<place>.+?),?\s+(?P<date>(?:[A-Z][a-z]+\.?,?\s+)?[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+\d{4})$"
)


def _is_place(place, *, colon=False):
    """Whether a dateline's place is one: a city and its state, Washington, or a city in
    capitals. Before a colon (`colon`), where "NOTE:" and "UPDATE:" stand too, only the
    first two."""
    match = PLACE_RE.match(place.rstrip(",").strip())
    if not match or len(match["city"].split()) > 4:
        return False
    if match["state"]:
        return re.sub(r"[\s.]", "", match["state"]).lower() in STATE_KEYS
    if match["city"].strip().lower() in CITIES_ALONE:
        return True
    if colon:
        return False
    # No state: a city in capitals, as wire style writes "WASHINGTON –".
    letters = re.sub(r"[^A-Za-z]", "", match["city"])
    return len(letters) >= 4 and letters.isupper()


def _dateline(paragraph):
    """(place, date, rest of the paragraph) when a paragraph opens with a dateline:
    "WASHINGTON, D.C. –", "(Washington, DC) –", "[WASHINGTON, D.C.] –", "Washington, DC—",
    "WASHINGTON (May 16, 2014) –", "WASHINGTON, D.C. [03/02/2015] –", "NEWARK, N.J., October
    3, 2019 —", "WASHINGTON – May 16, 2014 –", "WASHINGTON, D.C.: ...", or a date first: "May
    22, 2014 – WASHINGTON, D.C. –"."""
    when = None
    dated = DATE_FIRST_RE.match(paragraph)
    if dated and date_parse(dated["date"]):
        when, paragraph = date_parse(dated["date"]), dated["rest"]
    bracketed = BRACKETED_RE.match(paragraph)
    if bracketed:
        place, rest = bracketed["place"].strip(), paragraph[bracketed.end() :]
        inner = re.match(r"^(?P<place>[^()]+?)\s*\((?P<date>[^)]{6,40})\)$", place)
        if inner and date_parse(inner["date"]):
            place, when = inner["place"], when or date_parse(inner["date"])
    else:
        match = DATELINE_RE.match(paragraph)
        if not match:
            return None
        place, rest = match["place"].strip(), match["rest"]
        if match["date"]:
            when = when or date_parse(match["date"])
        # "WASHINGTON, D.C.: Senator ..." but not "NOTE: The ...", "UPDATE: ...".
        if match["dash"] == ":" and not _is_place(place, colon=True):
            return None
    place = place.rstrip(",").strip()
    if not _is_place(place):
        with_date = PLACE_DATE_RE.match(place)
        if not (with_date and date_parse(with_date["date"]) and _is_place(with_date["place"])):
            return None
        place, when = with_date["place"].rstrip(",").strip(), when or date_parse(with_date["date"])
    rest = rest.strip()
    # "WASHINGTON – May 16, 2014 – Senator ..."
    dated = DATE_FIRST_RE.match(rest)
    if dated and date_parse(dated["date"]):
        when, rest = date_parse(dated["date"]), dated["rest"].strip()
    return place, when, rest


def _lead_date(paragraph):
    """A date set off at the opening of a lead whose dateline was not recognized:
    "U.S. Capitol (May 16, 2014) – ...", so the date is not lost with the dateline."""
    opening = paragraph[:160]
    for match in DATE_RE.finditer(opening):
        before, after = opening[: match.start()].rstrip(), opening[match.end() :].lstrip()
        if before.endswith(("(", "[")) or after.startswith(("–", "—", "- ")):
            return date_parse(match[0])
    return None


def _is_title(paragraph):
    """A title: a short line in capitals or Title Case, or a sentence-case one ("Klobuchar,
    Heitkamp join local advocates to fight sex trafficking"), which must be shorter, one
    sentence and unpunctuated at its end; the long sentences above a dateline are highlights."""
    if "\n" in paragraph or not 8 <= len(paragraph) <= 250 or BULLET_RE.match(paragraph):
        return False
    if paragraph[-1] in ".,;:" and not re.search(r"\b[A-Z]\.$", paragraph):
        return False
    letters = re.sub(r"[^A-Za-z]", "", paragraph)
    if len(letters) >= 8 and letters.isupper():
        return True
    words = re.findall(r"[A-Za-z][\w'’-]*", paragraph)
    long_words = [w for w in words if len(w) >= 4]
    if len(words) < 3 or len(long_words) < 2:
        return False
    capitalized = sum(w[0].isupper() for w in long_words)
    if capitalized / len(long_words) >= 0.6:
        return True
    one_sentence = not re.search(r"[a-z]{2}[.!?]\s+[A-Z]", paragraph)
    return (
        paragraph[0].isupper() and 4 <= len(words) <= 24 and len(paragraph) <= 160 and one_sentence
    )


def _highlight(line):
    return BULLET_RE.sub("", line).strip()


def _markdown_paragraph(paragraph):
    """A plain-text paragraph as Markdown: bullets as a list; a leading # or > is text."""
    lines = []
    for line in paragraph.split("\n"):
        if BULLET_RE.match(line) and not re.match(r"^\d", line):
            line = "- " + _highlight(line)
        elif line.startswith(("#", ">")):  # text, not a Markdown heading or blockquote
            line = "\\" + line
        lines.append(line)
    return "\n".join(lines)


def _kept_lines(paragraph, title):
    """A paragraph's lines but the boilerplate: release notices, contacts, date lines."""
    return [line for line in paragraph.split("\n") if not _boilerplate(line) and line != title]


def _release_parts(paragraphs):
    """Paragraphs split into releases at their end marks: (the releases' paragraphs, the
    prose left out). After an end mark, another release begins when a dateline opens one
    of its first paragraphs, or a title does with a quotation or a statement after it (a
    statement is often undated). Anything else after the last end mark (the office's
    address, the site's footer) is left out, as it always was; what of it reads as prose
    (a sentence of RELEASE_WORDS words or more, a quotation) is returned to be named."""
    parts, current = [], []
    for paragraph in paragraphs:
        if END_MARK_RE.match(paragraph):
            parts.append(current)
            current = []
        else:
            current.append(paragraph)
    parts.append(current)
    releases, left_out = [parts[0]], []
    for part in parts[1:]:
        if _opens_release(part):
            releases.append(part)
        else:
            left_out += [p for p in part if _prose(p)]
    return releases, left_out


RELEASE_WORDS = 15


def _prose(paragraph):
    text = paragraph.strip()
    return _curly_open(text) or (len(text.split()) >= RELEASE_WORDS and text[-1:] in '.!?”"')


def _opens_release(part):
    """Whether the paragraphs after an end mark are a release: a dateline in the first
    few, or a title first with a quotation or an introduced statement in the next few."""
    if any(_dateline(p) for p in part[:8]):
        return True
    kept = [p for p in part if _kept_lines(p, "")]
    if not kept or not _is_title(kept[0]):
        return False
    following = kept[1:6]
    return any(_curly_open(p) for p in following) or any(intro_attribution(p) for p in following)


def _curly_open(paragraph):
    return paragraph.lstrip().startswith(("“", '"'))


def text_parse(text, *, title=""):
    """Plain text of a release to its parts; `title` is one already known (from HTML)."""
    paragraphs = _paragraphs(text)
    return _release_from(_release_parts(paragraphs)[0][0], title=title, marked=paragraphs)


def _release_from(paragraphs, *, title="", marked=(), given=""):
    """A release's paragraphs (up to its end mark) to its parts; `marked`, the file's
    paragraphs, say whether an empty release was empty before an end mark. A line at the
    top that is the `given` title (an archive's record of it) is that title, not a
    highlight."""
    if given:
        folded = _fold_name(given)
        paragraphs = [
            "\n".join(line for line in p.split("\n") if _fold_name(line) != folded)
            for p in paragraphs[:15]
        ] + paragraphs[15:]
    paragraphs = [p for p in paragraphs if p.strip()]
    if not paragraphs:
        ended = any(END_MARK_RE.match(p) for p in marked)
        raise ParseError("no text before the end mark" if ended else "no text")

    release = ParsedRelease(title=title)
    head = next((i for i, p in enumerate(paragraphs[:15]) if _dateline(p)), None)
    if head is None:  # no dateline: the top is the boilerplate and what may be a title
        head_end = next((i for i, p in enumerate(paragraphs) if _kept_lines(p, title)), 0)
        top = paragraphs[: head_end + 1]
    else:
        top = paragraphs[:head]
    # Above the dateline: release boilerplate ("FOR IMMEDIATE RELEASE", contacts), the
    # site's navigation, a date line, the title, and the highlights.
    kept = []
    for paragraph in top:
        for line in paragraph.split("\n"):
            release.published_on = release.published_on or _line_date(line)
        if lines := _kept_lines(paragraph, title):
            kept.append("\n".join(lines))
    if not release.title and kept and _is_title(kept[0]):
        release.title = kept.pop(0)

    if head is None:
        body = kept + paragraphs[len(top) :]
        if body and not release.published_on:
            release.published_on = _lead_date(body[0])
    else:
        release.highlights = [
            _highlight(line) for p in kept for line in p.split("\n") if _highlight(line)
        ]
        place, when, rest = _dateline(paragraphs[head])
        release.dateline = place
        release.published_on = release.published_on or when
        body = ([rest] if rest else []) + paragraphs[head + 1 :]
    if not body:
        raise ParseError("no body text after the dateline" if head is not None else "no body")
    release.body, release.quotes = quotes_extract(body)
    release.body = [_markdown_paragraph(p) for p in release.body]
    return release
