"""Helpers the tests share: factories, servers, browsers, HTML readers, fixture files."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]  # the checkout
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The full data files (the congress-legislators roster, the sample release as published)
# sit beside the checkout in CI; the few tests that read them skip where they are absent
# and use the small fixtures above otherwise.
SAMPLE_DATA = Path(os.environ.get("NEWSROOM_SAMPLE_DATA", ROOT.parent / "shared" / "data"))
needs_sample_data = pytest.mark.skipif(
    not SAMPLE_DATA.exists(), reason="the full sample data is not beside this checkout"
)
