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

from importing.attribution import quotes_extract
from people.states import State


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


def release_parse(*, text, html=None, title="", published_on=None):
    """Parse a release; `title` and `published_on` are used when the text has none.

    `text` is str or bytes (a file's content: the encoding is found here). `html` says
    whether it is a web page; None looks at it to decide. Binary data and a release over
    the caps (MAX_BYTES, MAX_QUOTES, MAX_CHARS) are a ParseError saying so.
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
    release = text_parse(text, title=page_title)
    release.title = release.title or " ".join(title.split())
    release.published_on = release.published_on or page_date or published_on
    if not release.title:
        raise NoTitleError(
            "no title found (a short first line in Title Case, or <h1>/<title> in HTML)"
        )
    # What is stored: character references in HTML (&#7;) and a given title are text too.
    text_check(release.full_text + release.dateline)
    if len(release.quotes) > MAX_QUOTES:
        raise ParseError(f"{len(release.quotes)} quotes; a release may have at most {MAX_QUOTES}")
    if (chars := len(release.full_text)) > MAX_CHARS:
        raise ParseError(f"{chars:,} characters; a release may have at most {MAX_CHARS:,}")
    return release


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

    The release is the page's <article> or <main> when it has one, else its <body> without
    the site's header, footer and sidebars. The title is its <h1>, else the page <title>.
    """
    soup = BeautifulSoup(markup, "html.parser")
    root = soup.find("article") or soup.find("main") or soup.body or soup
    if root is soup.body:
        for tag in root.find_all(["header", "footer", "aside"], recursive=False):
            tag.decompose()
    title = ""
    heading = root.find("h1") or soup.find("h1")
    if heading:
        title = " ".join(heading.get_text(" ").split())
        heading.decompose()
    if not title and soup.title and soup.title.string:
        # "Release title | Senator Name" or "Release title - Senator Name": the first part.
        title = re.split(r"\s+[|–—-]\s+", " ".join(soup.title.string.split()))[0]
    published_on = _page_date(soup)
    paragraphs, buffer = [], []
    try:
        _walk(root, paragraphs, buffer)
    except RecursionError as e:
        raise ParseError("the page's HTML is nested too deeply to read") from e
    _flush(buffer, paragraphs)
    return title, published_on, "\n\n".join(paragraphs)


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

END_MARK_RE = re.compile(r"^(?:#\s*#\s*#|-\s*30\s*-)$")
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
    r"|(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})"
    r"|(?P<iso>\d{4}-\d{2}-\d{2})",
    re.IGNORECASE,
)
PREAMBLE_RE = re.compile(
    r"^(?:for immediate release|immediate release|news release|press release|embargoed"
    r"|(?:press |media )?contacts?:|phone:|tel\.?:|e-?mail:|\(?\d{3}\)?[\s.-]\d{3}-\d{4}"
    r"|\S+@\S+\.\w+$)",
    re.IGNORECASE,
)


def date_parse(text):
    """ "May 16, 2014", "Friday, May 16, 2014", "5/16/2014" or "2014-05-16" to a date."""
    match = DATE_RE.fullmatch(text.strip(" .,|()"))
    if not match:
        return None
    try:
        if match["iso"]:
            return date.fromisoformat(match["iso"])
        if match["y"]:
            return date(int(match["y"]), int(match["m"]), int(match["d"]))
        month = MONTHS.get(match["month"].lower())
        return date(int(match["year"]), month, int(match["day"])) if month else None
    except ValueError:
        return None


def _paragraphs(text):
    """Paragraphs of plain text: blank lines separate them; lines inside one are joined,
    except bullet lines, kept one a line. An end mark (###) is a paragraph of its own."""
    paragraphs, lines = [], []

    def close():
        if lines:
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
    return bool(date_parse(line) or PREAMBLE_RE.match(line))


