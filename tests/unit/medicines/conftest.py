"""Fixtures for the medicine vocabulary tests (all offline)."""

from __future__ import annotations

import pytest

from carechoices.medicines import MedicineVocabulary, load_vocabulary


@pytest.fixture(scope="session")
def vocabulary() -> MedicineVocabulary:
    """The shipped vocabulary, loaded once for the whole run."""
    return load_vocabulary()
