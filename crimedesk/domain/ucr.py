"""FBI UCR estimated-crimes columns (one table, national and state rows per year).

``rape_legacy`` and ``rape_revised`` follow different definitions (changed in 2013): never add them.
"""

UCR_CRIMES: tuple[str, ...] = (
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
UCR_COUNT_COLUMNS: tuple[str, ...] = ("population", *UCR_CRIMES)
