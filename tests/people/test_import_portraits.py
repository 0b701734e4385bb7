"""`manage.py import_portraits`: senators' official portraits from a unitedstates/images folder."""

import io
import struct
import zlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from people.models import Senator
from people.portraits import senator_portraits_import
from tests.support.factories import SenatorFactory

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825


def portrait_jpeg(color="steelblue", size=(450, 550), gps=False):
    """A portrait-shaped JPEG; with `gps`, its EXIF holds a position a camera wrote."""
    image = Image.new("RGB", size, color)
    image.paste("white", (150, 120, 300, 330))  # a face, so a rendition is not one flat colour
    exif = image.getexif()
    if gps:
        exif.get_ifd(GPS_IFD).update({1: "N", 2: (44.0, 58.0, 40.0)})
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, exif=exif)
    return buffer.getvalue()


def png_declaring(width, height):
    """A tiny PNG whose header declares width × height pixels (past the site's cap)."""
    buffer = io.BytesIO()
    Image.new("RGB", (1, 1)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    ihdr = bytearray(data[12:29])
    ihdr[4:12] = struct.pack(">II", width, height)
    data[12:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(ihdr)))
    return bytes(data)


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def collection(root, files, size="450x550"):
    """`root`/congress/`size`/ holding `files` ({name: bytes}); returns `root`."""
    folder = root / "congress" / size
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return root


def run(folder):
    out, err = StringIO(), StringIO()
    call_command("import_portraits", str(folder), stdout=out, stderr=err)
    return out.getvalue()


def media_files(settings):
    root = settings.MEDIA_ROOT
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@pytest.fixture
def senators(klobuchar, heitkamp):
    return klobuchar, heitkamp


def test_imports_each_senators_portrait_through_the_image_checks(tmp_path, senators, settings):
    root = collection(
        tmp_path / "images",
        {"K000367.jpg": portrait_jpeg(gps=True), "H001069.jpg": portrait_jpeg("darkred")},
    )

    out = run(root)

    assert "2 imported, 0 unchanged, 0 unknown Bioguide ID(s), 0 refused" in out
    amy = Senator.objects.get(bioguide_id="K000367")
    assert amy.photo.name.startswith("senators/K000367-") and amy.photo.name.endswith(".jpg")
    assert amy.photo_widths == [120, 240, 450]
    stored = Image.open(amy.photo.path)
    assert stored.format == "JPEG" and stored.size == (450, 550)
    assert not stored.getexif().get_ifd(GPS_IFD)  # re-encoded: the camera's position is gone
    assert "-120w.jpg 120w" in amy.photo_srcset and "-240w.jpg 240w" in amy.photo_srcset
    assert Image.open(settings.MEDIA_ROOT / amy.photo.name.replace(".jpg", "-240w.jpg")).size == (
        240,
        293,
    )


def test_a_second_run_over_the_same_folder_stores_nothing(tmp_path, senators, settings):
    root = collection(tmp_path, {"K000367.jpg": portrait_jpeg()})
    run(root)
    before = media_files(settings)
    name = Senator.objects.get(bioguide_id="K000367").photo.name

    out = run(root)

    assert "0 imported, 1 unchanged" in out
    assert Senator.objects.get(bioguide_id="K000367").photo.name == name
    assert media_files(settings) == before


def test_a_new_portrait_replaces_the_old_one_and_its_renditions(
    tmp_path, senators, settings, committed
):
    root = collection(tmp_path, {"K000367.jpg": portrait_jpeg()})
    run(root)
    old = Senator.objects.get(bioguide_id="K000367").photo.name

    collection(tmp_path, {"K000367.jpg": portrait_jpeg("olive")})
    with committed():  # the old files go once the new name is committed
        out = run(root)

    new = Senator.objects.get(bioguide_id="K000367").photo.name
    assert "1 imported, 0 unchanged" in out
    assert new != old  # a new address, so no cache serves the old portrait
    stem = new.removesuffix(".jpg")
    assert media_files(settings) == [f"{stem}-120w.jpg", f"{stem}-240w.jpg", new]


