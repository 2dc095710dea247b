"""Saved filter sets: kept by name in the settings file, recalled with preset dates moved along."""

from __future__ import annotations

import json
from datetime import date

import pytest

from crimedesk.config.filter_sets import delete_filter_set, filter_sets, recalled, save_filter_set
from crimedesk.config.settings import SettingsError, load_settings, update_settings
from crimedesk.domain.filters import FilterSnapshot

NIGHTS = FilterSnapshot(
    preset="last_28",
    date_from=date(2016, 12, 7),
    date_to=date(2017, 1, 3),
    region_layer_id="district",
    region_ids=frozenset({"011"}),
    categories=frozenset({"violent"}),
    hours=(22, 6),
    weekdays=frozenset({4, 5}),
)


def test_sets_are_saved_recalled_and_deleted(settings_file):
    update_settings(lambda s: setattr(s, "filters", {"text": "kept"}), settings_file)
    assert save_filter_set("  Night   violence ", NIGHTS, settings_file) == "Night violence"
    save_filter_set("all", FilterSnapshot(), settings_file)
    assert list(filter_sets(settings_file)) == ["all", "Night violence"]
    assert filter_sets(settings_file)["Night violence"] == NIGHTS
    assert json.loads(settings_file.read_text())["filter_sets"]["Night violence"]["hours"] == [22, 6]
    delete_filter_set("all", settings_file)
    assert list(filter_sets(settings_file)) == ["Night violence"]
    assert load_settings(settings_file).filters == {"text": "kept"}  # other settings untouched


def test_preset_sets_take_the_dates_of_the_day_they_are_recalled():
    later = recalled(NIGHTS, date(2017, 3, 31))
    assert (later.date_from, later.date_to) == (date(2017, 3, 4), date(2017, 3, 31))
    assert later.hours == (22, 6) and later.region_ids == {"011"}
    custom = FilterSnapshot(date_from=date(2017, 1, 1), date_to=date(2017, 1, 2))
    assert recalled(custom, date(2017, 3, 31)) == custom


def test_bad_names_and_unreadable_sets_are_explained(settings_file):
    with pytest.raises(SettingsError, match="needs a name"):
        save_filter_set("   ", NIGHTS, settings_file)
    with pytest.raises(SettingsError, match="up to 80 characters"):
        save_filter_set("x" * 81, NIGHTS, settings_file)
    update_settings(lambda s: s.filter_sets.update(odd={"hours": [5, 5]}), settings_file)
    with pytest.raises(SettingsError, match="saved filter set 'odd' cannot be read"):
        filter_sets(settings_file)
    settings_file.write_text(json.dumps({"filter_sets": {"x": 3}}))
    with pytest.raises(SettingsError, match="'x' should be an object"):
        load_settings(settings_file)
