"""The screen's view of published content: every live review's compiled record (Django side).

The contraindication records of each live review *are* the rules: an editor changes them, a
reviewer approves, and the next screen uses them. They are read from the review's compiled
record (``therapies.compile``), built once per live revision, like every other consumer's.
"""

from __future__ import annotations

from carechoices.therapies.compile import CompiledReview, live_records

#: What the screen and the start plan need from one published review.
TherapyContent = CompiledReview


def live_therapies() -> dict[str, CompiledReview]:
    """Every live review, compiled, in title order, keyed by slug."""
    return live_records()


__all__ = ["TherapyContent", "live_therapies"]
