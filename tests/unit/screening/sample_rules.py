"""Sample screening rules for the tests, written from ../shared/sources/ as Rule objects.

LDN rules follow facts-ldn.md ("Contraindications, cautions and timing rules"); vitamin D rules
follow facts-other-therapies.md. The other five therapies have no interaction facts in the
sources, so they carry no rules here.

Severity choices:
* vitD-nsaids is ``caution``: the source is a harm signal (more recurrent advanced or multiple
  adenomas) from a large randomised trial (V2), which is more than background information; it is
  not ``avoid`` because it concerns one group (after adenoma removal) and regular use
  (4 or more days a week), and the source does not say not to combine them.
* vitD-rituximab is ``info``: the source (V1) links vitamin D *deficiency* to rituximab working
  less well; it names no harm from taking vitamin D with rituximab.
"""

from __future__ import annotations

import datetime

from carechoices.screening.models import ReferenceInfo, Rule, TherapyRules, Timing, Trigger

R1 = ReferenceInfo(
    "R1",
    "Elsegood L, ed. The LDN Book. Vermont: Chelsea Green Publishing; 2016. "
    "(Side effects: p. 20; titration: p. 21.)",
)
R2 = ReferenceInfo(
    "R2",
    "Bihari B. LDN and cancer. Low Dose Naltrexone (web page). Feb 21, 2021. "
    "Viewed September 19, 2021.",
)
# facts-ldn.md gives the Hashimoto's caution from the seed page only, with no R-numbered source.
SEED = ReferenceInfo(
    "seed-ldn-safety",
    "Safety and precautions page of a public review of low-dose naltrexone, updated 2025-07-27.",
)
V1 = ReferenceInfo(
    "V1",
    "Bittenbring JT, Neumann F, et al. Journal of Clinical Oncology. 2014 Oct 10;32(29):3242-3248.",
)
V2 = ReferenceInfo(
    "V2", "Calderwood AH, Baron JA, et al. Cancer Prevention Research. 2019 May;12(5):295-304."
)

LDN_OPIOIDS = Rule(
    rule_id="ldn-opioids",
    title="Opioid medicines",
    severity="avoid",
    any_of=(Trigger("medicine_class", "opioid"),),
    summary=(
        "LDN blocks opioid receptors for a few hours after each dose, so it works against "
        "opioid medicines. It should not be taken until an opioid has fully cleared your body."
    ),
    detail=(
        "Naltrexone is an opioid-receptor antagonist; each dose blocks the receptors for about "
        "3-4 hours. Patients on daily opioid analgesia may need a gradual 10-14 day taper, with "
        "full-dose non-opioid analgesics substituted first, before the first LDN dose."
    ),
    action="Do not start LDN while taking an opioid; plan any change with your physician.",
    timing=Timing("wait-until-cleared", 10, 14, wean_for="daily opioid pain medicine"),
    references=(R2,),
)

LDN_SURGERY = Rule(
    rule_id="ldn-surgery",
    title="Planned surgery",
    severity="caution",
    any_of=(Trigger("procedure", "surgery"),),
    summary=(
        "People on LDN usually pause it shortly before an operation, because opioid pain "
        "relief is often needed afterwards."
    ),
    detail=(
        "Usual practice is to stop LDN 1-2 days pre-operatively. Post-operative analgesia "
        "often relies on opioids, so LDN is resumed only after physician clearance."
    ),
    action="Tell your surgical team that you take LDN.",
    timing=Timing(
        "stop-before-procedure",
        1,
        2,
        restart="only once your physician clears it, since opioids are often used for pain after surgery",
    ),
    references=(R2,),
)

LDN_TRANSPLANT = Rule(
    rule_id="ldn-transplant",
    title="Organ transplant and immunosuppressants",
    severity="avoid",
    any_of=(
        Trigger("medicine_class", "transplant-immunosuppressant"),
        Trigger("condition", "organ-transplant"),
    ),
    summary=(
        "After an organ transplant, LDN could work against the medicines that keep your "
        "immune system from attacking the new organ, which could put your life at risk."
    ),
    detail=(
        "LDN may counteract immunosuppressive therapy in transplant recipients, with a "
        "potentially life-threatening outcome."
    ),
    action="Do not take LDN while on immunosuppressive medicine after a transplant.",
    references=(R2,),
)

LDN_LIVER = Rule(
    rule_id="ldn-liver-full-dose",
    title="Liver disease and full-dose naltrexone",
    severity="caution",
    any_of=(Trigger("condition", "liver-disease"),),
    min_dose_mg=50,
    summary="At the full 50 mg dose, naltrexone can harm the liver in people with liver disease.",
    detail=(
        "The concern is specific to full-dose naltrexone (50 mg); at low doses raised liver "
        "enzymes are listed among the side effects instead."
    ),
    action="Ask your physician before taking naltrexone at this dose.",
    references=(R2,),
)

