"""Quotes in a release's body, and who said them, in the forms press offices write them.

`“...,” Klobuchar said.`, `“...,” said Heitkamp.`, `said Sen. Warner`, `Senator X said`,
`Klobuchar said, “...”` (`In a statement, Klobuchar said, “...”`), and a quote that runs
over several paragraphs.
"""

import re
from dataclasses import dataclass, field

from people.states import state_code


@dataclass
class ParsedQuote:
    """A quote and its attribution as written: "Klobuchar", "Sen. Mark R. Warner"."""

    paragraphs: list
    speaker: str
    speaker_title: str = ""
    senatorial: bool = False  # attributed to "Sen. X" or "Senator X"
    party_state: str = ""  # "D-MN", when the attribution gives it
    # Said together: "the senators said" (the issuers; `speakers` empty) or "Klobuchar and
    # Heitkamp said" (`speakers` the names). `speaker` is then the phrase as written.
    joint: bool = False
    speakers: list = field(default_factory=list)

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
# "(D-MN)", "(D-Minn.)", "(R-Texas)", "(R-N.D.)"; read to "D-MN" (`_party_state`).
PARTY_STATE = r"\s*\((?P<ps>[DRI]-[A-Z][A-Za-z. ]{1,15}?)\)"
# ", D-Minn." closing an attribution: "said U.S. Senator Amy Klobuchar, D-Minn."
PARTY_STATE_AFTER_RE = re.compile(r",\s*(?P<ps>[DRI]-[A-Z][A-Za-z. ]{1,15}?)\s*[.,:;]?$")
VERBS = (
    r"(?:said|says|added|adds|stated|noted|explained|continued|remarked|concluded|declared"
    r"|emphasized|urged|asked|warned|announced|wrote|write|stressed|argued|insisted|observed"
    r"|commented|recalled|testified|pointed\s+out|replied|responded|reiterated|cautioned"
    r"|vowed|pledged|promised|predicted|acknowledged|maintained|contended|countered|tweeted"
    r"|posted|told(?:\s+reporters|\s+the\s+[a-z]+(?:\s+[a-z]+){0,3}|\s+[A-Z][\w.]*){0,1})"
)
# After the verb or the name: "in a statement", "today", "on the Senate floor".
CIRCUMSTANCE = (
    r"(?:\s+(?:today|yesterday|tonight|this\s+week|last\s+week"
    r"|(?:on\s+)?(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
    r"|(?:in|on|at|during|after|while)\s+[^“”,]{3,80}?))?"
)
NAMES = rf"{NAME}(?:{PARTY_STATE.replace('?P<ps>', '?:')})?(?:(?:,\s*|\s+and\s+|\s*&\s*){NAME})+"
JOINT_PHRASE = r"(?:[Tt]he\s+(?:two\s+|three\s+|four\s+)?[Ss]enators|[Bb]oth\s+[Ss]enators)"
JOINT_AFTER_RE = re.compile(  # the senators said. / Klobuchar and Heitkamp wrote,
    rf"^(?P<names>{JOINT_PHRASE}|{NAMES}){CIRCUMSTANCE}\s+{VERBS}{CIRCUMSTANCE}\s*[.,:;]?$"
)
JOINT_BEFORE_RE = re.compile(  # said the senators.
    rf"^{VERBS}\s+(?P<names>{JOINT_PHRASE}|{NAMES}){CIRCUMSTANCE}\s*[.,:;]?$"
)
# "Mayor Jane Young of Fort Wayne", "Jane Doe of the Farm Bureau": where they are from.
OF_PLACE = (
    r"(?:\s+of\s+(?P<of>(?:the\s+)?[A-Z][\w.'’&-]*"
    r"(?:\s+(?:of\s+|the\s+)?[A-Z][\w.'’&-]*){0,5}))"
)
ATTRIBUTION_AFTER_RE = re.compile(  # Klobuchar said. / Jane Doe, director of X, said.
    rf"^(?P<name>{NAME})(?:{PARTY_STATE})?{OF_PLACE}?(?:,\s+(?P<role>[^,]{{3,120}}),)?"
    rf"{CIRCUMSTANCE}"
    rf"\s+{VERBS}{CIRCUMSTANCE}\s*[.,:;]?$"
)
# Before the quotation: "Klobuchar: “...”", "According to Sen. Klobuchar, “...”", "Said
# Klobuchar: “...”".
NAME_FIRST_RE = re.compile(
    rf"^(?:(?:[Aa]ccording\s+to|[Ss]aid)\s+)?(?P<name>{NAME})(?:{PARTY_STATE})?\s*[:,]?$"
)
# After it: "“...” – Senator Amy Klobuchar", "“...” — Sen. Warner (D-VA)".
DASH_NAME_RE = re.compile(
    rf"^\s*[–—-]{{1,2}}\s*(?P<name>{NAME})(?:{PARTY_STATE})?(?:,\s+(?P<role>[^,]{{3,120}}))?\s*\.?$"
)
ATTRIBUTION_BEFORE_RE = re.compile(  # said Heitkamp. / said Sen. Warner, who ...
    rf"^{VERBS}\s+(?P<name>{NAME})(?:{PARTY_STATE})?{OF_PLACE}?"
    rf"(?:{CIRCUMSTANCE}\s*[.;]?$|(?:,\s+(?P<role>.{{3,160}}?))?\s*[.,:;]?$)"
)
# What may come before the speaker's name: "In a statement, Cruz said", "Today, Sen. X
# said", "Speaking on the Senate floor, Klobuchar said".
LEAD_IN = (
    r"(?:(?:Today|Tonight|Yesterday|Earlier|Later|Afterward|Afterwards|On\s+\w+day),?\s+"
    r"|(?:In|At|On|During|After|Before|Following|Speaking|Writing)\s+[^“”,]{3,80},\s+)"
)
LEAD_IN_RE = re.compile(rf"^{LEAD_IN}(?=[A-Z])")
# A paragraph that introduces the next as someone's words: "Sen. Cruz said:", "U.S. Senator
# Heidi Heitkamp issued the following statement after ...:", "The senators wrote:".
INTRO_RE = re.compile(
    rf"^{LEAD_IN}?(?P<names>{JOINT_PHRASE}|{NAMES}|{NAME})"
    r"(?:\s*\([^)]{1,40}\))?(?:,\s+[^,“”]{1,100},)?\s+(?:today\s+|also\s+|jointly\s+|tonight\s+)?"
    r"(?:issued|released|made|gave|delivered|shared|offered|said|wrote|stated|added|remarked)"
    r"\b[^“”]*:$"
)
# "The following is a statement from U.S. Senator Tim Kaine on ...:", "Remarks by Sen. X:".
INTRO_FROM_RE = re.compile(
    r"^(?:(?i:the following is|below is|here is|read)\s+)?(?i:an?\s+|the\s+)?"
    r"(?i:(?:full|complete|entire|joint)\s+)*"
    r"(?i:statement|remarks|comments)(?:\s+as\s+prepared(?:\s+for\s+delivery)?)?\s+"
    rf"(?:from|by|of)\s+(?P<names>{JOINT_PHRASE}|{NAMES}|{NAME})(?:\s*\([^)]{{1,40}}\))?"
    r"(?:\s+[a-z][^“”]*)?:$"
)
# "Kaine's full statement is below:", "Below is Senator Kaine's statement:", "Sen. Warner's
# remarks as prepared for delivery:".
INTRO_POSSESSIVE_RE = re.compile(
    rf"^(?:[^“”:]*?\s)?(?P<names>{NAMES}|{NAME})['’]s\s+"
    r"(?:(?:full|complete|entire|prepared|opening|joint|written)\s+)*"
    r"(?i:statement|remarks|comments|testimony|speech|letter)\b[^“”]*:$"
)
# What ends an unquoted statement: the release speaking again.
STATEMENT_END_RE = re.compile(
    r"^(?:(?:background|bill text|click|watch|read|learn more|more information|for more"
    r"|the full|full text|to view|to read|video|photo|audio|note|editor'?s note|link)\b|\W)",
    re.I,
)
PRONOUN_RE = re.compile(rf"^(?:(?:he|she)\s+{VERBS}|{VERBS}\s+(?:he|she))\s*[.,:;]?$", re.I)
NOT_NAMES = {"The", "This", "That", "It", "He", "She", "They", "We", "I", "A", "An", "In", "But"}
# Words that stand before a colon and a quotation without being anyone: "Background: “...”".
NOT_SPEAKERS = {
    "Today", "Tonight", "Yesterday", "Earlier", "Later", "Also", "Here", "Background", "Note",
    "Update", "Updated", "Watch", "Read", "Video", "Photo", "Audio", "Quote", "Quotes",
    "Statement", "Remarks", "Excerpt", "Excerpts", "Transcript", "Highlights", "Key", "Full",
    "Editor", "Click", "Q", "A", "Question", "Answer", "Text", "Summary", "More",
}  # fmt: skip
NOT_ROLES = re.compile(r"^(?:who|whose|which|that|adding|noting|when|after|before|as)\b")


