"""Longest text each incident column holds: the schema's column sizes and the importer's check.

Kept apart from the SQLAlchemy schema so the importer's reading process can check lengths without
importing SQLAlchemy (a quarter of a second of its start-up, on an import's critical path).
"""

INCIDENT_TEXT_LIMITS = {
    "source": 60,
    "source_key": 80,
    "case_number": 40,
    "offense_code": 20,
    "offense_type": 100,
    "offense_description": 200,
    "law_category": 20,
    "category": 10,
    "location_description": 200,
    "block": 200,
    "district": 20,
    "beat": 20,
    "ward": 20,
    "community_area": 20,
    "precinct": 20,
    "borough": 40,
}
