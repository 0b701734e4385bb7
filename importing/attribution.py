"""Quotes in a release's body, and who said them, in the forms press offices write them.

`“...,” Klobuchar said.`, `“...,” said Heitkamp.`, `said Sen. Warner`, `Senator X said`,
`Klobuchar said, “...”`, and a quote that runs over several paragraphs.
"""

import re
from dataclasses import dataclass


@dataclass
class ParsedQuote:
    """A quote and its attribution as written: "Klobuchar", "Sen. Mark R. Warner"."""

    paragraphs: list
    speaker: str
    speaker_title: str = ""
    senatorial: bool = False  # attributed to "Sen. X" or "Senator X"
    party_state: str = ""  # "D-MN", when the attribution gives it

    @property
    def text(self):
        return "\n\n".join(self.paragraphs)


TITLES = (
    r"(?:U\.\s?S\.\s+)?(?:Sens?\.|Senators?|Rep\.|Reps\.|Representative|Congress(?:wo)?man"
    r"|Gov\.|Governor|Lt\.\s+Gov\.|Mayor|Secretary|Chairman|Chairwoman|Dr\.|Mr\.|Mrs\.|Ms\.)"
)
SENATOR_TITLE_RE = re.compile(r"^(?:U\.\s?S\.\s+)?(?:Sens?\.|Senators?)\s+")
OTHER_TITLE_RE = re.compile(rf"^(?P<title>{TITLES})\s+")
NAME_WORD = r"(?:[A-Z][\w'’-]*\.?|de|la|van|von|del|der|du)"
NAME = rf"(?:{TITLES}\s+)?[A-Z][\w'’-]*\.?(?:\s+{NAME_WORD}){{0,4}}"
PARTY_STATE = r"\s*\((?P<ps>[DRI]-[A-Z]{2})\)"
VERBS = (
    r"(?:said|says|added|adds|stated|noted|explained|continued|remarked|concluded|declared"
    r"|emphasized|urged|asked|warned|announced)"
)
ATTRIBUTION_AFTER_RE = re.compile(  # Klobuchar said. / Jane Doe, director of X, said.
    rf"^(?P<name>{NAME})(?:{PARTY_STATE})?(?:,\s+(?P<role>[^,]{{3,120}}),)?\s+{VERBS}\s*[.,:;]?$"
)
ATTRIBUTION_BEFORE_RE = re.compile(  # said Heitkamp. / said Sen. Warner, who ...
    rf"^{VERBS}\s+(?P<name>{NAME})(?:{PARTY_STATE})?(?:,\s+(?P<role>.{{3,160}}?))?\s*[.,:;]?$"
)
PRONOUN_RE = re.compile(rf"^(?:(?:he|she)\s+{VERBS}|{VERBS}\s+(?:he|she))\s*[.,:;]?$", re.I)
NOT_NAMES = {"The", "This", "That", "It", "He", "She", "They", "We", "I", "A", "An", "In", "But"}
NOT_ROLES = re.compile(r"^(?:who|whose|which|that|adding|noting|when|after|before|as)\b")


@dataclass
class _Attribution:
    speaker: str = ""
    title: str = ""
    senatorial: bool = False
    party_state: str = ""
    pronoun: bool = False


def _attribution(gap):
    gap = gap.strip().lstrip(",").strip()
    if not gap:
        return None
    if PRONOUN_RE.match(gap):
        return _Attribution(pronoun=True)
    match = ATTRIBUTION_AFTER_RE.match(gap) or ATTRIBUTION_BEFORE_RE.match(gap)
    if not match:
        return None
    name = match["name"].strip()
    if not re.search(r"\b[A-Z]\.$", name):
        name = name.rstrip(".")
    if name.split()[0] in NOT_NAMES:
        return None
    found = _Attribution(party_state=match["ps"] or "")
    if SENATOR_TITLE_RE.match(name):
        found.senatorial = True
        name = SENATOR_TITLE_RE.sub("", name)
    elif OTHER_TITLE_RE.match(name):
        found.title = OTHER_TITLE_RE.match(name)["title"]
        name = OTHER_TITLE_RE.sub("", name)
    role = (match["role"] or "").strip()
    if role and not NOT_ROLES.match(role):
        found.title = role
    found.speaker = name
    return found if name else None


