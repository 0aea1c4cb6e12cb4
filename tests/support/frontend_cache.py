"""A frontend cache backend for tests: it records the URLs Wagtail asks it to purge."""

from wagtail.contrib.frontend_cache.backends.base import BaseBackend


class RecordingBackend(BaseBackend):
    purged: list[str] = []

    def purge(self, url) -> None:
        RecordingBackend.purged.append(url)
