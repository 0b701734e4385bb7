"""`manage.py export_office`: a senator's newsroom as a BagIt bag an archivist can check.

One small newsroom is exported once for the module: Senator Klobuchar's release with a
lead image and a PDF, the release Senator Heitkamp leads and she joins, and her draft and
embargoed releases, which must stay out. The tests read the bag on disk.
"""

import io
import json
import re
import shutil
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import bagit
import feedparser
import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone
from PIL import Image

from core.images import image_renditions_make
from handoff.services import in_chunks, office_export, office_releases
from releases.models import Release
from tests.conftest import STAMP_FILE
from tests.support import data
from tests.support.axe import axe_failures
from tests.support.browser import CHROMIUM_ARGS, chromium_path
from tests.support.factories import ReleaseFactory, SenatorFactory
from tests.support.pdfs import document_attach

pytestmark = pytest.mark.django_db

SITE = "https://news.example.senate.gov"
PLAIN_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def png(width, height, color):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "PNG")
    return ContentFile(buffer.getvalue())


def build_and_export(out):
    """The small newsroom, exported to `out`; the releases by name."""
    klobuchar, heitkamp = data.klobuchar(), data.heitkamp()
    klobuchar.term_start = timezone.datetime(2007, 1, 4).date()
    klobuchar.photo.save("k000367.png", png(240, 292, "navy"), save=False)
    klobuchar.photo_widths = image_renditions_make(field_file=klobuchar.photo, widths=[120, 240])
    klobuchar.save()
    now = timezone.now()
    imaged = ReleaseFactory(
        title="Klobuchar Announces Rural Broadband Grants", slug="rural-broadband-grants",
        senators=[klobuchar], published_at=now - timedelta(days=2),
        lead_image_alt="A grain elevator at dusk",
    )  # fmt: skip
    imaged.lead_image.save("elevator.png", png(800, 400, "orange"), save=False)
    imaged.lead_image_widths = image_renditions_make(
        field_file=imaged.lead_image, widths=[400, 800]
    )
    imaged.save()
    document = document_attach(imaged, title="Grant award letter")
    joint = ReleaseFactory(
        title="Heitkamp, Klobuchar Introduce Trafficking Bill", slug="trafficking-bill",
        senators=[heitkamp, klobuchar], published_at=now - timedelta(days=1),
    )  # fmt: skip
    hidden = [
        ReleaseFactory(
            title="Draft Statement Never Sent", senators=[klobuchar],
            status=Release.Status.DRAFT, published_at=None,
        ),
        ReleaseFactory(
            title="Embargoed Farm Bill Statement", senators=[klobuchar],
            published_at=now + timedelta(days=3),
        ),
    ]  # fmt: skip
    others = ReleaseFactory(title="Heitkamp Alone On Energy", senators=[heitkamp])
    office_export(senator=klobuchar, out=out)
    host = urlsplit(SITE).netloc  # the page as the public site serves it, to compare
    with override_settings(ALLOWED_HOSTS=[host]):
        served = Client().get(joint.get_absolute_url(), secure=True, headers={"host": host})
    return {
        "imaged": imaged, "joint": joint, "hidden": hidden, "others": others,
        "klobuchar": klobuchar, "document": document.file.name,
        "served": served.content.decode(),
    }  # fmt: skip


@pytest.fixture(scope="module")
def newsroom(django_db_setup, django_db_blocker, tmp_path_factory):
    """The bag's folder (`out`), the media folder and the releases (rolled back after)."""
    out = tmp_path_factory.mktemp("bags") / "K000367"
    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=media,
            STORAGES=PLAIN_STORAGES,
            NEWSROOM_SITE_URL=SITE,
            PAGE_CACHE_STAMP_FILE=str(STAMP_FILE),
        ),  # fmt: skip
        transaction.atomic(),
    ):
        built = build_and_export(out)
        transaction.set_rollback(True)
    return {"out": out, "media": media, **built}


def payload(newsroom):
    return newsroom["out"] / "data"


def page_path(release):
    return release.get_absolute_url().strip("/") + "/index.html"


def test_the_bag_validates_with_both_checksums(newsroom):
    bag = bagit.Bag(str(newsroom["out"]))
    bag.validate()  # raises BagValidationError on any fault
    assert bag.is_valid()
    assert sorted(bag.algorithms) == ["sha256", "sha512"]
    assert (newsroom["out"] / "manifest-sha512.txt").exists()


