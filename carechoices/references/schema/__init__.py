"""The vendored CSL-JSON schema (see README.md); a package only so that setuptools ships it as data."""
