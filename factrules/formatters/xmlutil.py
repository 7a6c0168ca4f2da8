"""Shared by the XML formats (junit, checkstyle): well-formed output whatever characters a draft contains."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import IO

# Characters XML 1.0 cannot carry at all, even escaped (a stray form feed in a draft would break the parser).
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def clean(value: object) -> str:
    return _INVALID.sub("\ufffd", str(value))


def write_xml(root: ET.Element, stream: IO[str]) -> None:
    ET.indent(root)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(root, encoding="unicode"))
    stream.write("\n")
