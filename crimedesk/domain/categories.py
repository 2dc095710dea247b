"""Offense categories: violent, property, drug, other.

The mapping follows the FBI's UCR Part I definitions, which analysts and the FBI tables share:

- violent: murder and non-negligent manslaughter, rape / criminal sexual assault, robbery,
  aggravated assault and aggravated battery;
- property: burglary, larceny-theft, motor vehicle theft, arson;
- drug: drug abuse violations (possession, sale, manufacture);
- other: everything else (simple assault and battery, criminal damage, weapons, fraud, ...).

Simple assault and battery are Part II offenses and therefore "other": this keeps crimedesk's
"violent" total comparable with UCR tables. Each source is mapped by its own codes first (Chicago
FBI code, NYPD KY_CD) and by offense-name keywords only when it has no codes (generic CSVs).
"""

from __future__ import annotations

import re

VIOLENT = "violent"
PROPERTY = "property"
DRUG = "drug"
OTHER = "other"
CATEGORIES: tuple[str, ...] = (VIOLENT, PROPERTY, DRUG, OTHER)

#: Chicago "FBI Code" (NIBRS-like UCR codes used by CPD).
CHICAGO_FBI_CODE: dict[str, str] = {
    "01A": VIOLENT,  # homicide 1st & 2nd degree
    "02": VIOLENT,  # criminal sexual assault
    "03": VIOLENT,  # robbery
    "04A": VIOLENT,  # aggravated assault
    "04B": VIOLENT,  # aggravated battery
    "05": PROPERTY,  # burglary
    "06": PROPERTY,  # larceny
    "07": PROPERTY,  # motor vehicle theft
    "09": PROPERTY,  # arson
    "18": DRUG,  # drug abuse
}

#: NYPD complaint data "KY_CD" (three-digit offense classification key).
NYPD_KY_CD: dict[str, str] = {
    "101": VIOLENT,  # murder & non-negligent manslaughter
    "104": VIOLENT,  # rape
    "105": VIOLENT,  # robbery
    "106": VIOLENT,  # felony assault
    "107": PROPERTY,  # burglary
    "109": PROPERTY,  # grand larceny
    "110": PROPERTY,  # grand larceny of motor vehicle
    "114": PROPERTY,  # arson
    "341": PROPERTY,  # petit larceny
    "342": PROPERTY,  # petit larceny of motor vehicle
    "343": PROPERTY,  # other offenses related to theft
    "117": DRUG,  # dangerous drugs (felony)
    "235": DRUG,  # dangerous drugs (misdemeanor)
}

#: Keyword rules for sources without codes; first match wins, checked on the upper-cased name.
OFFENSE_NAME_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"HOMICIDE|MURDER|MANSLAUGHTER"), VIOLENT),
    (re.compile(r"RAPE|CRIM(INAL)? SEXUAL ASSAULT"), VIOLENT),
    (re.compile(r"ROBBERY"), VIOLENT),
    (re.compile(r"AGG(RAVATED|\.)? (ASSAULT|BATTERY)|FELONY ASSAULT"), VIOLENT),
    (re.compile(r"NARCOTIC|DRUG|CONTROLLED SUBSTANCE"), DRUG),
    (re.compile(r"BURGLARY|THEFT|LARCENY|STOLEN|MOTOR VEHICLE|ARSON"), PROPERTY),
)


def category_from_name(name: str | None) -> str:
    """Category of an offense known only by its name (generic CSVs)."""
    text = (name or "").upper()
    for pattern, category in OFFENSE_NAME_RULES:
        if pattern.search(text):
            return category
    return OTHER
