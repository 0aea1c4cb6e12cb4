"""CDS Hooks 2.0.1: the safety screen inside the clinician's EHR.

``GET /cds-services`` lists three services (``order-select``, ``order-sign``, ``patient-view``);
``POST /cds-services/{id}`` reads the draft orders and the prefetched chart (FHIR R4, read
tolerantly), screens them with the same engine and reviewed rules as the public screen, and
answers with cards; ``POST /cds-services/{id}/feedback`` counts what clinicians did with a card.
Nothing a request carries is stored or logged. See docs/cds-hooks.md and ADR 10.
"""