def test_bad_files_are_refused_with_reasons_and_the_rest_import(tmp_path, settings):
    for bioguide_id in ["K000367", "H001069", "S000033", "C000127"]:
        SenatorFactory(bioguide_id=bioguide_id)
    good = portrait_jpeg()
    root = collection(
        tmp_path,
        {
            "K000367.jpg": good,
            "H001069.svg": SVG,
            "S000033.jpg": good[: len(good) // 2],  # cut off half way
            "C000127.png": png_declaring(8_000, 6_000),
        },
    )

    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="3 file"):
        call_command("import_portraits", str(root), stdout=out, stderr=err)

    assert "1 imported, 0 unchanged, 0 unknown Bioguide ID(s), 3 refused" in out.getvalue()
    errors = err.getvalue()
    assert "H001069.svg: The portrait is not a readable JPEG, PNG or WebP image" in errors
    assert "S000033.jpg: The portrait is not a readable JPEG, PNG or WebP image" in errors
    assert "C000127.png: The portrait has too many pixels; the limit is 40 megapixels" in errors
    assert Senator.objects.get(bioguide_id="K000367").photo
    assert not Senator.objects.exclude(bioguide_id="K000367").exclude(photo="").exists()
    assert all(name.startswith("senators/K000367-") for name in media_files(settings))


def test_portraits_of_people_not_in_the_newsroom_are_counted(tmp_path, senators):
    root = collection(
        tmp_path,
        {"K000367.jpg": portrait_jpeg(), "P000197.jpg": portrait_jpeg(), "README.md": b"x"},
    )

    report = senator_portraits_import(root=root)

    assert report.imported == ["K000367"]
    assert report.unknown == ["P000197"]
    assert report.without_portrait == 1  # Heitkamp
    assert "1 unknown Bioguide ID(s)" in report.summary()


@pytest.mark.parametrize("given", ["450x550", "original", "congress"])
def test_a_size_folder_or_congress_itself_is_accepted(tmp_path, senators, given):
    size = "original" if given == "original" else "450x550"
    collection(tmp_path, {"K000367.jpg": portrait_jpeg()}, size=size)
    folder = tmp_path / "congress" / (size if given != "congress" else "")

    report = senator_portraits_import(root=folder)

    assert report.imported == ["K000367"]


def test_450x550_is_preferred_to_the_original_and_the_original_fills_gaps(tmp_path, senators):
    collection(tmp_path, {"K000367.jpg": portrait_jpeg(size=(450, 550))})
    collection(
        tmp_path,
        {"K000367.jpg": portrait_jpeg(size=(900, 1100)), "H001069.jpg": portrait_jpeg()},
        size="original",
    )

    senator_portraits_import(root=tmp_path)

    assert Senator.objects.get(bioguide_id="K000367").photo_widths == [120, 240, 450]
    assert Senator.objects.get(bioguide_id="H001069").photo


def test_a_folder_without_portraits_is_an_error(tmp_path, senators):
    (tmp_path / "notes.txt").write_text("nothing here")

    with pytest.raises(CommandError, match="holds no portraits"):
        run(tmp_path)
    with pytest.raises(CommandError, match="is not a folder"):
        run(tmp_path / "missing")


def test_the_senator_page_shows_the_portrait_and_else_initials_in_the_same_box(
    client, tmp_path, senators
):
    senator_portraits_import(root=collection(tmp_path, {"K000367.jpg": portrait_jpeg()}))
    amy = Senator.objects.get(bioguide_id="K000367")

    page = client.get("/senators/amy-klobuchar/").content.decode()
    without = client.get("/senators/heidi-heitkamp/").content.decode()

    assert (
        f'<img class="person__photo person__photo--large" src="{amy.photo.url}" '
        f'srcset="{amy.photo_srcset}" sizes="120px" alt="Official portrait of Amy Klobuchar" '
        'width="120" height="146">'
    ) in page
    assert (
        '<span class="person__photo person__photo--large person__photo--none party-bg--D" '
        'aria-hidden="true">HH</span>'
    ) in without


def test_the_senators_list_shows_portraits_and_initials_in_the_same_box(
    client, tmp_path, klobuchar
):
    SenatorFactory(first_name="Tina", last_name="Smith", party="D", state="MN")
    senator_portraits_import(root=collection(tmp_path, {"K000367.jpg": portrait_jpeg()}))
    amy = Senator.objects.get(bioguide_id="K000367")

    listing = client.get("/senators/").content.decode()

    assert (
        f'<img class="senator-row__photo" src="{amy.photo.url}" srcset="{amy.photo_srcset}" '
        'sizes="40px" alt="" width="40" height="49" loading="lazy">'
    ) in listing
    assert (
        '<span class="senator-row__photo person__photo--none party-bg--D" aria-hidden="true">'
        "TS</span>"
    ) in listing
