"""The YAML loaders of pack files: safe, aliases bounded, every mapping and key with its line.

Apart from ``factrules.packs`` so that PyYAML (and these classes) are imported only when a pack is
compiled: a run whose packs all come from the compiled-pack cache never parses YAML.
"""

from __future__ import annotations

from typing import Any

import regex
import yaml

from factrules.safeyaml import FastSafeLoader, SafeLoader

#: the keys the loaders add to every mapping: its own line, and the line of each of its keys
LINE_KEY = "__line__"
KEY_LINES = "__key_lines__"


class _Lines:
    """Remembers the line of every mapping and key (for error messages); mixed into both loaders below."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=deep)  # type: ignore[misc]
        mapping[LINE_KEY] = node.start_mark.line + 1
        mapping[KEY_LINES] = {
            key.value: key.start_mark.line + 1 for key, _ in node.value if isinstance(key.value, str)
        }
        return mapping


class LineLoader(_Lines, SafeLoader):
    """The pure-Python safe loader (aliases bounded): its error messages and marks are the ones users see."""


#: libyaml's parser when PyYAML has it (five times faster: loading the built-in packs was half of the
#: start-up of every ``check``, worker and server); a pack it rejects is parsed again by ``LineLoader``
#: so that errors read the same either way.
FastLineLoader: type = type("FastLineLoader", (_Lines, FastSafeLoader), {})

# YAML 1.1 reads on/off/yes/no as booleans, so ``id: off`` or ``phrases: [no]`` would silently become
# False; pack authors write words, so only true/false are booleans here (as in YAML 1.2).
for _loader in (LineLoader, FastLineLoader):
    _loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", regex.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
    )
