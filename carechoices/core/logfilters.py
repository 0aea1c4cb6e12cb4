"""Logging filters that keep what a person typed out of the logs (PRODUCT.md: never stored or logged).

Django's development server (``make demo``) logs each request line, query string included, so a
search (``/search/?q=…``) or any GET form would write what was typed to the console. nginx's
access log in ``make serve`` already leaves query strings out (deploy/nginx.conf.template).
"""

from __future__ import annotations

import logging
import re

_QUERY = re.compile(r"\?[^\s\"]*")


def without_query(text: str) -> str:
    """``text`` with every URL query string (``?`` up to the next space or quote) removed."""
    return _QUERY.sub("", text)


class DropQueryStrings(logging.Filter):
    """Removes query strings from a record's message arguments (and its message)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = without_query(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(without_query(a) if isinstance(a, str) else a for a in record.args)
        return True
