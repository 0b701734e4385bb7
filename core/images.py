"""Safe images: every picture staff upload passes through here before it is stored.

Senator photos, release lead images and images dropped into a release body are all
checked the same way: the format is what Pillow detects in the bytes (never the file
name or the browser's content type), the file and its pixel count are capped, the image
is decoded in full, and what is stored is a fresh encoding of its pixels. Re-encoding
drops everything that is not a pixel: EXIF (GPS included), XMP, ICC and text chunks, and
any bytes appended after the image, such as the HTML of a PNG/HTML polyglot.

Resized renditions of lead images and photos are made once, when the image is saved,
and listed by width on the model so pages build their ``srcset`` without touching storage.
"""

import io
import warnings
from pathlib import PurePosixPath

from django import forms
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024  # 10 MB: a full-resolution press photo is a few MB
MAX_PIXELS = 40_000_000  # 40 megapixels: well past any press photo, well short of a bomb
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# Formats read as another: a phone's multi-picture JPEG (MPO: a photo, then a depth or
# stereo picture) is a JPEG whose first picture is the photo; only that one is kept.
READ_AS = {"MPO": "JPEG"}
ENCODER_OPTIONS = {
    "JPEG": {"quality": 85, "optimize": True, "progressive": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 85, "method": 4},
}
# Pixel modes each format stores as they are; others are converted to RGB(A).
KEPT_MODES = {
    "JPEG": {"RGB", "L"},
    "PNG": {"1", "L", "LA", "P", "RGB", "RGBA"},
    "WEBP": {"RGB", "RGBA"},
}
LEAD_IMAGE_WIDTHS = (480, 960, 1600)
PHOTO_WIDTHS = (120, 240)

# Pillow's own guard, as a second line behind the explicit check below: anything over
# the cap warns, and twice the cap is refused as a decompression bomb.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


