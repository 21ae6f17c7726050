"""Real capture shapes: localized systeminfo in the code page the console wrote, pastes from
README code blocks and e-mail replies, text that was already decoded with the wrong code page.
The inputs are the kit's own (tests/osver/corpus/README.md lists what each reproduces)."""

from __future__ import annotations

import pytest

from sbskit.core.errors import UserInputError
from sbskit.core.osver.identify import identify_text, support_verdict
from sbskit.core.osver.parse import parse_text
from sbskit.core.osver.textio import decode_bytes, read_file

# file, encodings the detector may name, version, labels, family decided by, edition channel
CAPTURES = [
    ("systeminfo-2012r2-dc-ru-cp866.txt", {"cp866"}, "6.3.9600", ["Windows Server 2012 R2"], "domain controller", None),
    ("systeminfo-win81-ru-cp1251.txt", {"cp1251"}, "6.3.9600", ["Windows 8.1"], "workstation", "Home/Pro"),
    ("systeminfo-win10-ru-readme-fenced.md", {"utf-8"}, "10.0.19044", ["Windows 10 21H2"], "workstation", "Home/Pro"),
    ("systeminfo-win10-de-cp850.txt", {"cp850"}, "10.0.19045", ["Windows 10 22H2"], "workstation", "Home/Pro"),
    ("systeminfo-2008-fr-cp850.txt", {"cp850"}, "6.0.6002", ["Windows Server 2008 SP2"], "domain controller", None),
    ("systeminfo-2022-dc-sv-cp850.txt", {"cp850"}, "10.0.20348", ["Windows Server 2022"], "domain controller", None),
    ("systeminfo-xp-sp3-en-cp437.txt", {"cp437", "cp850"}, "5.1.2600", ["Windows XP SP3"], "workstation", "Home/Pro"),
    ("systeminfo-2003-rtm-en.txt", {"utf-8"}, "5.2.3790", ["Windows Server 2003"], "server", None),
    ("systeminfo-2003r2-sp2-en.txt", {"utf-8"}, "5.2.3790", ["Windows Server 2003 R2 SP2"], "server", None),
    ("systeminfo-xpx64-sp2-en.txt", {"utf-8"}, "5.2.3790", ["Windows XP Professional x64 Edition SP2"], "workstation",
     "Home/Pro"),
    ("systeminfo-win10-zh-cn-gbk.txt", {"gbk"}, "10.0.19045", ["Windows 10 22H2"], "workstation", "Home/Pro"),
    ("systeminfo-2012r2-member-zh-cn-gbk.txt", {"gbk"}, "6.3.9600", ["Windows Server 2012 R2"], "server", None),
    ("systeminfo-ltsc2019-zh-tw-big5.txt", {"big5"}, "10.0.17763", ["Windows 10 Enterprise LTSC 2019"], "workstation",
     "Enterprise/Education"),
    ("systeminfo-win7-ja-cp932.txt", {"cp932"}, "6.1.7601", ["Windows 7 SP1"], "workstation", "Home/Pro"),
    ("systeminfo-win10-ko-cp949.txt", {"cp949"}, "10.0.19045", ["Windows 10 22H2"], "workstation", "Home/Pro"),
    ("systeminfo-win11-es-utf8bom.txt", {"utf-8-sig"}, "10.0.22631", ["Windows 11 23H2"], "workstation", "Home/Pro"),
    ("systeminfo-2019-it-utf16le-bom.txt", {"utf-16-le"}, "10.0.17763", ["Windows Server 2019"], "server", None),
    ("systeminfo-win11-pt-br-utf16le-nobom.txt", {"utf-16-le"}, "10.0.22621", ["Windows 11 22H2"], "workstation",
     "Home/Pro"),
    ("systeminfo-win10-pl-cp852.txt", {"cp852"}, "10.0.19044", ["Windows 10 21H2"], "workstation", "Home/Pro"),
    ("systeminfo-win7-rtm-cs-cp852.txt", {"cp852"}, "6.1.7600", ["Windows 7"], "workstation", "Home/Pro"),
    ("systeminfo-2016-nl-utf8.txt", {"utf-8"}, "10.0.14393", ["Windows Server 2016"], "server", None),
    ("systeminfo-win10-tr-cp857.txt", {"cp857"}, "10.0.19045", ["Windows 10 22H2"], "workstation", "Home/Pro"),
]


