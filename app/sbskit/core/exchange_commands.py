"""POP3 commands for an Exchange version, as blocks that are safe to paste.

Admins paste these into a shell on a production server, so each block runs as pasted:
explanations are comments of that shell, placeholders look like ``<MailboxName>``, and the
steps that turn POP3 on live in their own block, never among the hardening steps. The text
itself is data in ``resources/pop3-checklist.json``.

A PowerShell block is ONE statement, ``& { ... }``, so a placeholder stops all of it, however
it is pasted (PowerShell 1.0/2.0 on SBS 2008/2011 up to 7):

* a line that opens ``{`` is incomplete, so the console keeps reading (the ``>>`` prompt; the
  classic console runs the statement at the empty line the block ends with, PSReadLine at the
  closing brace) and hands the whole block to the parser at once;
* a bare ``<`` is a parse error ("The '<' operator is reserved for future use",
  ParserError/RedirectionNotSupported, PowerShell 2.0 to 7), and PowerShell runs nothing of an
  input that does not parse: the ``Get-CASMailbox ... -PopEnabled $false`` and ``Start-Service``
  lines around a left-over ``<MailboxName>`` never run;
* inside, ``$ErrorActionPreference = 'Stop'`` (scoped to the block) stops at the first failing
  command, e.g. a mistyped mailbox name, before the service is started.

A cmd.exe block has no such parse: the block that turns POP3 on is one ``if`` line whose test
compares a quoted placeholder (inert in quotes), so as copied it changes nothing.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from sbskit.core.errors import UserInputError

# the order the blocks are offered in; "enable" last, and never copied with the others
PURPOSES = ("inspect", "harden", "switch-off", "enable")
COMMENT = {"powershell": "#", "cmd": "REM"}
SHELL_NAME = {"powershell": "the Exchange Management Shell", "cmd": "a Command Prompt (cmd.exe)"}
WIDTH = 78  # fits the commands pane and a default console window
INDENT = "    "  # the commands inside a PowerShell block's { }


@dataclass(frozen=True)
class CommandBlock:
    version_id: str
    version_name: str
    block_id: str
    purpose: str
    shell: str
    title: str
    steps: tuple[tuple[str, str], ...]  # ("note" | "run", text)
    purpose_text: str = ""

    @property
    def turns_pop3_on(self) -> bool:
        return self.purpose == "enable"

    def comment(self, text: str, indent: str = "") -> list[str]:
        mark = COMMENT[self.shell]
        width = WIDTH - len(indent) - len(mark) - 1
        return [f"{mark} {line}" for line in textwrap.wrap(text, width, break_on_hyphens=False)] or [mark]

    @property
    def runs_anything(self) -> bool:
        return any(kind == "run" for kind, _ in self.steps)

    @property
    def one_statement(self) -> bool:
        """PowerShell blocks that run something are wrapped as one script block (see the module)."""
        return self.shell == "powershell" and self.runs_anything

    def text(self) -> str:
        """The block exactly as it is copied: a header comment, then notes as comments and commands;
        a PowerShell block's commands in one ``& { ... }``, followed by an empty line."""
        lines = self.comment(f"{self.version_name}: {self.title}")
        if self.turns_pop3_on:  # said first, before anything else
            lines += self.comment("WARNING: this block TURNS POP3 ON. It is not part of the hardening steps.")
        if self.one_statement:
            lines += self.comment(f"Paste the whole block into {SHELL_NAME[self.shell]} on the server. "
                                  f"{self.purpose_text}".strip())
            lines += self.comment("PowerShell reads it as one command: while a <placeholder> is left it refuses "
                                  "all of it and nothing runs; it stops at the first error. If the prompt shows "
                                  ">>, press Enter once more.")
            lines.append("& {")
            lines.append(f"{INDENT}$ErrorActionPreference = 'Stop'")
            for kind, value in self.steps:
                lines += [INDENT + value] if kind == "run" else [INDENT + c for c in self.comment(value, INDENT)]
            lines.append("}")
            return "\n".join(lines) + "\n\n"  # the empty line ends the console's >> input
        if self.runs_anything:
            lines += self.comment(f"Paste into {SHELL_NAME[self.shell]} on the server. {self.purpose_text}".strip())
        else:
            lines += self.comment(f"Steps to follow by hand; nothing here runs. {self.purpose_text}".strip())
        for kind, value in self.steps:
            if kind == "run":
                lines.append(value)
            else:
                lines += self.comment(value)
        return "\n".join(lines) + "\n"


def _catalogue() -> dict:
    from sbskit.core.mailprobe.checklist import catalogue

    return catalogue()


def command_blocks(version_id: str) -> list[CommandBlock]:
    """Every block for one Exchange version, in the order of ``PURPOSES``."""
    data = _catalogue()
    purposes = data.get("command_blocks", {}).get("purposes", {})
    for entry in data["versions"]:
        if entry["id"] != version_id:
            continue
        blocks = []
        for raw in entry.get("blocks", []):
            steps = tuple(("run", s["run"]) if "run" in s else ("note", s["note"]) for s in raw["steps"])
            blocks.append(CommandBlock(entry["id"], entry["name"], raw["id"], raw["purpose"], raw["shell"],
                                       raw["title"], steps, purposes.get(raw["purpose"], "")))
        return sorted(blocks, key=lambda b: PURPOSES.index(b.purpose))
    raise UserInputError(f"unknown Exchange version {version_id!r}")


def block(version_id: str, block_id: str) -> CommandBlock:
    for candidate in command_blocks(version_id):
        if candidate.block_id == block_id:
            return candidate
    raise UserInputError(f"no command block {block_id!r} for Exchange {version_id}")
