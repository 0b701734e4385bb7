"""The public pages, one module per kind of page (and the staff preview and uploads)."""
