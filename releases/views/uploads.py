"""Images staff drop into a release body through the markdownx editor."""

from django import forms
from markdownx.forms import ImageForm
from markdownx.views import ImageUploadView

from core.images import image_reencode


class VerifiedImageForm(ImageForm):
    """markdownx's form, with the file checked and re-encoded by core/images.py.

    markdownx decides the format by the browser's content type and stores SVG as sent;
    here Pillow decides, and what is stored is the re-encoded image, not the upload.
    """

    def clean(self):
        upload = self.cleaned_data.get("image")
        if not upload:
            raise forms.ValidationError({"image": "Choose an image to upload."})
        try:
            self.cleaned_data["image"] = image_reencode(upload, label="image")
        except forms.ValidationError as e:
            raise forms.ValidationError({"image": e.messages}) from e
        return self.cleaned_data

    def save(self, commit=True):
        # markdownx's own save would re-read the upload and resize it by content type.
        image = self.cleaned_data["image"]
        return self._save(image, image.name, commit)


class VerifiedImageUploadView(ImageUploadView):
    form_class = VerifiedImageForm