@pytest.mark.parametrize("name,encodings,version,labels,role,channel", CAPTURES, ids=[c[0] for c in CAPTURES])
def test_localized_systeminfo_capture(corpus, name, encodings, version, labels, role, channel):
    text, encoding = read_file(corpus / name)
    assert encoding in encodings
    result = identify_text(text)
    assert result.facts.kind == "systeminfo"
    assert result.facts.version == version
    assert [r.label for r in result.matches] == labels
    assert result.conflicts == [], result.conflicts
    assert "\ufffd" not in text and "Windows" in (result.facts.product_text or "")
    assert result.channel == channel
    assert result.facts.role_type == {"workstation": 1, "domain controller": 2, "server": 3}[role]
    assert result.facts.role_text and result.facts.role_text in text
    bare = identify_text(version)
    if len({r.family for r in bare.matches}) > 1:  # the build alone is shared: the role line narrowed it
        assert any(f": a {role})" in hint for hint in result.hints), result.hints


@pytest.mark.parametrize("name,version,revision,labels", [
    ("ver-win10-ru-cp866.txt", "10.0.19045", 4291, ["Windows 10 22H2"]),
    ("ps-osversion-readme-indented.md", "10.0.22621", None, ["Windows 11 22H2"]),
    ("ps-osversion-email-quoted.txt", "10.0.22621", None, ["Windows 11 22H2"]),
    ("wmic-value-iot-ltsc2021.txt", "10.0.19044", None, ["Windows 10 IoT Enterprise LTSC 2021"]),
    ("wmic-table-xp-rtm.txt", "5.1.2600", None, ["Windows XP"]),
])
def test_other_captures(corpus, name, version, revision, labels):
    result = identify_text(read_file(corpus / name)[0])
    assert (result.facts.version, result.facts.revision) == (version, revision)
    assert [r.label for r in result.matches] == labels
    assert result.conflicts == []


def test_the_two_russian_captures_differ_in_family(corpus):
    """The trial's failure: Server 2012 R2 as a DC was 'ambiguous, Windows 8.1 first'."""
    dc = identify_text(read_file(corpus / "systeminfo-2012r2-dc-ru-cp866.txt")[0])
    ws = identify_text(read_file(corpus / "systeminfo-win81-ru-cp1251.txt")[0])
    assert dc.ambiguity is None and ws.ambiguity is None
    assert [r.family for r in dc.matches] == ["server"] and [r.family for r in ws.matches] == ["client"]


# --- pastes: indentation, quoting, fences ------------------------------------------------------
OSVERSION = ("Platform ServicePack Version      VersionString\n"
             "-------- ----------- -------      -------------\n"
             " Win32NT             10.0.22621.0 Microsoft Windows NT 10.0.22621.0\n")
VERSION_TABLE = "Major  Minor  Build  Revision\n-----  -----  -----  --------\n10     0      22621  0\n"
VERSION_LIST = "Major         : 10\nMinor         : 0\nBuild         : 22621\nRevision      : 0\nMajorRevision : 0\n"
PREFIXES = ["", "    ", "\t", "> ", ">> ", "> > ", "    > ", "  "]


def _prefixed(text: str, prefix: str, first_bare: bool) -> str:
    lines = text.splitlines()
    out = []
    for i, line in enumerate(lines):
        if prefix.strip().startswith(">"):
            out.append((prefix if line else prefix.rstrip()) + line if i or not first_bare else line)
        else:
            out.append(prefix + line if line and (i or not first_bare) else line)
    return "\n".join(out)


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("first_bare", [False, True], ids=["all-lines", "first-line-bare"])
@pytest.mark.parametrize("body", [OSVERSION, VERSION_TABLE, VERSION_LIST, OSVERSION + "\n\n" + VERSION_TABLE],
                         ids=["osversion", "version-table", "version-list", "both-tables"])