def test_a_changed_payload_file_fails_validation(newsroom, tmp_path):
    copy = tmp_path / "bag"
    shutil.copytree(newsroom["out"], copy)
    page = copy / "data" / page_path(newsroom["joint"])
    text = page.read_text()
    page.write_text(text.replace("Trafficking Bill", "Trafficking Bull", 1))  # same size
    with pytest.raises(bagit.BagValidationError) as failed:
        bagit.Bag(str(copy)).validate()
    assert "checksum" in str(failed.value).lower() or any(
        isinstance(d, bagit.ChecksumMismatch) for d in failed.value.details
    )


def test_the_bag_holds_every_public_release_of_the_senator_and_nothing_hidden(newsroom):
    for name in ("imaged", "joint"):
        page = (payload(newsroom) / page_path(newsroom[name])).read_text()
        assert f'<h1 id="release-title">{newsroom[name].title}</h1>' in page
    pages = sorted(p.relative_to(payload(newsroom)) for p in payload(newsroom).rglob("*.html"))
    assert [str(p) for p in pages] == sorted(
        ["index.html", page_path(newsroom["imaged"]), page_path(newsroom["joint"])]
    )
    everything = "".join(
        p.read_text(errors="replace") for p in newsroom["out"].rglob("*") if p.is_file()
    )
    assert not (payload(newsroom) / page_path(newsroom["others"])).exists()  # linked only
    for release in newsroom["hidden"]:
        assert release.title not in everything
        assert release.slug not in everything


def test_a_page_in_the_bag_is_the_public_page_but_for_its_link_addresses(newsroom):
    kept = (payload(newsroom) / page_path(newsroom["joint"])).read_text()
    served = newsroom["served"]
    assert kept != served
    assert "Trafficking Bill</h1>" in kept

    def without_link_values(page):
        return re.sub(r'\s(href|src|srcset|action)="[^"]*"', r" \1=", page)

    assert without_link_values(kept) == without_link_values(served)


def links_of(html_file):
    """Every href, src and srcset address on the page."""
    soup = BeautifulSoup(html_file.read_text(), "html.parser")
    for tag in soup.find_all(True):
        for attribute in ("href", "src", "action"):
            if tag.get(attribute):
                yield tag[attribute]
        for candidate in (tag.get("srcset") or "").split(","):
            if candidate.strip():
                yield candidate.split()[0]


def test_every_link_that_is_not_external_resolves_inside_the_bag(newsroom):
    root = payload(newsroom).resolve()
    checked = 0
    for html_file in root.rglob("*.html"):
        for link in links_of(html_file):
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path:  # elsewhere, or this page
                continue
            target = (html_file.parent / unquote(parts.path)).resolve()
            assert target.is_relative_to(root), f"{link} on {html_file} leaves the bag"
            assert target.is_file(), f"{link} on {html_file} is not in the bag"
            checked += 1
    assert checked > 20  # pages, stylesheets, images, feeds, the index


def test_the_release_page_links_its_media_styles_and_fellow_releases_in_the_bag(newsroom):
    page_file = payload(newsroom) / page_path(newsroom["imaged"])
    links = set(links_of(page_file))
    assert "../../../../static/css/site.css" in links
    assert "../../../../media/" + newsroom["imaged"].lead_image.name in links
    assert any(link.endswith("-400w.png") for link in links)  # the srcset's rendition
    assert "../../../../media/" + newsroom["document"] in links
    assert "../../../../index.html" in links  # the senator's page is the bag's index
    # The rest of the site is linked at the public address; no link names the test host.
    assert f"{SITE}/topics/" in links
    assert not any("testserver" in link for link in links)


def test_the_media_are_the_stored_files(newsroom):
    media = payload(newsroom) / "media"
    imaged, klobuchar = newsroom["imaged"], newsroom["klobuchar"]
    names = [
        imaged.lead_image.name,
        imaged.lead_image.name.replace(".png", "-400w.png"),
        newsroom["document"],
        klobuchar.photo.name,
    ]
    for name in names:
        assert (media / name).read_bytes() == (newsroom["media"] / name).read_bytes(), name


def test_the_index_lists_the_releases_newest_first_with_the_senator(newsroom):
    index = (payload(newsroom) / "index.html").read_text()
    soup = BeautifulSoup(index, "html.parser")
    assert soup.h1.get_text(" ", strip=True) == "Amy Klobuchar (D-MN)"
    assert "in office since 2007-01-04" in soup.select_one(".lede").get_text()
    titles = [a.get_text() for a in soup.select(".release-item__title a")]
    assert titles == [newsroom["joint"].title, newsroom["imaged"].title]
    portrait = soup.select_one("img.person__photo")
    assert portrait["src"] == f"media/{newsroom['klobuchar'].photo.name}"


