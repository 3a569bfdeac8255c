"""The bundle file: three lines of UTF-8 text, the signature covering every byte before it.

::

    prioritizer-bundle 1\\n                          ← magic and format version
    {canonical JSON body}\\n                         ← prioritizer.audit.chain.canonical
    signature ed25519:<64 hex> <128 hex>\\n          ← signer's public key, Ed25519 signature

The signature is over lines 1 and 2 and the third line up to (and including) the space before
the signature itself, so the signer's key named in the file is covered too. The parser is
strict — exactly these three lines, lower-case hex, nothing after the last newline — so every
byte of the file is either signed, the signature, or a fixed character whose change makes the
file unreadable: a byte changed anywhere is caught.

A reader that meets a version it does not know says so (``BundleFormatError`` with
``newer=True``) rather than guessing at the layout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import orjson

from prioritizer.audit.chain import canonical
from prioritizer.bundle.keys import PREFIX
from prioritizer.errors import PrioritizerError

MAGIC = "prioritizer-bundle"
#: the version this installation writes and the highest it reads
FORMAT_VERSION = 1
_HEADER = re.compile(rb"^prioritizer-bundle ([0-9]{1,6})$")
_TRAILER = re.compile(rb"^signature (ed25519:[0-9a-f]{64}) ([0-9a-f]{128})$")


class BundleFormatError(PrioritizerError):
    """The file is not a bundle this installation can read (or was made by a newer version)."""

    exit_code = 7

    def __init__(self, message: str, *, newer: bool = False, version: int | None = None) -> None:
        self.newer = newer
        self.version = version
        super().__init__(message)


@dataclass(frozen=True)
class Parsed:
    version: int
    body_bytes: bytes
    #: the bytes the signature covers
    signed: bytes
    signer: str
    signature: bytes

    def body(self) -> dict[str, Any]:
        try:
            out = orjson.loads(self.body_bytes)
        except orjson.JSONDecodeError as exc:
            raise BundleFormatError(f"the bundle's body is not valid JSON ({exc})") from None
        if not isinstance(out, dict):
            raise BundleFormatError("the bundle's body is not a JSON object")
        return out


def encode(body: dict[str, Any], signer: str, sign: Any) -> bytes:
    """The bundle file for ``body``, signed by ``sign(bytes) -> bytes`` as key ``signer``."""
    head = f"{MAGIC} {FORMAT_VERSION}\n".encode()
    text = canonical(body).encode("utf-8")
    if b"\n" in text:  # canonical JSON escapes newlines inside strings; a raw one would break the layout
        raise ValueError("canonical JSON holds a newline")
    signed = head + text + b"\n" + f"signature {signer} ".encode()
    sig = sign(signed)
    return signed + sig.hex().encode("ascii") + b"\n"


def decode(data: bytes) -> Parsed:
    """Split a bundle file into its parts; BundleFormatError when the layout is not exact."""
    first = data.split(b"\n", 1)[0]
    m = _HEADER.match(first)
    if not m:
        if not first.startswith(MAGIC.encode()):
            raise BundleFormatError("not a prioritizer bundle (the first line is not 'prioritizer-bundle N')")
        raise BundleFormatError("the bundle's first line is damaged (expected 'prioritizer-bundle N')")
    version = int(m.group(1))
    if m.group(1) != str(version).encode():  # leading zeros: another spelling of the same line
        raise BundleFormatError("the bundle's first line is damaged (expected 'prioritizer-bundle N')")
    if version > FORMAT_VERSION:
        raise BundleFormatError(
            f"this bundle was made in bundle format version {version}, by a newer version of prioritizer; "
            f"this installation reads versions up to {FORMAT_VERSION}. Update prioritizer to read it.",
            newer=True,
            version=version,
        )
    if version < 1:
        raise BundleFormatError(f"unknown bundle format version {version}")
    parts = data.split(b"\n")
    if len(parts) != 4 or parts[3] != b"":
        raise BundleFormatError(
            f"the bundle must be exactly three lines ending in a newline; it has {len(parts) - 1} line break(s)"
            + ("" if parts[-1] == b"" else " and text after the last one")
        )
    t = _TRAILER.match(parts[2])
    if not t:
        raise BundleFormatError(
            "the bundle's signature line is damaged (expected 'signature ed25519:<64 hex> <128 hex>')"
        )
    signer = t.group(1).decode("ascii")
    assert signer.startswith(PREFIX)
    signed = data[: len(parts[0]) + len(parts[1]) + 2 + len(b"signature ") + len(t.group(1)) + 1]
    return Parsed(
        version=version,
        body_bytes=parts[1],
        signed=signed,
        signer=signer,
        signature=bytes.fromhex(t.group(2).decode("ascii")),
    )
