"""The words Windows prints around a version, in the languages admins capture it in.

systeminfo translates its labels, its "OS Configuration" values (the machine's role) and
the product name's prefix and edition ("Майкрософт Windows 10 Домашняя"); ``ver``
translates "Version". The parser reads values by their shape, and uses these words to
pick the right line, to tell client from server, and to recognise which code page a
saved capture was written in (a wrong code page garbles exactly these words).

Labels confirmed against real captures: en, de, fr, es, pt-BR, ru, ja, zh-CN, zh-TW, ko.
Others (it, nl, pl, cs, sv, tr) follow Windows' translations as remembered; nothing
depends on a label alone - values decide.
"""

from __future__ import annotations

import re
import unicodedata

# label -> field, per language; keys are compared after normalise()
LABELS: dict[str, tuple[str, ...]] = {
    "os_name": (
        "os name", "betriebssystemname", "nom du système d'exploitation", "nombre del sistema operativo",
        "nome so", "sistema operativo", "naam van besturingssysteem", "nome do sistema operacional", "nome do so",
        "название ос", "nazwa systemu operacyjnego", "os 名", "os 名称", "作業系統名稱", "os 이름",
        "název operačního systému", "operativsystemets namn", "işletim sistemi adı",
    ),
    "os_version": (
        "os version", "betriebssystemversion", "version du système", "version du système d'exploitation",
        "versión del sistema operativo", "versione so", "versie van besturingssysteem",
        "versão do sistema operacional", "versão do so", "версия ос", "wersja systemu operacyjnego",
        "os バージョン", "os 版本", "作業系統版本", "os 버전", "verze operačního systému",
        "operativsystemets version", "işletim sistemi sürümü",
    ),
    "os_config": (
        "os configuration", "betriebssystemkonfiguration", "configuration du système d'exploitation",
        "configuración del sistema operativo", "configurazione so", "configuratie van besturingssysteem",
        "configuração do so", "параметры ос", "konfiguracja systemu operacyjnego", "os 構成", "os 配置",
        "作業系統設定", "os 구성", "konfigurace operačního systému", "operativsystemets konfiguration",
        "işletim sistemi yapılandırması",
    ),
    "host": (
        "host name", "hostname", "nom de l'hôte", "nom d'hôte", "nombre de host", "nome host", "hostnaam",
        "nome do host", "имя узла", "nazwa hosta", "ホスト名", "主机名", "主機名稱", "호스트 이름",
        "název hostitele", "värdnamn", "ana bilgisayar adı",
    ),
    "manufacturer": (
        "os manufacturer", "betriebssystemhersteller", "fabricant du système d'exploitation",
        "fabricante del sistema operativo", "produttore so", "fabrikant van besturingssysteem",
        "fabricante do sistema operacional", "изготовитель ос", "producent systemu operacyjnego", "os 製造元",
        "os 制造商", "作業系統製造商", "os 제조업체", "výrobce operačního systému",
        "operativsystemets tillverkare", "işletim sistemi üreticisi",
    ),
}

# words in the "OS Configuration" value; a domain controller is checked first (it is a server too)
DC_WORDS = (
    "domain controller", "domänencontroller", "contrôleur", "controleur", "controlador de dom", "controller di dominio",
    "domeincontroller", "контроллер домена", "kontroler domeny", "ドメイン コントローラー", "ドメインコントローラー",
    "域控制器", "網域控制站", "도메인 컨트롤러", "řadič domény", "domänkontrollant", "etki alanı denetleyicisi",
)
WORKSTATION_WORDS = (
    "workstation", "arbeitsstation", "station de travail", "estación de trabajo", "estacion de trabajo",
    "estação de trabalho", "werkstation", "рабочая станция", "stacja robocza", "ワークステーション", "工作站",
    "워크스테이션", "pracovní stanice", "arbetsstation", "iş istasyonu",
)
SERVER_WORDS = ("server", "serveur", "servidor", "serwer", "сервер", "サーバー", "服务器", "伺服器", "서버", "sunucu")
CONFIG_LABEL_HINT = re.compile(r"config|konfig|параметр|конфиг|構成|配置|設定|구성|yapılandırma", re.IGNORECASE)

# edition words in a product name: which Windows 10/11 servicing channel it belongs to
ENTERPRISE_WORDS = (
    "enterprise", "education", "entreprise", "éducation", "corporativ", "корпоративная", "для образовательных",
    "企业版", "企業版", "教育版", "엔터프라이즈", "iot",
)
HOME_PRO_WORDS = (
    "home", "pro", "professional", "professionnel", "famille", "profesional", "profissional", "domowa",
    "домашняя", "профессиональная", "для одного языка", "家庭", "家用版", "专业版", "專業版", "홈", "core",
)

