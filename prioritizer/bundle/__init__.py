"""Signed decision bundles: a run an ally can verify and replay on its own installation.

``keys``: the installation's Ed25519 key pair; ``fileformat``: the signed three-line file;
``export``: build a bundle from a recorded run (tier and clearance checks); ``check``: verify
against a public key and replay. See docs/allies.md.
"""

from __future__ import annotations

from prioritizer.bundle.check import BundleInvalid, Verification, replay_file, verify_file
from prioritizer.bundle.export import export_bundle
from prioritizer.bundle.fileformat import FORMAT_VERSION, BundleFormatError
from prioritizer.bundle.keys import init_keys, keys_dir, load_keys, load_public, public_text, read_public

__all__ = [
    "FORMAT_VERSION",
    "BundleFormatError",
    "BundleInvalid",
    "Verification",
    "export_bundle",
    "init_keys",
    "keys_dir",
    "load_keys",
    "load_public",
    "public_text",
    "read_public",
    "replay_file",
    "verify_file",
]
