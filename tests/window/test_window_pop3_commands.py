"""Item 3: every POP3 command block runs as pasted, marks its placeholders, and never turns POP3
on unless it is the block that says so.

The checker below reads each line the way the shell does (comments, quotes, script blocks,
pipelines, ``;``) and wants every command to be one the kit means to run: an English sentence
("Restart the POP3 service afterwards.") is a command named "Restart" and fails.

Round 2: pasted line by line, a placeholder must stop the WHOLE block. A PowerShell block is one
statement (``& { ... }``: the console reads on while a ``{`` is open and parses it whole; a bare
``<`` is a parse error, so nothing of it runs); ``statements`` below splits text the way the
console does and finds every placeholder inside that one statement, unquoted. The cmd.exe block
that turns POP3 on is one guarded ``if`` line.
"""

from __future__ import annotations

import re

import pytest

from sbskit.core.exchange_commands import PURPOSES, command_blocks
from sbskit.core.mailprobe.checklist import version_ids

KNOWN_POWERSHELL = {
    "Get-CASMailbox", "Set-CASMailbox", "Get-PopSettings", "Set-PopSettings", "Get-Service", "Set-Service",
    "Start-Service", "Stop-Service", "Restart-Service", "Get-WmiObject", "Where-Object", "Select-Object",
    "Format-List", "Format-Table", "netstat", "findstr",
}
KNOWN_CMD = {"sc.exe", "net", "netstat", "findstr"}
PLACEHOLDER = re.compile(r"<[A-Z][A-Za-z]+>")
SAMPLE_VALUES = re.compile(r"example\.(com|org|net)|jsmith|contoso|\bSERVER\b|mail\.[a-z]+\.[a-z]+", re.I)
# what turns POP3 on: a service started or set to start, a mailbox allowed, a restart of a stopped service
ENABLING = [
    re.compile(r"\bStart-Service\b", re.I),
    re.compile(r"-StartupType\s+(Automatic|Manual)", re.I),
    re.compile(r"-PopEnabled\s+\$true", re.I),
    re.compile(r"\bstart=\s*(auto|demand)", re.I),
    re.compile(r"^\s*net\s+start\b", re.I),
]


def split_commands(line: str) -> list[str]:
    """Commands of one PowerShell/cmd line: split at | and ; outside quotes and { } blocks."""
    parts, current, quote, depth = [], "", "", 0
    for char in line:
        if quote:
            current += char
            if char == quote:
                quote = ""
            continue
        if char in "'\"":
            quote = char
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            assert depth >= 0, f"unbalanced }} in {line!r}"
        elif char in "|;" and depth == 0:
            parts.append(current.strip())
            current = ""
            continue
        current += char
    assert not quote, f"unclosed quote in {line!r}"
    assert depth == 0, f"unclosed {{ in {line!r}"
    parts.append(current.strip())
    return [p for p in parts if p]


def unquoted(line: str) -> str:
    return re.sub(r"'[^']*'|\"[^\"]*\"", "''", line)


def statements(text: str) -> list[tuple[str, list[tuple[int, str]]]]:
    """PowerShell text as the console reads it: a line ends a statement unless a ``{``, ``(`` or a
    quote is still open; comment-only and empty lines add nothing. Each statement comes with the
    ``<...>`` tokens found outside quotes and comments, and the brace depth they are at."""
    found, current, tokens, depth, quote = [], [], [], 0, ""
    for line in text.splitlines():
        i = 0
        while i < len(line):
            char = line[i]
            if quote:
                if char == quote:
                    quote = ""
            elif char in "'\"":
                quote = char
            elif char == "#":
                break  # a comment to the end of the line
            elif char in "{(":
                depth += 1
            elif char in "})":
                depth -= 1
            elif char == "<":
                end = line.find(">", i)
                tokens.append((depth, line[i:end + 1] if end > 0 else line[i:]))
            i += 1
        if line.split("#", 1)[0].strip():
            current.append(line)
        if depth == 0 and not quote and current:
            found.append(("\n".join(current), tokens))
            current, tokens = [], []
    assert not current, f"input left open at the end: {current[-1]!r}"
    return found


ALLOWED_INSIDE = {"$ErrorActionPreference = 'Stop'"}


