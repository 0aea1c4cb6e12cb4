"""Turn free-text medicine and condition entries into lookup keys and tokens.

People type medicine names the way they appear on a box, a pharmacy label or in a
note: "Percocet 5/325", "Tylenol w/ codeine", "fentanyl 25 mcg/hr patch",
"Synthroid (levothyroxine) 100mcg". This module folds such text into a canonical
form and splits it into tokens, marking strengths, dose forms and separators, so
that the vocabulary can look up the whole name first and then its parts.

The same :func:`name_key` is used by ``tools/build_drug_index.py`` to key the
index, so a name and a query always fold the same way. Changing it means
rebuilding the index.

Standard library only; nothing here touches the data files.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from carechoices.core.records import quick_init

__all__ = [
    "BOUNDARY",
    "BOUNDARY_CHARS",
    "CONNECTOR_WORDS",
    "DOSE",
    "FORM_WORDS",
    "MAX_INPUT_CHARS",
    "NUMBER",
    "RATE_WORDS",
    "SALT_WORDS",
    "TAG",
    "UNIT_WORDS",
    "WORD",
    "Token",
    "fold_text",
    "name_key",
    "tokenise",
]

#: Entries longer than this are not parsed at all: no medicine or condition name is
#: anywhere near this long, and refusing early keeps the cost bounded for hostile input.
MAX_INPUT_CHARS = 500

#: Token kinds.
WORD = "word"
NUMBER = "number"
DOSE = "dose"
TAG = "tag"  # a "#3"-style strength number, as in "Tylenol #3"
BOUNDARY = "boundary"

#: Units that turn a preceding number into a strength ("50 mg", "100 mcg", "0.1 %").
UNIT_WORDS = frozenset(
    {
        "mg",
        "mgs",
        "mcg",
        "mcgs",
        "ug",
        "μg",
        "g",
        "gm",
        "gram",
        "grams",
        "kg",
        "ml",
        "l",
        "cc",
        "iu",
        "unit",
        "units",
        "meq",
        "mmol",
        "percent",
        "grain",
        "grains",
        "gr",
        "mg/ml",
    }
)

#: Words that can follow "mcg/" or "mg/" in a rate ("25 mcg/hr", "5 mg/day").
RATE_WORDS = frozenset({"h", "hr", "hrs", "hour", "hours", "d", "day", "days", "24h", "24hr", "wk"})

#: Dose forms, release modifiers and directions. They say how a medicine is taken, not
#: what it is, so they are dropped before the second lookup and never reported as
#: unmatched words.
FORM_WORDS = frozenset(
    {
        # dose forms
        "tablet",
        "tablets",
        "tab",
        "tabs",
        "capsule",
        "capsules",
        "cap",
        "caps",
        "caplet",
        "caplets",
        "softgel",
        "softgels",
        "gelcap",
        "gelcaps",
        "gels",
        "liquigels",
        "liquigel",
        "pill",
        "pills",
        "lozenge",
        "lozenges",
        "oral",
        "po",
        "solution",
        "soln",
        "suspension",
        "susp",
        "syrup",
        "elixir",
        "liquid",
        "drops",
        "cream",
        "ointment",
        "oint",
        "gel",
        "lotion",
        "foam",
        "injection",
        "injections",
        "injectable",
        "inj",
        "iv",
        "im",
        "sc",
        "subq",
        "subcutaneous",
        "intravenous",
        "infusion",
        "patch",
        "patches",
        "transdermal",
        "film",
        "spray",
        "nasal",
        "inhaler",
        "inhalation",
        "powder",
        "sachet",
        "suppository",
        "suppositories",
        "topical",
        "vial",
        "pen",
        # where it goes (a local form matters to systemic_only rule rows; see vocabulary.py)
        "creams",
        "ointments",
        "lotions",
        "eye",
        "eyes",
        "eyedrops",
        "ear",
        "ears",
        "ophthalmic",
        "otic",
        "inhaled",
        "inhalers",
        "puffer",
        "nebuliser",
        "nebulizer",
        "topically",
        "orally",
        "rectal",
        "vaginal",
        "sublingual",
        "buccal",
        # release modifiers
        "er",
        "xr",
        "sr",
        "cr",
        "xl",
        "la",
        "ir",
        "dr",
        "ec",
        "odt",
        "xt",
        "extended",
        "release",
        "delayed",
        "immediate",
        "sustained",
        "controlled",
        "modified",
        "prolonged",
        "chewable",
        "dispersible",
        "soluble",
        "effervescent",
        "coated",
        "enteric",
        # strength and directions
        "generic",
        "strength",
        "regular",
        "extra",
        "low",
        "dose",
        "dosage",
        "high",
        "daily",
        "nightly",
        "bedtime",
        "morning",
        "evening",
        "night",
        "once",
        "twice",
        "bid",
        "tid",
        "qid",
        "qd",
        "qhs",
        "hs",
        "prn",
        "needed",
        "every",
        "per",
        "times",
        "take",
        "takes",
        "taking",
        "x",
    }
)

#: Words that join the parts of a combination. They may sit inside a matched name
#: ("Tylenol with Codeine") but a matched part never starts or ends with one.
CONNECTOR_WORDS = frozenset(
    {
        "with",
        "and",
        "plus",
        "w",
        "or",
        "of",
        "in",
        "a",
        "an",
        "the",
        "as",
        "at",
        "to",
        "for",
        "by",
        "on",
    }
)

#: Salt, ester and hydrate words. The index build removes them from the end of FDA
#: substance names ("TRAMADOL HYDROCHLORIDE" -> tramadol); a lookup ignores them next to
#: a recognised name ("oxycodone HCl").
SALT_WORDS = frozenset(
    """
    hydrochloride hcl dihydrochloride trihydrochloride hydrobromide hydroiodide
    sulfate sulphate bisulfate hemisulfate phosphate diphosphate acetate diacetate
    citrate tartrate bitartrate maleate fumarate hemifumarate succinate mesylate mesilate
    dimesylate besylate besilate tosylate napsylate edisylate isethionate lactate
    lactobionate gluconate gluceptate malate oxalate nitrate bromide methylbromide chloride
    iodide sodium disodium trisodium potassium dipotassium calcium magnesium meglumine
    tromethamine trometamol benzathine procaine monohydrate dihydrate trihydrate
    hemihydrate sesquihydrate tetrahydrate pentahydrate hexahydrate heptahydrate hydrate
    anhydrous propionate dipropionate valerate butyrate acetonide furoate cypionate
    enanthate decanoate undecanoate palmitate pamoate hyclate polistirex mofetil medoxomil
    cilexetil axetil pivoxil dipivoxil disoproxil saccharate aspartate estolate
    ethylsuccinate stearate epolamine terephthalate pivalate etabonate probutate
    hexacetonide lysine
    """.split()
)

#: The characters read as a boundary token, each a token of its own.
BOUNDARY_CHARS = frozenset("/+&;,()[]%")
_BOUNDARY_CLASS = "[" + "".join(re.escape(char) for char in sorted(BOUNDARY_CHARS)) + "]"

# One token: a "#3" tag, a number with an optional glued unit ("50mg", "0.5"), a run of
# letters and digits ("mso4", "b12"), or a single separator character.
_TOKEN_RE = re.compile(rf"#\d+|\d+(?:[.,]\d+)*[^\W\d_]*|[^\W_]+|{_BOUNDARY_CLASS}")
# What ``tokenise``'s short cut for lower-cased ASCII reads: a run of letters (the token
# pattern's letters-and-digits run, with no digit about) or a separator; and what rules the
# short cut out: a digit (a number, dose or tag) or a mark folding drops.
_LETTERS_OR_BOUNDARY_RE = re.compile(rf"[a-z]+|{_BOUNDARY_CLASS}")
_NEEDS_THE_STEPS_RE = re.compile(r"[0-9'`]")
_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")
_GLUED_DOSE_RE = re.compile(r"(\d+(?:[.,]\d+)*)([^\W\d_]+)")
_DROPPED_CHARS = dict.fromkeys(map(ord, "™®©℠'’ʼ`´‘"), None)
_W_SLASH_RE = re.compile(r"\bw\s*/")
#: ``fold_text`` for ASCII text: NFKD and NFKC leave ASCII as it is, no ASCII character
#: combines, case-folding is lower-casing, the dropped marks among ASCII are the apostrophe
#: and the backquote, and the only other characters (category C) are the controls, which
#: become spaces. A test checks this against the general path.
_ASCII_FOLD = {
    **dict.fromkeys(range(32), " "),
    127: " ",
    **{code: None for code in _DROPPED_CHARS if code < 128},
}
_NUMBER_SIGN_RE = re.compile(r"\b(?:no\.?|nr\.?|number)\s*(?=\d)|#\s+(?=\d)")


@quick_init
@dataclass(frozen=True)
class Token:
    """One piece of a folded entry: its text and what kind of piece it is."""

    text: str
    kind: str

    @property
    def is_word(self) -> bool:
        """True for a word (letters, possibly with digits), the only kind that can name a medicine."""
        return self.kind == WORD


def fold_text(text: str) -> str:
    """Fold text for matching: drop accents and marks, case-fold, blank out control characters.

    "w/" becomes "with" and "No. 3" / "# 3" become "#3", so the common ways of writing a
    combination or a numbered strength all look alike afterwards.
    """
    if text.isascii():
        # What the Unicode steps below come to for ASCII (see _ASCII_FOLD), without them.
        folded = text.lower()
        if not folded.isprintable() or "'" in folded or "`" in folded:
            folded = folded.translate(_ASCII_FOLD)
    else:
        folded = _fold_unicode(text)
    if "/" in folded:
        folded = _W_SLASH_RE.sub(" with ", folded)
    return _NUMBER_SIGN_RE.sub("#", folded)


def _fold_unicode(text: str) -> str:
    """The Unicode steps of :func:`fold_text` (the tests check ``_ASCII_FOLD`` against it)."""
    decomposed = unicodedata.normalize("NFKD", text)
    without_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = unicodedata.normalize("NFKC", without_marks).casefold()
    folded = folded.translate(_DROPPED_CHARS)
    # Invisible format characters (zero-width space, soft hyphen) turn up inside words
    # copied from web pages, so they are dropped; control, private and unassigned
    # characters become spaces, so they can never glue two words together.
    return "".join(_fold_other_character(ch) for ch in folded)


def _fold_other_character(ch: str) -> str:
    category = unicodedata.category(ch)
    if category[0] != "C":
        return ch
    return "" if category == "Cf" else " "


def _classify(raw: str) -> Token:
    if not raw[0].isdigit() and raw[0] != "#" and raw not in BOUNDARY_CHARS:
        return Token(raw, WORD)  # a number, a dose and a tag start with a digit or "#"
    if raw in BOUNDARY_CHARS:
        return Token(raw, BOUNDARY)
    if raw.startswith("#"):
        return Token(raw, TAG)
    if _NUMBER_RE.fullmatch(raw):
        return Token(raw, NUMBER)
    glued = _GLUED_DOSE_RE.fullmatch(raw)
    if glued and glued.group(2) in UNIT_WORDS:
        return Token(raw, DOSE)
    return Token(raw, WORD)


def _mark_doses(tokens: list[Token]) -> list[Token]:
    """Mark strengths such as "50 mg", "5/325", "0.1 %" and "25 mcg/hr" as doses."""
    kinds = [token.kind for token in tokens]
    if NUMBER not in kinds and DOSE not in kinds:
        return tokens  # every rule below starts from a number or a dose
    texts = [token.text for token in tokens]
    count = len(tokens)
    for index in range(count):
        text, kind = texts[index], kinds[index]
        following = texts[index + 1] if index + 1 < count else ""
        if kind == NUMBER and (following in UNIT_WORDS or following == "%"):
            kinds[index] = DOSE
            kinds[index + 1] = DOSE
        elif text == "/" and index > 0 and index + 1 < count:
            before, after = kinds[index - 1], kinds[index + 1]
            # "5/325" and "5/325mg": a ratio of strengths.
            if before in (NUMBER, DOSE) and kinds[index + 1] in (NUMBER, DOSE):
                kinds[index - 1] = kinds[index] = kinds[index + 1] = DOSE
            # "mcg/hr", "mg/ml", "mg/5 ml": a rate or concentration after a strength.
            elif before == DOSE and (following in RATE_WORDS or following in UNIT_WORDS):
                kinds[index] = kinds[index + 1] = DOSE
            elif before == DOSE and after == NUMBER:
                kinds[index] = kinds[index + 1] = DOSE
    # A strength chain may be followed by its unit ("5/325 mg").
    for index in range(1, count):
        if kinds[index - 1] == DOSE and kinds[index] == WORD and texts[index] in UNIT_WORDS:
            kinds[index] = DOSE
    return [
        token if token.kind == kind else Token(token.text, kind)
        for token, kind in zip(tokens, kinds, strict=True)
    ]


def tokenise(text: str) -> list[Token]:
    """Split an entry into classified tokens (words, numbers, doses, #-tags, boundaries).

    The caller is expected to have cut the text to :data:`MAX_INPUT_CHARS`.
    """
    if text.isascii():
        # ASCII letters, or words of them between spaces ("Ultram", "Tylenol with Codeine"):
        # what the steps below come to for such an entry (the tests compare the two), without
        # them. Anything else (a digit, a mark, a tab, a second space) takes the steps.
        if text.isalpha():
            return [Token(text.lower(), WORD)]
        lowered = text.lower()
        words = lowered.split(" ")
        if all(word.isalpha() for word in words):
            return [Token(word, WORD) for word in words]
        # Letters, separators and other printable marks ("oxycodone/acetaminophen",
        # "Nature-Throid"): with no digit there is no number, dose or tag to find, and with
        # no apostrophe, backquote or "w/" folding changes nothing but the case.
        if (
            lowered.isprintable()
            and _NEEDS_THE_STEPS_RE.search(lowered) is None
            and ("/" not in lowered or _W_SLASH_RE.search(lowered) is None)
        ):
            return [
                Token(piece, BOUNDARY) if piece in BOUNDARY_CHARS else Token(piece, WORD)
                for piece in _LETTERS_OR_BOUNDARY_RE.findall(lowered)
            ]
    return _tokenise_steps(text)


def _tokenise_steps(text: str) -> list[Token]:
    raw_tokens = _TOKEN_RE.findall(fold_text(text))
    return _mark_doses([_classify(raw) for raw in raw_tokens])


def name_key(text: str) -> str:
    """Return the canonical lookup key of a name: folded words joined by single spaces.

    Separators and punctuation are dropped, so "Nature-Throid", "nature throid" and
    "NATURE THROID" share the key "nature throid", and "Hashimoto's" becomes "hashimotos".
    Strengths are kept: whether they matter is decided by the lookup, not the key.
    """
    return " ".join(token.text for token in tokenise(text) if token.kind != BOUNDARY)
