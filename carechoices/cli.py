"""``carechoices``: the command line for the screen, the start plan and the open-data export.

    carechoices screen --therapy low-dose-naltrexone --medicine "Percocet 5/325" \\
        --condition "Hashimoto's" --surgery-date 2026-12-20 --format json

It prints the same JSON as ``POST /api/v1/screen`` for the same request. Bad input prints the
same message as the API, naming the field, and exits with status 2. Nothing is stored or logged.
``carechoices export DIR`` and ``carechoices import DIR`` write and read the bulk open data
(``carechoices.opendata``); ``carechoices references import FILE…`` adds references from PubMed,
RIS, BibTeX or CSL-JSON files (``carechoices.references.cli``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

from carechoices.medicines.report import add_vocabulary_parser, run_vocabulary_command
from carechoices.opendata.cli import add_open_data_parsers, run_open_data_command
from carechoices.references.cli import add_references_parser, run_references_command

EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own errors: same exit status as ours
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"carechoices: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="carechoices", description="CareChoices from the command line.")
    sub = parser.add_subparsers(dest="command", required=True)

    screen = sub.add_parser("screen", help="Screen medicines, conditions and surgery against therapy reviews.")
    screen.add_argument("--therapy", action="append", dest="therapies", metavar="SLUG",
                        help="A therapy slug, e.g. low-dose-naltrexone (repeat for several; omit for all).")
    screen.add_argument("--medicine", action="append", dest="medicines", default=[], metavar="TEXT",
                        help="A medicine as written on the label (repeat for several).")
    screen.add_argument("--condition", action="append", dest="conditions", default=[], metavar="TEXT",
                        help="A health condition (repeat for several).")
    screen.add_argument("--surgery-date", action="append", dest="surgery_dates", default=[], metavar="YYYY-MM-DD",
                        help="Date of a planned surgery (repeat for several).")
    screen.add_argument("--surgery", action="store_true", help="Surgery is planned but its date is not known.")
    screen.add_argument("--dose-mg", type=str, default=None, metavar="N", help="Dose of the therapy in mg.")
    screen.add_argument("--cancer-type", default=None, metavar="TEXT")
    screen.add_argument("--time-zone", default=None, metavar="ZONE",
                        help="IANA time zone that decides what 'today' is, e.g. Europe/London (default UTC).")
    screen.add_argument("--format", choices=["json", "text"], default="json")

    plan = sub.add_parser("plan", help="Make a dated start plan for one therapy.")
    plan.add_argument("--therapy", required=True, metavar="SLUG")
    plan.add_argument("--start-date", required=True, metavar="YYYY-MM-DD")
    plan.add_argument("--time-zone", default="UTC", metavar="ZONE", help="IANA time zone, e.g. Europe/London.")
    plan.add_argument("--medicine", action="append", dest="medicines", default=[], metavar="TEXT")
    plan.add_argument("--condition", action="append", dest="conditions", default=[], metavar="TEXT")
    plan.add_argument("--surgery-date", action="append", dest="surgery_dates", default=[], metavar="YYYY-MM-DD")
    plan.add_argument("--dose-mg", type=str, default=None, metavar="N", help="Dose of the therapy in mg.")
    plan.add_argument("--protocol", default=None, metavar="ID", help="Id of one of the review's dosing protocols.")
    plan.add_argument("--start-dose-mg", default=None, metavar="N",
                      help="Your prescriber's start dose, for a protocol whose source leaves it open.")
    plan.add_argument("--daily-opioid-pain-medicine", choices=["yes", "no"], default=None,
                      help="Whether you take opioid pain medicine every day (the source's wean is for that case).")
    plan.add_argument("--opioid-free-from", default=None, metavar="YYYY-MM-DD",
                      help="The day from which your prescriber confirms you are free of opioids.")
    plan.add_argument("--prescriber-decision", default=None, metavar="TEXT",
                      help="The prescriber's decision to proceed despite a finding that timing cannot resolve.")
    plan.add_argument("--format", choices=["json", "ics"], default="json")
    add_vocabulary_parser(sub)  # carechoices vocabulary coverage [--format] [--class] [--check]
    add_open_data_parsers(sub)  # carechoices export DIR; carechoices import DIR [--check]
    add_references_parser(sub)  # carechoices references import FILE… [--dry-run]
    return parser


def _number(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        return text  # the shared validator reports it with the field name


def screen_payload(args: argparse.Namespace) -> dict[str, Any]:
    """The contract's request JSON from command-line arguments."""
    payload: dict[str, Any] = {"medicines": args.medicines, "conditions": args.conditions}
    procedures = [{"type": "surgery", "date": d} for d in args.surgery_dates]
    if args.surgery and not procedures:
        procedures.append({"type": "surgery", "date": None})
    if procedures:
        payload["procedures"] = procedures
    if args.therapies:
        payload["therapies"] = args.therapies
    if args.dose_mg is not None:
        payload["dose_mg"] = _number(args.dose_mg)
    if args.cancer_type is not None:
        payload["cancer_type"] = args.cancer_type
    if args.time_zone is not None:
        payload["time_zone"] = args.time_zone
    return payload


