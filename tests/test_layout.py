"""The package's layout holds: no import cycle among factrules modules, and dependencies run one way.

The graph is built with ``ast`` from every ``import`` in ``factrules/``,
at module level and inside functions alike: a function-level import only
hides a cycle until the function runs, it does not remove it.  Imports under
``if TYPE_CHECKING:`` never run and are left out.  An import of ``a.b`` is a
dependency on ``a.b`` alone, not on the package ``a`` it lives in (the
package's ``__init__`` is run too, but it is the module named that is used).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "factrules"

#: front-ends: what only the command line (or a user) imports, never the core
FRONT_ENDS = ("factrules.cli", "factrules.lsp", "factrules.server", "factrules.scan", "factrules.testing",
              "factrules.authoring", "factrules.evaluate", "factrules.baseline")


def module_name(path: Path, root: Path = PACKAGE) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(root: Path = PACKAGE) -> dict[str, Path]:
    return {module_name(path, root): path for path in sorted(root.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement, at any depth, but those only a type checker sees."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                yield from _imports(child)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        yield from _imports(node)


def imported(name: str, path: Path, known: set[str]) -> set[str]:
    """The factrules modules ``name`` (at ``path``) imports."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in known)
            continue
        base = node.module or ""
        if node.level:
            anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
            base = ".".join([*anchor, base] if base else anchor)
        for alias in node.names:
            child = f"{base}.{alias.name}"
            if child in known:  # ``from factrules import builtin``: the submodule
                found.add(child)
            elif base in known:
                found.add(base)
    found.discard(name)
    return found


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    found = modules(root)
    known = set(found)
    return {name: imported(name, path, known) for name, path in found.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted: the import cycles."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _in(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


def test_the_cycle_finder_finds_cycles_through_function_level_imports(tmp_path: Path) -> None:
    """The graph sees imports inside functions and relative ones, and a cycle among them fails."""
    root = tmp_path / "factrules"
    (root / "sub").mkdir(parents=True)
    (root / "__init__.py").write_text("", encoding="utf-8")
    (root / "a.py").write_text("from factrules import b\n", encoding="utf-8")
    (root / "b.py").write_text("def f():\n    from factrules.sub.c import x\n", encoding="utf-8")
    (root / "sub" / "__init__.py").write_text("", encoding="utf-8")
    (root / "sub" / "c.py").write_text("def g():\n    from .. import a\n", encoding="utf-8")
    (root / "d.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from factrules import a\n",
                               encoding="utf-8")
    graph = import_graph(root)
    assert graph["factrules.a"] == {"factrules.b"}
    assert graph["factrules.b"] == {"factrules.sub.c"}
    assert graph["factrules.sub.c"] == {"factrules.a"}
    assert graph["factrules.d"] == set()
    assert cycles(graph) == [["factrules.a", "factrules.b", "factrules.sub.c"]]


def test_no_import_cycle_among_factrules_modules() -> None:
    found = cycles(import_graph())
    assert not found, "import cycles: " + "; ".join(" <-> ".join(cycle) for cycle in found)


def test_nothing_outside_the_cli_imports_it() -> None:
    offenders = sorted(
        f"{name} imports {target}"
        for name, targets in import_graph().items()
        if not _in(name, ("factrules.cli", "factrules.__main__"))
        for target in targets
        if _in(target, ("factrules.cli",))
    )
    assert not offenders, offenders


def test_the_core_imports_no_front_end() -> None:
    """``cli/commands/*`` -> front-ends and ``api`` -> core: the core never reaches back up."""
    graph = import_graph()
    offenders = sorted(
        f"{name} imports {target}"
        for name, targets in graph.items()
        if not _in(name, FRONT_ENDS) and name not in ("factrules.__main__",)
        for target in targets
        if _in(target, FRONT_ENDS)
    )
    assert not offenders, offenders


@pytest.mark.parametrize("front_end", ["factrules.lsp", "factrules.server", "factrules.scan"])
def test_front_ends_do_not_import_each_other(front_end: str) -> None:
    others = tuple(f for f in ("factrules.lsp", "factrules.server", "factrules.scan", "factrules.cli")
                   if f != front_end)
    offenders = sorted(
        f"{name} imports {target}"
        for name, targets in import_graph().items()
        if _in(name, (front_end,))
        for target in targets
        if _in(target, others)
    )
    assert not offenders, offenders


def test_no_private_name_is_imported_across_modules() -> None:
    """A ``_name`` is its module's own: another module that needs it needs a public name instead."""
    known = set(modules())
    offenders = []
    for name, path in modules().items():
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("factrules"):
                offenders += [f"{name}: from {node.module} import {alias.name}" for alias in node.names
                              if alias.name.startswith("_") and alias.name != "__version__"
                              and f"{node.module}.{alias.name}" not in known]
    assert not offenders, offenders