LDN_HASHIMOTOS = Rule(
    rule_id="ldn-hashimotos-thyroid-hormone",
    title="Hashimoto's thyroiditis on thyroid hormone",
    severity="caution",
    any_of=(Trigger("condition", "hashimotos-thyroiditis"),),
    all_of=(Trigger("medicine_class", "thyroid-hormone"),),
    summary=(
        "With Hashimoto's thyroiditis treated with thyroid hormone, LDN may settle the "
        "autoimmune disease fast, and the hormone dose may then have to drop quickly to "
        "prevent signs of an overactive thyroid."
    ),
    detail=(
        "In hypothyroid Hashimoto's patients on replacement therapy, start LDN at the lowest "
        "dose; rapid remission may call for a prompt cut in the thyroid-hormone dose to avoid "
        "hyperthyroid symptoms."
    ),
    action="Start at the lowest dose and have your physician follow your thyroid hormone dose.",
    references=(SEED,),
)

LDN_BOWEL = Rule(
    rule_id="ldn-bowel-conditions",
    title="IBS, IBD or Crohn's disease",
    severity="info",
    any_of=(
        Trigger("condition", "irritable-bowel-syndrome"),
        Trigger("condition", "inflammatory-bowel-disease"),
        Trigger("condition", "crohns-disease"),
    ),
    summary=(
        "Constipation or diarrhoea on LDN is not common, but it happens more often in people "
        "with IBS, IBD or Crohn's disease."
    ),
    detail="Bowel side effects of LDN are infrequent overall and more frequent with IBS, IBD or Crohn's disease.",
    action="Watch for bowel changes and tell your physician if they appear.",
    references=(R1, R2),
)

LDN_RULES = (LDN_OPIOIDS, LDN_SURGERY, LDN_TRANSPLANT, LDN_LIVER, LDN_HASHIMOTOS, LDN_BOWEL)

VITD_RITUXIMAB = Rule(
    rule_id="vitd-rituximab",
    title="Rituximab",
    severity="info",
    any_of=(Trigger("ingredient", "rituximab"),),
    summary=(
        "In diffuse large B-cell lymphoma, a lack of vitamin D was linked with rituximab "
        "working less well."
    ),
    detail="Vitamin D deficiency was associated with reduced rituximab effectiveness in DLBCL.",
    action="Ask your oncologist whether your vitamin D level should be checked.",
    references=(V1,),
)

VITD_NSAIDS = Rule(
    rule_id="vitd-nsaids",
    title="Aspirin and other NSAIDs",
    severity="caution",
    any_of=(Trigger("medicine_class", "nsaid"),),
    summary=(
        "In a large trial of people whose colorectal adenomas had been removed, those taking "
        "aspirin or another NSAID most days along with vitamin D3 more often had advanced or "
        "multiple adenomas come back."
    ),
    detail=(
        "Randomised trial after adenoma removal: NSAID or aspirin use on 4 or more days a week "
        "with vitamin D3 1,000 IU a day was associated with a higher risk of recurrent advanced "
        "or multiple adenomas."
    ),
    action="Talk to your doctor before combining vitamin D with regular aspirin or other NSAIDs.",
    references=(V2,),
)

P_SAFETY = ReferenceInfo(
    "probiotics-safety", "Safety page of a public review of probiotics and prebiotics."
)

PROBIOTICS_IMMUNOSUPPRESSED = Rule(
    rule_id="probiotics-immunosuppressed",
    title="A weakened immune system",
    severity="info",
    any_of=(Trigger("condition", "immunosuppressed"),),
    summary=(
        "With a suppressed immune system, check with a cancer dietitian before eating "
        "unpasteurised, fermented or cultured foods."
    ),
    detail="Immunosuppressed patients: oncology dietitian first for unpasteurised or fermented foods.",
    action="Ask a cancer dietitian first.",
    references=(P_SAFETY,),
)

LDN = TherapyRules(
    "low-dose-naltrexone",
    "Low-dose naltrexone (LDN)",
    LDN_RULES,
    datetime.date(2025, 7, 27),
    active_ingredients=("naltrexone",),
)
PROBIOTICS = TherapyRules("probiotics", "Probiotics and prebiotics", (PROBIOTICS_IMMUNOSUPPRESSED,))
VITAMIN_D = TherapyRules("vitamin-d", "Vitamin D", (VITD_RITUXIMAB, VITD_NSAIDS))

# The seven published slugs (PRODUCT.md); five have no interaction facts, hence no rules.
ALL_THERAPIES: tuple[TherapyRules, ...] = (
    LDN,
    VITAMIN_D,
    TherapyRules("european-mistletoe", "European mistletoe", ()),
    TherapyRules("turmeric-curcumin", "Turmeric / curcumin", ()),
    TherapyRules("melatonin", "Melatonin", ()),
    TherapyRules("probiotics", "Probiotics and prebiotics", ()),
    TherapyRules("cannabis", "Cannabis and cannabinoids", ()),
)


EXAMPLE_REFERENCE = ReferenceInfo("X1", "Example citation.")


def make_rule(**changes: object) -> Rule:
    """A valid example rule with ``changes`` applied (for tests of the engine's mechanics)."""
    fields: dict[str, object] = {
        "rule_id": "example-rule",
        "title": "Example",
        "severity": "caution",
        "any_of": (Trigger("condition", "example-condition"),),
        "summary": "Example summary.",
        "detail": "Example detail.",
        "action": "Example action.",
        "references": (EXAMPLE_REFERENCE,),
    }
    fields.update(changes)
    return Rule(**fields)  # type: ignore[arg-type]
