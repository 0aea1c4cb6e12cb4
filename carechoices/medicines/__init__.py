"""Offline medicine and condition vocabulary for the personal safety screen.

Pure Python (no Django). Importing this package is cheap: the data files are read the
first time :func:`load_vocabulary` is called, and ``rapidfuzz`` only when a suggestion is
needed.

    >>> from carechoices.medicines import load_vocabulary
    >>> load_vocabulary().lookup_medicine("Percocet 5/325").ingredients
    ('acetaminophen', 'oxycodone')
"""

from carechoices.medicines.vocabulary import (
    CLASS_IMPLIES,
    RULE_CLASSES,
    STATUSES,
    ClassCoverage,
    ConditionMatch,
    MedicineMatch,
    MedicineVocabulary,
    UndecidedClass,
    load_vocabulary,
)

__all__ = [
    "CLASS_IMPLIES",
    "RULE_CLASSES",
    "STATUSES",
    "ClassCoverage",
    "ConditionMatch",
    "MedicineMatch",
    "MedicineVocabulary",
    "UndecidedClass",
    "load_vocabulary",
]