def test_indented_and_quoted_pastes(prefix, first_bare, body):
    text = "PS C:\\> [Environment]::OSVersion\n\n" + body if first_bare else body
    result = identify_text(_prefixed(text, prefix, first_bare))
    assert result.facts.version == "10.0.22621"
    assert [r.label for r in result.matches] == ["Windows 11 22H2"]


def test_a_paste_says_what_was_removed():
    facts = parse_text(_prefixed(VERSION_TABLE, "> ", False))
    assert any("e-mail quoting" in n for n in facts.notes)
    facts = parse_text("```powershell\n" + VERSION_TABLE + "```\n")
    assert any("code fences" in n for n in facts.notes)


def test_forum_paste_with_no_break_spaces_and_bullets():
    text = ("- OS Name:\u00a0\u00a0Microsoft Windows 10 Pro\n- OS Version:\u00a0\u00a010.0.19045 N/A Build 19045\n"
            "- OS Configuration:\u00a0\u00a0Standalone Workstation\n")
    assert [r.label for r in identify_text(text).matches] == ["Windows 10 22H2"]


def test_shifted_columns_give_way_to_the_version_string():
    """A table whose columns a paste shifted reads as '0.0.22621'; the VersionString still says 10.0."""
    shifted = ("Platform ServicePack Version      VersionString\n-------- ----------- -------      -------------\n"
               "Win32NT             10.0.22621.0 Microsoft Windows NT 10.0.22621.0\n").replace("\nWin32NT", "\n   Win32NT")
    assert identify_text(shifted).facts.version == "10.0.22621"


# --- every systeminfo language: the role line decides client or server -----------------------
# language, version label, N/A word, build word, config label, workstation, member server, domain controller
LANGUAGES = [
    ("en", "OS Version", "N/A", "Build", "OS Configuration", "Standalone Workstation", "Member Server",
     "Primary Domain Controller"),
    ("de", "Betriebssystemversion", "Nicht zutreffend", "Build", "Betriebssystemkonfiguration",
     "Eigenständige Arbeitsstation", "Mitgliedsserver", "Primärer Domänencontroller"),
    ("fr", "Version du système", "N/A", "version", "Configuration du système d'exploitation",
     "Station de travail autonome", "Serveur membre", "Contrôleur principal de domaine"),
    ("es", "Versión del sistema operativo", "N/D", "Compilación", "Configuración del sistema operativo",
     "Estación de trabajo independiente", "Servidor miembro", "Controlador de dominio principal"),
    ("it", "Versione SO", "N/D", "Build", "Configurazione SO", "Workstation autonoma", "Server membro",
     "Controller di dominio primario"),
    ("nl", "Versie van besturingssysteem", "N.v.t.", "build", "Configuratie van besturingssysteem",
     "Zelfstandig werkstation", "Lidserver", "Primaire domeincontroller"),
    ("pt-BR", "Versão do sistema operacional", "N/A", "compilação", "Configuração do SO",
     "Estação de trabalho autônoma", "Servidor membro", "Controlador de domínio primário"),
    ("ru", "Версия ОС", "Н/Д", "построение", "Параметры ОС", "Изолированная рабочая станция", "Рядовой сервер",
     "Основной контроллер домена"),
    ("pl", "Wersja systemu operacyjnego", "Nie dotyczy", "Kompilacja", "Konfiguracja systemu operacyjnego",
     "Autonomiczna stacja robocza", "Serwer członkowski", "Podstawowy kontroler domeny"),
    ("ja", "OS バージョン", "N/A", "ビルド", "OS 構成", "スタンドアロン ワークステーション", "メンバー サーバー",
     "プライマリ ドメイン コントローラー"),
    ("zh-CN", "OS 版本", "暂缺", "Build", "OS 配置", "独立工作站", "成员服务器", "主域控制器"),
    ("zh-TW", "作業系統版本", "N/A", "組建", "作業系統設定", "獨立工作站", "成員伺服器", "主要網域控制站"),
    ("ko", "OS 버전", "N/A", "빌드", "OS 구성", "독립 실행형 워크스테이션", "구성원 서버", "주 도메인 컨트롤러"),
    ("cs", "Verze operačního systému", "Neuvedeno", "Sestavení", "Konfigurace operačního systému",
     "Samostatná pracovní stanice", "Členský server", "Primární řadič domény"),
    ("sv", "Operativsystemets version", "Saknas", "Version", "Operativsystemets konfiguration",
     "Fristående arbetsstation", "Medlemsserver", "Primär domänkontrollant"),
    ("tr", "İşletim Sistemi Sürümü", "Yok", "Yapı", "İşletim Sistemi Yapılandırması", "Tek Başına İş İstasyonu",
     "Üye Sunucu", "Birincil Etki Alanı Denetleyicisi"),
]