# the first word of a localized product name before "Windows" ("Майкрософт Windows 10 Pro")
PRODUCT_PREFIX = re.compile(r"^(?:microsoft|майкрософт|マイクロソフト|微软|微軟|마이크로소프트)\s*(?:\(r\)|®)?\s*"
                            r"(?=windows\b)", re.IGNORECASE)

# "Version" as ver and systeminfo print it; used with the labels to score code-page guesses
VERSION_WORDS = (
    "version", "versión", "versão", "versione", "versie", "версия", "wersja", "verze", "sürüm", "バージョン",
    "版本", "버전", "έκδοση", "verzió",
)
BUILD_WORDS = ("build", "compilación", "compilação", "построение", "сборка", "ビルド", "組建", "빌드", "sestavení")

# other words of systeminfo lines with letters outside ASCII: they decide between code pages that
# agree on the labels above (cp850 and cp852 both read "Wersja"; only cp852 reads "właściciel")
OTHER_WORDS = (
    "ursprüngliches", "domäne", "startgerät", "verfügbar", "eigenständige", "eigenständiger", "primärer",
    "système", "propriétaire", "répertoire", "périphérique", "mémoire", "démarrage", "hôte", "réseau",
    "versión", "configuración", "compilación", "estación", "organización", "física", "instalación",
    "versão", "configuração", "compilação", "proprietário", "estação", "autônoma", "memória", "organização",
    "inicialização", "domínio", "località", "właściciel", "pamięć", "całkowita", "dostępna", "członkowski",
    "członkowska", "operačního", "systému", "vlastník", "paměť", "sestavení", "členský", "záložní", "primární",
    "samostatná", "värdnamn", "ägare", "fristående", "primär", "işletim", "sürümü", "üreticisi", "yapılandırması",
    "başına", "istasyonu", "türü", "kayıtlı", "изолированная", "рядовой", "основной", "резервный", "владелец",
    "построение", "сборка", "название", "изготовитель", "параметры",
)

_SPACES = re.compile(r"[\s\-]+")


def normalise(text: str) -> str:
    """Lower case, NFC, one space for any run of spaces or hyphens, typographic apostrophes made plain,
    Turkish dotted capital I folded to a plain i ("İş İstasyonu")."""
    text = unicodedata.normalize("NFC", text).replace("\u2019", "'").replace("`", "'")
    return _SPACES.sub(" ", text.strip().lower().replace("i\u0307", "i"))


_LABEL_INDEX = {normalise(label): field for field, labels in LABELS.items() for label in labels}


def label_field(label: str) -> str | None:
    """'os_name', 'os_version', 'os_config', 'host', 'manufacturer' for a known systeminfo label."""
    return _LABEL_INDEX.get(normalise(label))


def role_of(value: str) -> tuple[str, int] | None:
    """(family, ProductType) that an "OS Configuration" value names, e.g. ('server', 2) for a DC."""
    low = normalise(value)
    if any(normalise(w) in low for w in DC_WORDS):
        return "server", 2
    if any(normalise(w) in low for w in WORKSTATION_WORDS):
        return "client", 1
    if any(w in low for w in SERVER_WORDS):
        return "server", 3
    return None


def edition_channel_words(text: str) -> str | None:
    """'Enterprise/Education' or 'Home/Pro' from the edition words of a (localized) product name."""
    low = normalise(text)
    if any(w in low for w in ENTERPRISE_WORDS):
        return "Enterprise/Education"
    if any(re.search(r"(?<!\w)" + re.escape(w) + r"(?!\w)", low) for w in HOME_PRO_WORDS):
        return "Home/Pro"
    return None


def scoring_words() -> list[str]:
    """Every non-ASCII word above: what a right code page must produce and a wrong one garbles."""
    words = set(_LABEL_INDEX) | {normalise(w) for w in DC_WORDS + WORKSTATION_WORDS + SERVER_WORDS
                                 + ENTERPRISE_WORDS + HOME_PRO_WORDS + VERSION_WORDS + BUILD_WORDS + OTHER_WORDS}
    words |= {"майкрософт", "マイクロソフト", "н/д", "暂缺", "該当なし", "microsoft®", "windows®", "server®"}
    return sorted(w for w in words if any(ord(ch) > 127 for ch in w))
