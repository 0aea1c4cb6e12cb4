"""The CareChoices benchmark: ``python -m bench`` (``make bench``) and ``python -m bench.soak``.

Tooling, not product. Every figure is measured in the same run as a baseline (nginx serving the
same bytes, a trivial view, ``json.dumps``) and printed next to it with the ratio; no test
checks a time. See docs/benchmarks.md. Importing this package does not import Django.
"""