@dataclass
class _Attribution:
    speaker: str = ""
    title: str = ""
    senatorial: bool = False
    party_state: str = ""
    pronoun: bool = False
    joint: bool = False
    speakers: list = field(default_factory=list)


def _joint(names):
    """Words said together: by "the senators" (the issuers), or by the senators named."""
    names = " ".join(names.split())
    if re.fullmatch(JOINT_PHRASE, names):
        return _Attribution(speaker=names, joint=True, senatorial=True)
    speakers = [
        SENATOR_TITLE_RE.sub("", re.sub(r"\s*\([^)]*\)", "", n)).strip()
        for n in re.split(r",\s*(?:and\s+)?|\s+and\s+|\s*&\s*", names)
    ]
    speakers = [s for s in speakers if s]
    if any(OTHER_TITLE_RE.match(s) or s.split()[0] in NOT_NAMES for s in speakers):
        return None  # a senator with a representative: not one senator's words, nor the office's
    return _Attribution(speaker=names, joint=True, senatorial=True, speakers=speakers)


# Abbreviations a sentence does not end at: "Sen. Kaine", "Gov. Northam", "U.S. Rep. Kim".
ABBREVIATIONS_RE = re.compile(r"(?:^|\s)(?:Sens?|Reps?|Gov|Lt|Dr|Mr|Mrs|Ms|St|Jr|Sr|U\.S)\.$")


