"""Safe images: senator photos, lead images and markdownx uploads, against hostile files."""

import io
import random
import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from people.models import Senator
from releases.models import Release
from tests.support.admin_forms import quotes_formset, release_form, senators_formset
from tests.support.factories import SenatorFactory, UserFactory

pytestmark = pytest.mark.django_db

RELEASE_ADD = "/admin/releases/release/add/"
UPLOAD = "/markdownx/upload/"
AJAX = {"x-requested-with": "XMLHttpRequest"}
GPS_IFD = 0x8825
SECRET = "Secret location 44.9778 N"


# A corpus of files, made here rather than checked in


def encoded(image_format, size=(40, 30), mode="RGB", **options):
    buffer = io.BytesIO()
    Image.new(mode, size, "steelblue").save(buffer, image_format, **options)
    return buffer.getvalue()


def noisy_jpeg(size=(200, 150)):
    rng = random.Random(1)
    image = Image.frombytes(
        "RGB", size, bytes(rng.randrange(256) for _ in range(3 * size[0] * size[1]))
    )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def jpeg_with_gps(size=(40, 20)):
    """A JPEG whose EXIF holds a GPS position, a description, and orientation 6 (rotated)."""
    image = Image.new("RGB", size, "steelblue")
    exif = image.getexif()
    exif[0x010E] = SECRET  # ImageDescription
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (44.0, 58.0, 40.0)
    gps[3] = "W"
    gps[4] = (93.0, 15.0, 49.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    data = buffer.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)  # the corpus is as described
    return data


def png_with_huge_header(width, height):
    """A tiny PNG whose header declares width × height pixels (a decompression bomb)."""
    data = bytearray(encoded("PNG", size=(1, 1)))
    ihdr = bytearray(data[12:29])  # type + 13 bytes of IHDR data
    ihdr[4:12] = struct.pack(">II", width, height)
    data[12:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(ihdr)))
    return bytes(data)


def png_with_text_chunk(text):
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", text)
    return encoded("PNG", pnginfo=info)


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"

# name, bytes, the browser's content type, words the error must contain
HOSTILE = {
    "svg": ("logo.svg", SVG, "image/svg+xml", "JPEG, PNG or WebP"),
    "svg-named-png": ("logo.png", SVG, "image/png", "JPEG, PNG or WebP"),
    "png-html-polyglot": ("chart.png", encoded("PNG") + HTML, "image/png", "data hidden"),
    "webp-html-polyglot": ("chart.webp", encoded("WEBP") + HTML, "image/webp", "data hidden"),
    "truncated-jpeg": ("cut.jpg", noisy_jpeg()[:3000], "image/jpeg", "not a readable"),
    "bomb": ("bomb.png", png_with_huge_header(50_000, 50_000), "image/png", "megapixels"),
    "over-pixel-cap": ("big.png", png_with_huge_header(7_000, 7_000), "image/png", "megapixels"),
    "gif": ("anim.gif", encoded("GIF", mode="P"), "image/gif", "this file is GIF"),
    "gif-named-jpeg": ("anim.jpg", encoded("GIF", mode="P"), "image/jpeg", "this file is GIF"),
    "bmp": ("scan.bmp", encoded("BMP"), "image/bmp", "this file is BMP"),
    "too-large": ("huge.png", encoded("PNG") + b"\0" * (10 * 1024 * 1024), "image/png", "MB"),
}


def upload(name, data, content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_files(settings):
    root = settings.MEDIA_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def opened(path):
    image = Image.open(path)
    image.load()
    return image


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_superuser=True))
    return client


# The three ways in


@pytest.fixture
def senator():
    return SenatorFactory(first_name="Amy", last_name="Klobuchar", slug="amy-klobuchar")


def post_senator_photo(client, senator, file):
    data = {
        "bioguide_id": senator.bioguide_id,
        "first_name": senator.first_name,
        "last_name": senator.last_name,
        "official_full_name": "",
        "slug": senator.slug,
        "party": senator.party,
        "state": senator.state,
        "in_office": "on",
        "photo": file,
    }
    for blank in ["term_start", "term_end", "website", "twitter", "facebook", "youtube",
                  "instagram", "mastodon"]:  # fmt: skip
        data[blank] = ""
    return client.post(f"/admin/people/senator/{senator.pk}/change/", data)


