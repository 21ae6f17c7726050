"""The simulated computers the script checker runs on: built from windows-releases.json and
script-outputs.json, consistent with each other for every release and language."""

from __future__ import annotations

import pytest

from sbskit.core.osver.releases import load_table
from sbskit.core.osver.scripteval.machines import LANGUAGES, data, machines, sim_releases
from sbskit.core.osver.scripteval.meaning import meaning_of

ALL = machines()
NT = [m for m in ALL if m.is_nt]


def test_every_release_in_every_language():
    dcs = data()["domain_controllers"]["releases"]
    assert len(sim_releases()) == len(load_table().releases) + len(dcs)
    assert len(ALL) == len(sim_releases()) * len(LANGUAGES)
    assert set(data()["languages"]) == set(LANGUAGES)
    assert [m.idx for m in ALL] == list(range(len(ALL)))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_ver_line_has_the_word_and_the_version(lang):
    word = data()["languages"][lang]["ver_word"]
    for m in (m for m in NT if m.lang == lang and m.release.build != 1381):
        assert f"[{word} {m.release.version_text}" in m.ver_line, m.ver_line
        if m.release.major >= 10 and m.release.build >= 16299:
            assert m.ver_line.endswith(f".{m.ubr}]")
        elif m.release.major >= 10:  # 1507-1703 print no patch level: "[Version 10.0.10586]"
            assert m.ver_line.endswith(f"{m.release.version_text}]") and m.ubr is not None


def test_ver_shapes_of_real_captures():
    by = {m.release.id: m for m in NT if m.lang == "en"}
    assert by["w2k-pro"].ver_line == "Microsoft Windows 2000 [Version 5.00.2195]"
    assert by["nt4-ws"].ver_line == "Windows NT Version 4.0"
    assert by["xp-x64"].ver_line == "Microsoft Windows [Version 5.2.3790]"
    assert by["win10-1511"].ver_line == "Microsoft Windows [Version 10.0.10586]"
    assert by["ws2016"].ver_line == "Microsoft Windows [Version 10.0.14393]"
    assert by["win10-1709"].ver_line == "Microsoft Windows [Version 10.0.16299.125]"
    ru = next(m for m in NT if m.lang == "ru" and m.release.id == "win7-sp1")
    assert "\u0412\u0435\u0440\u0441\u0438\u044f 6.1.7601" in ru.ver_line  # "Версия"


def test_xp_x64_is_64_bit_in_every_service_pack_and_servers_can_be_domain_controllers():
    by = {m.release.id: m for m in NT if m.lang == "en"}
    for rid in ("xp-x64", "xp-x64-sp2"):
        assert by[rid].env()["PROCESSOR_ARCHITECTURE"] == "AMD64"
    assert by["xp-sp3"].env()["PROCESSOR_ARCHITECTURE"] == "x86"
    dc, member = by["ws2003-sp2-dc"], by["ws2003-sp2"]
    assert dc.product_type == 2 and member.product_type == 3 and dc.wmi()["producttype"] == 2
    assert dc.release.label == "Windows Server 2003 SP2 (domain controller)"
    assert dc.reg_value("HKLM\\SYSTEM\\CurrentControlSet\\Control\\ProductOptions", "ProductType")[1] == "LanmanNT"
    assert dc.caption == member.caption and dc.ver_line == member.ver_line


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