def _last_sentence(paragraph):
    """The paragraph's last sentence, not cut at a title's abbreviation."""
    parts = re.split(r"(?<=[a-z0-9)][.!?])\s+(?=[A-Z])", paragraph)
    sentence = parts.pop()
    while parts and ABBREVIATIONS_RE.search(parts[-1]):
        sentence = f"{parts.pop()} {sentence}"
    return sentence


def intro_attribution(paragraph):
    """Who speaks in the paragraphs after one that introduces them ("Sen. Cruz said:")."""
    paragraph = _curly(paragraph.strip())
    if not paragraph.endswith(":") or "“" in paragraph:
        return None
    sentence = _last_sentence(paragraph)
    match = (
        INTRO_RE.match(sentence)
        or INTRO_FROM_RE.match(sentence)
        or INTRO_POSSESSIVE_RE.match(sentence)
    )
    if not match:
        return None
    names = match["names"]
    if re.fullmatch(JOINT_PHRASE, names) or re.search(r",\s|\sand\s|&", names):
        return _joint(names)
    return _attribution(f"{names} said")


def _party_state(text):
    """ "D-MN" for "D-MN", "D-Minn." or "D-Minnesota"; "" for what names no state."""
    party, _, state = (text or "").partition("-")
    code = state_code(state)
    return f"{party}-{code}" if code else ""


def _attribution(gap, *, before=False):
    """Who a quotation's words are, from the words beside it (`before` it: "Klobuchar
    said,"; else after: "said Klobuchar.")."""
    gap = gap.strip().lstrip(",").strip()
    if not gap:
        return None
    trailing_ps = ""
    if (after := PARTY_STATE_AFTER_RE.search(gap)) and _party_state(after["ps"]):
        trailing_ps, gap = after["ps"], gap[: after.start()].strip()
    if PRONOUN_RE.match(gap):
        return _Attribution(pronoun=True)
    if joint := JOINT_AFTER_RE.match(gap) or JOINT_BEFORE_RE.match(gap):
        return _joint(joint["names"])
    match = ATTRIBUTION_AFTER_RE.match(gap) or ATTRIBUTION_BEFORE_RE.match(gap)
    if not match:
        match = NAME_FIRST_RE.match(gap) if before else DASH_NAME_RE.match(gap)
        if match and match["name"].split()[-1].rstrip(".:") in NOT_SPEAKERS:
            return None
    if not match:
        return None
    name = match["name"].strip()
    if not re.search(r"\b[A-Z]\.$", name):
        name = name.rstrip(".")
    if name.split()[0] in NOT_NAMES:
        return None
    found = _Attribution(party_state=_party_state(match["ps"] or trailing_ps))
    if SENATOR_TITLE_RE.match(name):
        found.senatorial = True
        name = SENATOR_TITLE_RE.sub("", name)
    elif OTHER_TITLE_RE.match(name):
        found.title = OTHER_TITLE_RE.match(name)["title"]
        name = OTHER_TITLE_RE.sub("", name)
    role = (match.groupdict().get("role") or "").strip()
    if not role and match.groupdict().get("of") and found.title:
        role = f"{found.title} of {match['of']}"  # "Mayor of Fort Wayne"
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
    if start > 0:  # Klobuchar said, “...” / In a statement, Klobuchar said, “...”
        found = _attribution(LEAD_IN_RE.sub("", text[:start].rstrip().rstrip(",:")), before=True)
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


