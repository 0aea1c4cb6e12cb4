"""Statements every page carries."""

SITE_STATEMENTS = {
    "not_advice": (
        "CareChoices gives information, not medical advice. Talk with your doctor, nurse or "
        "pharmacist before you start, stop or change any treatment."
    ),
    "no_conflicts": (
        "We have no financial conflicts of interest: we take no money from anyone who makes or "
        "sells the therapies we review."
    ),
}


def site_statements(request):
    return {"statements": SITE_STATEMENTS}
