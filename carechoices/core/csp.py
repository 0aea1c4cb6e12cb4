"""Two Content-Security-Policies: a strict one for the public site, a looser one for the back office.

Public pages load scripts and styles from our own files only: no inline script, handler or style
attribute, so no ``'unsafe-inline'`` and no nonce (a stored page is the same for everyone, and a
nonce in it would be replayed). Wagtail's admin still writes a few inline scripts and many
inline styles, so ``/admin/`` gets ``CONTENT_SECURITY_POLICY_BACK_OFFICE`` (settings/base.py),
which allows those but nothing from another origin.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

BACK_OFFICE_PREFIX = "/admin/"


class SitePolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, choosing the back-office policy under ``/admin/``."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None and request.path_info.startswith(BACK_OFFICE_PREFIX):
            parts.config = default_config(settings.CONTENT_SECURITY_POLICY_BACK_OFFICE["DIRECTIVES"])
        return parts
