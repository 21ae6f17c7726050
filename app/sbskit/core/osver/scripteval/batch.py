"""Entry point of the batch evaluator: parse, run on every release in English, and again in
every language when a test read language-dependent text (ver, systeminfo, captions)."""

from __future__ import annotations

import re

from sbskit.core.errors import UserInputError
from sbskit.core.osver.scripteval import batch_parse as bp
from sbskit.core.osver.scripteval.batch_exec import initial_vars
from sbskit.core.osver.scripteval.batch_run import Program, Runner
from sbskit.core.osver.scripteval.machines import LANGUAGES, machines
from sbskit.core.osver.scripteval.runtime import RunResult


LANGUAGE_WORDS = re.compile(r"(?i)\b(ver|systeminfo|caption|name)\b")


def label_sections(statements: list) -> dict[str, dict]:
    """Per label: its line and what its section says (echo text, values set, commands), read
    up to the next label or the first unconditional goto/exit. These give a branch its meaning."""
    out: dict[str, dict] = {}
    current = None
    for stmt in statements:
        if isinstance(stmt, bp.Label):
            if not stmt.name:
                continue
            current = out.setdefault(":" + stmt.name, {"line": stmt.line, "name": stmt.name, "texts": [], "closed": False})
            continue
        if current is None or current["closed"]:
            continue
        if isinstance(stmt, (bp.If, bp.AndOr)):
            for node in _simple_nodes(stmt):
                if node.name == "goto" and node.args:
                    target = (bp.literal(node.args[0]) or "").lower().lstrip(":")
                    if target and target != "eof":
                        current.setdefault("jumps", []).append(":" + target)
            continue
        for node in _simple_nodes(stmt):
            if node.name == "echo":
                text = bp.word_text(node.rest).lstrip(".:(/").strip()
                if text.lower() not in ("", "off", "on"):
                    current["texts"].append(("echo", text))
            elif node.name == "set" and "=" in bp.word_text(node.rest):
                value = bp.word_text(node.rest).strip('"').split("=", 1)[1]
                current["texts"].append(("set", value))
            elif node.name in ("goto", "exit"):
                if isinstance(stmt, bp.Simple):
                    current["closed"] = True
            elif node.name and node.name not in ("rem", "cls", "title", "color", "pause"):
                current.setdefault("commands", []).append(node.text)
        if len(current["texts"]) > 8:
            current["closed"] = True
    for stmt in statements:
        for node in _simple_nodes(stmt):
            if node.name in ("goto", "call") and node.args:
                target = (bp.literal(node.args[0]) or "").lower()
                if target.startswith(":") and node.name == "goto":
                    target = target[1:]
                elif node.name == "call":
                    if not target.startswith(":"):
                        continue
                    target = target[1:]
                sec = out.get(":" + target)
                if sec is not None:
                    sec.setdefault("targets", []).append(node.line)
    return out


def _simple_nodes(node):
    if isinstance(node, bp.Simple):
        yield node
    for attr in ("items", "commands"):
        for child in getattr(node, attr, None) or []:
            yield from _simple_nodes(child)
    for attr in ("left", "right", "then", "otherwise", "body"):
        child = getattr(node, attr, None)
        if child is not None:
            yield from _simple_nodes(child)


def run_batch(text: str, languages: tuple[str, ...] = LANGUAGES) -> RunResult:
    try:
        statements = bp.parse(text)
    except bp.ParseError as exc:
        raise UserInputError(f"cannot read the batch file: {exc}") from None
    program = Program(statements)
    everyone = machines()
    if LANGUAGE_WORDS.search(text):  # it reads translated text: run every language at once
        runner = Runner(program, [m for m in everyone if m.lang in languages], initial_vars)
        runner.run()
        if runner.lang_sensitive:
            return RunResult("batch", runner.outcomes, runner.covered, True, runner.notes,
                             label_sections(statements), languages, runner.decisions)
    first = [m for m in everyone if m.lang == languages[0]]
    runner = Runner(program, first, initial_vars)
    runner.run()
    used = (languages[0],)
    if runner.lang_sensitive and len(languages) > 1:
        runner = Runner(program, [m for m in everyone if m.lang in languages], initial_vars)
        runner.run()
        used = languages
    return RunResult("batch", runner.outcomes, runner.covered, runner.lang_sensitive, runner.notes,
                     label_sections(statements), used, runner.decisions)
