"""The markdownx editor's endpoints: its live preview, and images dropped into a body."""

from django import forms
from django.http import HttpResponseBadRequest
from markdownx.forms import ImageForm
from markdownx.views import ImageUploadView, MarkdownifyView

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


class PreviewView(MarkdownifyView):
    """markdownx's live preview, with a 400 for a request without the text (it was a 500)."""

    def post(self, request, *args, **kwargs):
        if "content" not in request.POST:
            return HttpResponseBadRequest(
                "Send the Markdown as “content”.", content_type="text/plain"
            )
        return super().post(request, *args, **kwargs)
