"""Documents in the admin: an inline on the release form, added to the registered
ReleaseAdmin from here so that releases need not know documents (they depend on it, not the
reverse)."""

from django.contrib import admin

from documents.models import Document, size_in_words
from releases.admin.forms import ReleaseInlineFormSet
from releases.admin.releases import ReleaseAdmin


class DocumentInline(admin.TabularInline):
    model = Document
    # A release form posted without this inline (a script, an older page) changes no document.
    formset = ReleaseInlineFormSet
    extra = 0
    fields = ["title", "file", "order", "pages", "size_shown"]
    readonly_fields = ["pages", "size_shown"]
    verbose_name_plural = "Documents (PDF: a letter, a bill summary)"

    @admin.display(description="Pages")
    def pages(self, document):
        return document.page_count if document.pk else "—"

    @admin.display(description="Size")
    def size_shown(self, document):
        # "2 KB" stays on one line in the narrow column.
        return (
            size_in_words(document.size).replace(" ", "\N{NO-BREAK SPACE}") if document.pk else "—"
        )


ReleaseAdmin.inlines = [*ReleaseAdmin.inlines, DocumentInline]
# Right after the lead image: inlines go after the fieldset at an index
# (releases/admin/publishing.py form_layout), found by its name so other fieldsets may come.
LEAD_IMAGE = next(n for n, (name, _) in enumerate(ReleaseAdmin.fieldsets) if name == "Lead image")
ReleaseAdmin.inlines_after = {**ReleaseAdmin.inlines_after, Document: LEAD_IMAGE}