def problems(block) -> list[str]:
    """Why a copied block would not run as pasted (empty: it would)."""
    found = []
    comment = "#" if block.shell == "powershell" else "REM"
    known = KNOWN_POWERSHELL if block.shell == "powershell" else KNOWN_CMD
    for number, raw in enumerate(block.text().splitlines(), 1):
        line = raw.strip() if block.shell == "powershell" else raw
        if not line.strip() or line in ALLOWED_INSIDE or (block.one_statement and line in ("& {", "}")):
            continue
        if block.shell == "cmd" and line.startswith('if /i "<'):  # the guard of the block that turns POP3 on
            found += guard_problems(block, number, line)
            continue
        if line.startswith(comment + " ") or line == comment:
            if block.shell == "cmd" and re.search(r"[<>|&]", line):
                found.append(f"line {number}: cmd comment with a redirection character: {line!r}")
            continue
        for command in split_commands(line):
            name = command.split()[0]
            if name not in known:
                found.append(f"line {number}: not a command the shell knows ({name!r}): {line!r}")
        bare = unquoted(line)
        for name in re.findall(r"\(\s*([A-Za-z][\w.-]*)", bare):  # (...) runs its first word as a command
            if name not in known:
                found.append(f"line {number}: '({name} ...' runs {name!r} as a command: {line!r}")
        for token in re.findall(r"<[^>\s]*>?", bare):
            if not PLACEHOLDER.fullmatch(token):
                found.append(f"line {number}: '<' that is not a <Placeholder>: {line!r}")
        if SAMPLE_VALUES.search(line):
            found.append(f"line {number}: a sample value that would run as if real: {line!r}")
        if not block.turns_pop3_on:
            for pattern in ENABLING:
                if pattern.search(line):
                    found.append(f"line {number}: turns POP3 on inside '{block.title}': {line!r}")
            if "Restart-Service" in line and "'Running'" not in line:
                found.append(f"line {number}: Restart-Service starts a stopped POP3 service: {line!r}")
    return found


GUARD = re.compile(r'^if /i "(<[A-Z][A-Za-z]+>)"=="yes" \((?P<then>[^()]*)\) else echo (?P<say>[^<>|&()]*)$')


def guard_problems(block, number: int, line: str) -> list[str]:
    """The cmd.exe guard: the quoted placeholder (inert in quotes) can never equal "yes", so the
    commands in the parentheses run only once the admin typed yes over it."""
    match = GUARD.match(line)
    if not match:
        return [f"line {number}: not the one-line guard 'if /i \"<Placeholder>\"==\"yes\" (...) else echo ...'"]
    commands = [c.strip() for c in match["then"].split("&&")]
    unknown = [c for c in commands if c.split()[0] not in KNOWN_CMD]
    return [f"line {number}: unknown command {c!r} in the guarded branch" for c in unknown]


ALL_BLOCKS = [(v, b.block_id) for v in version_ids() for b in command_blocks(v)]


@pytest.mark.parametrize("version, block_id", ALL_BLOCKS)
def test_a_placeholder_stops_the_whole_block(version, block_id):
    (block,) = [b for b in command_blocks(version) if b.block_id == block_id]
    text = block.text()
    if block.shell == "powershell":
        parsed = statements(text)
        assert len(parsed) == (1 if block.runs_anything else 0)  # ONE statement: parsed whole, run whole or not
        if parsed:
            statement, tokens = parsed[0]
            assert statement.startswith("& {\n    $ErrorActionPreference = 'Stop'\n") and statement.endswith("\n}")
            assert all(depth >= 1 and PLACEHOLDER.fullmatch(token) for depth, token in tokens)  # a parse error inside
            assert text.endswith("}\n\n")  # the empty line that ends the classic console's >> input
        return
    runs = [line for line in text.splitlines() if line and not line.startswith("REM")]
    if block.turns_pop3_on:
        assert len(runs) == 1 and GUARD.match(runs[0]), runs  # one line, changing nothing as copied
    else:
        assert not any(p.search(line) for line in runs for p in ENABLING)


def test_the_statement_splitter_sees_what_the_old_blocks_did():
    """The copied TURN POP3 ON text of round 1 was three statements: the placeholder line failed
    alone and the two after it started POP3 for every mailbox."""
    old = ("# Allow POP3 for one approved mailbox:\nSet-CASMailbox -Identity <MailboxName> -PopEnabled $true\n"
           "Set-Service MSExchangePOP3 -StartupType Automatic\nStart-Service MSExchangePOP3\n")
    parsed = statements(old)
    assert len(parsed) == 3 and parsed[0][1] == [(0, "<MailboxName>")] and parsed[2][1] == []
    quoted = statements("& {\n    Set-CASMailbox -Identity '<MailboxName>' -PopEnabled $true\n}\n")
    assert quoted[0][1] == []  # in quotes a placeholder is a name, not a parse error: the checker sees it


