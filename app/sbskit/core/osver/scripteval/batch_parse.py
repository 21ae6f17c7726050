"""Read a batch file the way cmd.exe does, into a small tree the batch evaluator runs.

What cmd does that matters here: one logical line can hold ``&``, ``&&``, ``||`` and ``|``;
a parenthesised block spans lines; ``if`` takes the rest of the line (``&`` included) as its
command and ``else`` only after a closing parenthesis; ``^`` escapes and continues lines;
``%var%`` references are kept as parts of words and expanded when the line runs (the
evaluator does the expansion with the values from the start of the logical line, as cmd).
"""

from __future__ import annotations

import bisect
import re

from sbskit.core.osver.scripteval.batch_ast import (  # noqa: F401 - re-exported: the evaluator imports them from here
    AndOr,
    Block,
    For,
    If,
    Label,
    ParseError,
    Pipe,
    Redirect,
    Seq,
    Simple,
    Unreadable,
    Word,
    _split_args,
    literal,
    parse_word,
    unescape_carets,
    word_text,
)

# --- the parser ---------------------------------------------------------------------------
_SPECIAL = "&|<>()"
_KEYWORD = re.compile(r"(?i)(if|for|rem)(?=[\s(/]|$)")
_NAME = re.compile(r"([^ \t,;=\"(]*?)(?=[ \t,;=(]|$|(?<=echo)[.:/\\\[\]+]|(?<=goto):|(?<=call):)", re.I)
_NAME_BREAK = set(" \t,;=&|<>()\"")


class Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line_at(self, pos: int) -> int:
        return bisect.bisect_right(self.line_starts, pos)

    def peek(self, k: int = 0) -> str:
        p = self.pos + k
        return self.text[p] if p < len(self.text) else ""

    def skip_ws(self, newlines: bool = False) -> None:
        t, n = self.text, len(self.text)
        while self.pos < n:
            ch = t[self.pos]
            if ch in " \t\r":
                self.pos += 1
            elif ch == "^" and (t.startswith("^\n", self.pos) or t.startswith("^\r\n", self.pos)):
                self.pos += 2 if t[self.pos + 1] == "\n" else 3
            elif newlines and ch == "\n":
                self.pos += 1
            else:
                break

    def at_end(self) -> bool:
        return self.pos >= len(self.text)

    # -- statements ------------------------------------------------------------------------
    def parse_script(self) -> list:
        items = []
        while True:
            self.skip_ws(newlines=True)
            while self.peek() == "@":
                self.pos += 1
                self.skip_ws()
            if self.at_end():
                break
            if self.peek() == ":":
                items.append(self.parse_label())
                continue
            if self.peek() == ")":  # a stray closing parenthesis at top level: cmd ignores the line
                self.skip_line()
                continue
            start = self.pos
            try:
                node = self.parse_seq(depth=0)
            except ParseError as exc:  # cmd reads a line only when it gets there: keep going
                self.pos = start
                line = self.line_at(start)
                node = Unreadable(line, self.skip_line().strip(), str(exc))
            if node is not None:
                items.append(node)
            if self.peek() == "\n":
                self.pos += 1
        return items

    def skip_line(self) -> str:
        start = self.pos
        end = self.text.find("\n", self.pos)
        end = len(self.text) if end == -1 else end
        self.pos = end
        return self.text[start:end]

    def parse_label(self) -> Label:
        line = self.line_at(self.pos)
        raw = self.skip_line().rstrip("\r")
        if raw.startswith("::"):
            return Label("", line, raw)
        name = re.split(r"[\s+:=,;&|<>]", raw[1:], maxsplit=1)[0]
        return Label(name.lower(), line, raw)

    def parse_seq(self, depth: int):
        start_line = self.line_at(self.pos)
        items = [self.parse_andor(depth)]
        while self.peek() == "&" and self.peek(1) != "&":
            self.pos += 1
            self.skip_ws()
            if self.at_end() or self.peek() == "\n" or (depth and self.peek() == ")"):
                break
            items.append(self.parse_andor(depth))
        items = [i for i in items if i is not None]
        if not items:
            return None
        return items[0] if len(items) == 1 else Seq(items, start_line)

    def parse_andor(self, depth: int):
        start = self.pos
        left = self.parse_pipe(depth)
        while self.peek() in "&|" and self.peek(1) == self.peek() and self.peek():
            op = self.peek() * 2
            self.pos += 2
            self.skip_ws()
            right = self.parse_pipe(depth)
            left = AndOr(left, op, right, self.line_at(start), self.text[start:self.pos].strip())
        return left

    def parse_pipe(self, depth: int):
        start = self.pos
        first = self.parse_command(depth)
        commands = [first]
        while self.peek() == "|" and self.peek(1) != "|":
            self.pos += 1
            self.skip_ws()
            commands.append(self.parse_command(depth))
        if len(commands) == 1:
            return first
        return Pipe(commands, self.line_at(start), self.text[start:self.pos].strip())

    def parse_command(self, depth: int):
        self.skip_ws()
        while self.peek() == "@":
            self.pos += 1
            self.skip_ws()
        if self.peek() == "(":
            return self.parse_block(depth)
        start = self.pos
        m = _KEYWORD.match(self.text, self.pos)
        if m:
            kw = m.group(1).lower()
            if kw == "rem":
                line = self.line_at(start)
                raw = self.skip_line()
                return Simple("rem", (("lit", "rem"),), (("lit", raw[4:]),), [], [], line, raw.strip())
            self.pos = m.end()
            return self.parse_if(start, depth) if kw == "if" else self.parse_for(start, depth)
        return self.parse_simple(depth)

    def parse_block(self, depth: int) -> Block:
        line = self.line_at(self.pos)
        self.pos += 1  # (
        items = []
        while True:
            self.skip_ws(newlines=True)
            if self.at_end():
                break  # unclosed block: cmd waits for more; the script ends here
            if self.peek() == ")":
                self.pos += 1
                break
            if self.peek() == ":":
                self.skip_line()  # labels and :: comments inside blocks are skipped
                continue
            node = self.parse_seq(depth + 1)
            if node is not None:
                items.append(node)
            if self.peek() == "\n":
                self.pos += 1
        self.skip_ws()
        return Block(items, line)

    def read_token(self, stop: str = "") -> str:
        """One argument: quoted runs kept with their quotes, ends at white space or ``stop``."""
        t, n = self.text, len(self.text)
        out = []
        while self.pos < n:
            ch = t[self.pos]
            if ch == '"':
                j = t.find('"', self.pos + 1)
                nl = t.find("\n", self.pos + 1)
                if j == -1 or (nl != -1 and nl < j):
                    j = (nl if nl != -1 else n) - 1
                out.append(t[self.pos:j + 1])
                self.pos = j + 1
                continue
            if ch in " \t\r\n" or ch in stop or ch in "&|<>" or (ch == ")" and ")" in stop):
                break
            if ch == "^" and self.pos + 1 < n:
                out.append(t[self.pos + 1])
                self.pos += 2
                continue
            out.append(ch)
            self.pos += 1
        return "".join(out)

    def parse_if(self, start: int, depth: int) -> If:
        line = self.line_at(start)
        self.skip_ws()
        ignore_case = negate = False
        if re.match(r"(?i)/i\s", self.text[self.pos:self.pos + 3]):
            ignore_case = True
            self.pos += 2
            self.skip_ws()
        if re.match(r"(?i)not\s", self.text[self.pos:self.pos + 4]):
            negate = True
            self.pos += 3
            self.skip_ws()
        m = re.compile(r"(?i)(errorlevel|exist|defined|cmdextversion)(?=\s)").match(self.text, self.pos)
        if m:
            kind = m.group(1).lower()
            self.pos = m.end()
            self.skip_ws()
            args = [parse_word(self.read_token())]
        else:
            kind = "compare"
            left = self.read_token(stop="=")
            self.skip_ws()
            if self.text.startswith("==", self.pos):
                op = "=="
                self.pos += 2
                while self.peek() == "=":
                    self.pos += 1
            else:
                op = self.read_token().upper()
                if op not in ("EQU", "NEQ", "LSS", "LEQ", "GTR", "GEQ"):
                    raise ParseError(f"line {line}: cannot read the comparison in {self.text[start:self.pos]!r}")
            self.skip_ws()
            right = self.read_token(stop="")
            args = [parse_word(left), op, parse_word(right), left.startswith('"'), right.startswith('"')]
        self.skip_ws()
        then = self.parse_command(depth) if self.peek() == "(" else self.parse_seq(depth)
        otherwise = None
        if isinstance(then, Block):
            save = self.pos
            self.skip_ws(newlines=False)
            if re.match(r"(?i)else(?=[\s(]|$)", self.text[self.pos:self.pos + 5]):
                self.pos += 4
                self.skip_ws()
                otherwise = self.parse_command(depth) if self.peek() == "(" else self.parse_seq(depth)
            else:
                self.pos = save
        text = self.text[start:self.pos].strip()
        return If(negate, ignore_case, kind, args, then, otherwise, line, text.split("\n")[0])

    def parse_for(self, start: int, depth: int) -> For:
        line = self.line_at(start)
        self.skip_ws()
        mode, options, options_word = "list", "", None
        m = re.compile(r"(?i)/([fldr])\b").match(self.text, self.pos)
        if m:
            mode = {"f": "f", "l": "l", "d": "dir", "r": "dir"}[m.group(1).lower()]
            self.pos = m.end()
            self.skip_ws()
            if mode == "f" and self.peek() == '"':
                j = self.text.find('"', self.pos + 1)
                options = self.text[self.pos + 1:j]
                self.pos = j + 1
                self.skip_ws()
            elif mode == "f" and self.peek() == "%" and not self.text.startswith("%%", self.pos):
                options_word = parse_word(self.read_token())  # for /f %OPTS% %%i in (...)
                self.skip_ws()
            elif mode == "dir" and self.peek() not in "%":
                self.read_token()
                self.skip_ws()
        m = re.compile(r"%%?(\w)\s+in\s*\(", re.IGNORECASE).match(self.text, self.pos)
        if not m:
            raise ParseError(f"line {line}: cannot read the for loop {self.text[start:start + 60]!r}")
        letter = m.group(1)
        self.pos = m.end()
        source_line = self.line_at(self.pos)
        depth_p, quote, j = 1, None, self.pos
        t = self.text
        while j < len(t):
            ch = t[j]
            if quote:
                if ch == quote:
                    quote = None
            elif ch in "'\"`":
                quote = ch
            elif ch == "(":
                depth_p += 1
            elif ch == ")":
                depth_p -= 1
                if depth_p == 0:
                    break
            j += 1
        source = t[self.pos:j]
        self.pos = j + 1
        self.skip_ws()
        if not re.match(r"(?i)do\b", self.text[self.pos:self.pos + 3]):
            raise ParseError(f"line {line}: 'do' missing in the for loop")
        self.pos += 2
        self.skip_ws()
        body = self.parse_command(depth) if self.peek() == "(" else self.parse_seq(depth)
        node = For(mode, options, letter, source, source_line, body, line, self.text[start:self.pos].split("\n")[0].strip(),
                   options_word=options_word)
        src = source.strip()
        backq = "usebackq" in options.lower()
        cmd_quote = "`" if backq else "'"
        if mode == "f" and len(src) >= 2 and src[0] == cmd_quote and src[-1] == cmd_quote:
            sub = Parser(unescape_carets(src[1:-1]))
            sub.line_starts = [0]
            node.source_parsed = sub.parse_seq(0)
            _relabel(node.source_parsed, source_line)
        return node

    def parse_simple(self, depth: int):
        t, n = self.text, len(self.text)
        start = self.pos
        line = self.line_at(start)
        redirects: list[Redirect] = []
        chars: list[str] = []
        quote = False
        while self.pos < n:
            ch = t[self.pos]
            if quote:
                chars.append(ch)
                if ch == '"':
                    quote = False
                if ch == "\n":
                    chars.pop()
                    break
                self.pos += 1
                continue
            if ch == '"':
                quote = True
                chars.append(ch)
                self.pos += 1
                continue
            if ch == "^" and self.pos + 1 < n:
                nxt = t[self.pos + 1]
                if nxt == "\n" or t.startswith("\r\n", self.pos + 1):
                    self.pos += 2 if nxt == "\n" else 3
                    continue
                chars.append("\x00" + nxt)  # escaped: literal, never special
                self.pos += 2
                continue
            if ch == "\n" or ch in "&|" or (ch == ")" and depth > 0):
                break
            if ch in "<>" or (ch in "12" and self.pos + 1 < n and t[self.pos + 1] == ">" and
                              (not chars or chars[-1] in " \t")):
                redirects.append(self.read_redirect())
                continue
            chars.append(ch)
            self.pos += 1
        raw = "".join(c[-1] if c.startswith("\x00") else c for c in chars).rstrip("\r")
        text = t[start:self.pos].strip()
        raw_stripped = raw.lstrip(" \t")
        if not raw_stripped and not redirects:
            return None
        m = _NAME.match(raw_stripped)
        name_text = m.group(1) if m else raw_stripped.split()[0]
        rest = raw_stripped[len(name_text):]
        if rest[:1] in (" ", "\t"):
            rest = rest[1:]
        name_word = parse_word(name_text)
        name = (literal(name_word) or "").lower()
        args = [parse_word(a) for a in _split_args(rest)]
        return Simple(name, name_word, parse_word(rest.rstrip()), args, redirects, line, text)

    def read_redirect(self) -> Redirect:
        t = self.text
        m = re.compile(r"([12]?)(>>|>|<)(&[12])?").match(t, self.pos)
        self.pos = m.end()
        op = (m.group(1) if m.group(1) == "2" else "") + m.group(2) + (m.group(3) or "")
        if m.group(3):
            return Redirect(op, (("lit", ""),))
        self.skip_ws()
        return Redirect(op, parse_word(self.read_token()))


def _relabel(node, line: int) -> None:
    """Nodes parsed from a for /f source text carry the for loop's line."""
    if node is None:
        return
    if hasattr(node, "line"):
        node.line = line
    for attr in ("items", "commands"):
        for child in getattr(node, attr, []) or []:
            _relabel(child, line)
    for attr in ("left", "right", "then", "otherwise", "body"):
        child = getattr(node, attr, None)
        if child is not None and not isinstance(child, (str, bool)):
            _relabel(child, line)


def parse(text: str) -> list:
    """The script as a list of top-level statements and labels."""
    return Parser(text.replace("\r\n", "\n")).parse_script()
