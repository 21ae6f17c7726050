"""Parsing corpus: real output shapes of ver, systeminfo, wmic, reg query and PowerShell."""

from __future__ import annotations

import pytest

from sbskit.core.errors import UserInputError
from sbskit.core.osver.identify import identify_text
from sbskit.core.osver.parse import parse_text
from sbskit.core.osver.textio import read_file

CORPUS_CASES = [
    # file, input_kind, version, revision, labels
    ("ver-win10-22h2-en.txt", "ver", "10.0.19045", 3803, {"Windows 10 22H2"}),
    ("ver-win11-23h2-es.txt", "ver", "10.0.22631", 2861, {"Windows 11 23H2"}),
    ("ver-win7-ru.txt", "ver", "6.1.7601", None, {"Windows 7 SP1", "Windows Server 2008 R2 SP1",
                                                  "Windows Small Business Server 2011 Standard SP1",
                                                  "Windows Small Business Server 2011 Essentials SP1",
                                                  "Windows Home Server 2011 SP1"}),
    ("systeminfo-sbs2011-en.txt", "systeminfo", "6.1.7601", None, {"Windows Small Business Server 2011 Standard SP1"}),
    ("systeminfo-win10-de.txt", "systeminfo", "10.0.19045", None, {"Windows 10 22H2"}),
    ("systeminfo-2008-fr.txt", "systeminfo", "6.0.6003", None, {"Windows Server 2008 SP2 (build 6003)"}),
    ("reg-win11-23h2.txt", "registry", "10.0.22631", 2861, {"Windows 11 23H2"}),
    ("reg-2012r2.reg", "registry", "6.3.9600", 0x4E3A, {"Windows Server 2012 R2"}),
    ("ps-osversion.txt", "powershell", "10.0.20348", None, {"Windows Server 2022"}),
    ("ps-cim-list.txt", "powershell", "10.0.17763", None, {"Windows Server 2019"}),
    ("ps-psversiontable-7.txt", "powershell", "10.0.26100", None,
     {"Windows 11 24H2", "Windows 11 Enterprise LTSC 2024", "Windows 11 IoT Enterprise LTSC 2024",
      "Windows Server 2025"}),
    ("wmic-2008sp2.txt", "wmic", "6.0.6002", None, {"Windows Server 2008 SP2"}),
    ("wmic-value-win7.txt", "wmic", "6.1.7601", None, {"Windows 7 SP1"}),
]


@pytest.mark.parametrize("name,kind,version,revision,labels", CORPUS_CASES, ids=[c[0] for c in CORPUS_CASES])
def test_corpus_file(corpus, name, kind, version, revision, labels):
    text, _encoding = read_file(corpus / name)
    result = identify_text(text)
    assert result.facts.kind == kind
    assert result.facts.version == version
    assert result.facts.revision == revision
    assert {r.label for r in result.matches} == labels


def test_wmic_is_utf16_with_doubled_carriage_returns(corpus):
    raw = (corpus / "wmic-2008sp2.txt").read_bytes()
    assert raw.startswith(b"\xff\xfe") and "\r\r\n".encode("utf-16-le") in raw
    text, encoding = read_file(corpus / "wmic-2008sp2.txt")
    assert encoding == "utf-16-le"


def test_utf16_without_bom_is_detected():
    from sbskit.core.osver.textio import decode_bytes

    text, encoding = decode_bytes("Version\r\r\n10.0.17763\r\r\n".encode("utf-16-le"))
    assert encoding == "utf-16-le"
    assert parse_text(text).build == 17763


@pytest.mark.parametrize("text,version,revision", [
    ("Microsoft Windows [Version 10.0.19045.3803]", "10.0.19045", 3803),
    ("Microsoft Windows [version 10.0.19045.3803]", "10.0.19045", 3803),  # French: lower-case
    ("Microsoft Windows [Versão 10.0.22621.2861]", "10.0.22621", 2861),
    ("Microsoft Windows [版本 10.0.26100.2314]", "10.0.26100", 2314),
    ("Microsoft Windows [Sürüm 10.0.19045.4291]", "10.0.19045", 4291),
    ("Microsoft Windows [Έκδοση 6.3.9600]", "6.3.9600", None),
    ("Microsoft Windows [Wersja 6.2.9200]", "6.2.9200", None),
    ("Microsoft Windows [Version 6.0.6002]", "6.0.6002", None),
    ("Microsoft Windows XP [Version 5.1.2600]", "5.1.2600", None),
    ("Microsoft Windows [Version 5.2.3790]", "5.2.3790", None),
    ("Microsoft Windows 2000 [Version 5.00.2195]", "5.0.2195", None),
    ("Windows NT Version 4.0  ", "4.0.1381", None),
    ("Windows 98 [Version 4.10.1998]", "4.10.1998", None),
    ("Windows 95. [Version 4.00.950]", "4.0.950", None),
    ("Windows Millennium [Version 4.90.3000]", "4.90.3000", None),
])
def test_ver_in_any_language_and_era(text, version, revision):
    facts = parse_text(text)
    assert facts.kind == "ver"
    assert facts.version == version
    assert facts.revision == revision


