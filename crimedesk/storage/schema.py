"""The whole database schema, in one place (SQLAlchemy 2 Core).

Alembic migrations in ``migrations/versions`` create and evolve exactly these tables; a test checks
that the migrated database and this metadata agree.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)

from crimedesk.domain.text_limits import INCIDENT_TEXT_LIMITS as TEXT
from crimedesk.domain.timecodec import from_seconds, to_seconds

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class LocalTime(TypeDecorator[datetime]):
    """A local wall-clock datetime stored as integer seconds (see domain.timecodec)."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None or isinstance(value, int):
            return value
        return to_seconds(value)

    def process_result_value(self, value, dialect):
        return None if value is None else from_seconds(value)


imports = Table(
    "imports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("file_name", String(400), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("size_bytes", BigInteger, nullable=False),
    Column("profile", String(60), nullable=False),
    Column("source", String(60), nullable=False),
    Column("username", String(80), nullable=False),
    Column("started_at", LocalTime, nullable=False),
    Column("finished_at", LocalTime),
    Column(
        "status", String(20), nullable=False
    ),  # running / ok / rejected_all / failed / cancelled / abandoned
    Column("error", Text),
    Column("rows_read", BigInteger, nullable=False, default=0),
    Column("inserted", BigInteger, nullable=False, default=0),
    Column("updated", BigInteger, nullable=False, default=0),
    Column("unchanged", BigInteger, nullable=False, default=0),
    Column("rejected", BigInteger, nullable=False, default=0),
    Column("unmappable", BigInteger, nullable=False, default=0),
    Column("corrected", BigInteger, nullable=False, default=0),
    Column("conflicts", BigInteger, nullable=False, default=0, server_default="0"),
    Column("duplicates", BigInteger, nullable=False, default=0, server_default="0"),
    Column("far_off", BigInteger, nullable=False, default=0, server_default="0"),
    Column("pid", Integer),  # the importing process and its host (see storage.import_lock)
    Column("host", String(255)),
    # The highest incident id reserved when the import began writing: its inserts lie above it
    # (crimedesk.ingest.deletion); None for imports older than migration 0016.
    Column("incident_id_floor", BigInteger),
)

incidents = Table(
    "incidents",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("source", String(TEXT["source"]), nullable=False),
    Column("source_key", String(TEXT["source_key"]), nullable=False),
    Column("case_number", String(TEXT["case_number"])),
    Column("occurred_from", LocalTime, nullable=False),
    Column("occurred_to", LocalTime),
    Column("reported_at", LocalTime),
    Column("offense_code", String(TEXT["offense_code"])),
    Column("offense_type", String(TEXT["offense_type"])),
    Column("offense_description", String(TEXT["offense_description"])),
    Column("law_category", String(TEXT["law_category"])),
    Column("category", String(TEXT["category"]), nullable=False),
    Column("location_description", String(TEXT["location_description"])),
    Column("block", String(TEXT["block"])),
    Column("arrest", Boolean),
    Column("domestic", Boolean),
    Column("district", String(TEXT["district"])),
    Column("beat", String(TEXT["beat"])),
    Column("ward", String(TEXT["ward"])),
    Column("community_area", String(TEXT["community_area"])),
    Column("precinct", String(TEXT["precinct"])),
    Column("borough", String(TEXT["borough"])),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("x", Float),
    Column("y", Float),
    Column("xy_epsg", Integer),
    Column("mappable", Boolean, nullable=False),
    Column("quality_flags", Integer, nullable=False, default=0),
    Column("source_updated_at", LocalTime),
    # No foreign key on import_id: PostgreSQL checks one with a trigger per inserted row, which
    # makes bulk COPY several times slower; the importer is the only writer of this column.
    Column("import_id", Integer, nullable=False),
    # An index, not a constraint: bulk loads drop and rebuild it. The key comes first: sorting on a
    # column shared by most rows (source) first made every comparison fall through to the second.
    Index(None, "source_key", "source", unique=True),
    Index(None, "occurred_from"),
)

rejected_rows = Table(
    "rejected_rows",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("import_id", Integer, ForeignKey("imports.id", ondelete="CASCADE"), nullable=False),
    Column("line_number", BigInteger),
    Column("raw_text", Text, nullable=False),
    Column("reasons", Text, nullable=False),
    Index(None, "import_id", "line_number"),
)

