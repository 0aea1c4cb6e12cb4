"""The CareChoices benchmark: ``python -m bench`` (or ``make bench``). Tooling, not product.

Every figure is measured on this machine in the same run as its baseline and reported as a
ratio to it (nginx serving the same bytes, a trivial view, ``json.dumps``); nothing here is
asserted in tests. See docs/benchmarks.md. A new section is a ``Section`` added to
``bench.sections.BUILT_IN``. Importing this package does not import Django.
"""
