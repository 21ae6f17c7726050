"""Identification: narrowing by hints, ambiguity explanations, script notes, support today."""

from __future__ import annotations

import datetime

import pytest

from sbskit.core.errors import UserInputError
from sbskit.core.osver.identify import identify_text


def labels(result):
    return [r.label for r in result.matches]


def test_shared_build_lists_every_product_and_how_to_tell_them_apart():
    result = identify_text("6.0.6001")
    assert set(labels(result)) == {"Windows Vista SP1", "Windows Server 2008 SP1", "Windows Small Business Server 2008",
                                   "Windows Essential Business Server 2008"}
    assert "ProductType" in result.ambiguity and "OperatingSystemSKU" in result.ambiguity


@pytest.mark.parametrize("text,expected", [
    ("Version : 6.0.6001\nProductType : 1", ["Windows Vista SP1"]),
    ("Version : 6.0.6001\nProductType : 2\nOperatingSystemSKU : 9", ["Windows Small Business Server 2008"]),
    ("Version : 6.0.6001\nProductType : 3\nOperatingSystemSKU : 30", ["Windows Essential Business Server 2008"]),
    ("Version : 10.0.26100\nInstallationType : Server Core", ["Windows Server 2025"]),
    ("Version : 10.0.19044\nEditionID : EnterpriseS", ["Windows 10 Enterprise LTSC 2021"]),
    ("Version : 10.0.17763\nCaption : Microsoft Windows Server Datacenter\nProductType : 3",
     ["Windows Server, version 1809"]),
    ("Version : 6.1.7601\nCaption : Microsoft Windows Home Server 2011\nProductType : 3", ["Windows Home Server 2011 SP1"]),
    ("Version : 5.1.2600\nCSDVersion : Service Pack 2", ["Windows XP SP2"]),
    ("Version : 5.2.3790\nProductType : 1", ["Windows XP Professional x64 Edition",
                                             "Windows XP Professional x64 Edition SP2"]),
    ("Version : 5.2.3790\nProductType : 1\nCSDVersion : Service Pack 2", ["Windows XP Professional x64 Edition SP2"]),
    ("Version : 5.2.3790\nProductType : 1\nCSDVersion : Service Pack 1", ["Windows XP Professional x64 Edition"]),
    ("Version : 10.0.19044\nEditionID : IoTEnterpriseS", ["Windows 10 IoT Enterprise LTSC 2021"]),
    ("Version : 10.0.26100\nOperatingSystemSKU : 191", ["Windows 11 IoT Enterprise LTSC 2024"]),
    ("Version : 10.0.26100\nOperatingSystemSKU : 125", ["Windows 11 Enterprise LTSC 2024"]),
    ("Version : 5.2.3790\nCaption : Microsoft(R) Windows(R) Server 2003 R2, Standard Edition\n"
     "CSDVersion : Service Pack 1\nProductType : 3", ["Windows Server 2003 R2"]),
    ("Version : 5.2.3790\nCaption : Microsoft(R) Windows(R) Server 2003 for Small Business Server\n"
     "CSDVersion : Service Pack 2\nProductType : 2", ["Windows Small Business Server 2003"]),
    ("Version : 4.0.1381\nCSDVersion : Service Pack 6\nProductType : 1", ["Windows NT 4.0 Workstation"]),
])
def test_hints_narrow_the_candidates(text, expected):
    assert labels(identify_text(text)) == expected


def test_contradicting_hint_is_reported_not_obeyed():
    result = identify_text("Version : 10.0.22000\nProductType : 3")
    assert labels(result) == ["Windows 11 21H2"]
    assert result.conflicts


def test_edition_picks_the_servicing_channel(today):
    pro = identify_text("Caption : Microsoft Windows 11 Pro\nVersion : 10.0.26100\nProductType : 1").to_doc(today)
    ent = identify_text("Caption : Microsoft Windows 11 Enterprise\nVersion : 10.0.26100\nProductType : 1").to_doc(today)
    assert pro["matches"][0]["supported"] is False and pro["matches"][0]["end_of_support"] == "2026-10-13"
    assert ent["matches"][0]["supported"] is True and ent["matches"][0]["end_of_support"] == "2027-10-12"


def test_contract_keys_and_values(today):
    doc = identify_text("6.0.6001").to_doc(today)
    for key in ("input_kind", "version", "major", "minor", "build", "revision", "matches"):
        assert key in doc
    vista = next(m for m in doc["matches"] if m["product"] == "Windows Vista")
    assert vista == {**vista, "service_pack": "SP1", "release": None, "family": "client",
                     "end_of_support": "2017-04-11", "supported": False}
    assert doc["version"] == "6.0.6001" and doc["major"] == 6 and doc["build"] == 6001


