"""POP3 commands for an Exchange version, as blocks that are safe to paste.

Admins paste these into a shell on a production server, so each block runs as pasted:
explanations are comments of that shell, placeholders look like ``<MailboxName>`` (PowerShell
refuses a line that still has one, instead of acting on a made-up mailbox), and the steps that
turn POP3 on live in their own block, never among the hardening steps. The text itself is
data in ``resources/pop3-checklist.json``.
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

    def comment(self, text: str) -> list[str]:
        mark = COMMENT[self.shell]
        return [f"{mark} {line}" for line in textwrap.wrap(text, WIDTH - len(mark) - 1, break_on_hyphens=False)] or [mark]

    def text(self) -> str:
        """The block exactly as it is copied: a header comment, then notes as comments and commands."""
        lines = self.comment(f"{self.version_name}: {self.title}")
        if self.turns_pop3_on:  # said first, before anything else
            lines += self.comment("WARNING: this block TURNS POP3 ON. It is not part of the hardening steps.")
        if any(kind == "run" for kind, _ in self.steps):
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