def test_windows_2000_note_mentions_five_double_zero():
    assert any("5.00" in n for n in parse_text("Microsoft Windows 2000 [Version 5.00.2195]").notes)


@pytest.mark.parametrize("text,kind,build", [
    ("6.0.6001", "version", 6001),
    ("10.0.22631.4460", "version", 22631),
    ("19045", "build", 19045),
    ("build 7601", "build", 7601),
    ("Version 22H2 (OS Build 22621.2861)", "winver", 22621),
])
def test_bare_versions_and_builds(text, kind, build):
    facts = parse_text(text)
    assert (facts.kind, facts.build) == (kind, build)


def test_registry_hex_ubr_and_frozen_current_version(corpus):
    facts = parse_text(read_file(corpus / "reg-win11-23h2.txt")[0])
    assert (facts.major, facts.minor, facts.build, facts.revision) == (10, 0, 22631, 0xB2D)
    assert facts.product_text == "Windows 11 Pro"  # ProductName lies: corrected for build 22000+
    assert any("Windows 11" in n for n in facts.notes)
    assert any("ReleaseId" in n for n in facts.notes)


def test_current_version_alone_is_read_as_ten_on_new_builds():
    text = ("    CurrentVersion    REG_SZ    6.3\n    CurrentBuildNumber    REG_SZ    19045\n")
    facts = parse_text(text)
    assert facts.version == "10.0.19045"
    assert any("frozen" in n for n in facts.notes)


def test_psversiontable_build_version_means_the_servicing_base(corpus):
    result = identify_text(read_file(corpus / "ps-psversiontable-51.txt")[0])
    builds = {r.build for r in result.matches}
    assert builds == {19041, 19042, 19043, 19044, 19045}
    assert any("servicing base" in n for n in result.facts.notes)


def test_environment_osversion_revision_is_not_a_ubr(corpus):
    facts = parse_text(read_file(corpus / "ps-osversion.txt")[0])
    assert facts.revision is None


def test_get_computerinfo_list():
    text = ("WindowsProductName            : Windows 10 Pro\nWindowsVersion                : 2009\n"
            "OsName                        : Microsoft Windows 11 Pro\nOsVersion                     : 10.0.22631\n"
            "OsBuildNumber                 : 22631\nOsProductType                 : WorkStation\n")
    result = identify_text(text)
    assert [r.label for r in result.matches] == ["Windows 11 23H2"]
    assert result.facts.product_type == 1


@pytest.mark.parametrize("text", ["", "   \n\t  ", "hello world", "3.14.159", "Version 7.0.1234", "build 12",
                                  "Ubuntu 24.04 LTS"])
def test_text_without_a_windows_version_is_refused(text):
    with pytest.raises(UserInputError):
        parse_text(text)


def test_binary_and_huge_input_are_refused(tmp_path):
    from sbskit.core.osver.textio import decode_bytes

    with pytest.raises(UserInputError, match="binary"):
        decode_bytes(bytes(range(256)) * 8)
    big = tmp_path / "big.txt"
    big.write_bytes(b"Microsoft Windows [Version 10.0.19045.1]\n" * (50 * 1024 * 1024 // 41 + 1))
    with pytest.raises(UserInputError, match="limit"):
        read_file(big)
    with pytest.raises(UserInputError, match="limit"):
        parse_text("x" * (50 * 1024 * 1024))


def test_osversion_version_table_and_cim_default_table():
    table = "\nMajor  Minor  Build  Revision\n-----  -----  -----  --------\n10     0      22631  0\n"
    facts = parse_text(table)
    assert (facts.kind, facts.version, facts.revision) == ("powershell", "10.0.22631", None)
    cim = ("\nSystemDirectory     Organization BuildNumber RegisteredUser SerialNumber            Version\n"
           "---------------     ------------ ----------- -------------- ------------            -------\n"
           "C:\\Windows\\system32              26100       admin          00454-40000-00001-AA081 10.0.26100\n")
    result = identify_text(cim)
    assert result.facts.kind == "powershell"
    assert {r.label for r in result.matches} == {"Windows 11 24H2", "Windows 11 Enterprise LTSC 2024",
                                                 "Windows 11 IoT Enterprise LTSC 2024", "Windows Server 2025"}


def test_systeminfo_csv():
    text = ('"Host Name","OS Name","OS Version","OS Manufacturer","OS Configuration"\r\n'
            '"SRV01","Microsoft Windows Server 2022 Standard","10.0.20348 N/A Build 20348","Microsoft Corporation",'
            '"Primary Domain Controller"\r\n')
    result = identify_text(text)
    assert result.facts.kind == "systeminfo"
    assert [r.label for r in result.matches] == ["Windows Server 2022"]