def post_lead_image(client, senator, file):
    data = {
        **release_form(lead_image=file, lead_image_alt="Senators at a round table"),
        **senators_formset([{"senator": senator.pk, "role": "lead", "order": "0"}]),
        **quotes_formset([]),
    }
    return client.post(RELEASE_ADD, data)


def post_markdownx(client, file):
    return client.post(UPLOAD, {"image": file}, headers=AJAX)


@pytest.mark.parametrize("kind", HOSTILE)
def test_senator_photo_refuses_hostile_files(staff_client, senator, settings, kind):
    name, data, content_type, words = HOSTILE[kind]
    response = post_senator_photo(staff_client, senator, upload(name, data, content_type))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["photo"]
    assert "The photo" in errors["photo"][0]
    assert words in errors["photo"][0]
    senator.refresh_from_db()
    assert not senator.photo
    assert senator.photo_widths == []
    assert stored_files(settings) == []


@pytest.mark.parametrize("kind", HOSTILE)
def test_lead_image_refuses_hostile_files(staff_client, senator, settings, kind):
    name, data, content_type, words = HOSTILE[kind]
    response = post_lead_image(staff_client, senator, upload(name, data, content_type))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["lead_image"]
    assert "The lead image" in errors["lead_image"][0]
    assert words in errors["lead_image"][0]
    assert not Release.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize("kind", HOSTILE)
def test_markdownx_upload_refuses_hostile_files(staff_client, settings, kind):
    name, data, content_type, words = HOSTILE[kind]
    response = post_markdownx(staff_client, upload(name, data, content_type))
    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == ["image"]
    assert "The image" in errors["image"][0]
    assert words in errors["image"][0]
    assert stored_files(settings) == []


# Accepted files are stored re-encoded, without their metadata


def accept_through(path, client, senator, file):
    """Upload ``file`` by ``path`` and return where the stored original is."""
    if path == "senator":
        response = post_senator_photo(client, senator, file)
        assert response.status_code == 302, response.context["adminform"].form.errors
        senator.refresh_from_db()
        return senator.photo.path
    if path == "release":
        response = post_lead_image(client, senator, file)
        assert response.status_code == 302, response.context["adminform"].form.errors
        return Release.objects.get().lead_image.path
    response = post_markdownx(client, file)
    assert response.status_code == 200, response.content
    url = response.json()["image_code"].removeprefix("![](/media/").removesuffix(")")
    return str(client.settings.MEDIA_ROOT / url)


PATHS = ["senator", "release", "markdownx"]


@pytest.fixture
def accept(staff_client, senator, settings):
    staff_client.settings = settings
    return lambda path, file: accept_through(path, staff_client, senator, file)


@pytest.mark.parametrize("path", PATHS)
def test_gps_and_other_exif_are_gone_from_a_stored_jpeg(accept, path):
    data = jpeg_with_gps()
    assert SECRET.encode() in data
    stored = accept(path, upload("dsc0042.jpg", data))
    raw = Path(stored).read_bytes()
    assert SECRET.encode() not in raw
    assert b"Exif" not in raw
    image = opened(stored)
    assert image.format == "JPEG"
    assert not image.getexif()
    assert not image.getexif().get_ifd(GPS_IFD)
    assert image.size == (20, 40)  # the EXIF orientation was applied before it was dropped


@pytest.mark.parametrize("path", PATHS)
def test_png_text_chunks_are_gone_and_png_stays_png(accept, path):
    data = png_with_text_chunk("<script>alert(1)</script>")
    stored = accept(path, upload("chart.png", data, "image/png"))
    raw = Path(stored).read_bytes()
    assert b"<script>" not in raw
    assert b"tEXt" not in raw
    assert stored.endswith(".png")
    assert opened(stored).format == "PNG"


@pytest.mark.parametrize("path", PATHS)
def test_jpeg_with_html_appended_is_stored_without_it(accept, path):
    data = encoded("JPEG") + HTML
    stored = accept(path, upload("photo.jpg", data))
    raw = Path(stored).read_bytes()
    assert b"<script>" not in raw
    assert raw.endswith(b"\xff\xd9")  # the stored file ends where the image does


@pytest.mark.parametrize("path", PATHS)
def test_format_is_what_pillow_sees_not_the_name(accept, path):
    stored = accept(path, upload("photo.jpg", encoded("WEBP"), "application/octet-stream"))
    assert stored.endswith(".webp")
    assert opened(stored).format == "WEBP"


