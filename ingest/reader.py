"""Bytes of a document → numbered lines of text.

Budget disclosures arrive as UTF-8 (with or without BOM) or GB18030, with any line endings.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

MAX_DOCUMENT_BYTES = 50 * 1024 * 1024


class DocumentError(ValueError):
    """A document that cannot be read or parsed; the message names the file (and line)."""


@dataclass(frozen=True)
class Source:
    path: Path
    sha256: str
    lines: list[str]  # lines[0] is line 1

    @property
    def name(self) -> str:
        return self.path.name


def decode(data: bytes, path: Path) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data[:4096]:
        raise DocumentError(f"{path}: binary data, not a text document")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DocumentError(f"{path}: neither UTF-8 nor GB18030 text")


def read(path: Path) -> Source:
    try:
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise DocumentError(f"{path}: {size} bytes is larger than the {MAX_DOCUMENT_BYTES} byte limit")
        data = path.read_bytes()
    except OSError as error:
        raise DocumentError(f"{path}: cannot read ({error.strerror or error})") from error
    text = decode(data, path)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not any(line.strip() for line in lines):
        raise DocumentError(f"{path}: empty document")
    # The hash is of the decoded, newline-normalised text: the same document in another encoding
    # or with other line endings is the same document.
    return Source(path, hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest(), lines)
