"""Snippet generator: every condition, read back from its own text, matches exactly its target releases."""

from __future__ import annotations

import pytest

from sbskit.core.errors import UserInputError
from sbskit.core.osver.evaluate import eval_wql, wmi_properties
from sbskit.core.osver.lint import lint_text
from sbskit.core.osver.releases import load_table
from sbskit.core.osver.snippet import LANGUAGES, PRESETS, custom_target, generate, matches_release, target_from_releases

NT = load_table().nt()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_matrix_equals_target_over_the_whole_table(preset, language):
    target = PRESETS[preset]
    snippet = generate(target, language)
    assert len(snippet.matrix) == len(NT)
    for row, release in zip(snippet.matrix, NT):
        assert row["expected"] == target.wants(release)
        assert row["matched"] == row["expected"], (preset, language, release.label)
    assert snippet.to_doc()["mismatches"] == []
    assert any(row["matched"] for row in snippet.matrix)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_generated_snippets_pass_the_script_checker(preset, language):
    code = generate(PRESETS[preset], language).code
    assert lint_text(code, language=language).findings == []


def test_presets_mean_what_they_say():
    names = {preset: {r.label for r in NT if t.wants(r)} for preset, t in PRESETS.items()}
    assert "Windows 11 24H2" in names["win10-11-clients"] and "Windows Server 2016" not in names["win10-11-clients"]
    assert "Windows Server 2025" in names["server-2016-or-later"] and "Windows 10 1607" not in names["server-2016-or-later"]
    assert "Windows Server 2008 SP2 (build 6003)" in names["server-2008-sp2"]
    assert "Windows Small Business Server 2008 SP2 (build 6003)" in names["server-2008-sp2"]
    assert "Windows Vista SP2" in names["older-than-7"] and "Windows 7" not in names["older-than-7"]


def test_the_read_back_is_not_trivially_true():
    """A broken snippet (quoted comparison, the classic bug) must show up as a mismatch."""
    target = PRESETS["win11-clients"]
    good = generate(target, "batch").code
    broken = good.replace("if %OSBUILD% GEQ 22000", 'if "%OSBUILD%" GEQ "22000"')
    assert broken != good
    wrong = [r.label for r in NT if matches_release(broken, "batch", r) != target.wants(r)]
    assert "Windows 7 SP1" in wrong  # "7601" >= "22000" as text
    ps_broken = generate(target, "powershell").code.replace("$build -ge 22000", "$build -ge 220000")
    assert not any(matches_release(ps_broken, "powershell", r) for r in NT)


def test_wql_string_semantics_are_real():
    naive = 'SELECT * FROM Win32_OperatingSystem WHERE BuildNumber >= "22000" AND ProductType = 1'
    xp = next(r for r in NT if r.id == "xp-sp3")
    assert eval_wql(naive, wmi_properties(xp))  # "2600" >= "22000" as text
    assert not eval_wql(naive, wmi_properties(xp), numeric_versions=True)
    generated = generate(PRESETS["win11-clients"], "wql").code
    assert not eval_wql(generated, wmi_properties(xp))


def test_server_snippets_include_domain_controllers():
    code = generate(PRESETS["server-2016-or-later"], "wql").code
    assert "ProductType <> 1" in code
    sbs = next(r for r in NT if r.id == "sbs2011-std")
    sbs_filter = generate(custom_target("server", 7600, 7602), "wql").code
    assert eval_wql(sbs_filter, wmi_properties(sbs, 2))  # SBS is always a domain controller
    assert not eval_wql(sbs_filter.replace("ProductType <> 1", "ProductType = 3"), wmi_properties(sbs, 2))


def test_every_snippet_ends_in_a_logging_default_branch():
    for language in ("batch", "powershell", "vbscript"):
        code = generate(PRESETS["win10-11-clients"], language).code
        assert "logon-osver.log" in code
    assert "goto os_default" in generate(PRESETS["win10-11-clients"], "batch").code


def test_custom_targets():
    t = custom_target("client", 7600, 9200)
    rows = generate(t, "powershell").matrix
    assert {r["label"] for r in rows if r["matched"]} == {"Windows 7", "Windows 7 SP1"}
    t = target_from_releases("server", "ws2012", "ws2012r2")
    assert {r["label"] for r in generate(t, "wql").matrix if r["matched"]} == {
        "Windows Server 2012", "Windows Server 2012 Essentials", "Windows Server 2012 R2",
        "Windows Server 2012 R2 Essentials"}
    for bad in (lambda: custom_target("laptop", None, None), lambda: custom_target("any", 9000, 8000),
                lambda: target_from_releases("any", "nope", None), lambda: generate(t, "cobol")):
        with pytest.raises(UserInputError):
            bad()
