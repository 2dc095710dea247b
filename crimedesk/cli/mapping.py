"""`crimedesk mapping save|template|list`: saved column mappings for generic CSV files."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from crimedesk.cli.common import DbOption, console, fail, opened_store
from crimedesk.domain.errors import CrimedeskError
from crimedesk.ingest.mapping_schema import NO_KEY
from crimedesk.ingest.mapping_template import sample_rows, starter_mapping
from crimedesk.ingest.mappings import ColumnMapping, load_mappings, save_mapping
from crimedesk.ingest.source import inspect_file

mapping_app = typer.Typer(help="Saved column mappings for generic CSV files.")


@mapping_app.command("save")
def mapping_save(
    spec: Annotated[Path, typer.Argument(help="JSON file describing the mapping.")],
    same_source_as: Annotated[
        str | None,
        typer.Option(help="The profile or mapping whose source this mapping's source is, on purpose."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Save a column mapping so matching files import with it."""
    try:
        mapping = ColumnMapping.from_json(spec.read_text(encoding="utf-8-sig"))
    except (OSError, CrimedeskError) as exc:
        raise fail(f"{spec}: not a valid mapping: {exc}") from exc
    if same_source_as:
        mapping = replace(mapping, same_source_as=same_source_as)
    try:
        with opened_store(db) as engine:
            save_mapping(engine, mapping)
    except CrimedeskError as exc:
        raise fail(str(exc)) from exc
    console.print(f"saved mapping {mapping.name!r}", highlight=False)


@mapping_app.command("template")
def mapping_template(
    file: Annotated[Path, typer.Argument(help="The CSV file the mapping is for.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the mapping here (printed when omitted).")
    ] = None,
) -> None:
    """Write a starter mapping guessed from FILE's header and first rows, for editing.

    Every field is described in the README ("Column mappings"); `crimedesk mapping save` checks it.
    """
    try:
        facts = inspect_file(file)
        text = json.dumps(starter_mapping(facts, sample_rows(facts)), indent=2, ensure_ascii=False)
    except (OSError, ValueError, CrimedeskError) as exc:
        raise fail(f"{file}: {exc}") from exc
    if output is None:
        console.print(text, highlight=False, markup=False)
        return
    output.write_text(text + "\n", encoding="utf-8")
    console.print(f"wrote {output}: fill in what is empty, then `crimedesk mapping save {output}`")


@mapping_app.command("list")
def mapping_list(db: DbOption = None) -> None:
    """The saved column mappings."""
    with opened_store(db) as engine, engine.connect() as conn:
        for mapping in load_mappings(conn):
            console.print(
                f"{mapping.name}: source {mapping.source}, key {', '.join(mapping.key) or NO_KEY}",
                highlight=False,
            )
