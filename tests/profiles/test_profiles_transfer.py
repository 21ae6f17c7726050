"""Export a profile with its history, import it on another stick; bad files are clear errors."""

from __future__ import annotations

import json

import pytest

from sbskit.core.errors import UserInputError
from sbskit.core.profiles import ProfileStore
from sbskit.core.profiles.transfer import export_profile, export_to_file, import_from_file, import_profile


@pytest.fixture
def filled(store, bl):
    store.add("Acme", ips=["192.0.2.7"], domains=["example.com"], mail_hosts=["mail.example.com"], notes="n",
              checklist={"a": True})
    store.add_run("acme", "blacklist", bl("192.0.2.7", {"z.example": "listed"}), at="2026-03-03T09:00:00Z")
    store.add_run("acme", "blacklist", bl("192.0.2.7", {"z.example": "clean"}), at="2026-04-03T09:00:00Z")
    return store


def test_export_import_round_trip_to_another_stick(filled, tmp_path):
    out = tmp_path / "acme.json"
    assert export_to_file(filled, "ACME", out) == 2
    with ProfileStore(tmp_path / "other-stick.sqlite3") as other:
        assert import_from_file(other, out) == ("Acme", 2)
        original, copy = filled.get("acme"), other.get("acme")
        assert copy.to_json() | {"updated": ""} == original.to_json() | {"updated": ""}
        assert [(r.at, r.kind, r.target, r.counts) for r in other.runs("acme")] == [
            (r.at, r.kind, r.target, r.counts) for r in filled.runs("acme")]
        assert [c.item for c in other.compare_latest("acme", "blacklist").buckets["fixed"]] == ["z.example"]


def test_import_conflicts_rename_and_replace(filled):
    doc = export_profile(filled, "acme")
    with pytest.raises(UserInputError, match="already exists"):
        import_profile(filled, doc)
    assert import_profile(filled, doc, new_name="Acme (copy)") == ("Acme (copy)", 2)
    filled.add_run("acme", "relaytest", {"host": "::1", "open_relay": False})
    assert import_profile(filled, doc, replace=True) == ("Acme", 2)
    assert len(filled.runs("acme")) == 2  # the replaced profile's extra run is gone


def test_a_bad_run_in_an_import_leaves_nothing_behind(filled, tmp_path):
    doc = export_profile(filled, "acme")
    doc["runs"][1]["document"] = {"targets": "garbage"}
    with ProfileStore(tmp_path / "other.sqlite3") as other:
        with pytest.raises(UserInputError, match="run 2 of the profile export"):
            import_profile(other, doc)
        assert other.list_profiles() == []
    with pytest.raises(UserInputError, match="run 2"):
        import_profile(filled, doc, replace=True)
    assert len(filled.runs("acme")) == 2  # replace was rolled back too


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"   \n", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks binary"),
        (b"\xff\xfe\xff", "not UTF-8"),
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "not an SBS Admin Kit profile export"),
        (b'{"format": "sbskit-profile", "format_version": 9}', "format version 9"),
        (b'{"format": "sbskit-profile", "format_version": 1, "profile": {"name": "x", "ips": ["bad"]}, "runs": []}',
         "not an IPv4"),
        (b'{"format": "sbskit-profile", "format_version": 1, "profile": {"name": "x"}, "runs": [7]}', "malformed"),
        (b"[" * 100000 + b"]" * 100000, "nested too deeply|not valid JSON"),
    ],
)
def test_bad_import_files(store, tmp_path, content, message):
    path = tmp_path / "in.json"
    path.write_bytes(content)
    with pytest.raises(UserInputError, match=message):
        import_from_file(store, path)
    assert store.list_profiles() == []


def test_utf16_and_bom_exports_are_read(store, tmp_path):
    doc = {"format": "sbskit-profile", "format_version": 1, "profile": {"name": "Zoë"}, "runs": []}
    for encoding, name in (("utf-16", "A"), ("utf-8-sig", "B")):
        doc["profile"]["name"] = f"Zoë {name}"
        path = tmp_path / f"{name}.json"
        path.write_bytes(json.dumps(doc, ensure_ascii=False).encode(encoding))
        assert import_from_file(store, path)[0] == f"Zoë {name}"


def test_missing_file_and_folder(store, tmp_path):
    with pytest.raises(UserInputError, match="cannot read"):
        import_from_file(store, tmp_path / "nope.json")
    with pytest.raises(UserInputError, match="is a folder"):
        import_from_file(store, tmp_path)


def test_huge_file_is_refused_without_reading_it_all(store, tmp_path):
    from sbskit.core.profiles.transfer import read_json_file

    path = tmp_path / "big.json"
    path.write_bytes(b" " * 2_000_001)
    with pytest.raises(UserInputError, match="too large"):
        read_json_file(path, limit=2_000_000)