def _systeminfo(version_label, na, build_word, config_label, role, build="9600", version="6.3"):
    rows = [(version_label, f"{version}.{build} {na} {build_word} {build}"), ("OS Manufacturer", "Microsoft Corporation"),
            (config_label, role), ("OS Build Type", "Multiprocessor Free")]
    return "\n".join(f"{label + ':':<45}{value}" for label, value in rows) + "\n"


@pytest.mark.parametrize("lang,version_label,na,build_word,config_label,ws,member,dc", LANGUAGES,
                         ids=[lang[0] for lang in LANGUAGES])
def test_role_line_decides_client_or_server(lang, version_label, na, build_word, config_label, ws, member, dc):
    client = identify_text(_systeminfo(version_label, na, build_word, config_label, ws))
    assert [r.label for r in client.matches] == ["Windows 8.1"], lang
    for role, product_type in ((member, 3), (dc, 2)):
        server = identify_text(_systeminfo(version_label, na, build_word, config_label, role))
        assert {r.family for r in server.matches} == {"server"}, (lang, role)
        assert server.facts.role_type == product_type
        assert "Windows 8.1" not in {r.label for r in server.matches}
    # no service pack in the version line: the original release, in every language
    xp = identify_text(_systeminfo(version_label, na, build_word, config_label, ws, build="2600", version="5.1"))
    assert [r.label for r in xp.matches] == ["Windows XP"]


@pytest.mark.parametrize("sp_text,expected", [
    ("5.2.3790 Build 3790", ["Windows Server 2003"]),
    ("5.2.3790 Service Pack 1 Build 3790", ["Windows Server 2003 SP1"]),
    ("5.2.3790 Service Pack 2 Build 3790", ["Windows Server 2003 SP2"]),
    ("5.2.3790 Dodatek Service Pack 2 Kompilacja 3790", ["Windows Server 2003 SP2"]),
])
def test_service_pack_in_the_version_line(sp_text, expected):
    text = (f"OS Name:                   Microsoft(R) Windows(R) Server 2003, Enterprise Edition\n"
            f"OS Version:                {sp_text}\nOS Configuration:          Member Server\n")
    result = identify_text(text)
    assert [r.label for r in result.matches] == expected
    assert result.conflicts == []


# --- text decoded with the wrong code page before it reached the kit -------------------------------
def _as_notepad_shows(raw: bytes) -> str:
    """Bytes read as ANSI (cp1252), undefined bytes kept as their Latin-1 control characters."""
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in raw)


@pytest.mark.parametrize("name,page,labels", [
    ("systeminfo-2012r2-dc-ru-cp866.txt", "cp866", ["Windows Server 2012 R2"]),
    ("systeminfo-2008-fr-cp850.txt", "cp850", ["Windows Server 2008 SP2"]),
    ("systeminfo-win10-de-cp850.txt", "cp850", ["Windows 10 22H2"]),
    ("systeminfo-win10-zh-cn-gbk.txt", "gbk", ["Windows 10 22H2"]),
    ("systeminfo-win7-ja-cp932.txt", "cp932", ["Windows 7 SP1"]),
    ("systeminfo-win11-es-utf8bom.txt", "utf-8", ["Windows 11 23H2"]),
])
def test_garbled_paste_is_re_read(corpus, name, page, labels):
    garbled = _as_notepad_shows((corpus / name).read_bytes())
    result = identify_text(garbled)
    assert [r.label for r in result.matches] == labels and result.conflicts == []
    assert any(f"re-read as {page}" in n for n in result.facts.notes)