def image_reencode(upload, *, label="image"):
    """The upload re-encoded from its pixels, as a file named ``<stem>.<ext>``.

    Raises ``ValidationError`` naming ``label`` for anything that is not a readable JPEG,
    PNG or WebP image within the size and pixel caps; nothing is stored here.
    """
    label = str(label)
    unreadable = forms.ValidationError(
        f"The {label.lower()} is not a readable JPEG, PNG or WebP image "
        "(the file may be damaged, truncated or of another type).",
        code="invalid_image",
    )
    if upload.size is not None and upload.size > MAX_BYTES:
        raise forms.ValidationError(
            f"The {label.lower()} is {upload.size / 1024 / 1024:.1f} MB; the limit is "
            f"{MAX_BYTES // 1024 // 1024} MB.",
            code="file_too_large",
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                image_format = READ_AS.get(probe.format, probe.format)
                width, height = probe.size
                if image_format in EXTENSIONS and width * height <= MAX_PIXELS:
                    probe.verify()  # checksums and structure, without decoding
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise _too_many_pixels(label) from e
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as e:
        raise unreadable from e
    if image_format not in EXTENSIONS:
        raise forms.ValidationError(
            f"The {label.lower()} must be a JPEG, PNG or WebP image"
            + (f"; this file is {image_format}." if image_format else "."),
            code="invalid_image_format",
        )
    if width * height > MAX_PIXELS:
        raise _too_many_pixels(label, width, height)
    if _has_trailing_data(data, image_format):
        # A PNG or WebP with bytes after its end is a polyglot (an image that is also an
        # HTML page or a script), not something a camera or an editor writes.
        raise forms.ValidationError(
            f"The {label.lower()} has data hidden after the end of the image; "
            "export it again from an image editor.",
            code="trailing_data",
        )
    try:
        # verify() leaves the image unusable; reopen and decode every pixel, which is
        # what catches a truncated file.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                image.seek(0)  # the first picture (of an MPO's several, the photo)
                image.load()
                pixels = ImageOps.exif_transpose(image)
                encoded = _encode(pixels, image_format)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise _too_many_pixels(label) from e
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as e:
        raise unreadable from e
    stem = PurePosixPath(upload.name or "image").stem or "image"
    return ContentFile(encoded, name=f"{stem}.{EXTENSIONS[image_format]}")


def _has_trailing_data(data, image_format):
    """Whether a PNG or WebP file goes on after its last chunk.

    JPEG is not checked: cameras append their own trailers. Re-encoding drops whatever
    follows an image in any format; this refuses the upload outright where it is a sign
    of tampering.
    """
    if image_format == "WEBP":
        riff_end = 8 + int.from_bytes(data[4:8], "little")
        return len(data) > riff_end + (riff_end % 2)
    if image_format == "PNG":
        offset = 8  # the signature
        while offset + 8 <= len(data):
            length = int.from_bytes(data[offset : offset + 4], "big")
            chunk_type = data[offset + 4 : offset + 8]
            offset += 12 + length  # length, type, data, CRC
            if chunk_type == b"IEND":
                return len(data) > offset
        return False  # no IEND: already refused as unreadable when decoded
    return False


def _too_many_pixels(label, width=None, height=None):
    size = f" is {width}×{height} pixels;" if width else " has too many pixels;"
    return forms.ValidationError(
        f"The {label.lower()}{size} the limit is {MAX_PIXELS // 1_000_000} megapixels.",
        code="too_many_pixels",
    )


def _encode(image, image_format):
    """Fresh bytes from the pixels alone: no EXIF, XMP, ICC or text chunks carried over."""
    has_alpha = "A" in image.getbands() or "transparency" in image.info
    if image.mode not in KEPT_MODES[image_format]:
        image = image.convert("RGBA" if has_alpha and image_format != "JPEG" else "RGB")
    clean = image.copy()
    # A palette's transparency is part of the pixels; everything else in info is metadata.
    transparency = image.info.get("transparency") if image.mode == "P" else None
    clean.info = {} if transparency is None else {"transparency": transparency}
    buffer = io.BytesIO()
    clean.save(buffer, image_format, **ENCODER_OPTIONS[image_format])
    return buffer.getvalue()


class SafeImageField(forms.ImageField):
    """An image upload checked and re-encoded by ``image_reencode``.

    Replaces Django's check, which accepts any format Pillow reads (GIF, BMP, TIFF...)
    and stores the uploaded bytes as they came.
    """

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        return image_reencode(upload, label=self.label or "image")


def rendition_name(name, width):
    """Where the ``width``-pixel rendition of the image stored at ``name`` lives."""
    path = PurePosixPath(name)
    return str(path.with_name(f"{path.stem}-{width}w{path.suffix}"))


def image_renditions_make(*, field_file, widths):
    """Store resized copies of ``field_file`` at each width narrower than the original.

    Never upscales. Returns the widths a page may offer, narrowest first: the renditions
    made plus the original's own width (served by the original file), or ``[]`` when
    there is no image.
    """
    if not field_file:
        return []
    storage = field_file.storage
    with storage.open(field_file.name, "rb") as f, Image.open(f) as original:
        original.load()
        image_format = original.format
        pixels = original
        if original.mode in ("1", "P"):  # resize palettes and bitmaps smoothly, not by nearest
            pixels = original.convert("RGBA" if "transparency" in original.info else "RGB")
        made = []
        for width in sorted(w for w in widths if w < original.width):
            height = max(1, round(original.height * width / original.width))
            resized = pixels.resize((width, height), Image.Resampling.LANCZOS)
            name = rendition_name(field_file.name, width)
            if storage.exists(name):
                storage.delete(name)  # a re-upload with the same name replaces its renditions
            buffer = io.BytesIO()
            resized.save(buffer, image_format, **ENCODER_OPTIONS[image_format])
            stored = storage.save(name, ContentFile(buffer.getvalue()))
            if stored != name:  # the page derives rendition names; they must be exact
                raise RuntimeError(f"Rendition stored as {stored}, expected {name}.")
            made.append(width)
        return [*made, original.width]


def image_srcset(field_file, widths):
    """The ``srcset`` value for an image with renditions at ``widths`` (see above).

    Built from the stored list of widths, so a page costs no storage lookups.
    """
    if not field_file or not widths:
        return ""
    original = max(widths)
    storage = field_file.storage
    candidates = []
    for width in sorted(widths):
        name = field_file.name if width == original else rendition_name(field_file.name, width)
        candidates.append(f"{storage.url(name)} {width}w")
    return ", ".join(candidates)
