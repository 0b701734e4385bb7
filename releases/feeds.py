"""RSS 2.0 and Atom feeds of the latest public releases, narrowed by the list's filters.

`/releases/feed/rss/?senator=amy-klobuchar&topic=human-trafficking` holds what
`/releases/?senator=amy-klobuchar&topic=human-trafficking` lists: the same FilterSet reads
the same parameters. A value that names nothing is a 400 that says so (the list page
leaves it out with a notice, which no feed reader would show).
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpResponseBadRequest, QueryDict
from django.http.request import split_domain_port
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import feedgenerator
from django.utils.html import escape

from core.eastern import eastern_date
from releases.browse import registry
from releases.browse.facets import apply_filters
from releases.browse.filters import ReleaseFilterSet, ignored_parameters
from releases.models import Release
from releases.seo import absolute, public_updated_at, site_root, summary

FEED_LENGTH = 50


def feed_query(filters):
    """The query string of a list narrowed by `filters` (ReleaseFilterSet's cleaned data:
    {"senator": [<Senator>], "q": "..."}), "" when nothing narrows it."""
    query = QueryDict(mutable=True)
    for public_filter in registry.public_filters():
        values = [public_filter.value_of(v) for v in filters.get(public_filter.parameter) or ()]
        if values:
            query.setlist(public_filter.parameter, values)
    if filters.get("q"):
        query["q"] = filters["q"]
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else ""


def describe(filters, *, searched=False):
    """ "Releases from Amy Klobuchar (D-MN) on Human trafficking", in the filters' words.

    `searched`: a search's words lead, as a results page says it: "Results for “trafficking”
    from Amy Klobuchar (D-MN)".
    """
    narrowing, noun = [], "Releases"
    for public_filter in registry.public_filters():
        chosen = filters.get(public_filter.parameter) or ()
        if public_filter.kind == "choice" and chosen:  # "Statements or op-eds from …"
            plurals = " or ".join(public_filter.option(str(v)).plural for v in chosen)
            noun = plurals[0] + plurals[1:].lower()
        elif chosen:
            values = [public_filter.label_of(v) for v in chosen]
            narrowing.append(f"{public_filter.words} {' or '.join(values)}")
    q = filters.get("q")
    if q and searched:
        among = [] if noun == "Releases" else [f"among {noun.lower()}"]
        return " ".join([f"Results for “{q}”", *among, *narrowing])
    if q:
        narrowing.append(f"matching “{q}”")
    return " ".join([noun, *narrowing])


@dataclass(frozen=True)
class FeedLinks:
    """The feeds of one list of releases, for its page to link."""

    title: str
    rss: str
    atom: str
    query: str = ""  # the filter as a query string ("?senator=…", or ""): email alerts take it


def feed_links(filters=None):
    """The RSS and Atom feeds of the releases `filters` selects (see feed_query)."""
    filters = filters or {}
    query = feed_query(filters)
    return FeedLinks(
        title=describe(filters),
        rss=reverse("releases:feed-rss") + query,
        atom=reverse("releases:feed-atom") + query,
        query=query,
    )


_CONTROL_ESCAPES = {code: f"\\x{code:02x}" for code in range(32)}  # a NUL shown, not sent


class BadFeedParameters(Exception):
    """A feed asked for with a value that names nothing: answered with a 400."""


def refuse_unusable_values(filterset):
    """Refuse a value that names nothing (`?senator=amy-klobucha`), as the API does.

    The list page leaves such a value out and says so on the page; a feed reader shows
    nobody that notice, and the subscription would quietly hold every release for years.
    Unknown parameter *names* are still ignored: readers and mailers add their own
    (utm_source), and a page number means nothing to a feed.
    """
    unusable = bool(filterset.form.errors) or any(
        getattr(field, "unknown", None) for field in filterset.form.fields.values()
    )
    if unusable:
        problems = [
            message.replace("We ignored ", "Cannot use ", 1).translate(_CONTROL_ESCAPES)
            for message in ignored_parameters(filterset)
        ]
        raise BadFeedParameters(
            "Bad parameters. " + " ".join(problems)
            + " The feed takes the filters of /releases/: leave the value out or use one"
            " the list offers.\n"
        )  # fmt: skip


class RssWithContent(feedgenerator.Rss201rev2Feed):
    """RSS 2.0 with the whole release in <content:encoded>, the summary in <description>,
    and the last change in <atom:updated> (RSS itself has no element for it)."""

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item["updateddate"] is not None:
            handler.addQuickElement("atom:updated", feedgenerator.rfc3339_date(item["updateddate"]))
        handler.addQuickElement("content:encoded", item["content"])


class AtomWithContent(feedgenerator.Atom1Feed):
    """Atom with the whole release in <content>, the summary in <summary>."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content"], {"type": "html"})


@dataclass
class FeedRequest:
    """One request for a feed: what its filters chose, the releases, the site's address."""

    filters: dict
    releases: object  # the filtered queryset of public releases, not yet evaluated
    path: str
    root: str  # "https://newsroom.example/"
    tag_authority: str  # the host, without port, for tag: URIs


