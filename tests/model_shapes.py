"""Check a raw JSON document against a botocore shape: the emulator answers as the model says."""

from __future__ import annotations

import re


def shape_problems(shape, value, path: str) -> list[str]:
    """Where `value` (a raw JSON document) breaks the botocore `shape`: types, required members,
    unknown members, enums, patterns, lengths and ranges."""
    kind, meta, problems = shape.type_name, shape.metadata, []
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{path}: not an object"]
        problems += [f"{path}.{name}: required, missing" for name in shape.required_members if name not in value]
        for name, member in value.items():
            if name not in shape.members:
                problems.append(f"{path}.{name}: not in the model")
            else:
                problems += shape_problems(shape.members[name], member, f"{path}.{name}")
    elif kind == "list":
        if not isinstance(value, list):
            return [f"{path}: not a list"]
        for index, item in enumerate(value):
            problems += shape_problems(shape.member, item, f"{path}[{index}]")
    elif kind == "map":
        if not isinstance(value, dict):
            return [f"{path}: not a map"]
        if len(value) > meta.get("max", len(value)):
            problems.append(f"{path}: more than {meta['max']} entries")
        for key, item in value.items():
            problems += shape_problems(shape.key, key, f"{path} key")
            problems += shape_problems(shape.value, item, f"{path}[{key}]")
    elif kind == "string":
        if not isinstance(value, str):
            return [f"{path}: not a string"]
        if shape.enum and value not in shape.enum:
            problems.append(f"{path}: {value!r} not in the enum")
        if "pattern" in meta and not re.fullmatch(meta["pattern"], value, re.DOTALL):
            problems.append(f"{path}: {value!r} does not match {meta['pattern']}")
        if not meta.get("min", 0) <= len(value) <= meta.get("max", len(value)):
            problems.append(f"{path}: length {len(value)} out of range")
    elif kind in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            return [f"{path}: not an integer"]
        if not meta.get("min", value) <= value <= meta.get("max", value):
            problems.append(f"{path}: {value} out of range")
    elif kind in ("double", "float"):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return [f"{path}: not a number"]
        if not meta.get("min", value) <= value <= meta.get("max", value):
            problems.append(f"{path}: {value} out of range")
    elif kind == "boolean":
        if not isinstance(value, bool):
            problems.append(f"{path}: not a boolean")
    elif kind == "timestamp":
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            problems.append(f"{path}: not epoch seconds")
    return problems