def plan_payload(args: argparse.Namespace) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "therapy": args.therapy,
        "start_date": args.start_date,
        "time_zone": args.time_zone,
        "medicines": args.medicines,
        "conditions": args.conditions,
        "procedures": [{"type": "surgery", "date": d} for d in args.surgery_dates],
    }
    if args.dose_mg is not None:
        payload["dose_mg"] = _number(args.dose_mg)
    if args.protocol is not None:
        payload["protocol"] = args.protocol
    if args.start_dose_mg is not None:
        payload["start_dose_mg"] = args.start_dose_mg
    if args.daily_opioid_pain_medicine is not None:
        payload["daily_opioid_pain_medicine"] = args.daily_opioid_pain_medicine == "yes"
    if args.opioid_free_from is not None:
        payload["opioid_free_from"] = args.opioid_free_from
    if args.prescriber_decision is not None:
        payload["prescriber_decision"] = args.prescriber_decision
    return payload


def _text_report(result: dict[str, Any]) -> str:
    lines = []
    for therapy in result["therapies"]:
        lines.append(f"{therapy['name']}: {therapy['verdict']}")
        for finding in therapy["findings"]:
            lines.append(f"  [{finding['severity']}] {finding['summary']}")
            lines.append(f"    What to do: {finding['action']}")
    if result["coverage"]["unrecognised"]:
        lines.append("Not checked (ask your pharmacist): " + "; ".join(result["coverage"]["unrecognised"]))
    lines.append(result["disclaimer"])
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "vocabulary":  # pure Python: no Django, no database
        return run_vocabulary_command(args)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    if args.command in ("export", "import"):
        return run_open_data_command(args)
    if args.command == "references":
        return run_references_command(args)
    from django.db import DatabaseError

    from carechoices.screening.limits import InputError

    try:
        if args.command == "screen":
            from carechoices.screening.service import run_screen

            result = run_screen(screen_payload(args)).to_json()
            out = json.dumps(result, ensure_ascii=False, indent=2) if args.format == "json" else _text_report(result)
        else:
            from carechoices.plans.service import run_plan

            outcome = run_plan(plan_payload(args))
            out = (
                json.dumps(outcome.json, ensure_ascii=False, indent=2)
                if args.format == "json"
                else outcome.ics().decode("utf-8")
            )
    except InputError as exc:
        print(json.dumps({"error": {"field": exc.field, "message": exc.message}}), file=sys.stderr)
        print(f"carechoices: error: {exc.field}: {exc.message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except DatabaseError:
        print(
            "carechoices: error: the database has no reviews to check against. Run `make demo` "
            "(or `uv run python manage.py migrate && uv run python manage.py load_sample_content`), "
            "or point DATABASE_URL at a CareChoices database.",
            file=sys.stderr,
        )
        return 1
    sys.stdout.write(out + "\n")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
