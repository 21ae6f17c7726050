"""A consultant's newer data file in ``<data>/resources-override`` is used only when it is valid and newer.

Real folders and files throughout; the end-to-end cases run the real ``sbskit-cli`` (a fresh
process, so nothing cached in this one decides), the About box is the real main window's.
"""

from __future__ import annotations

import copy
import json

import pytest

from sbskit.core import resources

BUNDLED = resources.resources_root()
ZONES = "dnsbl-zones.json"
NEW_ZONE = {"zone": "bl.newer-list.example", "name": "Newer list", "targets": ["ipv4"],
            "delist_url": "https://newer-list.example/delist",
            "codes": {"127.0.0.2": ["Listed by the newer list", "spam-source"]}}


def bundled_version(name: str) -> str:
    return resources._manifest_versions(BUNDLED)[name]


def drop(folder, name: str, document, version: str | None) -> None:
    """Put ``document`` (an object, or raw text) into the override folder, with its MANIFEST entry."""
    folder.mkdir(parents=True, exist_ok=True)
    text = document if isinstance(document, str) else json.dumps(document)
    (folder / name).write_text(text, encoding="utf-8")
    if version is not None:
        (folder / "MANIFEST.toml").write_text(f'[files."{name}"]\nversion = "{version}"\n', encoding="utf-8")


def zones_with_new_list():
    document = json.loads((BUNDLED / ZONES).read_text(encoding="utf-8"))
    document["zones"].append(copy.deepcopy(NEW_ZONE))
    return document


@pytest.fixture
def override_dir(isolated_home):
    """The app's override folder for this test; every cached choice is forgotten before and after."""
    resources.reset_for_tests()
    yield isolated_home / "data" / resources.OVERRIDE_DIR_NAME
    resources.reset_for_tests()


def test_newer_valid_override_is_chosen(tmp_path):
    drop(tmp_path, ZONES, zones_with_new_list(), "2099-01-01")
    chosen = resources.choose(ZONES, BUNDLED, tmp_path)
    assert chosen.origin == "override" and chosen.path == tmp_path / ZONES
    assert chosen.version == "2099-01-01" and chosen.bundled_version == bundled_version(ZONES)
    assert chosen.data["zones"][-1]["zone"] == NEW_ZONE["zone"]
    assert "is used" in chosen.note and not chosen.warning


@pytest.mark.parametrize("version, why", [
    ("2001-01-01", "not newer than the kit's"),
    (None, "MANIFEST.toml is missing"),
    ("", "gives no version"),
    ("latest", "not a date or number"),
])
def test_override_without_a_newer_version_is_not_used(tmp_path, version, why):
    drop(tmp_path, ZONES, zones_with_new_list(), version)
    chosen = resources.choose(ZONES, BUNDLED, tmp_path)
    assert chosen.origin == "bundled" and chosen.path == BUNDLED / ZONES
    assert why in chosen.note and chosen.warning
    assert "\n" not in chosen.note


def test_same_version_as_bundled_is_not_newer(tmp_path):
    drop(tmp_path, ZONES, zones_with_new_list(), bundled_version(ZONES))
    assert "not newer" in resources.choose(ZONES, BUNDLED, tmp_path).note


def test_invalid_json_and_schema_mismatch_fall_back_with_the_reason(tmp_path):
    drop(tmp_path, ZONES, '{"zones": [', "2099-01-01")
    assert "not valid JSON" in resources.choose(ZONES, BUNDLED, tmp_path).note
    broken = zones_with_new_list()
    broken["zones"][-1]["delist_ur1"] = "https://typo.example/"
    drop(tmp_path, ZONES, broken, "2099-01-01")
    chosen = resources.choose(ZONES, BUNDLED, tmp_path)
    assert chosen.origin == "bundled"
    assert f"zones[{len(broken['zones']) - 1}].delist_ur1: this key is not allowed here" in chosen.note


def test_files_without_a_schema_cannot_be_replaced(tmp_path):
    (tmp_path / "art").mkdir()
    drop(tmp_path, "art/sbskit.svg", "<svg/>", "2099-01-01")
    chosen = resources.choose("art/sbskit.svg", BUNDLED, tmp_path)
    assert chosen.origin == "bundled" and "only the JSON data files" in chosen.note


def test_no_override_file_means_bundled_without_a_note(tmp_path):
    chosen = resources.choose(ZONES, BUNDLED, tmp_path / "nothing-here")
    assert chosen.origin == "bundled" and chosen.note is None


