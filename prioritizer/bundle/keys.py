"""The installation's signing key pair (Ed25519, RFC 8032, from the ``cryptography`` package).

Where: ``$PRIORITIZER_KEYS`` (a folder) if set, else ``keys/`` in the user's configuration
folder — ``$XDG_CONFIG_HOME/prioritizer`` (default ``~/.config/prioritizer``) on Linux,
``%APPDATA%\\prioritizer`` on Windows, ``~/Library/Application Support/prioritizer`` on macOS.
The folder holds ``bundle_ed25519`` (the private key, PKCS #8 PEM, created with mode 0600 and
refused for signing when group or others may read it, as OpenSSH refuses) and
``bundle_ed25519.pub`` (the public key in the one-line form :data:`PREFIX` + 64 hex digits).

The public key line is what an ally is given out of band (a letter, a meeting, a ministry web
page) and passes to ``bundle verify --key``: a bundle checked only against a key it carries
itself proves nothing.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from prioritizer.errors import InputError, Issue, PrioritizerError

#: the one-line public key form: ``ed25519:`` + the 32 raw key bytes in lower-case hex
PREFIX = "ed25519:"
PRIVATE_NAME = "bundle_ed25519"
PUBLIC_NAME = "bundle_ed25519.pub"


class KeyFileError(PrioritizerError):
    """No key pair, an unreadable key, or a private key others may read."""

    exit_code = 2


def config_dir() -> Path:
    """The user's configuration folder for prioritizer (see the module docstring)."""
    if os.name == "nt":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "prioritizer"


def keys_dir(override: str | Path | None = None) -> Path:
    """``override`` (the CLI's ``--keys``), else ``$PRIORITIZER_KEYS``, else ``config_dir()/keys``."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get("PRIORITIZER_KEYS", "").strip()
    return Path(env).expanduser() if env else config_dir() / "keys"


def public_text(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return PREFIX + raw.hex()


def fingerprint(key: Ed25519PublicKey) -> str:
    """SHA-256 of the raw public key, hex: short enough to read out over the telephone in part."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def parse_public(text: str, source: str = "--key") -> Ed25519PublicKey:
    """A public key from its one-line form (``ed25519:<64 hex>``) or a PEM block.

    Raises InputError naming ``source`` when the text is neither.
    """
    s = text.strip()
    if s.startswith(PREFIX):
        body = s[len(PREFIX) :]
        if len(body) == 64 and body == body.lower() and all(c in "0123456789abcdef" for c in body):
            return Ed25519PublicKey.from_public_bytes(bytes.fromhex(body))
    elif s.startswith("-----BEGIN PUBLIC KEY-----"):
        try:
            key = serialization.load_pem_public_key(s.encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            key = None
        if isinstance(key, Ed25519PublicKey):
            return key
    raise InputError(
        [
            Issue(
                source,
                None,
                None,
                s[:80],
                f"not an Ed25519 public key; give the line `prioritizer keys show` prints ({PREFIX}<64 hex digits>) "
                "or a file holding it",
            )
        ]
    )


def read_public(ref: str) -> Ed25519PublicKey:
    """``ref`` is a file holding the public key, or the key line itself."""
    if ref.strip().startswith((PREFIX, "-----BEGIN")):
        return parse_public(ref)
    path = Path(ref).expanduser()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(
            [Issue(str(path), None, None, None, f"cannot read the public key file: {exc.strerror}")]
        ) from None
    return parse_public(text, str(path))


@dataclass(frozen=True)
class KeyPair:
    private: Ed25519PrivateKey
    public: Ed25519PublicKey
    folder: Path

    def sign(self, data: bytes) -> bytes:
        return self.private.sign(data)


def init_keys(folder: str | Path | None = None, *, force: bool = False) -> Path:
    """Make a new key pair in ``keys_dir(folder)``; returns the folder.

    Refuses to replace an existing pair unless ``force``: bundles signed with the old key
    would no longer verify against the new public key.
    """
    d = keys_dir(folder)
    priv, pub = d / PRIVATE_NAME, d / PUBLIC_NAME
    if priv.exists() and not force:
        raise KeyFileError(
            f"a signing key already exists in {d}; bundles already given to allies are checked "
            "against its public key. Use --force to replace it."
        )
    d.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    # Written under a temporary name opened 0600 from the start (never readable by others,
    # not even for an instant), then renamed over any old key.
    tmp = d / f".{PRIVATE_NAME}.tmp"
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    os.replace(tmp, priv)
    pub.write_text(public_text(key.public_key()) + "\n", encoding="utf-8")
    return d


def _check_mode(path: Path) -> None:
    if os.name == "nt":
        return
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise KeyFileError(
            f"the private key {path} may be read by other users (mode {mode:04o}); "
            f"run `chmod 600 {path}` first"
        )


def load_keys(folder: str | Path | None = None) -> KeyPair:
    """The installation's key pair; KeyFileError when absent, unreadable or readable by others."""
    d = keys_dir(folder)
    priv = d / PRIVATE_NAME
    if not priv.exists():
        raise KeyFileError(f"no signing key in {d}; make one with `prioritizer keys init`")
    _check_mode(priv)
    try:
        key = serialization.load_pem_private_key(priv.read_bytes(), password=None)
    except (ValueError, TypeError, OSError) as exc:
        raise KeyFileError(f"cannot read the private key {priv}: {exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{priv} is not an Ed25519 private key")
    return KeyPair(key, key.public_key(), d)


def load_public(folder: str | Path | None = None) -> Ed25519PublicKey:
    """This installation's public key (read from the private key, which cannot disagree with it)."""
    d = keys_dir(folder)
    if (d / PRIVATE_NAME).exists():
        return load_keys(d).public
    if (d / PUBLIC_NAME).exists():
        return read_public(str(d / PUBLIC_NAME))
    raise KeyFileError(f"no key pair in {d}; make one with `prioritizer keys init`")


def valid_signature(key: Ed25519PublicKey, signature: bytes, data: bytes) -> bool:
    try:
        key.verify(signature, data)
    except InvalidSignature:
        return False
    return True
