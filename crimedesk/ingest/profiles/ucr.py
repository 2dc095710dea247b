"""FBI UCR "estimated crimes" table (Crime Data Explorer): national and state rows per year.

National rows have no state: they are stored as state "US". ``rape_legacy`` and ``rape_revised``
are different definitions (changed in 2013) and are kept apart, never added.
"""

from __future__ import annotations

from crimedesk.ingest.profiles.base import UCR, Profile, register

COUNT_COLUMNS = (
    "population",
    "violent_crime",
    "homicide",
    "rape_legacy",
    "rape_revised",
    "robbery",
    "aggravated_assault",
    "property_crime",
    "burglary",
    "larceny",
    "motor_vehicle_theft",
)

FBI_UCR = register(
    Profile(
        name="fbi_ucr",
        title="FBI UCR estimated crimes (national and state, per year)",
        source="fbi_ucr",
        kind=UCR,
        required=("year", "state_abbr", "state_name", "population", "violent_crime", "property_crime"),
    )
)
