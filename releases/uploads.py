"""Images staff drop into a release body through the markdownx editor."""

from django import forms
from markdownx.forms import ImageForm
from markdownx.views import ImageUploadView
from PIL import Image, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_PIXELS = 40_000_000  # 40 megapixels: well past any press photo, well short of a bomb


class VerifiedImageForm(ImageForm):
    """markdownx's form, plus a check by Pillow that the file really is a raster image.

    markdownx trusts the browser's content type; a file that Pillow cannot read would
    otherwise fail inside its resizing with a server error.
    """

    def clean(self):
        upload = super().clean()
        try:
            with Image.open(upload) as image:
                image_format = image.format
                width, height = image.size
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as e:
            raise forms.ValidationError(
                "This file is not a readable JPEG, PNG or WebP image."
            ) from e
        finally:
            upload.seek(0)
        if image_format not in ALLOWED_FORMATS:
            raise forms.ValidationError("Upload a JPEG, PNG or WebP image.")
        if width * height > MAX_PIXELS:
            raise forms.ValidationError(
                f"This image is {width}×{height} pixels; the limit is 40 megapixels."
            )
        return upload


class VerifiedImageUploadView(ImageUploadView):
    form_class = VerifiedImageForm
