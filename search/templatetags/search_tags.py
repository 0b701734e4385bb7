from django import template

from search.highlighting import highlight

register = template.Library()


@register.simple_tag
def matching_passage(release, query):
    """The passage of a release that matched a search, with the terms marked."""
    for text in (release.highlights, release.body_html):
        passage = highlight(text, query)
        if passage:
            return passage
    return ""
