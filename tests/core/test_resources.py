"""The one resource accessor finds the data files from a checkout and from an installed wheel."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from sbskit.core import resources

REPO = Path(__file__).resolve().parents[2]


def test_checkout_finds_top_level_resources():
    root = resources.resources_root()
    assert root == REPO / "resources"
    assert resources.resource_path("art", "sbskit.svg").read_text(encoding="utf-8").startswith("<svg")


def test_every_manifest_entry_exists_and_has_a_version():
    versions = resources.data_versions()
    assert versions, "MANIFEST.toml lists no files"
    for name, version in versions.items():
        assert resources.resource_path(*name.split("/")).is_file(), name
        assert version and version != "?", name


def test_missing_file_is_a_clear_error():
    with pytest.raises(FileNotFoundError, match="no-such-file.json"):
        resources.resource_path("no-such-file.json")


@pytest.mark.slow
def test_installed_wheel_finds_its_bundled_resources(tmp_path):
    wheel_dir = tmp_path / "wheel"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(wheel_dir), str(REPO)],
        capture_output=True, text=True, timeout=300,
    )
    assert build.returncode == 0, build.stdout[-2000:] + build.stderr[-2000:]
    (wheel,) = wheel_dir.glob("sbskit-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    assert "sbskit/resources/MANIFEST.toml" in names
    target = tmp_path / "site"
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(target)
    probe = (
        "import sbskit.core.resources as r; print(r.resources_root()); "
        "print(r.resource_path('art', 'sbskit.svg').is_file())"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60,
        cwd=tmp_path, env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, proc.stderr
    root, exists = proc.stdout.split()
    assert Path(root) == target / "sbskit" / "resources"
    assert exists == "True"
