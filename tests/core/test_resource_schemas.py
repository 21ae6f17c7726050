"""Every JSON data file has a JSON Schema, matches it, and the kit's own checker agrees with ``jsonschema``.

The runtime checks a consultant's override with ``sbskit.core.schema_check`` (no third-party
dependency); ``jsonschema`` (a test dependency) is the reference it is held to: on the real
files, on hand-made broken ones, and on a few hundred seeded random breakages.
"""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path

import jsonschema
import pytest

from sbskit.core import resources
from sbskit.core.schema_check import SchemaError, problems

ROOT = resources.resources_root()
JSON_FILES = sorted(name for name in resources.data_versions() if name.endswith(".json"))


def schema_of(name: str) -> dict:
    return json.loads(resources.schema_path(name).read_text(encoding="utf-8"))


def data_of(name: str):
    return json.loads((ROOT / name).read_text(encoding="utf-8"))


def reference_errors(document, schema) -> list[str]:
    return [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(document)]


SCHEMA_FILES = sorted(p.name for p in (ROOT / "schemas").glob("*.schema.json"))


def test_every_json_data_file_has_a_schema():
    assert len(JSON_FILES) >= 7
    for name in JSON_FILES:
        assert resources.schema_path(name).is_file(), f"{name} has no schema in resources/schemas/"
    # (a schema may come before its data file: relay-replies.json lands with the relay test's round 2)


@pytest.mark.parametrize("schema_file", SCHEMA_FILES)
def test_schema_is_valid_draft_2020_12_and_names_its_file(schema_file):
    name = schema_file.replace(".schema.json", ".json")
    schema = schema_of(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == name
    assert len(schema["description"]) > 40, "say what the file holds"


@pytest.mark.parametrize("name", JSON_FILES)
def test_bundled_file_matches_its_schema(name):
    document, schema = data_of(name), schema_of(name)
    assert problems(document, schema) == []
    assert reference_errors(document, schema) == []


def _paths(node, prefix=()):
    """Every (path, value) in a document, depth first."""
    yield prefix, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, prefix + (i,))


_REPLACEMENTS = [None, True, 0, -1, 2.5, "", "x", "=HYPERLINK(1)", [], [1], {}, {"zz_unknown": 1}]


def _broken(document, rng: random.Random):
    """The document with one value replaced, one key removed, or one key added somewhere."""
    doc = copy.deepcopy(document)
    places = list(_paths(doc))
    path, value = places[rng.randrange(1, len(places))]
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    action = rng.random()
    if action < 0.2 and isinstance(parent, dict):
        del parent[path[-1]]
    elif action < 0.3 and isinstance(value, dict):
        value["zz_" + str(rng.randrange(100))] = rng.choice(_REPLACEMENTS)
    else:
        parent[path[-1]] = copy.deepcopy(rng.choice(_REPLACEMENTS))
    return doc


@pytest.mark.parametrize("name", JSON_FILES)
def test_kit_checker_agrees_with_jsonschema_on_random_breakage(name):
    document, schema = data_of(name), schema_of(name)
    rng = random.Random(f"sbskit-{name}")
    invalid = 0
    for _ in range(60):
        broken = _broken(document, rng)
        mine, theirs = problems(broken, schema), reference_errors(broken, schema)
        assert bool(mine) == bool(theirs), (mine, theirs)
        invalid += bool(mine)
    assert invalid >= 10, "the breakages must mostly be caught, or the schema checks too little"


def test_dnsbl_schema_catches_the_mistakes_a_hand_edit_makes():
    schema = schema_of("dnsbl-zones.json")
    good = data_of("dnsbl-zones.json")
    cases = {
        "misspelt key": ("delist_ur1", "https://x.example/"),
        "unknown target kind": ("targets", ["ipv5"]),
        "code without category": ("codes", {"127.0.0.2": ["listed"]}),
        "code that is not an address": ("codes", {"127.0.0": ["listed", "spam-source"]}),
        "requires a key the kit does not know": ("requires", "some-key"),
        "link that is not a web address": ("lookup_url", "javascript:alert(1)"),
    }
    for why, (key, value) in cases.items():
        doc = copy.deepcopy(good)
        doc["zones"][0][key] = value
        mine = problems(doc, schema)
        assert mine, why
        assert mine[0].startswith("zones[0]"), (why, mine)
        assert reference_errors(doc, schema), why


def test_checker_messages_name_the_place_and_the_problem():
    schema = {"type": "object", "required": ["zones"], "properties": {
        "zones": {"type": "array", "items": {"type": "object", "properties": {"zone": {"type": "string"}},
                                             "additionalProperties": False}}}}
    assert problems({}, schema) == ["the top level: the key 'zones' is missing"]
    assert problems({"zones": [{"zone": 5}]}, schema) == ["zones[0].zone: expected string, found a number"]
    assert problems({"zones": [{"zonee": "a"}]}, schema) == ["zones[0].zonee: this key is not allowed here (a typo?)"]


def test_json_types_follow_json_not_python():
    assert problems(True, {"type": "integer"}) != []  # true is not a number in JSON
    assert problems(1.0, {"type": "integer"}) == []
    assert problems(1, {"enum": [True]}) != []
    assert problems(2, {"type": "number", "maximum": 1}) == ["the top level: 2 is more than 1"]


def test_checker_refuses_a_keyword_it_does_not_implement():
    with pytest.raises(SchemaError, match="oneOf"):
        problems({}, {"oneOf": [{"type": "object"}]})
    with pytest.raises(SchemaError, match="only local references"):
        problems({}, {"$ref": "https://example.invalid/s.json"})


def test_schemas_use_only_what_the_kit_checker_implements():
    for name in JSON_FILES:
        problems(None, schema_of(name))  # would raise SchemaError on an unsupported keyword at the top
        text = Path(resources.schema_path(name)).read_text(encoding="utf-8")
        for keyword in ("oneOf", "allOf", "if", "format", "dependentRequired", "unevaluatedProperties"):
            assert f'"{keyword}"' not in text, f"{name}: {keyword} is not implemented by sbskit.core.schema_check"