# Datelines: "Minneapolis, MN –", "WASHINGTON, D.C. –", "FARGO, N.D. —", "ST. PAUL, Minn. -".
DATELINE_RE = re.compile(
    r"^(?P<place>[A-Z][^–—:()\n]{1,60}?)\s*(?:\((?P<date>[^)]{6,40})\)\s*)?"
    r"(?:[–—]+|\s-{1,2}\s|-{2})\s*(?P<rest>.*)$",
    re.DOTALL,
)
PLACE_RE = re.compile(r"^(?P<city>[A-Z][A-Za-z.'’ -]*?)(?:,\s*(?P<state>[A-Za-z. ]+?))?\.?$")
# How a dateline writes a state, compared without case, periods or spaces: "MN", "Minn.",
# "N.D.", "North Dakota"; and D.C. and the territories, for datelines from there.
AP_STATES = [
    "Ala", "Ariz", "Ark", "Calif", "Cal", "Colo", "Conn", "Del", "Fla", "Ga", "Ill", "Ind",
    "Kan", "Kans", "Ky", "La", "Md", "Mass", "Mich", "Minn", "Miss", "Mo", "Mont", "Neb",
    "Nebr", "Nev", "Okla", "Ore", "Pa", "Penn", "Tenn", "Tex", "Vt", "Va", "Wash", "Wis",
    "Wisc", "Wyo", "DC", "PR", "Puerto Rico", "GU", "Guam", "VI", "AS", "MP",
]  # fmt: skip
STATE_KEYS = {
    re.sub(r"[\s.]", "", name).lower() for name in [*State.values, *State.labels, *AP_STATES]
}


def _is_place(place):
    match = PLACE_RE.match(place)
    if not match or len(match["city"].split()) > 4:
        return False
    if match["state"]:
        return re.sub(r"[\s.]", "", match["state"]).lower() in STATE_KEYS
    # No state: a city in capitals, as wire style writes "WASHINGTON –".
    letters = re.sub(r"[^A-Za-z]", "", match["city"])
    return len(letters) >= 4 and letters.isupper()


def _dateline(paragraph):
    """(place, date, rest of the paragraph) when a paragraph opens with a dateline."""
    match = DATELINE_RE.match(paragraph)
    if not match or not _is_place(match["place"].strip()):
        return None
    when = date_parse(match["date"]) if match["date"] else None
    rest = match["rest"].strip()
    # "WASHINGTON – May 16, 2014 – Senator ..."
    dated = re.match(r"^(?P<date>[^–—]{6,40}?)\s*(?:[–—]+|\s-{1,2}\s)\s*(?P<rest>.*)$", rest, re.S)
    if dated and date_parse(dated["date"]):
        when, rest = date_parse(dated["date"]), dated["rest"].strip()
    return match["place"].strip().rstrip(",").strip(), when, rest


def _is_title(paragraph):
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
    return capitalized / len(long_words) >= 0.6


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


def text_parse(text, *, title=""):
    """Plain text of a release to its parts; `title` is one already known (from HTML)."""
    paragraphs = _paragraphs(text)
    end = next((i for i, p in enumerate(paragraphs) if END_MARK_RE.match(p)), None)
    if end is not None:
        paragraphs = paragraphs[:end]
    paragraphs = [p for p in paragraphs if p.strip()]
    if not paragraphs:
        raise ParseError("no text before the end mark" if end is not None else "no text")

    release = ParsedRelease(title=title)
    head = next((i for i, p in enumerate(paragraphs[:15]) if _dateline(p)), None)
    if head is None:  # no dateline: the top is the boilerplate and what may be a title
        head_end = next((i for i, p in enumerate(paragraphs) if _kept_lines(p, title)), 0)
        top = paragraphs[: head_end + 1]
    else:
        top = paragraphs[:head]
    # Above the dateline: release boilerplate ("FOR IMMEDIATE RELEASE", contacts), a date
    # line, the title, and the highlights.
    kept = []
    for paragraph in top:
        for line in paragraph.split("\n"):
            release.published_on = release.published_on or date_parse(line)
        if lines := _kept_lines(paragraph, title):
            kept.append("\n".join(lines))
    if not release.title and kept and _is_title(kept[0]):
        release.title = kept.pop(0)

    if head is None:
        body = kept + paragraphs[len(top) :]
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
