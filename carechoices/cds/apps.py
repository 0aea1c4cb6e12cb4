from django.apps import AppConfig


class CdsConfig(AppConfig):
    name = "carechoices.cds"
    label = "cds"
    verbose_name = "CDS Hooks"

    def ready(self) -> None:
        # A mistyped CDS_HOOKS_JWT_ISSUERS must stop the process at start-up, not let every
        # request through unchecked or fail one request at a time.
        from carechoices.cds.auth import configured_issuers

        configured_issuers()