def test_correct_text_is_never_re_read(corpus):
    for path in sorted(corpus.iterdir()):
        if path.suffix == ".md" and path.name == "README.md":
            continue
        text = read_file(path)[0]
        try:
            notes = parse_text(text).notes
        except UserInputError:
            continue
        assert not any("re-read" in n for n in notes), path.name


def test_ansi_and_oem_copies_of_one_capture_are_both_read(corpus):
    text = read_file(corpus / "systeminfo-2008-fr-cp850.txt")[0]
    for page in ("cp1252", "cp850"):
        decoded, encoding = decode_bytes(text.encode(page))
        assert encoding == page and decoded == text


def test_utf16_without_bom_in_cjk_is_text_not_binary():
    text = "OS 名称:          Microsoft Windows 10 专业版\r\nOS 版本:          10.0.19045 暂缺 Build 19045\r\n"
    decoded, encoding = decode_bytes(text.encode("utf-16-le"))
    assert encoding == "utf-16-le" and decoded == text


@pytest.mark.parametrize("data,needle", [
    (bytes(range(256)) * 64, "binary"),
    (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" * 200, "binary"),
    (b"Microsoft Windows [Version 10.0.19045.1]\r\n" * (5 * 1024 * 1024 // 42), "limit"),
])
def test_bad_bytes_get_one_clear_line(data, needle):
    with pytest.raises(UserInputError) as info:
        decode_bytes(data)
    message = str(info.value)
    assert needle in message and "\n" not in message


def test_verdict_for_unknown_edition_is_could_not_tell(today):
    """LTSC 2021 Enterprise and IoT share 19044 but not the end date; Windows 11 24H2 Home/Pro ended."""
    verdict, why = support_verdict(identify_text("Version : 10.0.19044\nProductType : 1"), today)
    assert verdict == "unknown" and "Windows 10 Enterprise LTSC 2021" in why and "Windows 10 21H2" in why
    assert support_verdict(identify_text("Version : 10.0.19044\nEditionID : IoTEnterpriseS"), today)[0] == "supported"
    assert support_verdict(identify_text("Version : 10.0.26100\nProductType : 1"), today)[0] == "unknown"
    assert support_verdict(identify_text(
        "Caption : Microsoft Windows 11 Famille\nVersion : 10.0.26100\nProductType : 1"), today)[0] == "ended"
    assert support_verdict(identify_text("6.0.6001"), today)[0] == "ended"
    assert support_verdict(identify_text("10.0.27842"), today)[0] == "unknown"


@pytest.mark.parametrize("text,labels,channel", [
    ("Edition\tWindows 11 Pro\nVersion\t23H2\nInstalled on\t2/3/2024\nOS build\t22631.2861\n", ["Windows 11 23H2"],
     "Home/Pro"),
    ("Выпуск\tWindows 11 Корпоративная\nВерсия\t23H2\nДата установки\t03.02.2024\nСборка ОС\t22631.2861\n",
     ["Windows 11 23H2"], "Enterprise/Education"),
    ("版本\tWindows 11 专业版\n版本号\t24H2\n安装日期\t2025/2/3\n操作系统版本\t26100.3194\n", ["Windows 11 24H2"], "Home/Pro"),
    ("Edition\tWindows 10 Pro\nVersion\t22H2\nBetriebssystembuild\t19045.3803\n", ["Windows 10 22H2"], "Home/Pro"),
])
def test_settings_about_copy_in_any_language(text, labels, channel):
    """Settings > System > About > Copy: the build line is translated, its shape is not."""
    result = identify_text(text)
    assert result.facts.kind == "winver" and [r.label for r in result.matches] == labels
    assert result.channel == channel


def test_systeminfo_csv_in_russian():
    header = '"Имя узла","Название ОС","Версия ОС","Изготовитель ОС","Параметры ОС"'
    row = '"SRV-1C","Майкрософт Windows Server 2012 R2 Standard","6.3.9600 Н/Д построение 9600",' \
          '"Microsoft Corporation","Рядовой сервер"'
    result = identify_text(header + "\r\n" + row + "\r\n")
    assert result.facts.kind == "systeminfo" and result.facts.role_type == 3
    assert [r.label for r in result.matches] == ["Windows Server 2012 R2"]
