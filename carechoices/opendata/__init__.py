"""Bulk open data: the whole published corpus as versioned, checksummed JSON, and back.

``carechoices export DIR`` writes it (``export.py``), ``carechoices import DIR`` reads it into an
empty database (``importer.py``), ``GET /api/v1/export.zip`` serves it as one zip (``api.py``).
The file kinds, their JSON Schemas and the manifest are described in ``docs/api.md`` ("Open data
export"); the licence in ``docs/adr/0009-content-licence.md``.

This module and ``manifest.py`` import nothing from Django, so the command line can build its
parser before Django is set up.
"""

#: Bumped when the layout or the shape of any file changes incompatibly. Every data file and the
#: manifest carry it; import refuses any other number.
EXPORT_FORMAT = 1

#: The zip's one top-level folder, and the name it is downloaded under.
ZIP_FOLDER = "carechoices-open-data"
ZIP_FILENAME = f"{ZIP_FOLDER}.zip"
