"""The public "How we rate" page: the rubric, the grades and the PDQ scheme, from the code."""

from django.shortcuts import render
from django.views.decorators.cache import cache_control

from .pdq import PDQ_DESIGN_CODES, PDQ_ENDPOINT_CODES, PDQ_SCHEME_TEXT
from .rubric import rubric_table


@cache_control(public=True, max_age=300)
def how_we_rate(request):
    """Publishes the same tables the rubric code uses, so page and behaviour cannot differ."""
    table = rubric_table()
    for attribute in table["attributes"]:
        for row in attribute.get("rows", []):
            row["input_text"] = ", ".join(
                f"{key.replace('_', ' ')}: {', '.join(map(str, value)) if isinstance(value, list) else value}"
                for key, value in row["input"].items()
            )
    return render(
        request,
        "evidence/how_we_rate.html",
        {
            "rubric": table,
            "pdq_text": PDQ_SCHEME_TEXT,
            "pdq_designs": PDQ_DESIGN_CODES,
            "pdq_endpoints": PDQ_ENDPOINT_CODES,
        },
    )
