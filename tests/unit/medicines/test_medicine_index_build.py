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
    "ROUTENAME",
    "DEASCHEDULE",
]
#: Rows written with the first eight columns only are oral and unscheduled.
DEFAULT_ROUTE_AND_SCHEDULE = ("ORAL", "")


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
    full = [
        row if len(row) == len(NDC_HEADER) else (*row, *DEFAULT_ROUTE_AND_SCHEDULE) for row in rows
    ]
    lines = ["\t".join(NDC_HEADER), *("\t".join(row) for row in full)]
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
        "ORAL",
        "CII",
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
CALCINEURIN = "Calcineurin Inhibitor Immunosuppressant [EPC],Calcineurin Inhibitors [MoA]"
#: Products for the index v2 signals: every class kind, DEA schedules, routes.
SIGNAL_NDC_ROWS = (
    (RX, "Protopic", "", "tacrolimus", "NDA", "Astellas", "TACROLIMUS", CALCINEURIN, "TOPICAL", ""),
    (RX, "Prograf", "", "tacrolimus", "NDA", "Astellas", "TACROLIMUS", CALCINEURIN, "ORAL", ""),
    (
        RX,
        "Restasis",
        "",
        "cyclosporine",
        "NDA",
        "Allergan",
        "CYCLOSPORINE",
        CALCINEURIN,
        "OPHTHALMIC",
        "",
    ),
    (RX, "Duragesic", "", "fentanyl", "NDA", "Janssen", "FENTANYL", OPIOID, "TRANSDERMAL", "CII"),
    (OTC, "Mixed Cream", "", "menthol", "OTC", "Lab F", "MENTHOL", "", "TOPICAL; ORAL", ""),
    (
        RX,
        "Thymoglobulin",
        "",
        "anti-thymocyte globulin (rabbit)",
        "BLA",
        "Genzyme",
        "LAPINE T-LYMPHOCYTE IMMUNE GLOBULIN",
        "Immunoglobulin G [EPC],Increased T Lymphocyte Destruction [PE],Immunoglobulins [CS],"
        "Antibody-Surface Protein Interactions [MoA],not a class",
        "INTRAVENOUS",
        "",
    ),
    (
        RX,
        "Motofen",
        "",
        "difenoxin and atropine",
        "NDA",
        "Sebela",
        "DIFENOXIN HYDROCHLORIDE; ATROPINE SULFATE",
        "",
        "ORAL",
        "CIV",
    ),
    (
        RX,
        "Atropine",
        "",
        "atropine",
        "ANDA",
        "Lab D",
        "ATROPINE SULFATE",
        "Anticholinergic [EPC]",
        "INTRAVENOUS",
        "",
    ),
    (
        RX,
        "Suboxone",
        "",
        "buprenorphine and naloxone",
        "NDA",
        "Indivior",
        "BUPRENORPHINE HYDROCHLORIDE; NALOXONE HYDROCHLORIDE",
        "Partial Opioid Agonist [EPC],Opioid Antagonist [EPC]",
        "SUBLINGUAL",
        "CIII",
    ),
    (
        RX,
        "Buprenorphine",
        "",
        "buprenorphine",
        "ANDA",
        "Lab E",
        "BUPRENORPHINE HYDROCHLORIDE",
        "Partial Opioid Agonist [EPC]",
        "SUBLINGUAL",
        "CIII",
    ),
    # A listing error kept as FDA gives it: a plain aspirin product with a schedule.
    (
        OTC,
        "Aspirin",
        "",
        "aspirin",
        "OTC",
        "Lab G",
        "ASPIRIN",
        "Nonsteroidal Anti-inflammatory Drug [EPC]",
        "ORAL",
        "CIV",
    ),
    # Both ingredients are sold alone unscheduled: nobody to give the schedule to.
    (
        RX,
        "Odd Mix",
        "",
        "odd mix",
        "NDA",
        "Lab H",
        "ATROPINE SULFATE; NALOXONE HYDROCHLORIDE",
        "",
        "ORAL",
        "CV",
    ),
)
SIGNAL_NDC = ndc_file(*SIGNAL_NDC_ROWS)

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


@pytest.fixture(scope="module")
def signal_index(builder: ModuleType) -> dict[str, object]:
    # The Naloxone product of SMALL_NDC makes naloxone "sold alone, never scheduled".
    naloxone_row = (RX, "Naloxone", "", "naloxone", "ANDA", "Lab B", "NALOXONE HYDROCHLORIDE", "")
    return builder.build_index(ndc_file(*SIGNAL_NDC_ROWS, naloxone_row), SMALL_UNII)


def route_of(index: dict, name: str) -> str:
    keys = list(index["names"])
    return index["name_routes"]["codes"][keys.index(name)]


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


def test_build_index_keeps_every_pharm_class_kind(signal_index: dict) -> None:
    classes = signal_index["ingredient_classes"]["lapine t-lymphocyte immune globulin"]

    assert classes == [
        "Antibody-Surface Protein Interactions [MoA]",
        "Immunoglobulin G [EPC]",
        "Immunoglobulins [CS]",
        "Increased T Lymphocyte Destruction [PE]",
    ]  # and "not a class", which has no [kind], is dropped


def test_build_index_takes_dea_schedules_from_single_ingredient_products(
    signal_index: dict,
) -> None:
    schedules = signal_index["ingredient_dea_schedules"]

    assert schedules["buprenorphine"] == ["CIII"]
    assert schedules["fentanyl"] == ["CII"]
    assert schedules["aspirin"] == ["CIV"]  # FDA's data error is kept; a curated row decides
    assert "atropine" not in schedules


def test_build_index_gives_a_combination_schedule_to_partners_not_known_unscheduled(
    signal_index: dict,
) -> None:
    derived = signal_index["ingredient_dea_schedules_from_combinations"]

    assert derived == {"difenoxin": ["CIV"]}  # not atropine (Motofen), not naloxone (Suboxone)
    assert signal_index["_counts"]["ndc_scheduled_combinations_unattributed"] == 1  # Odd Mix


def test_build_index_records_names_whose_every_product_is_local(signal_index: dict) -> None:
    assert route_of(signal_index, "protopic") == "l"
    assert route_of(signal_index, "restasis") == "l"
    assert route_of(signal_index, "prograf") == "s"
    assert route_of(signal_index, "tacrolimus") == "s"  # ointment and capsules
    assert route_of(signal_index, "duragesic") == "s"  # transdermal is systemic
    assert route_of(signal_index, "mixed cream") == "s"  # one of its routes is oral
    assert route_of(signal_index, "kapanol") == "-"  # a UNII brand: no NDC product
    assert len(signal_index["name_routes"]["codes"]) == len(signal_index["names"])
    assert signal_index["format"] == 2


def test_build_index_is_deterministic(builder: ModuleType) -> None:
    first = builder.build_index(SMALL_NDC + SIGNAL_NDC.split(b"\n", 1)[1], SMALL_UNII)
    second = builder.build_index(SMALL_NDC + SIGNAL_NDC.split(b"\n", 1)[1], SMALL_UNII)

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
    assert (DATA_DIR / "drug_index.json.gz").stat().st_size < 1_500_000


def test_shipped_index_is_format_2_with_signals_and_routes(shipped_index: dict) -> None:
    names = shipped_index["names"]

    assert shipped_index["format"] == 2
    assert len(shipped_index["name_routes"]["codes"]) == len(names)
    assert shipped_index["ingredient_dea_schedules_from_combinations"]["difenoxin"] == ["CIV"]
    assert route_of(shipped_index, "protopic") == "l"
    assert route_of(shipped_index, "prograf") == "s"
