"""The build helpers: the committed .ico matches the SVG, and the version resource matches the package."""

from __future__ import annotations

import ast
import importlib.util
import struct
from pathlib import Path

import pytest

import sbskit

REPO = Path(__file__).resolve().parents[2]
ICO = REPO / "resources" / "art" / "sbskit.ico"
SVG = REPO / "resources" / "art" / "sbskit.svg"


def load(name: str):
    spec = importlib.util.spec_from_file_location(f"sbskit_packaging_{name}", REPO / "packaging" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_icon = load("make_icon")
version_info = load("version_info")


# --- icon ---------------------------------------------------------------------------------
def test_committed_ico_has_every_size_windows_asks_for():
    entries = make_icon.read_ico(ICO.read_bytes())
    sizes = [e["size"] for e in entries]
    assert sizes == list(make_icon.SIZES)
    for entry in entries:
        assert entry["bits"] == 32 and entry["planes"] == 1
        assert entry["height"] == entry["size"]
        if entry["size"] >= 256:
            assert entry["format"] == "png"
            width, height = struct.unpack(">II", entry["data"][16:24])
        else:
            assert entry["format"] == "dib"
            _hdr, width, double_height, _planes, bits = struct.unpack_from("<IiiHH", entry["data"], 0)
            height = double_height // 2
            assert bits == 32
            mask_stride = ((width + 31) // 32) * 4
            assert len(entry["data"]) == 40 + width * height * 4 + mask_stride * height
        assert (width, height) == (entry["size"], entry["size"])


def test_read_ico_rejects_other_files():
    with pytest.raises(ValueError):
        make_icon.read_ico(SVG.read_bytes())
    truncated = ICO.read_bytes()[:200]
    with pytest.raises(ValueError, match="past the end"):
        make_icon.read_ico(truncated)


def _mean_difference(a: bytes, b: bytes) -> float:
    assert len(a) == len(b)
    return sum(abs(x - y) for x, y in zip(a, b)) / len(a)


@pytest.mark.gui
@pytest.mark.parametrize("size", [16, 48, 256])
def test_ico_decoded_by_qt_matches_the_svg(qapp, size):
    """Qt's own ICO reader (an independent decoder) sees the SVG's picture at each size.

    A stale .ico (SVG changed, script not rerun) or a broken DIB/PNG encoder fails here.
    """
    from PySide6.QtGui import QImage, QImageReader

    reader = QImageReader(str(ICO))
    assert reader.imageCount() == len(make_icon.SIZES)
    decoded = None
    for index in range(reader.imageCount()):
        reader.jumpToImage(index)
        image = reader.read()
        if image.width() == size:
            decoded = image
            break
    assert decoded is not None and decoded.height() == size
    decoded = decoded.convertToFormat(QImage.Format.Format_RGBA8888)
    stride = decoded.bytesPerLine()
    bits = bytes(decoded.constBits())
    got = b"".join(bits[y * stride : y * stride + size * 4] for y in range(size))
    expected = make_icon.render_rgba(SVG, size)
    # same pixels, up to rounding in premultiplied-alpha conversions
    assert _mean_difference(got, expected) < 2.0
    # and not a blank image that would trivially match a blank rendering
    assert len(set(expected[3::4])) > 1


@pytest.mark.gui
def test_make_icon_writes_a_readable_ico(qapp, tmp_path):
    out = tmp_path / "kit.ico"
    assert make_icon.main(["--out", str(out)]) == 0
    assert [e["size"] for e in make_icon.read_ico(out.read_bytes())] == list(make_icon.SIZES)


def test_icon_is_registered_in_the_manifest():
    from sbskit.core.resources import data_versions

    assert "art/sbskit.ico" in data_versions()


# --- version resource ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "version, expected",
    [
        ("0.1.0", (0, 1, 0, 0)),
        ("1.2.3.4", (1, 2, 3, 4)),
        ("2.0", (2, 0, 0, 0)),
        ("0.2.1rc1", (0, 2, 1, 0)),
        ("1.0.0.dev3", (1, 0, 0, 0)),
        ("70000.1", (65535, 1, 0, 0)),
    ],
)
def test_version_tuple(version, expected):
    assert version_info.version_tuple(version) == expected


def test_version_tuple_needs_a_number():
    with pytest.raises(ValueError):
        version_info.version_tuple("dev")


def test_package_version_is_read_without_importing(tmp_path):
    init = tmp_path / "__init__.py"
    init.write_text('"""doc"""\nimport does_not_exist\n__version__ = "9.8.7"\n', encoding="utf-8")
    assert version_info.package_version(init) == "9.8.7"
    assert version_info.package_version() == sbskit.__version__
    init.write_text("VERSION = 1\n", encoding="utf-8")
    with pytest.raises(ValueError):
        version_info.package_version(init)


def _calls(tree: ast.AST, name: str) -> list[ast.Call]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", None) == name]


def test_version_file_is_a_vsversioninfo_expression_with_the_package_version(tmp_path):
    path = version_info.write_version_file(tmp_path / "v.txt", "sbskit-cli", "SBS Admin Kit command line")
    tree = ast.parse(path.read_text(encoding="utf-8"), mode="eval")
    assert getattr(tree.body.func, "id", None) == "VSVersionInfo"
    strings = {ast.literal_eval(c.args[0]): ast.literal_eval(c.args[1]) for c in _calls(tree, "StringStruct")}
    assert strings["FileVersion"] == strings["ProductVersion"] == sbskit.__version__
    assert strings["OriginalFilename"] == "sbskit-cli.exe"
    assert strings["InternalName"] == "sbskit-cli"
    assert strings["ProductName"] == "SBS Admin Kit"
    (ffi,) = _calls(tree, "FixedFileInfo")
    kwargs = {k.arg: k.value for k in ffi.keywords}
    expected = version_info.version_tuple(sbskit.__version__)
    assert ast.literal_eval(kwargs["filevers"]) == expected
    assert ast.literal_eval(kwargs["prodvers"]) == expected


@pytest.fixture
def pyi_versioninfo(monkeypatch):
    """PyInstaller's version-resource module, loadable off Windows.

    It imports ``pefile`` and ``win32api``, Windows-only helpers that its loader and serializer
    do not use; off Windows, placeholders stand in for them while the test runs.
    """
    import importlib
    import sys
    import types

    from PyInstaller import compat

    try:
        import pefile  # noqa: F401
    except ImportError:
        monkeypatch.setitem(sys.modules, "pefile", types.ModuleType("pefile"))
    if not hasattr(compat, "win32api"):
        monkeypatch.setattr(compat, "win32api", None, raising=False)
    name = "PyInstaller.utils.win32.versioninfo"
    saved = sys.modules.pop(name, None)
    try:
        yield importlib.import_module(name)
    finally:
        sys.modules.pop(name, None)
        if saved is not None:
            sys.modules[name] = saved


def test_pyinstaller_reads_the_version_file_into_a_binary_resource(tmp_path, pyi_versioninfo):
    """PyInstaller's own loader turns the file into the RT_VERSION bytes Windows shows in Details."""
    path = version_info.write_version_file(tmp_path / "v.txt", "sbskit", "SBS Admin Kit")
    info = pyi_versioninfo.load_version_info_from_text_file(str(path))
    raw = info.toRaw()
    expected = version_info.version_tuple(sbskit.__version__)
    assert (info.ffi.fileVersionMS >> 16, info.ffi.fileVersionMS & 0xFFFF,
            info.ffi.fileVersionLS >> 16, info.ffi.fileVersionLS & 0xFFFF) == expected
    # the strings are stored as UTF-16LE in the resource
    for text in ("FileVersion", sbskit.__version__, "sbskit.exe", "SBS Admin Kit"):
        assert text.encode("utf-16-le") in raw, text
    assert raw[:2] == struct.pack("<H", len(raw))  # VS_VERSIONINFO's wLength is the whole block


def test_the_portable_cli_benchmark_finds_its_bind_server_from_any_folder(tmp_path):
    """It failed with ModuleNotFoundError: blacklist_bind; it must import servers.bind like every BIND user."""
    import os
    import subprocess
    import sys

    bench = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_portable_cli.py"
    code = ("import runpy; g = runpy.run_path(%r, run_name='bench'); server, ip, build = g['bind_world'](); "
            "print(server.__module__, ip, build.__module__)" % str(bench))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split()[0] == "servers.bind" and proc.stdout.split()[2] == "blacklist_world"


def test_build_help_agrees_with_the_readme_on_the_stick_layout():
    """packaging/README.md recommends the one-folder layout for the stick; build.py --help must not say otherwise."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, str(root / "packaging" / "build.py"), "--help"], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    text = " ".join(proc.stdout.split())
    assert "recommended USB stick layout" in text and "onedir (default)" in text
    assert "single executables for a USB stick" not in text
    readme = " ".join((root / "packaging" / "README.md").read_text(encoding="utf-8").split())
    assert "It is the recommended stick layout" in readme
