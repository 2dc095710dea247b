from datetime import date

import pytest

from crimedesk.domain.filters import FilterSnapshot
from crimedesk.mapping.export_text import filter_words, metres_per_pixel, scale_bar


def test_filters_read_as_words():
    f = FilterSnapshot(
        date_from=date(2017, 1, 1),
        date_to=date(2017, 1, 3),
        categories={"violent"},
        region_layer_id=4,
        region_ids={"7", "1"},
        bbox=(0, 0, 1, 1),
    )
    assert filter_words(f, {4: "districts"}) == (
        "1 Jan 2017 – 3 Jan 2017 · categories violent · districts: 1, 7 · inside the drawn area"
    )
    assert filter_words(FilterSnapshot()) == "all dates · all categories"


def test_scale_bar_is_a_round_distance_that_fits():
    # Zoom 0 at the equator: the 256-pixel world is the earth's circumference.
    assert metres_per_pixel(0, 0) * 256 == pytest.approx(40_075_016.686)
    px, label = scale_bar(10.0, 150)  # up to 1,500 m fits
    assert (px, label) == (100.0, "1 km")
    px, label = scale_bar(3.0, 150)  # up to 450 m
    assert (px, label) == (pytest.approx(200 / 3), "200 m")


def test_scale_bar_in_feet_and_miles():
    px, label = scale_bar(10.0, 150, "ft")  # 1,500 m = 4,921 ft: 2,000 ft fits
    assert label == "2,000 ft" and px == pytest.approx(2000 * 0.3048 / 10)
    px, label = scale_bar(100.0, 150, "ft")  # 15 km = 9.3 mi: 5 mi fits
    assert label == "5 mi" and px == pytest.approx(5 * 1609.344 / 100)
    with pytest.raises(ValueError, match="units"):
        scale_bar(10.0, 150, "yd")
