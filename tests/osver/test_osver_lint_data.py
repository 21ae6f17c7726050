"""The simulated computers the script checker runs on: built from windows-releases.json and
script-outputs.json, consistent with each other for every release and language."""

from __future__ import annotations

import pytest

from sbskit.core.osver.releases import load_table
from sbskit.core.osver.scripteval.machines import LANGUAGES, data, machines
from sbskit.core.osver.scripteval.meaning import meaning_of

ALL = machines()
NT = [m for m in ALL if m.is_nt]


def test_every_release_in_every_language():
    assert len(ALL) == len(load_table().releases) * len(LANGUAGES)
    assert set(data()["languages"]) == set(LANGUAGES)
    assert [m.idx for m in ALL] == list(range(len(ALL)))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_ver_line_has_the_word_and_the_version(lang):
    word = data()["languages"][lang]["ver_word"]
    for m in (m for m in NT if m.lang == lang and m.release.build != 1381):
        assert f"[{word} {m.release.version_text}" in m.ver_line, m.ver_line
        if m.release.major >= 10:
            assert m.ver_line.endswith(f".{m.ubr}]")


def test_captions_name_their_own_release():
    """The meaning reader, applied to each release's own caption, must include that release."""
    for m in (m for m in NT if m.lang == "en"):
        meaning = meaning_of(m.caption)
        assert meaning is not None and m.release.id in meaning.releases, (m.release.id, m.caption)


def test_registry_facts_that_scripts_trip_over():
    by = {(m.release.id, m.lang): m for m in ALL}
    w11 = by[("win11-23h2", "en")]
    assert w11.reg_value("HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion", "ProductName")[1].startswith("Windows 10")
    assert w11.reg_value("HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion", "CurrentVersion")[1] == "6.3"
    assert w11.reg_value("HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion", "ReleaseId")[1] == "2009"
    assert w11.reg_value("HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion", "UBR")[1] == hex(w11.ubr)
    xp = by[("xp-sp3", "en")]
    assert "Obsolete" in xp.reg_value("HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion", "CurrentBuild")[1]
    assert by[("sbs2011-std", "en")].reg_value("HKLM\\SYSTEM\\CurrentControlSet\\Control\\ProductOptions",
                                               "ProductType")[1] == "LanmanNT"


def test_tools_per_release():
    by = {m.release.id: m for m in ALL if m.lang == "en"}
    assert "wmic" not in by["win11-24h2"].tools and "wmic" not in by["ws2025"].tools
    assert "wmic" in by["win11-23h2"].tools
    assert "reg" not in by["w2k-pro"].tools and "systeminfo" not in by["nt4-ws"].tools
    assert by["win7-sp1"].ps_version == "2.0" and by["win10-22h2"].ps_version == "5.1"
    assert by["xp-sp3"].ps_version is None


@pytest.mark.parametrize("lang", LANGUAGES)
def test_systeminfo_is_localized(lang):
    labels = data()["languages"][lang]["sysinfo"]
    m = next(m for m in NT if m.lang == lang and m.release.id == "win10-22h2")
    text = "\n".join(m.sysinfo_lines)
    assert f"{labels['os_name']}:" in text and f"{labels['os_version']}:" in text and "19045" in text
    assert m.wmi()["version"] == "10.0.19045"  # WMI has no UBR
