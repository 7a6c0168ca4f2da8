"""One safe YAML loader for packs, config and front matter: no alias bombs.

PyYAML builds an alias as a second reference to the same object, so loading a "billion laughs" document
is cheap; the cost comes after, in whatever walks the data as a tree (schema validation, copies, ``repr``):
a 595-byte pack took ``rules validate`` to 11 GB, a 514-byte ``.factrules.yaml`` took ``check`` to 5.9 GB.
Here the composed node graph is measured before anything is constructed, in one pass over its distinct
nodes: how many nodes the document would have with every alias written out.  Past ``MAX_ALIAS_NODES``
more than the document itself holds, or with an alias inside itself, loading stops with an
``AliasLimitError``, a ``MarkedYAMLError`` whose mark is the collection where the limit was crossed, so
every caller's existing one-line "file:line: invalid YAML: ..." message names it.

The mixin keeps whichever parser it is mixed into: packs still load with libyaml when PyYAML has it.
"""

from __future__ import annotations

from typing import Any

import yaml

#: nodes that aliases may add to a document (a pack reusing a list of fifty phrases in twenty rules adds 1,000)
MAX_ALIAS_NODES = 10_000


class AliasLimitError(yaml.MarkedYAMLError):
    """Aliases that would expand past ``MAX_ALIAS_NODES``, or an alias to a collection inside itself."""


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def check_aliases(root: yaml.Node, limit: int = MAX_ALIAS_NODES) -> None:
    """Raise ``AliasLimitError`` when aliases expand ``root`` by more than ``limit`` nodes.

    Iterative (deep nesting cannot overflow the stack) and linear in the distinct nodes and edges: each
    node's expanded size is computed once, and a second reference to it (an alias) adds that size.
    """
    in_progress, done = 1, 2
    state: dict[int, int] = {id(root): in_progress}
    size: dict[int, int] = {id(root): 1}
    extra = 0
    stack: list[tuple[yaml.Node, list[yaml.Node], int]] = [(root, _children(root), 0)]
    while stack:
        node, children, index = stack[-1]
        if index == len(children):
            stack.pop()
            state[id(node)] = done
            if stack:
                size[id(stack[-1][0])] += size[id(node)]
            continue
        stack[-1] = (node, children, index + 1)
        child = children[index]
        seen = state.get(id(child))
        if seen == in_progress:
            raise AliasLimitError(None, None, "an alias refers to a collection that contains it", child.start_mark)
        if seen == done:
            extra += size[id(child)]
            size[id(node)] += size[id(child)]
            if extra > limit:
                raise AliasLimitError(None, None, f"aliases expand the document by more than {limit} nodes "
                                      "(an alias bomb?)", node.start_mark)
            continue
        state[id(child)] = in_progress
        size[id(child)] = 1
        stack.append((child, _children(child), 0))


class BoundedAliases:
    """Mixed into a loader: the composed document is measured (``check_aliases``) before it is constructed."""

    def get_single_data(self) -> Any:
        node = self.get_single_node()  # type: ignore[attr-defined]
        if node is None:
            return None
        check_aliases(node)
        return self.construct_document(node)  # type: ignore[attr-defined]


class SafeLoader(BoundedAliases, yaml.SafeLoader):
    """``yaml.SafeLoader`` with bounded aliases (pure Python: its errors and marks are the ones users see)."""


#: libyaml's parser when PyYAML has it, with bounded aliases
FastSafeLoader: type = type("FastSafeLoader", (BoundedAliases, getattr(yaml, "CSafeLoader", yaml.SafeLoader)), {})


def safe_load(text: str) -> Any:
    """``yaml.safe_load`` that refuses alias bombs (``AliasLimitError``, a ``yaml.MarkedYAMLError``)."""
    return yaml.load(text, Loader=SafeLoader)  # noqa: S506 - a SafeLoader subclass