# Rejected rows of imports, compactly (crimedesk.storage.reject_blocks): a block per written batch.
# rejected_rows keeps the few that feeds and returned offline slices reject, and older imports'.
rejected_blocks = Table(
    "rejected_blocks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("import_id", Integer, ForeignKey("imports.id", ondelete="CASCADE"), nullable=False),
    Column("first_line", BigInteger),
    Column("last_line", BigInteger),
    Column("row_count", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Index(None, "import_id", "first_line"),
)

boundary_layers = Table(
    "boundary_layers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(80), nullable=False, unique=True),
    Column("source_file", String(400), nullable=False),
    Column("id_field", String(80), nullable=False),
    Column("name_field", String(80)),
    Column("incident_field", String(40)),  # the incidents column holding the source's own code
    Column("crs", String(80), nullable=False),
    Column("loaded_at", LocalTime, nullable=False),
)

boundaries = Table(
    "boundaries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("layer_id", Integer, ForeignKey("boundary_layers.id", ondelete="CASCADE"), nullable=False),
    Column("region_id", String(80), nullable=False),
    Column("name", String(200)),
    Column("geometry_wkb", Text, nullable=False),  # hex WKB, WGS84
    Column("properties", Text),  # JSON of the remaining attributes
    UniqueConstraint("layer_id", "region_id"),
)

incident_regions = Table(
    "incident_regions",
    metadata,
    # No foreign key on layer_id (bulk-loaded like incidents): regions.store deletes a layer's rows.
    Column("layer_id", Integer, nullable=False),
    Column("region_id", String(80), nullable=False),
    Column("incident_id", BigInteger, nullable=False),
    # Stored by region: a region filter reads one stretch of the table, and a bulk import appends
    # its pairs in this order (an index on the region, with few distinct values among many rows,
    # cost more to sort than any other). SQLite keeps no rowid beside the key.
    PrimaryKeyConstraint("layer_id", "region_id", "incident_id"),
    Index(None, "incident_id", "layer_id", unique=True),  # one region per layer; an incident's rows
    sqlite_with_rowid=False,
)


ucr_counts = Table(
    "ucr_counts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("year", Integer, nullable=False),
    Column("state_abbr", String(2), nullable=False),  # "US" for national rows
    Column("state_name", String(60), nullable=False),
    Column("population", BigInteger),
    Column("violent_crime", BigInteger),
    Column("homicide", BigInteger),
    Column("rape_legacy", BigInteger),
    Column("rape_revised", BigInteger),
    Column("robbery", BigInteger),
    Column("aggravated_assault", BigInteger),
    Column("property_crime", BigInteger),
    Column("burglary", BigInteger),
    Column("larceny", BigInteger),
    Column("motor_vehicle_theft", BigInteger),
    Column("caveats", Text),
    Column("import_id", Integer, ForeignKey("imports.id"), nullable=False),
    UniqueConstraint("year", "state_abbr"),
)

import_mappings = Table(
    "import_mappings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(80), nullable=False, unique=True),
    Column("spec_json", Text, nullable=False),
    Column("created_at", LocalTime, nullable=False),
)

experiments = Table(
    "experiments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(120), nullable=False),
    Column("model_kind", String(60), nullable=False),
    Column("task", String(40), nullable=False),
    Column("params_json", Text, nullable=False),
    Column("data_fingerprint", String(64), nullable=False),  # sha256 of training ids + updated times
    Column("filters_json", Text, nullable=False),
    Column("seed", Integer, nullable=False),
    Column("code_version", String(80), nullable=False),
    Column("created_at", LocalTime, nullable=False),
    Column("status", String(20), nullable=False),  # running / ok / failed / cancelled / abandoned
    Column("error", Text),
    Column("duration_s", Float),
    Column("metrics_json", Text),
    Column("artifact_path", String(400)),
    Column("promoted", Boolean, nullable=False, default=False),
    Column("pid", Integer),  # the training process and its host: a dead one's run is abandoned
    Column("host", String(255)),
    Column("username", String(80), nullable=False, server_default=""),  # who trained it
    Index(None, "task", "promoted"),
)

store_info = Table(  # one row: the store's own id (names the folder of its model artifacts)
    "store_info",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("store_id", String(36), nullable=False),
)

user_profiles = Table(  # PostgreSQL stores: the people behind the login roles (auth.accounts)
    "user_profiles",
    metadata,
    Column("username", String(80), primary_key=True),
    Column("full_name", String(200), nullable=False, server_default=""),
    Column("department", String(200), nullable=False, server_default=""),
)

store_settings = Table(  # store-wide settings (crimedesk.auth.store_settings): admins change them
    "store_settings",
    metadata,
    Column("name", String(80), primary_key=True),
    Column("value_json", Text, nullable=False),
    Column("changed_at", LocalTime, nullable=False),  # UTC
    Column("changed_by", String(80), nullable=False),
)

audit = Table(  # append-only: triggers refuse UPDATE and DELETE (migration 0009)
    "audit",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at_utc", LocalTime, nullable=False),  # UTC wall clock, unlike the incidents' local times
    Column("username", String(80), nullable=False),
    Column("host", String(255), nullable=False),
    Column("action", String(40), nullable=False),
    Column("object_type", String(40), nullable=False),
    Column("object_id", String(120), nullable=False),
    Column("details_json", Text, nullable=False),
    Index(None, "at_utc"),
    Index(None, "username", "at_utc"),
    implicit_returning=False,  # every role may append, only admins read (no RETURNING id)
)

feeds = Table(  # live sources (crimedesk.feeds): one row per subscription, with its resume point
    "feeds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(80), nullable=False, unique=True),
    Column("kind", String(20), nullable=False),  # soda / kafka / mqtt (crimedesk.feeds.registry)
    Column("endpoint", String(400), nullable=False),  # portal domain, broker list or broker host:port
    Column("dataset", String(200), nullable=False),  # dataset id or topic
    Column("profile", String(80), nullable=False),  # import profile or saved mapping of the events
    Column("filters", Text, nullable=False, default=""),  # SoQL $where of a portal feed
    Column("schedule_minutes", Integer, nullable=False, default=15),
    Column("watermark_json", Text, nullable=False, default="{}"),  # resume point, written with the rows
    Column("status", String(20), nullable=False, default="active"),  # active / paused / failing
    Column("created_at", LocalTime, nullable=False),
    Column("last_success", LocalTime),
    Column("last_error", Text),
    Column("received", BigInteger, nullable=False, default=0),
    Column("inserted", BigInteger, nullable=False, default=0),
    Column("updated", BigInteger, nullable=False, default=0),
    Column("unchanged", BigInteger, nullable=False, default=0),
    Column("rejected", BigInteger, nullable=False, default=0),
)

feed_runs = Table(  # received = inserted + updated + unchanged + rejected + conflicts, like imports
    "feed_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("feed_id", Integer, ForeignKey("feeds.id", ondelete="CASCADE"), nullable=False),
    Column("import_id", Integer, ForeignKey("imports.id"), nullable=False),
    Column("started_at", LocalTime, nullable=False),
    Column("finished_at", LocalTime),
    Column("status", String(20), nullable=False),  # running / ok / failed / cancelled / interrupted
    Column("error", Text),
    Column("note", Text),  # e.g. the server's count differed from the rows received
    Column("received", BigInteger, nullable=False, default=0),
    Column("inserted", BigInteger, nullable=False, default=0),
    Column("updated", BigInteger, nullable=False, default=0),
    Column("unchanged", BigInteger, nullable=False, default=0),
    Column("rejected", BigInteger, nullable=False, default=0),
    Column("conflicts", BigInteger, nullable=False, default=0),
    Column("deleted", BigInteger, nullable=False, default=0),
    Column("server_count", BigInteger),
    Index(None, "feed_id", "started_at"),
)

sensor_events = Table(  # sensor alerts (MQTT feeds), stored once per event id
    "sensor_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("feed_id", Integer, ForeignKey("feeds.id", ondelete="CASCADE"), nullable=False),
    Column("event_id", String(120), nullable=False),
    Column("sensor_id", String(120), nullable=False),
    Column("occurred_at", LocalTime, nullable=False),
    Column("longitude", Float, nullable=False),
    Column("latitude", Float, nullable=False),
    Column("kind", String(60), nullable=False),
    Column("confidence", Float),
    Column("incident_key", String(120)),
    Column("received_at", LocalTime, nullable=False),
    UniqueConstraint("feed_id", "event_id"),
    Index(None, "occurred_at"),
)

report_history = Table(  # the Reports tab's history (migration 0014)
    "report_history",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("made_at_utc", LocalTime, nullable=False),
    Column("username", String(80), nullable=False),
    Column("template", String(40), nullable=False),
    Column("filters_json", Text, nullable=False),
    Column("options_json", Text, nullable=False),
    Column("file_name", String(400), nullable=False),
    Column("pages", Integer, nullable=False),
    Index(None, "made_at_utc"),
)

offline_slices = Table(  # one row in a store taken offline (crimedesk.offline), none elsewhere
    "offline_slices",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_store", String(400), nullable=False),  # URL without password
    Column("filters_json", Text, nullable=False),
    Column("taken_at", LocalTime, nullable=False),
    Column("username", String(80), nullable=False),
    Column("host", String(255), nullable=False),
    Column("last_import_id", Integer, nullable=False),  # the source's; later imports are the field's
    Column("incidents", BigInteger, nullable=False),
    Column("returned_at", LocalTime),
    Column("returned_through", Integer),  # the last field import brought back
)
