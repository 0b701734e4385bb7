"""The passage of a text that matched a search, with the visitor's words marked."""

import html
import re

from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from search.query import MAX_TERMS, WORD


def terms(text):
    return [t.lower() for t in WORD.findall(text or "")[:MAX_TERMS] if len(t) > 1]


def highlight(text, query, words=40):
    """A passage of `text` around the first query term, terms wrapped in <mark>.

    Matches on word beginnings, so "traffick" marks "trafficking" as the stemming search
    would have found it.
    """
    # Text, not markup: a body's "AT&amp;T" is "AT&T" (escaped once, below, not twice).
    plain = " ".join(html.unescape(strip_tags(text or "")).split())
    wanted = terms(query)
    if not plain or not wanted:
        return ""
    pattern = re.compile(
        r"\b("
        + "|".join(re.escape(t) for t in sorted(wanted, key=len, reverse=True))
        + r")[\w’']*",
        re.IGNORECASE,
    )
    tokens = plain.split(" ")
    first = next((i for i, tok in enumerate(tokens) if pattern.search(tok)), None)
    if first is None:
        return ""
    start = max(0, first - words // 3)
    passage = " ".join(tokens[start : start + words])
    marked, last = [], 0
    for match in pattern.finditer(passage):
        marked.append(escape(passage[last : match.start()]))
        marked.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    marked.append(escape(passage[last:]))
    passage = "".join(marked)
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + words < len(tokens) else ""
    return mark_safe(prefix + passage + suffix)