def test_accessor_uses_the_override_and_versions_say_so(override_dir):
    drop(override_dir, ZONES, zones_with_new_list(), "2099-01-01")
    assert resources.load_json(ZONES)["zones"][-1]["zone"] == NEW_ZONE["zone"]
    assert resources.resource_path(ZONES) == override_dir / ZONES
    assert resources.data_versions()[ZONES] == "2099-01-01 (override)"
    assert resources.data_versions()["maildns.json"] == bundled_version("maildns.json")


def test_accessor_warns_once_and_uses_the_bundled_file(override_dir, monkeypatch):
    broken = zones_with_new_list()
    broken["zones"] = "not a list"
    drop(override_dir, ZONES, broken, "2099-01-01")
    said = []
    monkeypatch.setattr(resources, "on_warning", said.append)
    assert resources.load_json(ZONES)["zones"][0]["zone"] == "zen.spamhaus.org"
    resources.data_sources()  # asking again does not repeat the warning
    assert len(said) == 1 and "zones: expected array, found a string" in said[0]


def test_stray_file_in_the_override_folder_is_named(override_dir):
    drop(override_dir, "dnsbl-zone.json", {}, None)  # a typo in the file name
    notes = [s.note for s in resources.data_sources() if s.origin == "unknown"]
    assert notes == ["resources-override/dnsbl-zone.json is not used: the kit has no data file of that name"]


def test_cli_uses_a_valid_override_and_paths_shows_it(run_cli, isolated_home):
    drop(isolated_home / "data" / "resources-override", ZONES, zones_with_new_list(), "2099-01-01")
    listed = run_cli("blacklist", "--list-zones", "--json")
    assert listed.returncode == 0, listed.stderr
    assert NEW_ZONE["zone"] in [z["zone"] for z in json.loads(listed.stdout)["zones"]]
    assert listed.stderr == ""
    paths = run_cli("paths", "--json")
    doc = json.loads(paths.stdout)
    assert doc["resources_override"] == str(isolated_home / "data" / "resources-override")
    entry = next(f for f in doc["data_files"] if f["file"] == ZONES)
    assert entry["source"] == "override" and entry["version"] == "2099-01-01"
    assert "newer than the kit's" in run_cli("paths").stdout


def test_cli_falls_back_with_one_warning_line(run_cli, isolated_home):
    broken = zones_with_new_list()
    broken["zones"][0]["targets"] = ["ipv5"]
    drop(isolated_home / "data" / "resources-override", ZONES, broken, "2099-01-01")
    listed = run_cli("blacklist", "--list-zones", "--json")
    assert listed.returncode == 0
    assert NEW_ZONE["zone"] not in listed.stdout
    lines = listed.stderr.splitlines()
    assert len(lines) == 1, listed.stderr
    assert lines[0].startswith("sbskit-cli: warning: resources-override/dnsbl-zones.json is not used: ")
    assert "zones[0].targets[0]" in lines[0] and "uses its own copy" in lines[0]


def test_about_box_names_the_override(qtbot, override_dir):
    from sbskit.ui.shell.main_window import MainWindow

    drop(override_dir, ZONES, zones_with_new_list(), "2099-01-01")
    window = MainWindow()
    qtbot.addWidget(window)
    text = window.about_text()
    assert "2099-01-01 (override)" in text
    assert "resources-override/dnsbl-zones.json is used" in text


def test_paths_still_answers_when_the_data_files_are_missing(tmp_path, isolated_home):
    """`paths` is how a broken installation is diagnosed: the kit's code without its resources folder."""
    import shutil
    import subprocess
    import sys

    app = tmp_path / "app"
    shutil.copytree(BUNDLED.parent / "app" / "sbskit", app / "sbskit",
                    ignore=shutil.ignore_patterns("__pycache__"))
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(app), "SBSKIT_HOME": str(isolated_home)}
    proc = subprocess.run([sys.executable, "-m", "sbskit.cli", "paths", "--json"], capture_output=True,
                          text=True, timeout=60, env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["resources"] is None and doc["data_files"] == []
    text = subprocess.run([sys.executable, "-m", "sbskit.cli", "paths"], capture_output=True, text=True,
                          timeout=60, env=env, cwd=tmp_path).stdout
    assert "data files: SBS Admin Kit data files are missing" in text
