"""``prioritizer keys init|show`` and ``prioritizer bundle export|verify|replay`` (DESIGN §7).

Exit codes: 0 valid / equal; 1 a replay that differs; 2 bad input (no key, a run above the
asked tier); 3 audit store; 6 refused (clearance, recorded); 7 an invalid bundle (signature,
digest, chain or layout — each failure named) or one made by a newer format version.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from prioritizer.cli import app
from prioritizer.cli.common import (
    ActorOpt,
    DbOpt,
    FormatOpt,
    NoAuditOpt,
    OutputFormat,
    clean_errors,
    dumps,
    write_text,
)

keys_app = typer.Typer(
    name="keys", help="This installation's signing key pair (Ed25519).", no_args_is_help=True
)
bundle_app = typer.Typer(
    name="bundle",
    help="Signed decision bundles: export a run for an ally, verify one, replay one.",
    no_args_is_help=True,
)
app.add_typer(keys_app, name="keys")
app.add_typer(bundle_app, name="bundle")

KeysOpt = Annotated[
    Path | None,
    typer.Option("--keys", help="Key folder (default: $PRIORITIZER_KEYS or the user's config folder/keys)."),
]


class Tier(StrEnum):
    public = "public"
    restricted = "restricted"
    secret = "secret"


def _lang() -> str:
    from prioritizer.cli.common import cli_lang

    return cli_lang()


@keys_app.command("init")
def keys_init(
    keys: KeysOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing key pair.")] = False,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Make the installation's key pair (private key file mode 0600); print the public key."""
    from prioritizer.bundle import keys as k

    with clean_errors(fmt):
        folder = k.init_keys(keys, force=force)
        _show(folder, fmt)


@keys_app.command("show")
def keys_show(keys: KeysOpt = None, fmt: FormatOpt = OutputFormat.table) -> None:
    """Print the public key (give this line to allies, out of band, for `bundle verify --key`)."""
    with clean_errors(fmt):
        from prioritizer.bundle import keys as k

        _show(k.keys_dir(keys), fmt)


def _show(folder: Path, fmt: OutputFormat) -> None:
    from prioritizer.bundle import keys as k

    pub = k.load_public(folder)
    info = {"public_key": k.public_text(pub), "fingerprint": k.fingerprint(pub), "folder": str(folder)}
    write_text(dumps(info) if fmt is OutputFormat.json else info["public_key"], None)


def _caller(db: str | None, actor: str) -> Any:
    """Who exports: the door's caller (a `login` session, or sign-in off); the export is checked
    against that account's clearance and recorded by the bundle service."""
    from prioritizer import door
    from prioritizer.cli.common import caller

    who = caller(db, actor)
    door.enter(who, "bundle.export")
    return who


@bundle_app.command("export")
def export(
    run_id: Annotated[str, typer.Argument(help="Run id ('latest' for the newest run).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Bundle file to write.")],
    tier: Annotated[
        Tier, typer.Option("--tier", help="Highest tier of rows the bundle may hold.")
    ] = Tier.public,
    keys: KeysOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    db: DbOpt = None,
    no_audit: NoAuditOpt = False,
    actor: ActorOpt = "",
) -> None:
    """Write RUN as one signed file: method, model, weights, case (≤ tier), result, audit records."""
    del no_audit  # an export is always recorded: who gave what to whom is the point of the trail
    with clean_errors(fmt):
        from prioritizer.bundle import export_bundle, load_keys

        pair = load_keys(keys)
        who = _caller(db, actor)
        info = export_bundle(who.store, run_id, who.identity, out, tier=tier.value, keys=pair)
        if fmt is OutputFormat.json:
            write_text(dumps(info), None)
        else:
            write_text(
                f"{info['out']}: run {info['run_id']}, tier {info['tier']}, {info['bytes']} bytes\n"
                f"sha256 {info['sha256']}\nsigned by {info['signer']['public_key']}",
                None,
            )


@bundle_app.command("verify")
def verify(
    file: Annotated[Path, typer.Argument(help="Bundle file.")],
    key: Annotated[
        str,
        typer.Option(
            "--key", help="The signer's public key (a file, or the line `keys show` prints). Required."
        ),
    ],
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Check the signature over the whole file and every digest; exit 0 valid, 7 invalid."""
    from prioritizer.bundle import read_public, verify_file
    from prioritizer.text import render

    with clean_errors(fmt):
        v = verify_file(file, read_public(key))
        d = v.as_dict()
        lang = _lang()
        msg = {
            "kind": "bundle.valid" if v.valid else "bundle.invalid",
            "run_id": v.run_id or "?",
            "tier": v.tier or "?",
            "n": len(v.failures),
        }
        d["text_ja"], d["text_en"] = render(msg, "ja"), render(msg, "en")  # type: ignore[arg-type]
        if fmt is OutputFormat.json:
            write_text(dumps(d), None)
        else:
            lines = [d[f"text_{lang}"]] + [f"- {f['part']}: {f['message']}" for f in v.failures]
            write_text("\n".join(lines), None)
        if not v.valid:
            raise typer.Exit(7)


@bundle_app.command("replay")
def replay(
    file: Annotated[Path, typer.Argument(help="Bundle file.")],
    key: Annotated[
        str | None, typer.Option("--key", help="Check the signer against this public key first.")
    ] = None,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Re-compute the bundled run here and compare: {equal, differences}; exit 1 when it differs."""
    from prioritizer.bundle import read_public, replay_file

    with clean_errors(fmt):
        got = replay_file(file, read_public(key) if key else None)
        if fmt is OutputFormat.json:
            write_text(dumps(got), None)
        else:
            write_text(got[f"text_{_lang()}"], None)
        if not got["equal"]:
            raise typer.Exit(1)
