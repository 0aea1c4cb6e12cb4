"""``manage.py load_sample_content``: the demo's people, glossary, references and reviews."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from carechoices.demo.loader import DEMO_ACCOUNTS, load_sample_content


class Command(BaseCommand):
    help = "Load the sample content (idempotent: existing content is left untouched)."

    def handle(self, *args, **options):
        report = load_sample_content()
        if not report.changed:
            self.stdout.write("Sample content already loaded; nothing changed.")
        for kind, names in report.created.items():
            self.stdout.write(f"Created {len(names)} {kind}: {', '.join(names)}")
        # Saving indexes each object as it is created; a full rebuild also drops stale entries
        # and picks up search fields added since the database was built.
        call_command("update_index", verbosity=0)
        self.stdout.write("Search index rebuilt.")
        if report.refused_accounts:
            self.stderr.write(
                f"Refused to create the demo accounts ({', '.join(report.refused_accounts)}): their "
                "passwords are published and these are production settings. Create real accounts "
                "with `manage.py createsuperuser`."
            )
            return
        self.stdout.write("")
        self.stdout.write("Back office: http://127.0.0.1:8000/admin/")
        for username, (password, groups, superuser) in DEMO_ACCOUNTS.items():
            what = "administrator" if superuser else " and ".join(groups)
            self.stdout.write(f"  {username:<9} password {password:<22} ({what})")
