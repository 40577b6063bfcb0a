"""Read back what pass 2 staged in the work directory: a text, or a JSON Lines record's text."""

from __future__ import annotations

import json

WHOLE_FILE = -1  # a Location's size when the text is a whole file (already in OUT)
# Bytes anywhere: (path, start, size, record); size WHOLE_FILE reads the whole file.
Location = tuple[str, int, int, bool]


def read_location(location: Location) -> str:
    """Return the text at a location (a whole file: universal newlines, as ``read_text``)."""
    path, start, size, record = location
    if size == WHOLE_FILE:
        with open(path, encoding="utf-8") as stream:
            return stream.read()
    with open(path, "rb") as stream:
        stream.seek(start)
        data = stream.read(size)
    return record_text(data) if record else data.decode("utf-8")


def record_text(data: bytes) -> str:
    r"""Return the text of a staged JSON Lines record.

    >>> record_text(b'{"id":"a","text":"\\u4e00\\n","metadata":{}}\n')
    '一\n'
    """
    text: str = json.loads(data)["text"]
    return text


class StagedReader:
    """Read staged bytes in run order, each staged file read once (they come in runs)."""

    def __init__(self) -> None:
        """Read nothing yet."""
        self.path = ""
        self.data = b""

    def bytes_at(self, location: Location) -> bytes:
        """Return the bytes at a location."""
        path, start, size, _ = location
        if path != self.path:
            with open(path, "rb") as stream:
                self.data = stream.read()
            self.path = path
        return self.data[start : start + size]
