import json
from pathlib import Path

from crimedesk.mapping.assets import REPO_ASSETS, REQUIRED_FILES, missing_assets, web_assets_dir


def test_assets_default_to_the_repo_node_modules(monkeypatch):
    monkeypatch.delenv("CRIMEDESK_WEB_ASSETS", raising=False)
    assert web_assets_dir() == REPO_ASSETS
    assert REPO_ASSETS.parent.joinpath("package-lock.json").is_file()


def test_setup_fetched_every_required_file(monkeypatch):
    monkeypatch.delenv("CRIMEDESK_WEB_ASSETS", raising=False)
    assert missing_assets() == [], "run installer/setup.sh (npm ci in resources/web)"


def test_override_dir_lists_what_is_missing(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("CRIMEDESK_WEB_ASSETS", str(tmp_path))
    assert web_assets_dir() == tmp_path
    assert missing_assets() == list(REQUIRED_FILES)
    present = tmp_path / "leaflet" / "dist" / "leaflet.js"
    present.parent.mkdir(parents=True)
    present.write_text("// leaflet")
    assert "leaflet/dist/leaflet.js" not in missing_assets()
    assert len(missing_assets()) == len(REQUIRED_FILES) - 1


def test_versions_are_pinned_exactly():
    package = json.loads(REPO_ASSETS.parent.joinpath("package.json").read_text())
    assert package["private"] is True
    assert all(v[0].isdigit() for v in package["dependencies"].values())