def _curly(text):
    """Straight double quotes to curly ones, so both can be read the same way."""
    text = re.sub(r'(^|[\s(\[—–-])"', "\\1“", text)
    return text.replace('"', "”")


@dataclass
class _Shape:
    parts: list
    attribution: _Attribution | None
    open: bool  # the quote runs on into the next paragraph


def _shape(paragraph):
    """A paragraph as quoted parts and an attribution; None when it is not a quote."""
    text = _curly(paragraph)
    attributions = []
    start = text.find("“")
    if start == -1:
        return None
    if start > 0:  # Klobuchar said, “...”
        found = _attribution(text[:start].rstrip().rstrip(",:"))
        if not found:
            return None
        attributions.append(found)
    parts, position, is_open = [], start, False
    while True:
        close = text.find("”", position + 1)
        if close == -1:
            parts.append(text[position + 1 :])
            is_open = True
            break
        parts.append(text[position + 1 : close])
        following = text.find("“", close + 1)
        gap = text[close + 1 :] if following == -1 else text[close + 1 : following]
        if gap.strip():
            found = _attribution(gap)
            if not found:
                return None
            attributions.append(found)
        if following == -1:
            break
        position = following
    if len(attributions) > 1:
        return None
    return _Shape(parts, attributions[0] if attributions else None, is_open)


def _quote_text(parts):
    sentences = []
    for i, part in enumerate(parts):
        part = " ".join(part.split())
        if not part:
            continue
        following = parts[i + 1].strip() if i + 1 < len(parts) else ""
        # “We act,” she said. “Now.” reads "We act. Now."; “We act,” she said, “now.” keeps it.
        if part.endswith(",") and not (following[:1].islower()):
            part = part[:-1] + "."
        sentences.append(part)
    return " ".join(sentences)


def quotes_extract(paragraphs):
    """Split body paragraphs into (paragraphs left in the body, quotes).

    A quote is a paragraph that opens with a quotation mark and is attributed in a common
    form (`“...,” Klobuchar said.`, `“...,” said Heitkamp.`, `said Sen. Warner`, `Senator X
    said`); it may run over several paragraphs, each opening with a quotation mark and only
    the last one closing it. A quoted paragraph with no attribution right after a quote
    continues it. The lead paragraph is never a quote.
    """
    body, quotes = paragraphs[:1], []
    previous_was_quote = False
    i = 1
    while i < len(paragraphs):
        shape = _shape(paragraphs[i])
        if shape is None:
            body.append(paragraphs[i])
            previous_was_quote = False
            i += 1
            continue
        chain, j = [shape], i + 1
        while chain[-1].open and j < len(paragraphs):
            following = _shape(paragraphs[j])
            if following is None or not _curly(paragraphs[j]).startswith("“"):
                break
            chain.append(following)
            j += 1
        attributions = [s.attribution for s in chain if s.attribution]
        texts = [t for t in (_quote_text(s.parts) for s in chain) if t]
        found = attributions[0] if len(attributions) == 1 else None
        if found and found.pronoun:  # “...,” she said: the last speaker quoted
            last = quotes[-1] if quotes else None
            found = last and _Attribution(
                last.speaker, last.speaker_title, last.senatorial, last.party_state
            )
        if found:
            quotes.append(
                ParsedQuote(
                    paragraphs=texts,
                    speaker=found.speaker,
                    speaker_title=found.title,
                    senatorial=found.senatorial,
                    party_state=found.party_state,
                )
            )
        elif not attributions and previous_was_quote:
            quotes[-1].paragraphs.extend(texts)
        else:
            body.extend(paragraphs[i:j])
            previous_was_quote = False
            i = j
            continue
        previous_was_quote = True
        i = j
    return body, quotes
