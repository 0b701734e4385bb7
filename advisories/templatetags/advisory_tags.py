"""An advisory's event as schema.org `Event` JSON-LD, for search engines' event listings."""

from django import template

from core.eastern import eastern_iso
from releases.seo import absolute, json_ld_script, site_root, summary

register = template.Library()

STATUS = {
    False: "https://schema.org/EventScheduled",
    True: "https://schema.org/EventCancelled",
}


def event_data(event, root):
    release = event.release
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": release.title,
        "description": summary(release),
        "url": absolute(root, release.get_absolute_url()),
        "startDate": eastern_iso(event.starts_at),
        "eventStatus": STATUS[event.cancelled],
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": {"@type": "Place", "name": event.location,
                     **({"address": event.address} if event.address else {})},
        "organizer": [
            {"@type": "Person", "name": issuer.senator.name,
             "url": absolute(root, issuer.senator.get_absolute_url())}
            for issuer in release.issuers
        ],
    }  # fmt: skip
    if event.ends_at:
        data["endDate"] = eastern_iso(event.ends_at)
    return data


@register.simple_tag(takes_context=True)
def event_json_ld(context, event):
    return json_ld_script(event_data(event, site_root(context["request"])))
