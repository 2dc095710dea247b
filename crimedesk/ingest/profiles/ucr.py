"""FBI UCR "estimated crimes" table (Crime Data Explorer): national and state rows per year.

National rows have no state: they are stored as state "US" (columns: crimedesk.domain.ucr).
"""

from __future__ import annotations

from crimedesk.ingest.profiles.base import UCR, Profile, register

FBI_UCR = register(
    Profile(
        name="fbi_ucr",
        title="FBI UCR estimated crimes (national and state, per year)",
        source="fbi_ucr",
        kind=UCR,
        required=("year", "state_abbr", "state_name", "population", "violent_crime", "property_crime"),
    )
)
