"""``set`` in the batch evaluator: ``set name=value`` (quoted or not), ``set /p`` (the user's answer,
or the first line of a file the script wrote), ``set /a`` arithmetic, and what each records for the
findings (the branch it is under, who set a variable last and under which test)."""

from __future__ import annotations

import re

from sbskit.core.osver.scripteval import batch_parse as bp
from sbskit.core.osver.scripteval import batch_text as bt
from sbskit.core.osver.scripteval.batch_exec import action, expand, read_file, set_var
from sbskit.core.osver.scripteval.batch_state import Stop
from sbskit.core.osver.scripteval.values import Lazy, Unknown, lift, merge_why


def set_command(run, st, node) -> None:
    raw = bp.word_text(node.rest)
    line = node.line
    m = re.match(r"(?i)/a\s*(.*)$", raw, re.DOTALL)
    if m:
        set_arith(st, node, m.group(1))
        return
    m = re.match(r"(?i)/p\s*(.*)$", raw, re.DOTALL)
    if m:
        name = m.group(1).strip().strip('"').split("=", 1)[0]
        src = next((r for r in node.redirects if r.op == "<"), None)
        if src is None:
            set_var(st, name, Unknown(f"what the user types (set /p, line {line})", line))
            return
        stream = read_file(st, expand(st, src.target), line, bp.word_text(src.target))
        set_var(st, name, lift(lambda lines: lines[0] if lines else "", stream.lines))
        return
    text = raw
    quoted = text.startswith('"')
    if quoted:
        end = text.rfind('"')
        text = text[1:end] if end > 0 else text[1:]
    if "=" not in text:
        return  # 'set' or 'set X' lists variables
    name, _, _ = text.partition("=")
    value_word = _value_word(node.rest, quoted)
    value = expand(st, value_word)
    set_var(st, name.strip(), value)
    action(st, "set", f"line {line}", line, f"set {text.strip()}", at_line=line)
    st.setters[name.strip().lower()] = (line, f"set {text.strip()}", any(r.decisions for r in st.regions))
    from sbskit.core.osver.scripteval.carried import set_origin

    set_origin(st.origins, name.strip(), line, tuple(d for r in st.regions for d in r.decisions))


def _value_word(rest: bp.Word, quoted: bool) -> bp.Word:
    """The parts of ``set name=value`` after the first '=' (and before a closing quote)."""
    parts, seen = [], False
    for p in rest:
        if not seen:
            if p[0] == "lit" and "=" in p[1]:
                seen = True
                tail = p[1].split("=", 1)[1]
                if tail:
                    parts.append(("lit", tail))
            continue
        parts.append(p)
    if quoted and parts:
        last = parts[-1]
        if last[0] == "lit" and '"' in last[1]:
            parts[-1] = ("lit", last[1][:last[1].rfind('"')])
    return tuple(parts)


def set_arith(st, node, text: str) -> None:
    """``set /a``: numbers as cmd reads them (leading zero = octal); names are variables."""
    line = node.line
    word = bp.parse_word(text)
    expr = expand(st, word)
    if isinstance(expr, Unknown):
        for name in re.findall(r"([A-Za-z_][\w.]*)\s*[-+*/%]?=", text):
            set_var(st, name, expr)
        return
    frozen = dict(st.vars)

    def var_text(m, name: str) -> str:
        value = frozen.get(name.lower(), "")
        if isinstance(value, Lazy):
            value = value.at(m)
        if isinstance(value, Unknown):
            raise ValueError("unknown")
        return value

    def run_for(m, text_now: str) -> dict:
        try:
            return {n.lower(): str(v) for n, v in bt.set_a(text_now, lambda n: var_text(m, n))}
        except (ValueError, SyntaxError, ZeroDivisionError, TypeError):
            return {}

    names = re.findall(r"([A-Za-z_][\w.]*)\s*[-+*/%]?=", text)
    uses_vars = isinstance(expr, Lazy) or any(isinstance(frozen.get(n.lower()), (Lazy, Unknown))
                                              for n in re.findall(r"[A-Za-z_][\w.]*", expr if isinstance(expr, str) else ""))
    if not uses_vars:
        try:
            for name, value in bt.set_a(expr, lambda n: _plain(frozen.get(n.lower(), ""))):
                set_var(st, name, str(value))
        except (ValueError, SyntaxError, ZeroDivisionError, TypeError):
            raise Stop("not-evaluated", line, f"cannot evaluate '{node.text}'") from None
    else:
        sources = [v for v in [expr] + [frozen.get(n.lower()) for n in re.findall(r"[A-Za-z_][\w.]*", text)]
                   if isinstance(v, Lazy)]
        tags = frozenset().union(*(v.tags for v in sources)) if sources else frozenset()
        lang = any(v.lang for v in sources)
        for name in names:
            key = name.lower()
            value = Lazy(lambda m, k=key: run_for(m, expr.at(m) if isinstance(expr, Lazy) else expr).get(k, ""),
                         merge_why(*sources), tags, lang)
            set_var(st, name, value)
    action(st, "set", f"line {line}", line, node.text, at_line=line)


def _plain(value) -> str:
    if not isinstance(value, str):
        raise ValueError("not plain")
    return value
