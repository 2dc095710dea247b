import numpy as np
import pandas as pd
import pytest

from crimedesk.features.categorical import category_encoder
from crimedesk.features.grid import Grid
from crimedesk.features.lags import neighbour_sums, window_sums
from crimedesk.features.temporal import TemporalFeatures, calendar_features


def test_calendar_marks_us_holidays_and_wraps_cyclic_features():
    times = pd.Series(pd.to_datetime(["2016-07-04 23:30", "2016-07-05 00:30", "2017-12-25 12:00"]))
    features = calendar_features(times)
    assert features["holiday"].tolist() == [1, 0, 1]
    assert features[["hour", "weekday", "month"]].iloc[0].tolist() == [23, 0, 7]
    # 23:30 and 00:30 are neighbours on the clock face
    gap = np.hypot(*(features.loc[0, ["hour_sin", "hour_cos"]] - features.loc[1, ["hour_sin", "hour_cos"]]))
    assert gap < 0.3


def test_temporal_transformer_names_its_features():
    frame = pd.DataFrame({"occurred_from": pd.date_range("2016-01-01", periods=5, freq="7h")})
    transformer = TemporalFeatures(cyclic=False).fit(frame)
    assert list(transformer.get_feature_names_out()) == ["hour", "weekday", "month", "holiday"]
    assert transformer.transform(frame).shape == (5, 4)


def test_window_sums_never_include_the_current_period():
    table = np.arange(12.0).reshape(4, 3)
    sums = window_sums(table, [1, 2])
    assert sums[0].sum() == 0
    np.testing.assert_array_equal(sums[2, :, 0], table[1])
    np.testing.assert_array_equal(sums[3, :, 1], table[1] + table[2])


def test_neighbour_sums_add_the_surrounding_box():
    grid = Grid(1.0, 0.0, 0.0, nx=3, ny=3)
    table = np.zeros((2, 9))
    table[0, 4] = 1  # the centre cell, first period
    near = neighbour_sums(window_sums(table, [1]), grid, radius=1)[1, :, 0]
    np.testing.assert_allclose(near, np.ones(9))
    with pytest.raises(ValueError, match="cells"):
        neighbour_sums(np.zeros((1, 4, 1)), grid)


def test_rare_and_unseen_categories_share_a_bucket():
    train = pd.DataFrame({"place": ["STREET"] * 30 + ["RESIDENCE"] * 30 + ["ATM"]})
    onehot = category_encoder("onehot", min_frequency=5).fit(train)
    assert (
        onehot.transform(pd.DataFrame({"place": ["ATM"]})).tolist()
        == onehot.transform(pd.DataFrame({"place": ["NEW SPELLING"]})).tolist()
    )
    ordinal = category_encoder("ordinal", min_frequency=5).fit(train)
    assert ordinal.transform(pd.DataFrame({"place": ["NEW SPELLING"]}))[0, 0] == -1
