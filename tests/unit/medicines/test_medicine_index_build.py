"""The index builder (tools/build_drug_index.py) and the reproducibility of its output.

Builder logic is tested on tiny hand-written NDC and UNII files, so nothing is
downloaded; the shipped file is checked against the hashes it records.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import json
import re
import sys
from types import ModuleType

import pytest
from medicine_test_support import REPO_ROOT

DATA_DIR = REPO_ROOT / "carechoices" / "medicines" / "data"
NDC_HEADER = [
    "PRODUCTTYPENAME",
    "PROPRIETARYNAME",
    "PROPRIETARYNAMESUFFIX",
    "NONPROPRIETARYNAME",
    "MARKETINGCATEGORYNAME",
    "LABELERNAME",
    "SUBSTANCENAME",
    "PHARM_CLASSES",
]


@pytest.fixture(scope="module")
def builder() -> ModuleType:
    path = REPO_ROOT / "tools" / "build_drug_index.py"
    spec = importlib.util.spec_from_file_location("build_drug_index_under_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def ndc_file(*rows: tuple[str, ...]) -> bytes:
    lines = ["\t".join(NDC_HEADER), *("\t".join(row) for row in rows)]
    return ("\n".join(lines) + "\n").encode("cp1252")


def unii_file(*rows: tuple[str, str, str, str]) -> bytes:
    lines = ["Name\tTYPE\tUNII\tDisplay Name", *("\t".join(row) for row in rows)]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


OPIOID = "Opioid Agonist [EPC],Full Opioid Agonists [MoA]"
RX = "HUMAN PRESCRIPTION DRUG"
OTC = "HUMAN OTC DRUG"
SMALL_NDC = ndc_file(
    (
        RX,
        "Percocet",
        "",
        "Oxycodone and Acetaminophen",
        "NDA",
        "Endo",
        "OXYCODONE HYDROCHLORIDE; ACETAMINOPHEN",
        OPIOID,
    ),
    (
        RX,
        "Oxycodone Hydrochloride",
        "",
        "Oxycodone Hydrochloride",
        "ANDA",
        "Lab A",
        "OXYCODONE HYDROCHLORIDE",
        OPIOID,
    ),
    (
        RX,
        "Ultram",
        "",
        "tramadol hydrochloride",
        "NDA",
        "Janssen",
        "TRAMADOL HYDROCHLORIDE",
        OPIOID,
    ),
    (
        RX,
        "Naloxone",
        "",
        "naloxone",
        "ANDA",
        "Lab B",
        "NALOXONE HYDROCHLORIDE",
        "Opioid Antagonist [EPC],Opioid Antagonists [MoA]",
    ),
    (
        RX,
        "Talwin NX",
        "",
        "pentazocine and naloxone",
        "NDA",
        "Lab C",
        "PENTAZOCINE HYDROCHLORIDE; NALOXONE HYDROCHLORIDE",
        "Partial Opioid Agonist/Antagonist [EPC],Opioid Antagonist [EPC],Opioid Antagonists [MoA]",
    ),
    (
        OTC,
        "Morphinum",
        "",
        "morphinum",
        "UNAPPROVED HOMEOPATHIC",
        "Homeo Co",
        "ABT-925 ANHYDROUS FREE BASE",
        "",
    ),
    (
        "STANDARDIZED ALLERGENIC",
        "Cat Hair",
        "",
        "cat hair",
        "BLA",
        "Allergy Co",
        "FELIS CATUS HAIR",
        "",
    ),
    (OTC, "Pain Relief", "", "acetaminophen", "OTC MONOGRAPH", "Store", "ACETAMINOPHEN", ""),
    (
        OTC,
        "Robitussin Peak Cold",
        "",
        "dm",
        "OTC",
        "Wyeth",
        "DEXTROMETHORPHAN HYDROBROMIDE; GUAIFENESIN",
        "",
    ),
    (
        OTC,
        "Robitussin Nighttime",
        "",
        "dm",
        "OTC",
        "Wyeth",
        "DEXTROMETHORPHAN HYDROBROMIDE; DOXYLAMINE SUCCINATE",
        "",
    ),
)
SMALL_UNII = unii_file(
    ("PERCOCET", "bn", "U1", "OXYCODONE HYDROCHLORIDE"),
    ("OXYCODONE HYDROCHLORIDE [USP MONOGRAPH]", "cn", "U1", "OXYCODONE HYDROCHLORIDE"),
    ("KAPANOL", "bn", "U2", "MORPHINE SULFATE"),
    ("MORPHINE SULFATE [ORANGE BOOK]", "cn", "U2", "MORPHINE SULFATE"),
    ("TARGINIQ COMPONENT OXYCODONE HYDROCHLORIDE", "bn", "U1", "OXYCODONE HYDROCHLORIDE"),
    ("TARGINIQ COMPONENT NALOXONE HYDROCHLORIDE", "bn", "U3", "NALOXONE HYDROCHLORIDE"),
    ("HERITAGE", "bn", "U4", "AZOXYSTROBIN"),
    ("AZOXYSTROBIN [ISO]", "cn", "U4", "AZOXYSTROBIN"),
    ("PARACETAMOL", "of", "U5", "ACETAMINOPHEN"),
)


@pytest.fixture(scope="module")
def shipped_index() -> dict[str, object]:
    return json.loads(gzip.decompress((DATA_DIR / "drug_index.json.gz").read_bytes()))


@pytest.fixture(scope="module")
def small_index(builder: ModuleType) -> dict[str, object]:
    return builder.build_index(SMALL_NDC, SMALL_UNII)


@pytest.mark.parametrize(
    ("substance", "ingredient"),
    [
        ("TRAMADOL HYDROCHLORIDE", "tramadol"),
        ("MORPHINE SULFATE", "morphine"),
        ("HYDROCODONE BITARTRATE", "hydrocodone"),
        ("NALOXONE HYDROCHLORIDE DIHYDRATE", "naloxone"),
        ("MYCOPHENOLATE MOFETIL", "mycophenolate"),
        ("ANHYDROUS TACROLIMUS", "tacrolimus"),
        ("LEVOTHYROXINE SODIUM ANHYDROUS", "levothyroxine"),
        ("CALCIUM CARBONATE", "calcium carbonate"),
        ("POTASSIUM CHLORIDE", "potassium chloride"),
        ("THYROID, PORCINE", "thyroid"),
        (".ALPHA.-TOCOPHEROL ACETATE", "alpha-tocopherol"),
    ],
)
def test_normalise_ingredient_strips_salts_but_keeps_mineral_salts(
    builder: ModuleType, substance: str, ingredient: str
) -> None:
    assert builder.normalise_ingredient(substance) == ingredient


def test_build_index_drops_homeopathic_and_allergenic_rows(small_index: dict) -> None:
    names = small_index["names"]

    assert "morphinum" not in names
    assert "cat hair" not in names
    assert small_index["_counts"]["ndc_homeopathic"] == 1
    assert small_index["_counts"]["ndc_allergenic"] == 1


def test_build_index_keeps_ndc_combinations_over_unii_brand_rows(small_index: dict) -> None:
    assert small_index["names"]["percocet"] == [["acetaminophen", "oxycodone"]]


def test_build_index_adds_unii_brands_missing_from_ndc(small_index: dict) -> None:
    names = small_index["names"]

    assert names["kapanol"] == [["morphine"]]
    assert names["targiniq"] == [["naloxone", "oxycodone"]]
    assert "heritage" not in names  # a pesticide brand: no medicinal UNII tag
    assert names["paracetamol"] == [["acetaminophen"]]


def test_build_index_drops_names_made_of_ordinary_words(small_index: dict) -> None:
    assert "pain relief" not in small_index["names"]


def test_build_index_makes_a_brand_family_union(small_index: dict) -> None:
    keys = list(small_index["names"])
    codes = small_index["name_origins"]["codes"]

    assert small_index["names"]["robitussin"] == [
        ["dextromethorphan", "doxylamine"],
        ["dextromethorphan", "guaifenesin"],
    ]
    assert codes[keys.index("robitussin")] == "f"


def test_build_index_takes_classes_from_single_ingredient_products(small_index: dict) -> None:
    classes = small_index["ingredient_classes"]

    assert classes["oxycodone"] == ["Full Opioid Agonists [MoA]", "Opioid Agonist [EPC]"]
    assert "acetaminophen" not in classes


def test_build_index_derives_classes_of_combination_only_ingredients(small_index: dict) -> None:
    derived = small_index["ingredient_classes_from_combinations"]

    assert derived["pentazocine"] == ["Partial Opioid Agonist/Antagonist [EPC]"]


def test_build_index_is_deterministic(builder: ModuleType) -> None:
    first = builder.build_index(SMALL_NDC, SMALL_UNII)
    second = builder.build_index(SMALL_NDC, SMALL_UNII)

    assert builder.gzip_deterministic(builder.canonical_json(first)) == (
        builder.gzip_deterministic(builder.canonical_json(second))
    )


def test_shipped_index_content_matches_its_provenance_hash(
    builder: ModuleType, shipped_index: dict
) -> None:
    recomputed = builder.content_sha256(shipped_index)

    assert recomputed == shipped_index["provenance"]["content_sha256"]


def test_shipped_index_file_matches_provenance_md() -> None:
    data = (DATA_DIR / "drug_index.json.gz").read_bytes()
    provenance_md = (DATA_DIR / "PROVENANCE.md").read_text(encoding="utf-8")

    recorded = re.search(r"SHA-256 of `drug_index.json.gz` \| `([0-9a-f]{64})`", provenance_md)

    assert recorded is not None
    assert recorded.group(1) == hashlib.sha256(data).hexdigest()


def test_shipped_index_records_the_pinned_sources(builder: ModuleType, shipped_index: dict) -> None:
    index = shipped_index
    sources = index["provenance"]["sources"]

    assert [s["file_sha256"] for s in sources] == [
        builder.NDC_WHEEL.member_sha256,
        builder.UNII_WHEEL.member_sha256,
    ]
    assert [s["version"] for s in sources] == ["0.0.2", "1.2.7"]
    assert (
        "public domain" in index["provenance"]["credit"]
        or "public-domain" in (index["provenance"]["credit"])
    )


def test_shipped_index_file_is_small() -> None:
    assert (DATA_DIR / "drug_index.json.gz").stat().st_size < 1_200_000
