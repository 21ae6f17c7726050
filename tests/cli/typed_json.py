"""Check a JSON document against a TypedDict, recursively: every problem as "path: what is wrong".

Small on purpose (TypedDict, Literal, unions with None, list, dict, str/int/float/bool, Any):
just what sbskit.core.cli_documents uses. Keys the TypedDict does not declare are allowed,
as the CLI contract lets documents grow (declare them anyway, with docs/cli.md).
(A module with a unique name, so tests never import another area's conftest.)
"""

from __future__ import annotations

import types
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints, is_typeddict


def problems(value: Any, tp: Any, path: str = "$") -> list[str]:
    if tp is Any:
        return []
    if is_typeddict(tp):
        if not isinstance(value, dict):
            return [f"{path}: expected an object, got {type(value).__name__}"]
        found = []
        for key, hint in get_type_hints(tp).items():
            if key not in value:
                if key in tp.__required_keys__:
                    found.append(f"{path}: missing key {key!r}")
                continue
            found += problems(value[key], hint, f"{path}.{key}")
        return found
    origin = get_origin(tp)
    if origin is Literal:
        return [] if value in get_args(tp) else [f"{path}: {value!r} is not one of {get_args(tp)}"]
    if origin in (Union, types.UnionType):
        options = [problems(value, arg, path) for arg in get_args(tp)]
        return [] if any(not o for o in options) else min(options, key=len)
    if origin is list:
        if not isinstance(value, list):
            return [f"{path}: expected a list, got {type(value).__name__}"]
        (item,) = get_args(tp)
        return [p for i, v in enumerate(value) for p in problems(v, item, f"{path}[{i}]")]
    if origin is dict:
        if not isinstance(value, dict):
            return [f"{path}: expected an object, got {type(value).__name__}"]
        key_tp, val_tp = get_args(tp)
        return [p for k, v in value.items() for p in problems(k, key_tp, f"{path} key") + problems(v, val_tp, f"{path}.{k}")]
    if tp is type(None):
        return [] if value is None else [f"{path}: expected null, got {value!r}"]
    if tp is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif tp is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif tp in (str, bool):
        ok = isinstance(value, tp)
    else:
        raise TypeError(f"typed_json cannot check {tp!r}")
    return [] if ok else [f"{path}: expected {tp.__name__}, got {type(value).__name__} {value!r}"[:200]]