@dataclass
class Entry:
    """A release as a feed entry: the syndication framework's item_* methods see only the
    item, and absolute addresses need the request's site."""

    release: Release
    feed: FeedRequest


class ReleaseFeed(Feed):
    """RSS 2.0: the latest public releases, filtered like /releases/."""

    feed_type = RssWithContent
    item_guid_is_permalink = False

    def __call__(self, request, *args, **kwargs):
        try:
            response = super().__call__(request, *args, **kwargs)
        except BadFeedParameters as refused:
            return HttpResponseBadRequest(str(refused), content_type="text/plain; charset=utf-8")
        # The feed writer writes the XML a few bytes at a time; sent as written, each piece
        # is a system call of its own (thousands for 20 full releases).
        response.content = response.content
        return response

    def get_object(self, request):
        # Exactly as release_list: the publication rule per request, then the FilterSet;
        # a value it cannot use is a 400, never a 500.
        base = Release.objects.published()
        filterset = ReleaseFilterSet(request.GET, queryset=base)
        filterset.is_valid()
        refuse_unusable_values(filterset)
        host, _ = split_domain_port(request.get_host())
        return FeedRequest(
            filters=filterset.form.cleaned_data,
            releases=apply_filters(filterset, base),
            path=request.path,
            root=site_root(request),
            tag_authority=host or "localhost",
        )

    def items(self, feed):
        releases = (
            feed.releases.order_by("-published_at", "-pk")
            .for_listing()
            .with_quotes()
            .with_last_correction()  # an entry's <updated> counts its corrections
        )
        return [Entry(release, feed) for release in releases[:FEED_LENGTH]]

    # The feed

    def title(self, feed):
        return f"{describe(feed.filters)} · {settings.NEWSROOM_NAME}"

    def description(self, feed):
        narrowed = describe(feed.filters).removeprefix("Releases")  # " from Amy Klobuchar…"
        return (
            f"The latest {FEED_LENGTH} press releases{narrowed or ' of U.S. senators'}, "
            f"published by {settings.NEWSROOM_NAME}."
        )

    def link(self, feed):
        return reverse("releases:list") + feed_query(feed.filters)

    def feed_url(self, feed):
        return feed.path + feed_query(feed.filters)

    def author_name(self, feed):
        return settings.NEWSROOM_NAME

    def feed_copyright(self, feed):
        return "Works of the U.S. government, in the public domain."

    # Its entries

    def item_title(self, entry):
        # RSS says nothing of what a title is, and many readers show it as HTML: a "<b>" in
        # a title would be markup there. So its angle brackets go as entities, which those
        # readers show as the brackets; an ampersand stays itself (escaping everything, as
        # Django does by default, made readers show "&amp;"). Atom's titles are text.
        return entry.release.title.replace("<", "&lt;").replace(">", "&gt;")

    def item_link(self, entry):
        return entry.release.get_absolute_url()

    def item_description(self, entry):
        return escape(summary(entry.release))

    def item_guid(self, entry):
        """tag:newsroom.example,2014-05-16:release/42, from what never changes: the host,
        the day the release was created and its id (not its title, slug or date)."""
        created = eastern_date(entry.release.created_at)
        return f"tag:{entry.feed.tag_authority},{created:%Y-%m-%d}:release/{entry.release.pk}"

    def item_pubdate(self, entry):
        return entry.release.published_at

    def item_updateddate(self, entry):
        # What readers were told changed: the publication, or the latest correction (as the
        # API says), not the day the row was last saved (a 2014 release resaved in 2026).
        return public_updated_at(entry.release)

    def item_categories(self, entry):
        # The kind of statement first ("Op-ed"), then the topics.
        release = entry.release
        return [release.get_type_display(), *(topic.name for topic in release.topics.all())]

    def item_author_name(self, entry):
        """ "Amy Klobuchar (D-MN), Heidi Heitkamp (D-ND)", the lead senator first: one name,
        as readers show one author (feedparser keeps only the last of several in Atom)."""
        return ", ".join(str(issuer.senator) for issuer in entry.release.issuers) or None

    def item_extra_kwargs(self, entry):
        release, root = entry.release, entry.feed.root
        senators = [
            (
                f"{issuer.senator.title_on(release.published_at)} {issuer.senator}",
                absolute(root, issuer.senator.get_absolute_url()),
            )
            for issuer in release.issuers
        ]
        image = absolute(root, release.lead_image.url) if release.lead_image else ""
        content = render_to_string(
            "releases/release_feed_content.html",
            {"release": release, "senators": senators, "image": image},
        ).strip()
        return {"content": content}


class ReleaseAtomFeed(ReleaseFeed):
    """Atom: the same entries."""

    feed_type = AtomWithContent

    def item_title(self, entry):
        return entry.release.title  # <title type="text">: exactly as written

    def subtitle(self, feed):
        return self.description(feed)