def _quote(found, texts):
    return ParsedQuote(
        paragraphs=texts,
        speaker=found.speaker,
        speaker_title=found.title,
        senatorial=found.senatorial,
        party_state=found.party_state,
        joint=found.joint,
        speakers=list(found.speakers),
    )


def _statement(paragraphs, i, found):
    """The end of an unquoted statement opening at paragraphs[i], after "... issued the
    following statement:": up to the release speaking again (of the speaker by name or of a
    "Senator X", "Background:", a link, a quotation)."""
    names = [found.speaker.split()[-1], *(n.split()[-1] for n in found.speakers)]
    j = i
    while j < len(paragraphs):
        paragraph = paragraphs[j]
        if j > i and (
            STATEMENT_END_RE.match(paragraph)
            or _curly(paragraph).startswith("“")
            or re.search(r"\b(?:Sen\.|Senators?)\s+[A-Z]", paragraph)
            or any(re.search(rf"\b{re.escape(n)}\b", paragraph) for n in names if n)
        ):
            break
        if j == i and STATEMENT_END_RE.match(paragraph):
            break
        j += 1
    return j


def quotes_extract(paragraphs):
    """Split body paragraphs into (paragraphs left in the body, quotes).

    A quote is a paragraph that opens with a quotation mark and is attributed in a common
    form (`“...,” Klobuchar said.`, `“...,” said Heitkamp.`, `said Sen. Warner`, `Senator X
    said`, `the senators said`, `The Senators wrote, “...”`); it may run over several
    paragraphs, each opening with a quotation mark and only the last one closing it. A quoted
    paragraph with no attribution right after a quote continues it. After a paragraph that
    introduces someone's words (`Sen. Cruz said:`, `... issued the following statement:`),
    the next paragraphs are theirs, quoted or not. The lead paragraph is never a quote.

    A quote whose speaker is unclear stays in the body: `he said` after a quotation nobody
    here could attribute is not given to the last speaker.
    """
    body, quotes = paragraphs[:1], []
    previous_was_quote = False
    unclear = False  # a quotation left in the body since the last quote
    i = 1
    while i < len(paragraphs):
        intro = intro_attribution(paragraphs[i - 1]) if not previous_was_quote else None
        shape = _shape(paragraphs[i])
        if intro and shape is None and not _curly(paragraphs[i]).startswith("“"):
            j = _statement(paragraphs, i, intro)
            if j > i:
                quotes.append(_quote(intro, [" ".join(p.split()) for p in paragraphs[i:j]]))
                previous_was_quote, unclear, i = False, False, j
                continue
        if shape is None:
            body.append(paragraphs[i])
            unclear = unclear or _curly(paragraphs[i]).startswith("“")
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
            last = quotes[-1] if quotes and not unclear else None
            found = last and _Attribution(
                last.speaker, last.speaker_title, last.senatorial, last.party_state,
                joint=last.joint, speakers=list(last.speakers),
            )  # fmt: skip
        if not attributions and intro:
            found = intro
        if found:
            quotes.append(_quote(found, texts))
            unclear = False
        elif not attributions and previous_was_quote:
            quotes[-1].paragraphs.extend(texts)
        else:
            body.extend(paragraphs[i:j])
            unclear = True
            previous_was_quote = False
            i = j
            continue
        previous_was_quote = True
        i = j
    return body, quotes
