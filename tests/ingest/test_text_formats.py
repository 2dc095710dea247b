"""Delimiters and encodings: sniffed from the first megabyte, or chosen; headers normalised with
Unicode-aware rules, and headers that collide once normalised refused by name."""

import codecs
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from crimedesk.domain.errors import ImportFileError
from crimedesk.ingest import pipeline, source
from crimedesk.ingest.mappings import ColumnMapping, save_mapping
from crimedesk.ingest.pipeline import import_file
from crimedesk.ingest.profiles.base import normalize_header
from crimedesk.ingest.source import inspect_file, text_format
from crimedesk.ingest.textformat import TextFormat
from crimedesk.storage.schema import incidents
from tests.generic_csv import BAD_LINE, MAPPING, write_generic_csv
from tests.ingest.helpers import count, rejections

BAD = Path(__file__).resolve().parents[1] / "bad_files"


def sample_rows(sample: Path, count: int = 40) -> list[list[str]]:
    """Header and rows of the sample as fields (its quoted Location field kept whole)."""
    import csv

    with sample.open(newline="", encoding="utf-8") as handle:
        return [row for _, row in zip(range(count + 1), csv.reader(handle), strict=False)]


def rms_export(sample: Path, path: Path, delimiter: str, encoding: str, bom: bool = False) -> Path:
    """The sample's first 40 rows as an RMS might export them; row 3's location made 'CAFÉ ÑORTE'."""
    rows = sample_rows(sample)
    rows[3][7] = "CAFÉ ÑORTE"
    text = "\r\n".join(delimiter.join(f'"{f}"' if delimiter in f or "," in f else f for f in r) for r in rows)
    data = text.encode(encoding)
    path.write_bytes((codecs.BOM_UTF16_LE if bom else b"") + data + "\r\n".encode(encoding))
    return path


@pytest.mark.parametrize(
    ("delimiter", "encoding", "bom", "sniffed"),
    [
        (";", "cp1252", False, "cp1252"),
        ("\t", "utf-16-le", True, "utf-16"),
        ("\t", "utf-16-le", False, "utf-16-le"),
        ("|", "utf-16-be", False, "utf-16-be"),
        (";", "utf-8", False, "utf-8"),
    ],
)
def test_exports_in_other_delimiters_and_encodings_are_sniffed_and_imported(
    store, tmp_path, chicago_sample, delimiter, encoding, bom, sniffed
):
    path = rms_export(chicago_sample, tmp_path / "rms.csv", delimiter, encoding, bom)
    assert text_format(path) == TextFormat(sniffed, delimiter)
    result = import_file(store, path)
    assert (result.profile, result.counts.inserted, result.counts.rejected) == ("chicago", 40, 0)
    assert count(store, incidents, incidents.c.location_description == "CAFÉ ÑORTE") == 1


def test_a_large_file_in_cp1252_is_decoded_by_the_reading_process_too(
    store, tmp_path, chicago_sample, monkeypatch
):
    monkeypatch.setattr(pipeline, "READ_IN_PROCESS_ROWS", 0)
    path = rms_export(chicago_sample, tmp_path / "rms.csv", ";", "cp1252")
    assert import_file(store, path).counts.inserted == 40
    assert count(store, incidents, incidents.c.location_description == "CAFÉ ÑORTE") == 1


def test_the_cp1252_bad_file_is_read_as_cp1252(store):
    result = import_file(store, BAD / "wrong_encoding_cp1252.csv")
    assert (result.counts.inserted, result.counts.rejected) == (10, 0)
    with store.connect() as conn:
        stored = conn.execute(
            select(incidents.c.location_description).where(incidents.c.case_number == "JA113466")
        )
    assert stored.scalar_one() == "BAR OR TAVE CAFÉ ÑRN"


def test_a_chosen_encoding_and_delimiter_override_the_sniffed_ones(store, tmp_path, chicago_sample):
    path = rms_export(chicago_sample, tmp_path / "rms.csv", ";", "cp1252")
    assert inspect_file(path, delimiter=";", encoding="latin-1").text_format == TextFormat("latin-1", ";")
    with pytest.raises(ImportFileError, match="no import profile fits"):
        import_file(store, path, delimiter=",")  # one column: nothing fits
    result = import_file(store, path, encoding="latin-1")
    assert result.counts.inserted == 40


def test_unknown_encodings_and_delimiters_are_named(tmp_path, chicago_sample):
    with pytest.raises(ImportFileError, match="unknown or unsupported encoding 'klingon'"):
        inspect_file(chicago_sample, encoding="klingon")
    with pytest.raises(ImportFileError, match="unsupported delimiter ':'"):
        inspect_file(chicago_sample, delimiter=":")


