"""The release data file: complete, consistent, and dated the way Microsoft dates it."""

from __future__ import annotations

import datetime
import json
import re

import pytest

from sbskit.core.osver.releases import load_table
from sbskit.core.resources import load_toml, read_text

RAW = json.loads(read_text("windows-releases.json"))
TABLE = load_table()


def test_registered_in_manifest():
    manifest = load_toml("MANIFEST.toml")["files"]
    assert manifest["windows-releases.json"]["version"] == RAW["reviewed"]


def test_every_release_is_complete():
    ids = [r["id"] for r in RAW["releases"]]
    assert len(ids) == len(set(ids))
    for r in RAW["releases"]:
        assert r["family"] in ("client", "server"), r["id"]
        assert re.fullmatch(r"\d+\.\d+", r["version"]), r["id"]
        datetime.date.fromisoformat(r["released"])
        assert r["support"], r["id"]
        for ch in r["support"]:
            end = datetime.date.fromisoformat(ch["extended_end"])
            assert end > datetime.date.fromisoformat(r["released"]), r["id"]
            if ch["mainstream_end"]:
                assert datetime.date.fromisoformat(ch["mainstream_end"]) <= end, r["id"]
        assert r["source"].startswith("https://"), r["id"]
        datetime.date.fromisoformat(r["reviewed"])


REQUIRED = [
    "Windows NT 4.0 Workstation", "Windows NT 4.0 Server", "Windows 2000 Professional", "Windows 2000 Server",
    "Windows XP", "Windows XP Professional x64 Edition", "Windows Vista", "Windows 7", "Windows 8", "Windows 8.1",
    "Windows 10", "Windows 11", "Windows 10 Enterprise LTSB 2015", "Windows 10 Enterprise LTSB 2016",
    "Windows 10 Enterprise LTSC 2019", "Windows 10 Enterprise LTSC 2021", "Windows 11 Enterprise LTSC 2024",
    "Windows 10 IoT Enterprise LTSC 2021", "Windows 11 IoT Enterprise LTSC 2024",
    "Windows Server 2003", "Windows Server 2003 R2", "Windows Server 2008", "Windows Server 2008 R2",
    "Windows Server 2012", "Windows Server 2012 R2", "Windows Server 2016", "Windows Server 2019",
    "Windows Server 2022", "Windows Server 2025", "Windows Server, version 1709", "Windows Server, version 20H2",
    "Windows Server, version 23H2", "Windows Small Business Server 2003", "Windows Small Business Server 2008",
    "Windows Small Business Server 2011 Standard", "Windows Small Business Server 2011 Essentials",
    "Windows Essential Business Server 2008", "Windows Home Server", "Windows Home Server 2011",
    "Windows Server 2012 Essentials", "Windows Server 2012 R2 Essentials", "Windows Server 2016 Essentials",
    "Windows Server 2019 Essentials",
]


@pytest.mark.parametrize("product", REQUIRED)
def test_product_present(product):
    assert any(r.product == product for r in TABLE.releases)


def test_every_windows_10_and_11_feature_update():
    w10 = {r.release for r in TABLE.releases if r.product == "Windows 10"}
    assert w10 == {"1507", "1511", "1607", "1703", "1709", "1803", "1809", "1903", "1909", "2004", "20H2", "21H1",
                   "21H2", "22H2"}
    w11 = {r.release: r.build for r in TABLE.releases if r.product == "Windows 11"}
    assert w11["21H2"] == 22000 and w11["23H2"] == 22631 and w11["24H2"] == 26100 and w11["26H1"] == 28000


def test_known_builds_and_traps():
    by_id = {r.id: r for r in TABLE.releases}
    assert by_id["vista-sp2"].build == 6002  # endoflife.date says 6200
    assert by_id["xp-x64"].version == "5.2.3790" and by_id["xp-x64"].family == "client"
    assert by_id["ws2008-sp2-6003"].build == 6003
    assert by_id["w2k-pro"].version_text == "5.00.2195"
    change = TABLE.build_change(6003)
    assert (change["from"], change["to"]) == (6002, 6003)


def test_lifecycle_dates_are_pacific_dates_not_shifted():
    """Microsoft's lifecycle pages end on Patch Tuesday; a naive UTC conversion makes it Wednesday."""
    allowed = {("ws-23h2", "2025-10-24")}  # annual channel: 18 months from 2023-10-24, as published
    for r in RAW["releases"]:
        dates = [c["extended_end"] for c in r["support"]] + [c["mainstream_end"] for c in r["support"] if c["mainstream_end"]]
        dates += [e["end"] for e in r["esu"]] + ([r["service_pack_end"]] if r["service_pack_end"] else [])
        for d in dates:
            if d >= "2006-01-01" and (r["id"], d) not in allowed:
                assert datetime.date.fromisoformat(d).weekday() == 1, (r["id"], d)
    by_id = {r.id: r for r in TABLE.releases}
    assert by_id["win10-22h2"].end_of_support() == datetime.date(2025, 10, 14)
    assert by_id["ws2025"].end_of_support() == datetime.date(2034, 10, 10)