def test_releases_jsonl_holds_the_api_records(newsroom):
    lines = (payload(newsroom) / "releases.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["id"] for r in records] == [newsroom["joint"].pk, newsroom["imaged"].pk]
    assert [s["bioguide_id"] for s in records[0]["senators"]] == ["H001069", "K000367"]
    assert records[1]["url"] == SITE + newsroom["imaged"].get_absolute_url()
    assert records[1]["lead_image"] is not None
    assert records[1]["documents"][0]["title"] == "Grant award letter"


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_the_feeds_are_the_senators_as_the_site_serves_them(newsroom, kind):
    feed = feedparser.parse((payload(newsroom) / "feeds" / f"{kind}.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert [e.title for e in feed.entries] == [newsroom["joint"].title, newsroom["imaged"].title]
    assert feed.entries[0].link == SITE + newsroom["joint"].get_absolute_url()


def test_bag_info_names_the_senator_and_the_source(newsroom):
    info = bagit.Bag(str(newsroom["out"])).info
    for field in (
        "Source-Organization", "Contact-Name", "Contact-Email", "External-Description",
        "External-Identifier", "Bagging-Date", "Payload-Oxum", "Bag-Count",
    ):  # fmt: skip
        assert info.get(field), field
    assert "Amy Klobuchar" in info["External-Description"]
    assert "K000367" in info["External-Description"]
    assert "2 public releases" in info["External-Description"]
    assert info["Bag-Count"] == "1 of 1"
    files = sum(1 for p in payload(newsroom).rglob("*") if p.is_file())
    assert info["Payload-Oxum"].endswith(f".{files}")


def test_releases_are_read_a_chunk_at_a_time_in_order(klobuchar):
    made = [ReleaseFactory(senators=[klobuchar]) for _ in range(5)]
    chunks = list(in_chunks(office_releases(klobuchar), size=2))
    assert [len(c) for c in chunks] == [2, 2, 1]
    assert [r.pk for c in chunks for r in c] == [r.pk for r in reversed(made)]


def test_a_folder_that_is_not_empty_is_refused_and_left_alone(klobuchar, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(CommandError, match="is not an empty folder"):
        call_command("export_office", "K000367", str(tmp_path))
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_an_unknown_senator_is_refused(tmp_path):
    with pytest.raises(CommandError, match="No senator has the Bioguide ID 'X000001'"):
        call_command("export_office", "X000001", str(tmp_path / "bag"))
    assert not (tmp_path / "bag").exists()


def test_the_command_writes_a_bag_in_an_empty_folder(klobuchar, tmp_path, settings):
    settings.NEWSROOM_SITE_URL = SITE
    ReleaseFactory(senators=[klobuchar])
    other = SenatorFactory()
    ReleaseFactory(senators=[other])
    out = io.StringIO()
    call_command("export_office", "k000367", str(tmp_path), stdout=out)
    assert "Wrote the bag of Amy Klobuchar (D-MN)" in out.getvalue()
    bagit.Bag(str(tmp_path)).validate()
    assert len((tmp_path / "data" / "releases.jsonl").read_text().splitlines()) == 1
    assert Path(tmp_path / "bag-info.txt").exists()


@pytest.mark.browser
def test_the_bag_browses_offline_styled_and_accessible(newsroom):
    """In Chromium from file://: the index and a release page load their styles and images
    from the bag and nothing from anywhere else, and axe finds nothing serious."""
    path = chromium_path()
    if path is None:
        pytest.skip("Chromium not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    pages = [payload(newsroom) / "index.html", payload(newsroom) / page_path(newsroom["imaged"])]
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            asked, failed = [], []
            page.on("request", lambda request: asked.append(request.url))
            page.on("requestfailed", lambda request: failed.append(request.url))
            for html_file in pages:
                # From this page only: axe (below) reads stylesheets again, which file://
                # refuses it.
                asked.clear()
                failed.clear()
                page.goto(html_file.as_uri())
                page.wait_for_load_state("load")
                assert failed == []
                assert all(url.startswith(payload(newsroom).as_uri()) for url in asked)
                header = page.eval_on_selector(
                    ".site-header", "e => getComputedStyle(e).backgroundColor"
                )
                assert header != "rgba(0, 0, 0, 0)"  # site.css was read from the bag
                images = page.eval_on_selector_all(
                    "img", "all => all.map(i => i.complete && i.naturalWidth > 0)"
                )
                assert images and all(images)
                assert axe_failures(page, html_file.name) == []
        finally:
            browser.close()