def multi_picture_jpeg():
    """What a phone's camera writes: an MPO holding the photo, then a second picture."""
    photo = Image.new("RGB", (48, 32), "seagreen")
    depth = Image.new("RGB", (24, 16), "black")
    buffer = io.BytesIO()
    photo.save(buffer, "MPO", save_all=True, append_images=[depth])
    data = buffer.getvalue()
    assert Image.open(io.BytesIO(data)).format == "MPO"  # the corpus is as described
    return data


@pytest.mark.parametrize("path", PATHS)
def test_a_phones_multi_picture_jpeg_is_stored_as_its_first_picture(accept, path):
    stored = accept(path, upload("IMG_0042.jpg", multi_picture_jpeg()))

    image = opened(stored)
    assert stored.endswith(".jpg")
    assert image.format == "JPEG"
    assert image.size == (48, 32)
    assert getattr(image, "n_frames", 1) == 1


# Renditions


def test_lead_image_renditions_are_made_once_at_each_smaller_width(staff_client, senator, settings):
    post_lead_image(staff_client, senator, upload("table.jpg", encoded("JPEG", size=(2000, 1000))))
    release = Release.objects.get()
    assert release.lead_image_widths == [480, 960, 1600, 2000]
    stem = release.lead_image.path.removesuffix(".jpg")
    for width in [480, 960, 1600]:
        rendition = opened(f"{stem}-{width}w.jpg")
        assert rendition.size == (width, width // 2)
        assert rendition.format == "JPEG"
    assert len(stored_files(settings)) == 4


def test_lead_image_renditions_never_upscale(staff_client, senator, settings):
    post_lead_image(
        staff_client, senator, upload("table.png", encoded("PNG", size=(700, 350)), "image/png")
    )
    release = Release.objects.get()
    assert release.lead_image_widths == [480, 700]
    names = [p.name for p in stored_files(settings)]
    assert names == ["table-480w.png", "table.png"]


def test_release_page_serves_the_renditions_in_srcset(staff_client, senator, client):
    post_lead_image(staff_client, senator, upload("table.jpg", encoded("JPEG", size=(1000, 500))))
    release = Release.objects.get()
    html = client.get(release.get_absolute_url()).content.decode()
    url = release.lead_image.url
    stem = url.removesuffix(".jpg")
    expected = f'srcset="{stem}-480w.jpg 480w, {stem}-960w.jpg 960w, {url} 1000w"'
    assert expected in html
    assert 'sizes="' in html


def test_release_without_renditions_has_no_srcset(client):
    from tests.support.factories import ReleaseFactory

    release = ReleaseFactory()
    html = client.get(release.get_absolute_url()).content.decode()
    assert "srcset" not in html


def test_senator_photo_renditions_and_srcset(staff_client, senator, client, settings):
    post_senator_photo(
        staff_client, senator, upload("portrait.jpg", encoded("JPEG", size=(300, 366)))
    )
    senator.refresh_from_db()
    assert senator.photo_widths == [120, 240, 300]
    stem = senator.photo.path.removesuffix(".jpg")
    assert opened(f"{stem}-120w.jpg").size == (120, 146)
    assert opened(f"{stem}-240w.jpg").size == (240, 293)
    url = senator.photo.url
    base = url.removesuffix(".jpg")
    srcset = f'srcset="{base}-120w.jpg 120w, {base}-240w.jpg 240w, {url} 300w"'
    assert srcset in client.get(senator.get_absolute_url()).content.decode()
    assert srcset in client.get("/senators/").content.decode()


def test_small_senator_photo_is_not_upscaled(staff_client, senator, settings):
    post_senator_photo(
        staff_client, senator, upload("portrait.png", encoded("PNG", size=(100, 122)), "image/png")
    )
    senator.refresh_from_db()
    assert senator.photo_widths == [100]
    assert [p.name for p in stored_files(settings)] == ["portrait.png"]


def test_saving_a_senator_without_a_new_photo_keeps_its_renditions(staff_client, senator):
    post_senator_photo(
        staff_client, senator, upload("portrait.jpg", encoded("JPEG", size=(300, 366)))
    )
    senator.refresh_from_db()
    response = post_senator_photo(staff_client, senator, "")
    assert response.status_code == 302
    senator.refresh_from_db()
    assert senator.photo_widths == [120, 240, 300]
    assert Senator.objects.get().photo.name.endswith("portrait.jpg")