def test_status_is_computed_for_the_day_given():
    early = identify_text("10.0.19045").to_doc(datetime.date(2025, 1, 1))
    late = identify_text("10.0.19045").to_doc(datetime.date(2026, 11, 28))
    assert early["matches"][0]["supported"] is True
    assert late["matches"][0]["supported"] is False


def test_script_notes_explain_the_build():
    notes = " ".join(identify_text("6.0.6002").script_notes)
    assert "6003" in notes
    notes = " ".join(identify_text("10.0.22631").script_notes)
    assert "22000" in notes and "ProductName" in notes and "enablement" in notes


def test_unknown_build_is_explained():
    result = identify_text("10.0.27842")
    assert not result.matches
    assert "not a released build" in result.unknown_build
    result = identify_text("10.0.29999")
    assert "newer than every release" in result.unknown_build


def test_windows_10_product_name_on_windows_11_is_corrected():
    result = identify_text("    ProductName    REG_SZ    Windows 10 Enterprise\n    CurrentBuildNumber    REG_SZ    22631\n"
                           "    CurrentMajorVersionNumber    REG_DWORD    0xa\n")
    assert labels(result) == ["Windows 11 23H2"]


@pytest.mark.parametrize("text", ["", "no version here", "\x00\x01\x02binary\x00" * 10, "11.0.30000"])
def test_unusable_input(text):
    with pytest.raises(UserInputError):
        identify_text(text)


def test_endoflife_vista_sp2_typo_is_explained():
    result = identify_text("6.0.6200")
    assert not result.matches and "6.0.6002" in result.unknown_build and "endoflife.date" in result.unknown_build


def test_local_registry_values_are_read_like_scripts_should():
    """The conversion the local reader applies to winreg's values (DWORDs as int)."""
    from sbskit.core.osver.identify import identify_facts
    from sbskit.core.osver.local import facts_from_registry

    cv = {"currentversion": "6.3", "currentbuildnumber": "26100", "currentmajorversionnumber": 10,
          "currentminorversionnumber": 0, "ubr": 2314, "productname": "Windows 10 Pro", "editionid": "Professional",
          "installationtype": "Client", "displayversion": "24H2"}
    result = identify_facts(facts_from_registry(cv, {"producttype": "WinNT"}))
    assert [r.label for r in result.matches] == ["Windows 11 24H2"]
    assert result.facts.revision == 2314 and result.channel == "Home/Pro"
    server = facts_from_registry({"currentversion": "6.0", "currentbuildnumber": "6003", "csdversion": "Service Pack 2",
                                  "productname": "Windows Server (R) 2008 Standard"}, {"producttype": "LanmanNT"})
    assert [r.label for r in identify_facts(server).matches] == ["Windows Server 2008 SP2 (build 6003)"]


from sbskit.core.osver.releases import load_table  # noqa: E402

ALL = load_table().releases


@pytest.mark.parametrize("release", ALL, ids=[r.id for r in ALL])
def test_every_release_round_trips_through_its_ver_line(release):
    result = identify_text(release.ver_line(revision=1234 if release.major >= 10 else None))
    assert release in result.matches


@pytest.mark.parametrize("release", [r for r in ALL if r.kind != "9x"], ids=[r.id for r in ALL if r.kind != "9x"])
def test_every_release_is_found_from_its_caption_and_product_type(release):
    lines = [f"Caption : Microsoft {release.product}", f"Version : {release.version}",
             f"ProductType : {1 if release.family == 'client' else 3}"]
    if release.service_pack:
        lines.append(f"CSDVersion : Service Pack {release.service_pack[2:]}")
    result = identify_text("\n".join(lines) + "\n")
    assert release in result.matches, [r.label for r in result.matches]


SPECIFIC = [r for r in ALL if r.kind in ("sbs", "ebs", "essentials", "home-server", "ltsc")]


@pytest.mark.parametrize("release", SPECIFIC, ids=[r.id for r in SPECIFIC])
def test_edition_names_win_over_the_plain_server_name(release):
    text = (f"Caption : Microsoft {release.product}\nVersion : {release.version}\n"
            f"ProductType : {1 if release.family == 'client' else 2}\n")
    if release.service_pack:
        text += f"CSDVersion : Service Pack {release.service_pack[2:]}\n"
    assert [r.label for r in identify_text(text).matches] == [release.label]


def test_sku_alone_tells_client_from_server():
    assert [r.label for r in identify_text("Version : 10.0.14393\nOperatingSystemSKU : 48\n").matches] == ["Windows 10 1607"]
    assert [r.label for r in identify_text("Version : 10.0.14393\nOperatingSystemSKU : 7\n").matches] == [
        "Windows Server 2016"]