def test_builds_grow_with_versions_and_share_width_within_a_version():
    """Snippets compare builds as numbers across versions and WQL compares them as text within one."""
    nt = TABLE.nt()
    by_line: dict[tuple[int, int], list[int]] = {}
    for r in nt:
        by_line.setdefault((r.major, r.minor), []).append(r.build)
    lines = sorted(by_line)
    for a, b in zip(lines, lines[1:]):
        assert max(by_line[a]) < min(by_line[b]), (a, b)
    for line, builds in by_line.items():
        assert len({len(str(b)) for b in builds}) == 1, line


def test_shared_builds_are_explained():
    from collections import defaultdict

    products = defaultdict(set)
    for r in TABLE.nt():
        products[r.build].add(r.product)
    for build, names in products.items():
        if len(names) > 1:
            assert TABLE.how_to_tell(build), f"build {build} is shared by {names} but has no explanation"


def test_enablement_groups_reference_real_builds():
    builds = {r.build for r in TABLE.releases}
    for group in TABLE.enablement:
        assert set(group["builds"]) <= builds
        assert group["base"] == min(group["builds"])


def test_support_status_depends_on_the_day_given(today):
    by_id = {r.id: r for r in TABLE.releases}
    w10 = by_id["win10-22h2"]
    assert not w10.supported(today)
    assert w10.supported(datetime.date(2025, 10, 14))
    assert "ESU (commercial) until 2028-10-10" in w10.status_text(today)
    assert by_id["ws2022"].supported(today)
    assert not by_id["win11-23h2"].supported(today)  # Enterprise ended 2026-11-10
    assert by_id["win11-23h2"].supported(datetime.date(2026, 11, 10))
    assert "Home/Pro ended 2026-10-13" in by_id["win11-24h2"].status_text(today)
    assert not by_id["vista-sp1"].supported(datetime.date(2012, 1, 1))  # SP1 retired 2011-07-12
    assert by_id["vista-sp2"].supported(datetime.date(2012, 1, 1))


def test_ver_lines_follow_the_real_formats():
    by_id = {r.id: r for r in TABLE.releases}
    assert by_id["nt4-ws"].ver_line() == "Windows NT Version 4.0"
    assert by_id["xp-sp3"].ver_line() == "Microsoft Windows XP [Version 5.1.2600]"
    assert by_id["w2k-srv"].ver_line() == "Microsoft Windows 2000 [Version 5.00.2195]"
    assert by_id["win10-22h2"].ver_line(3803) == "Microsoft Windows [Version 10.0.19045.3803]"


def test_ltsc_and_iot_ltsc_end_on_their_own_dates():
    """Enterprise LTSC 2021/2024 have five years, IoT Enterprise LTSC ten; earlier LTSB/LTSC share one date."""
    by_id = {r.id: r for r in TABLE.releases}
    ends = {rid: by_id[rid].end_of_support().isoformat() for rid in (
        "win10-ltsb2015", "win10-ltsb2016", "win10-ltsc2019", "win10-ltsc2021", "win10-iot-ltsc2021",
        "win11-ltsc2024", "win11-iot-ltsc2024")}
    assert ends == {"win10-ltsb2015": "2025-10-14", "win10-ltsb2016": "2026-10-13", "win10-ltsc2019": "2029-01-09",
                    "win10-ltsc2021": "2027-01-12", "win10-iot-ltsc2021": "2032-01-13",
                    "win11-ltsc2024": "2029-10-09", "win11-iot-ltsc2024": "2034-10-10"}
    for r in TABLE.releases:
        if r.kind != "ltsc":
            continue
        has_iot_twin = any(o.kind == "ltsc" and o.build == r.build and o.id != r.id for o in TABLE.releases)
        if has_iot_twin:  # split pair: each row carries only its own editions' SKUs
            assert (191 in r.skus) != (125 in r.skus), r.id
        else:  # one row for both: it must say so and carry both SKUs
            assert {125, 191} <= set(r.skus) and "IoT" in r.channels[0].name, r.id


def test_xp_x64_and_server_2003_r2_service_packs():
    by_id = {r.id: r for r in TABLE.releases}
    sp2 = by_id["xp-x64-sp2"]
    assert (sp2.version, sp2.service_pack, sp2.family, sp2.label) == (
        "5.2.3790", "SP2", "client", "Windows XP Professional x64 Edition SP2")
    assert sp2.end_of_support() == datetime.date(2014, 4, 8)
    assert by_id["xp-x64"].service_pack_end == datetime.date(2009, 4, 14)
    assert by_id["xp-x64"].reports_service_pack("") and by_id["xp-x64"].reports_service_pack("SP1")
    assert by_id["ws2003r2"].reports_service_pack("SP1") and not by_id["ws2003r2"].reports_service_pack("")
    assert by_id["ws2003r2-sp2"].label == "Windows Server 2003 R2 SP2"
    assert by_id["ws2003r2"].released == datetime.date(2006, 3, 5)


def test_reported_service_packs_are_well_formed():
    for r in RAW["releases"]:
        for sp in r.get("reported_service_packs", []):
            assert sp == "" or re.fullmatch(r"SP[1-6]", sp), r["id"]


def test_changes_name_their_sources():
    """Every release touched in a review says what it was checked against; the log names a source."""
    for r in RAW["releases"]:
        if r["reviewed"] == RAW["reviewed"]:
            assert r.get("verified"), r["id"]
    assert RAW["review_log"]
    for entry in RAW["review_log"]:
        datetime.date.fromisoformat(entry["date"])
        assert entry["what"] and ("learn.microsoft.com" in entry["source"] or "lifecycle" in entry["source"])
