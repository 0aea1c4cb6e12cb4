"""The CareChoices benchmark: ``python -m carechoices.bench`` (or ``make bench``).

Every figure is measured on this machine in the same run as its baseline and reported as a
ratio to it (PRODUCT.md, "Quality bars"); nothing here is asserted in tests. See
docs/benchmarks.md for how to read the figures.

Other packages add a section with :func:`register`::

    from carechoices.bench import BenchOptions, Measured, Section, register

    def run(options: BenchOptions) -> Measured:
        return Measured(figures={"median_us": 12.5})

    register(Section("my-section", "What it measures", run))

Importing this package does not import Django; the sections that need it import it when they run.
"""

from carechoices.bench.registry import (
    SECTIONS,
    BenchOptions,
    FigureTable,
    Measured,
    Section,
    SectionOutcome,
    SectionSkipped,
    register,
    run_sections,
)

__all__ = [
    "SECTIONS",
    "BenchOptions",
    "FigureTable",
    "Measured",
    "Section",
    "SectionOutcome",
    "SectionSkipped",
    "register",
    "run_sections",
]
