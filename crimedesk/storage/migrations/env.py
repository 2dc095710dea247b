"""Alembic environment: the engine comes from crimedesk.storage.migrate, never from a file."""

from alembic import context

from crimedesk.storage.schema import metadata

engine = context.config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()
