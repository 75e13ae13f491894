#!/usr/bin/env python3
"""Share of public functions and methods whose docs contain a code example.

`rustdoc --show-coverage` skips methods of types re-exported from private
modules, so this reads rustdoc's JSON output instead:

    cargo +nightly rustdoc --lib --all-features -- -Z unstable-options --output-format json
    python3 scripts/doc_examples.py target/doc/coalition_ledger.json --min 90 [--list]

Counted: every public free function and every public method of an inherent
impl (`impl Type { ... }`) of this crate. Trait impl methods (`fmt`,
`from_str`, ...) are left out: their docs are the trait's. A function has an
example when its docs hold a fenced code block that rustdoc runs or compiles
(no language, `rust`, `no_run`, `should_panic`, `compile_fail`, `edition*`).
Exits 1 when the share is below `--min`.
"""

import argparse
import json
import re
import sys

FENCE = re.compile(r"^[ \t]*(```+|~~~+)[ \t]*([^\n`]*)$", re.MULTILINE)
RUST_LANGS = {"", "rust", "no_run", "should_panic", "compile_fail", "ignore"}


def has_example(docs):
    """True when an opening fence starts a block that rustdoc tests."""
    opening = True
    for match in FENCE.finditer(docs or ""):
        if opening:
            tags = {t.strip() for t in match.group(2).split(",")}
            rust = tags <= RUST_LANGS or any(t.startswith("edition") for t in tags)
            if rust and "ignore" not in tags:
                return True
        opening = not opening
    return False


def public_functions(doc):
    index = doc["index"]

    def item(i):
        return index.get(str(i)) or index.get(i)

    functions = []
    for entry in index.values():
        if entry.get("crate_id") != 0:
            continue
        inner = entry.get("inner") or {}
        if "function" in inner and entry.get("visibility") == "public":
            # Free functions are public items; methods are found below.
            if entry["name"] and not is_method(entry, index):
                functions.append((path_of(entry, doc), entry))
        if "impl" in inner:
            impl = inner["impl"]
            if impl.get("trait") is not None or impl.get("blanket_impl") or impl.get("is_synthetic"):
                continue
            owner = type_name(impl.get("for"), doc)
            for child_id in impl.get("items", []):
                child = item(child_id)
                if not child or "function" not in (child.get("inner") or {}):
                    continue
                if child.get("visibility") != "public":
                    continue
                functions.append((f"{owner}::{child['name']}", child))
    return functions


def public_types(doc):
    kinds = ("struct", "enum", "trait", "type_alias")
    found = []
    for entry in doc["index"].values():
        inner = entry.get("inner") or {}
        if entry.get("crate_id") == 0 and entry.get("visibility") == "public":
            if any(kind in inner for kind in kinds):
                found.append((path_of(entry, doc), entry))
    return sorted(found, key=lambda p: p[0])


_methods = None


def is_method(entry, index):
    global _methods
    if _methods is None:
        _methods = set()
        for e in index.values():
            impl = (e.get("inner") or {}).get("impl")
            if impl:
                _methods.update(str(i) for i in impl.get("items", []))
    return str(entry["id"]) in _methods


def type_name(ty, doc):
    if isinstance(ty, dict):
        if "resolved_path" in ty:
            resolved = ty["resolved_path"]
            summary = doc.get("paths", {}).get(str(resolved.get("id")))
            if summary:
                return summary["path"][-1]
            return resolved.get("path", "?").rsplit("::", 1)[-1]
        for value in ty.values():
            name = type_name(value, doc)
            if name != "?":
                return name
    return "?"


def path_of(entry, doc):
    summary = doc.get("paths", {}).get(str(entry["id"]))
    if summary:
        return "::".join(summary["path"][1:])
    return entry["name"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("json", nargs="?", help="rustdoc JSON of the crate")
    parser.add_argument("--min", type=float, default=0.0, help="fail below this percentage")
    parser.add_argument("--list", action="store_true", help="list the functions without an example")
    parser.add_argument("--self-test", action="store_true", help="check the fence detection and exit")
    args = parser.parse_args()
    if args.self_test:
        assert has_example("x\n\n```\nuse a;\n```\n")
        assert has_example("```rust\nlet a = 1;\n```")
        assert has_example("```no_run\nlet a = 1;\n```")
        assert not has_example("```text\na -> b\n```\n")
        assert not has_example("```ignore\nlet a = 1;\n```")
        assert not has_example("no code at all")
        assert has_example("```text\nx\n```\n\n```\nlet a = 1;\n```")
        print("self-test passed")
        return 0
    with open(args.json, encoding="utf-8") as f:
        doc = json.load(f)
    functions = sorted(public_functions(doc), key=lambda p: p[0])
    missing = [name for name, entry in functions if not has_example(entry.get("docs"))]
    total = len(functions)
    covered = total - len(missing)
    share = 100.0 * covered / total if total else 100.0
    types = public_types(doc)
    types_missing = [name for name, entry in types if not has_example(entry.get("docs"))]
    if args.list:
        for name in missing + types_missing:
            print(f"no example: {name}")
    print(
        f"{len(types) - len(types_missing)} of {len(types)} public types have a doc example"
        " (reported, not gated)"
    )
    print(f"{covered} of {total} public functions and methods have a doc example: {share:.1f}%")
    if share < args.min:
        print(f"below the required {args.min:.1f}%", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
