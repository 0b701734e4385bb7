"""Times on the desk, in Eastern time and in words: `{{ moment|eastern:"short" }}`,
`{{ moment|countdown:desk.now }}`, `{{ moment|ago:desk.now }}`."""

from django import template
from django.utils.timesince import timesince

from core.eastern import eastern as eastern_words
from core.eastern import eastern_iso
from desk.selectors import countdown as countdown_words

register = template.Library()


@register.filter
def eastern(moment, style="short"):
    return eastern_words(moment, style)


@register.filter
def iso(moment):
    return eastern_iso(moment) if moment else ""


@register.filter
def countdown(moment, now):
    return countdown_words(moment, now)


@register.filter
def ago(moment, now):
    """ "3 hours ago", in the largest unit, as Django's timesince says it; "just now"."""
    if not moment:
        return ""
    if (now - moment).total_seconds() < 60:
        return "just now"
    return f"{timesince(moment, now, depth=1)} ago"