def test_a_damaged_utf8_head_stays_utf8_and_rejects_its_bad_row(store, tmp_path, chicago_sample):
    rows = chicago_sample.read_bytes().splitlines()[:21]
    rows[3] = rows[3].replace(b"RESIDENCE", b"R\xc3\xa9SIDENCE", 1)  # é in UTF-8
    rows[5] = rows[5].replace(b",", b",\xe9", 1)  # a lone 1252 byte
    path = tmp_path / "damaged.csv"
    path.write_bytes(b"\n".join(rows) + b"\n")
    assert text_format(path).encoding == "utf-8"
    result = import_file(store, path)
    assert [r[:2] for r in rejections(store, result.import_id)] == [(6, "not UTF-8 text (byte 0xe9)")]


def test_headers_are_normalised_in_any_script():
    assert normalize_header(" Straße ") == "straße"
    assert normalize_header("Дата происшествия") == "дата_происшествия"
    assert normalize_header("Case-Number") == "case_number"


def test_headers_that_collide_once_normalised_are_refused_by_name(tmp_path):
    path = tmp_path / "collide.csv"
    path.write_text("Case Number,case-number,#,?\n1,2,3,4\n", encoding="utf-8")
    with pytest.raises(ImportFileError) as error:
        inspect_file(path)
    assert str(error.value) == (
        "collide.csv: columns 'Case Number' and 'case-number'; '#' and '?' have the same name once "
        "normalised; rename them"
    )


def test_a_mapping_chooses_the_encoding_a_plain_head_cannot_tell(
    store, tmp_path, chicago_sample, monkeypatch
):
    """The head is ASCII (sniffed as UTF-8); a 1252 byte further on is read as the mapping says."""
    monkeypatch.setattr(source, "SNIFF_BYTES", 4096)
    path = write_generic_csv(chicago_sample, tmp_path / "generic.csv")
    lines = path.read_bytes().splitlines()
    fields = lines[100].split(b",", 5)
    fields[4] = "CAFÉ ".encode("cp1252") + fields[4]  # Strasse
    lines[100] = b",".join(fields)
    path.write_bytes(b"\n".join(lines) + b"\n")
    sniffed = import_file(store, path, profile=MAPPING.to_profile())
    assert [r[:2] for r in rejections(store, sniffed.import_id)][-1] == (101, "not UTF-8 text (byte 0xc9)")
    mapped = replace(MAPPING, name="in_1252", source="generic_1252", encoding="windows-1252")
    assert (mapped.encoding, ColumnMapping.from_json(mapped.to_json()).encoding) == ("cp1252", "cp1252")
    save_mapping(store, mapped)
    result = import_file(store, path, profile="mapping:in_1252")
    assert (101, "not UTF-8 text (byte 0xc9)") not in [r[:2] for r in rejections(store, result.import_id)]
    assert result.counts.inserted == sniffed.counts.inserted + 1
    assert (
        count(store, incidents, incidents.c.source == "generic_1252", incidents.c.block.startswith("CAFÉ "))
        == 1
    )


def test_a_mapping_with_an_unknown_delimiter_is_refused():
    with pytest.raises(ImportFileError, match="unsupported delimiter ':'"):
        replace(MAPPING, delimiter=":")


def test_a_byte_cp1252_leaves_undefined_is_rejected_naming_the_encoding(store, tmp_path, chicago_sample):
    path = rms_export(chicago_sample, tmp_path / "rms.csv", ";", "cp1252")
    lines = path.read_bytes().split(b"\r\n")
    lines[10] = lines[10].replace(b";", b";\x81", 1)  # 0x81: no character in cp1252
    path.write_bytes(b"\r\n".join(lines))
    result = import_file(store, path)
    assert [r[:2] for r in rejections(store, result.import_id)] == [(11, "not cp1252 text (byte 0x81)")]
    assert result.counts.inserted == 39


def test_coordinates_with_a_decimal_comma_are_read(store, tmp_path, chicago_sample):
    """A European export: ';' between fields, ',' in the degrees. They were all kept unmappable."""
    import pandas as pd

    frame = pd.read_csv(write_generic_csv(chicago_sample, tmp_path / "generic.csv"), dtype=str)
    european = frame.assign(
        Breite=frame["Breite"].str.replace(".", ",", regex=False),
        Laenge=frame["Laenge"].str.replace(".", ",", regex=False),
    )
    european.to_csv(tmp_path / "european.csv", sep=";", index=False, encoding="cp1252")
    save_mapping(store, MAPPING)
    result = import_file(store, tmp_path / "european.csv")
    with store.connect() as conn:
        stored = conn.execute(
            select(incidents.c.source_key, incidents.c.latitude, incidents.c.longitude)
        ).all()
    kept = frame.drop(index=BAD_LINE - 2)  # the row with an impossible date is rejected
    assert result.counts.unmappable == kept["Breite"].isna().sum()
    by_key = {key: (lat, lon) for key, lat, lon in stored}
    for key, row in kept.dropna(subset=["Breite"]).set_index("Report No").iterrows():
        assert by_key[key] == (float(row["Breite"]), float(row["Laenge"]))