@pytest.mark.parametrize("version", version_ids())
def test_turning_pop3_on_first_switches_it_off_for_everyone_else(version):
    (enable,) = [b for b in command_blocks(version) if b.turns_pop3_on]
    text = enable.text()
    assert "by default for every mailbox" in " ".join(text.split())
    if enable.shell == "powershell":
        off = text.index("Get-CASMailbox -ResultSize Unlimited | Set-CASMailbox -PopEnabled $false")
        assert off < text.index("-Identity <MailboxName> -PopEnabled $true") < text.index("Start-Service")


@pytest.mark.parametrize("version, block_id", ALL_BLOCKS)
def test_every_block_runs_as_pasted(version, block_id):
    (block,) = [b for b in command_blocks(version) if b.block_id == block_id]
    assert problems(block) == []


@pytest.mark.parametrize("version", version_ids())
def test_each_version_has_the_four_blocks_and_only_one_turns_pop3_on(version):
    blocks = command_blocks(version)
    assert [b.purpose for b in blocks] == list(PURPOSES)
    enable = [b for b in blocks if b.turns_pop3_on]
    assert len(enable) == 1
    text = enable[0].text()
    assert "TURNS POP3 ON" in "".join(text.splitlines()[:3])  # the warning comes right after the title
    assert any(p.search(text) for p in ENABLING)


def test_placeholders_are_marked_where_a_value_must_be_chosen():
    text = "".join(b.text() for v in version_ids() for b in command_blocks(v) if b.shell == "powershell")
    assert "Set-CASMailbox -Identity <MailboxName> -PopEnabled $true" in text
    assert "Set-PopSettings -X509CertificateName <HostNameOnCertificate>" in text


@pytest.mark.parametrize("bad", [
    "Restart the POP3 service afterwards.",
    "Set-PopSettings -X509CertificateName mail.example.com",
    "Set-Service MSExchangePOP3 -StartupType Automatic; Start-Service MSExchangePOP3",
    "Restart-Service MSExchangePOP3",
    "Get-Service MSExchangePOP3   (Stopped means nobody uses POP3)",
    "Set-PopSettings -ProtocolLogEnabled $true ; the log is in %ExchangeInstallPath%Logging\\Pop3",
])
def test_the_checker_catches_what_the_old_commands_did(bad):
    """The old 'Copy commands' text had each of these lines; the checker must refuse them."""
    from sbskit.core.exchange_commands import CommandBlock

    block = CommandBlock("2013-2019", "Exchange 2013", "harden", "harden", "powershell", "Harden",
                         (("run", bad),))
    assert problems(block)


# --- the GUI: what is copied is the block that is shown, chosen with real keys --------------


@pytest.mark.gui
def test_copy_commands_copies_exactly_the_chosen_block(main_window, qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtTest import QTest

    from window_keys import press

    main_window.tabs.setCurrentIndex(3)
    tab = main_window.ensure_tab(3)
    panel = tab.checklist
    qtbot.waitUntil(lambda: panel.loaded and panel.isVisible(), timeout=5000)
    panel.version_combo.setCurrentIndex(panel.version_combo.findData("2013-2019"))
    combo = panel.block_combo
    assert combo.currentData() == "harden"  # the default block changes settings but turns nothing on
    seen = {}
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    press(main_window, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        QTest.mouseClick(panel.copy_commands_button, Qt.MouseButton.LeftButton)
        copied = QGuiApplication.clipboard().text()
        assert copied == panel.commands.toPlainText()
        (block,) = [b for b in command_blocks("2013-2019") if b.block_id == combo.currentData()]
        assert copied == block.text() and problems(block) == []
        seen[block.block_id] = copied
        combo.setFocus()
        press(main_window, Qt.Key.Key_Down)
    assert set(seen) == set(PURPOSES)
    assert "Start-Service" not in seen["harden"] and "Start-Service" in seen["enable"]
    assert "turns POP3 on" in panel.copy_commands_button.text()  # the last block chosen is "enable"
