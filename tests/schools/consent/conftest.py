from __future__ import annotations

import pytest

from schools.consent.queries import forget_current_text


@pytest.fixture(autouse=True)
def consent_required(settings):
    """The consent on, as in the portal (the suite's settings turn it off), and the text in
    force read afresh: a test's versions are rolled back, the process's memory of them is not."""
    settings.PERSONAL_DATA_CONSENT_REQUIRED = True
    forget_current_text()
    yield
    forget_current_text()
