"""A small JSON Schema checker for the kit's own data files, so the kit can refuse a bad override.

A consultant may drop a newer data file into the override folder (see ``core/resources.py``);
the kit uses it only if it matches ``resources/schemas/<file>.schema.json``. The runtime
cannot depend on the ``jsonschema`` package (start-up time, bundle size), so this module
checks the subset of JSON Schema (draft 2020-12) the kit's schemas use, and refuses a schema
that uses anything else: a keyword it does not know is a schema error, never silently
ignored. The tests hold it to ``jsonschema`` on the real files and on broken ones.
"""

from __future__ import annotations

import re

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# keywords that only describe (no effect on validity)
_ANNOTATIONS = frozenset({"$schema", "$id", "$comment", "title", "description", "examples", "default", "$defs"})
_CHECKED = frozenset({
    "type", "enum", "const", "properties", "required", "additionalProperties", "patternProperties",
    "propertyNames", "minProperties", "items", "prefixItems", "minItems", "maxItems", "uniqueItems", "pattern",
    "minLength", "maxLength", "minimum", "maximum", "anyOf", "$ref",
})
MAX_ERRORS = 20


class SchemaError(ValueError):
    """The schema itself uses something this checker does not support (a bug in the kit's schemas)."""


def _is_type(value: Any, name: str) -> bool:
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    if name == "string":
        return isinstance(value, str)
    if name == "boolean":
        return isinstance(value, bool)
    if name == "null":
        return value is None
    if isinstance(value, bool):  # JSON true is not a number
        return False
    if name == "integer":
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if name == "number":
        return isinstance(value, (int, float))
    raise SchemaError(f"unknown type {name!r} in the schema")


_JSON_NAMES = {dict: "an object", list: "an array", str: "a string", bool: "true/false", int: "a number",
               float: "a number", type(None): "null"}


def _describe(value: Any) -> str:
    return _JSON_NAMES.get(type(value), type(value).__name__)


def _where(path: str) -> str:
    return path or "the top level"


class _Checker:
    def __init__(self, root_schema: dict) -> None:
        self.root = root_schema
        self.errors: list[str] = []
        self._patterns: dict[str, re.Pattern] = {}

    def _pattern(self, text: str) -> re.Pattern:
        compiled = self._patterns.get(text)
        if compiled is None:
            compiled = self._patterns[text] = re.compile(text)
        return compiled

    def _resolve(self, ref: str) -> dict:
        if not ref.startswith("#/"):
            raise SchemaError(f"only local references (#/...) are supported, not {ref!r}")
        node: Any = self.root
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or part not in node:
                raise SchemaError(f"reference {ref!r} points nowhere")
            node = node[part]
        return node

    def fail(self, path: str, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(f"{_where(path)}: {message}")

    def check(self, value: Any, schema: Any, path: str) -> None:
        if schema is True:
            return
        if schema is False:
            self.fail(path, "nothing is allowed here")
            return
        if not isinstance(schema, dict):
            raise SchemaError(f"a schema must be an object or a boolean, not {_describe(schema)}")
        unknown = set(schema) - _CHECKED - _ANNOTATIONS
        if unknown:
            raise SchemaError(f"schema keyword(s) not supported by the kit's checker: {', '.join(sorted(unknown))}")
        if "$ref" in schema:
            self.check(value, self._resolve(schema["$ref"]), path)
        if "type" in schema:
            names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            if not any(_is_type(value, n) for n in names):
                self.fail(path, f"expected {' or '.join(names)}, found {_describe(value)}")
                return  # the other keywords would only repeat the mismatch
        if "enum" in schema and not any(_same(value, option) for option in schema["enum"]):
            shown = ", ".join(repr(o) for o in schema["enum"][:8])
            self.fail(path, f"{value!r} is not one of {shown}")
        if "const" in schema and not _same(value, schema["const"]):
            self.fail(path, f"expected {schema['const']!r}, found {value!r}")
        if "anyOf" in schema:
            self._any_of(value, schema["anyOf"], path)
        if isinstance(value, dict):
            self._object(value, schema, path)
        elif isinstance(value, list):
            self._array(value, schema, path)
        elif isinstance(value, str):
            self._string(value, schema, path)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            if "minimum" in schema and value < schema["minimum"]:
                self.fail(path, f"{value} is less than {schema['minimum']}")
            if "maximum" in schema and value > schema["maximum"]:
                self.fail(path, f"{value} is more than {schema['maximum']}")

    def _any_of(self, value: Any, options: list, path: str) -> None:
        found = []
        for option in options:
            trial = _Checker(self.root)
            trial._patterns = self._patterns
            trial.check(value, option, path)
            if not trial.errors:
                return
            found.append(trial.errors[0])
        self.fail(path, "matches none of the allowed forms (" + "; or ".join(found) + ")")

    def _object(self, value: dict, schema: dict, path: str) -> None:
        for key in schema.get("required", ()):
            if key not in value:
                self.fail(path, f"the key {key!r} is missing")
        if "minProperties" in schema and len(value) < schema["minProperties"]:
            self.fail(path, f"needs at least {schema['minProperties']} entries, has {len(value)}")
        properties = schema.get("properties", {})
        patterns = schema.get("patternProperties", {})
        extra = schema.get("additionalProperties", True)
        names = schema.get("propertyNames")
        for key, item in value.items():
            child = f"{path}.{key}" if path else key
            if names is not None:
                self.check(key, names, f"{child} (the key)")
            matched = False
            if key in properties:
                matched = True
                self.check(item, properties[key], child)
            for pattern, sub in patterns.items():
                if self._pattern(pattern).search(key):
                    matched = True
                    self.check(item, sub, child)
            if not matched:
                if extra is False:
                    self.fail(child, "this key is not allowed here (a typo?)")
                elif extra is not True:
                    self.check(item, extra, child)

    def _array(self, value: list, schema: dict, path: str) -> None:
        if "minItems" in schema and len(value) < schema["minItems"]:
            self.fail(path, f"needs at least {schema['minItems']} entries, has {len(value)}")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            self.fail(path, f"allows at most {schema['maxItems']} entries, has {len(value)}")
        prefix = schema.get("prefixItems", [])
        for i, sub in enumerate(prefix[: len(value)]):
            self.check(value[i], sub, f"{path}[{i}]")
        if "items" in schema:
            for i in range(len(prefix), len(value)):
                self.check(value[i], schema["items"], f"{path}[{i}]")
        if schema.get("uniqueItems"):
            seen: list = []
            for i, item in enumerate(value):
                if any(_same(item, other) for other in seen):
                    self.fail(f"{path}[{i}]", f"{item!r} appears twice")
                seen.append(item)

    def _string(self, value: str, schema: dict, path: str) -> None:
        if "minLength" in schema and len(value) < schema["minLength"]:
            self.fail(path, "must not be empty" if schema["minLength"] == 1 else f"shorter than {schema['minLength']}")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            self.fail(path, f"longer than {schema['maxLength']} characters")
        if "pattern" in schema and not self._pattern(schema["pattern"]).search(value):
            self.fail(path, f"{value[:60]!r} does not have the expected form ({schema['pattern']})")


def _same(a: Any, b: Any) -> bool:
    """JSON equality: 1 == 1.0, but true is not 1 and "1" is not 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def problems(document: Any, schema: dict) -> list[str]:
    """What is wrong with ``document`` (empty when it matches), each ``where: what``, at most MAX_ERRORS.

    Raises :class:`SchemaError` when the schema uses a keyword this checker does not support.
    """
    checker = _Checker(schema)
    checker.check(document, schema, "")
    return checker.errors
