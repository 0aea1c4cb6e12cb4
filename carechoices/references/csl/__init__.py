"""The vendored CSL style (see README.md); a package only so that setuptools ships it as data."""
