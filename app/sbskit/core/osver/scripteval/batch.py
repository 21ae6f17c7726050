"""Entry point of the batch evaluator: parse, run on every release in English, and again in
every language when a test read language-dependent text (ver, systeminfo, captions)."""

from __future__ import annotations

import re

from sbskit.core.errors import UserInputError
from sbskit.core.osver.scripteval import batch_parse as bp
from sbskit.core.osver.scripteval.batch_exec import caller_inputs, initial_vars
from sbskit.core.osver.scripteval.batch_run import Program, Runner
from sbskit.core.osver.scripteval.machines import LANGUAGES, machines
from sbskit.core.osver.scripteval.runtime import RunResult


LANGUAGE_WORDS = re.compile(r"(?i)\b(ver|systeminfo|caption|name)\b")


def label_sections(statements: list) -> dict[str, dict]:
    """Per label: its line and what its section says (echo text, values set, commands), read
    up to the next label or the first unconditional goto/exit. These give a branch its meaning."""
    out: dict[str, dict] = {}
    current = None
    stacked = None  # the label right above, when no command separates them: they share one body
    for stmt in statements:
        if isinstance(stmt, bp.Label):
            if not stmt.name:
                continue  # a :: comment
            current = out.setdefault(":" + stmt.name, {"line": stmt.line, "name": stmt.name, "texts": [], "closed": False})
            if stacked is not None and stacked is not current:
                current["texts"], current["stack"] = stacked["texts"], stacked["stack"]
            current.setdefault("stack", [])
            current["stack"].append(stmt.name)
            words = stmt.text.strip().lstrip(":").strip()
            if " " in words:  # ":Run Windows 2000/XP specific commands here" is a comment cmd reads as a label
                current["texts"].append(("label", words))
            stacked = current
            continue
        stacked = None
        if current is None or current["closed"]:
            continue
        if isinstance(stmt, (bp.If, bp.AndOr)):
            current.setdefault("body", []).extend(" ".join(n.text.lower().split()) for n in _simple_nodes(stmt)
                                                  if n.name not in ("echo", "rem", "cls", "title", "color", "pause"))
            for node in _simple_nodes(stmt):
                if node.name == "goto" and node.args:
                    target = (bp.literal(node.args[0]) or "").lower().lstrip(":")
                    if target and target != "eof":
                        current.setdefault("jumps", []).append(":" + target)
            continue
        for node in _simple_nodes(stmt):
            if node.name not in ("echo", "rem", "cls", "title", "color", "pause"):
                current.setdefault("body", []).append(" ".join(node.text.lower().split()))
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
    _inline_branches(statements, out)
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


def _inline_branches(statements: list, out: dict) -> None:
    """Commands run under a test (``find "NT 4.0" && call :old Windows NT 4.0``, ``if ... set OS=XP``),
    registered even when no release reaches them, so "the branch meant for it" can be named."""
    from sbskit.core.osver.scripteval.meaning import meaning_of, setting_text

    for stmt in statements:
        for node in _walk_guarded(stmt, False):
            key = f"line {node.line}"
            if key in out:
                continue
            rest = bp.word_text(node.rest).strip()
            text = None
            if node.name == "echo" and rest.lower() not in ("", "off", "on", "."):
                text = ("echo", rest.lstrip(".:(/"))
            elif node.name == "set" and "=" in rest and not rest.lower().startswith(("/a", "/p")):
                name, _, value = rest.strip('"').partition("=")
                said = setting_text(name, value)
                text = ("set", said) if said else None
            elif node.name == "call" and len(node.args) > 1 and rest.startswith(":"):
                label, _, args = rest.partition(" ")
                sub = out.get(label.lower(), {})
                said = [("call", args)] if meaning_of(args) is not None else sub.get("texts", [])[:4]
                out[key] = {"line": node.line, "texts": said, "inline": True, "desc": node.text}
                continue
            if text is not None:
                out[key] = {"line": node.line, "texts": [text], "inline": True, "desc": node.text}


def _walk_guarded(node, guarded: bool):
    """The simple commands of a statement, with whether a test guards them."""
    if isinstance(node, bp.Simple):
        if guarded:
            yield node
        return
    if isinstance(node, bp.If):
        for child in (node.then, node.otherwise):
            if child is not None:
                yield from _walk_guarded(child, True)
        return
    if isinstance(node, bp.AndOr):
        yield from _walk_guarded(node.left, guarded)
        yield from _walk_guarded(node.right, True)
        return
    for attr in ("items", "commands"):
        for child in getattr(node, attr, None) or []:
            yield from _walk_guarded(child, guarded)
    body = getattr(node, "body", None)
    if body is not None:
        yield from _walk_guarded(body, guarded)


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


def run_batch(text: str, languages: tuple[str, ...] = LANGUAGES, cmd_file: bool = False) -> RunResult:
    """``cmd_file``: the script is a .cmd file (set clears ERRORLEVEL there, not in a .bat file).

    Variables the script reads before it sets them are empty when it runs on its own, as a logon
    script does. When that empty value makes cmd stop on every Windows, whoever starts the script
    evidently sets them (a parent script, the script re-run by itself): it is run again with them
    unknown, both ways followed."""
    try:
        statements = bp.parse(text)
    except bp.ParseError as exc:
        raise UserInputError(f"cannot read the batch file: {exc}") from None
    program = Program(statements)
    result = _run(program, statements, text, languages, cmd_file, frozenset())
    inputs = caller_inputs(text)
    ms = machines()
    nt = [o for o in result.outcomes if any(ms[i].is_nt for i in o.machines)]
    if inputs and nt and all(o.status == "error" for o in nt):
        result = _run(program, statements, text, languages, cmd_file, inputs)
    return result


def _run(program, statements, text, languages, cmd_file, inputs) -> RunResult:
    def start_vars(envs):
        return initial_vars(envs, inputs)

    everyone = machines()
    if LANGUAGE_WORDS.search(text):  # it reads translated text: run every language at once
        runner = Runner(program, [m for m in everyone if m.lang in languages], start_vars, cmd_file)
        runner.run()
        if runner.lang_sensitive:
            return RunResult("batch", runner.outcomes, runner.covered, True, runner.notes,
                             label_sections(statements), languages, runner.decisions)
    first = [m for m in everyone if m.lang == languages[0]]
    runner = Runner(program, first, start_vars, cmd_file)
    runner.run()
    used = (languages[0],)
    if runner.lang_sensitive and len(languages) > 1:
        runner = Runner(program, [m for m in everyone if m.lang in languages], start_vars, cmd_file)
        runner.run()
        used = languages
    return RunResult("batch", runner.outcomes, runner.covered, runner.lang_sensitive, runner.notes,
                     label_sections(statements), used, runner.decisions)
