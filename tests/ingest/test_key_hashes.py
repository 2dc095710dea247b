"""Source-key hashes: equal keys hash alike wherever they are, distinct real keys stay distinct."""

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv

from crimedesk.ingest.rows import key_hashes


def _keys(values) -> pa.Table:
    return pa.table({"source_key": pa.array(values, pa.string())})


def test_every_chicago_key_gets_its_own_hash_in_any_batching(chicago_full):
    read = pcsv.read_csv(
        chicago_full,
        convert_options=pcsv.ConvertOptions(include_columns=["ID"], column_types={"ID": pa.string()}),
    )
    keys = pa.table({"source_key": read.column("ID")})
    whole = key_hashes(keys)
    assert len(np.unique(whole)) == keys.num_rows == 536_605
    in_batches = np.concatenate([key_hashes(keys.slice(start, 7_919)) for start in range(0, 100_000, 7_919)])
    assert (in_batches == whole[: len(in_batches)]).all()


def test_equal_keys_hash_alike_and_near_keys_differ():
    hashes = key_hashes(_keys(["JA1", "JA1", "JA2", "1JA", "", None, "JA10"]))
    assert hashes[0] == hashes[1]
    assert len(set(hashes[[0, 2, 3, 4, 6]].tolist())) == 5
    assert hashes[4] == hashes[5]  # a missing key counts as empty (keys are required upstream)
    assert (key_hashes(_keys(["x", "JA1"]).slice(1)) == hashes[0]).all()
