"""Template tags that route review text through the presenter (citations, glossary)."""

from django import template

register = template.Library()


@register.simple_tag
def review_text(review, html):
    """Rich text with numbered citations and glossary definitions, or "Not yet reviewed"."""
    return review.text(html)


@register.simple_tag
def review_plain(review, text):
    """Plain text with citations and glossary definitions."""
    return review.plain(text)


@register.simple_tag
def review_inline(review, text):
    """One line of plain text with numbered citations (no paragraphs, no glossary)."""
    return review.inline(text)


@register.simple_tag
def review_cite(review, references):
    """A superscript citation for a record's list of references."""
    return review.cite(references)


@register.filter
def mg(value):
    """A dose without trailing zeros: Decimal('4.500') -> 4.5."""
    if value is None:
        return ""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@register.filter
def frequency_label(code):
    """The reader-facing words for a side effect's frequency code."""
    from carechoices.therapies.blocks import FREQUENCY_CHOICES

    return dict(FREQUENCY_CHOICES).get(code, "how common: not stated")


@register.filter
def condition_label(slug):
    """A condition slug in readers' words (the slug itself if the vocabulary does not know it)."""
    from carechoices.medicines import load_vocabulary

    try:
        return load_vocabulary().condition(slug).label
    except (KeyError, LookupError):
        return slug


#: The evidence map's shapes as text, so a table row and its mark look alike.
_DIRECTION_SYMBOLS = {"benefit": "●", "no-effect": "■", "harm": "▲", "mixed": "◆"}


@register.filter
def direction_symbol(direction):
    """The map's shape for a direction of finding, as a character (decorative)."""
    return _DIRECTION_SYMBOLS.get(getattr(direction, "value", direction), "")


@register.filter
def thousands(value):
    """A whole number with thousands separated: 11194 -> "11,194" (anything else unchanged)."""
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else value
