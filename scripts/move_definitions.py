"""Move top-level definitions from one module to another, verbatim, by name.

    .venv/bin/python scripts/move_definitions.py geo/big.py geo/small.py read_table _read_csv

Each named function, class or constant is cut from SOURCE by its `ast` line range (decorators and the comment
lines directly above it included; a constant's later `NAME |= ...` goes with it) and appended to TARGET in
SOURCE's order, two blank lines apart. TARGET is created when missing. Imports are not moved: write the new
module's imports by hand and let `ruff check --fix` drop the unused ones. Nothing is retyped, so the code moves
as it was.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path


def bound_names(node: ast.stmt) -> set[str]:
    """The names a top-level statement defines (a def, a class, an assignment's plain and unpacked targets)."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {node.name}
    targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
    names = [*targets, *(e for t in targets if isinstance(t, ast.Tuple | ast.List) for e in t.elts)]  # A, B = 1, 2
    return {target.id for target in names if isinstance(target, ast.Name)}


def line_range(node: ast.stmt, lines: list[str]) -> tuple[int, int]:
    """0-based [start, end) of a statement with its decorators and the comment lines right above it."""
    start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))]) - 1
    while start > 0 and lines[start - 1].lstrip().startswith("#"):
        start -= 1
    return start, node.end_lineno


def cut(source: str, names: set[str]) -> tuple[str, list[str]]:
    """SOURCE without the named definitions, and their text blocks in SOURCE's order."""
    lines = source.splitlines(keepends=True)
    ranges = [line_range(node, lines) for node in ast.parse(source).body if bound_names(node) & names]
    found = set().union(*(bound_names(node) for node in ast.parse(source).body))
    if missing := names - found:
        raise SystemExit(f"not defined at the top level: {', '.join(sorted(missing))}")
    merged: list[tuple[int, int]] = []
    for start, end in ranges:  # `NAME = ...` and its `NAME |= ...` on the next line stay one block
        if merged and merged[-1][1] == start:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    ranges = merged
    blocks = ["".join(lines[start:end]) for start, end in ranges]
    for start, end in reversed(ranges):
        del lines[start:end]
        # Two blank lines were on each side of the definition: keep two (blank lines inside strings stay).
        while start < len(lines) and start >= 2 and not "".join(lines[start - 2 : start + 1]).strip():
            del lines[start]
    return "".join(lines).rstrip("\n") + "\n", blocks


def move(source: Path, target: Path, names: list[str]) -> None:
    rest, blocks = cut(source.read_text(encoding="utf-8"), set(names))
    existing = target.read_text(encoding="utf-8").rstrip("\n") if target.exists() else ""
    moved = "\n\n\n".join(block.rstrip("\n") for block in blocks)
    target.write_text((existing + "\n\n\n" if existing else "") + moved + "\n", encoding="utf-8")
    source.write_text(rest, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("names", nargs="+")
    args = parser.parse_args(argv)
    move(args.source, args.target, args.names)
    return 0


if __name__ == "__main__":
    sys.exit(main())
