"""Evidence and ratings: study records, NCI PDQ levels, evidence grades, the rating rubric, charts.

Everything in this package is plain Python with no Django import, so it can be tested in
microseconds and reused by the CLI, the API and the PDF builder. The Wagtail models (added later)
adapt their rows into :class:`carechoices.evidence.domain.EvidenceEntry` and call these functions.
"""
