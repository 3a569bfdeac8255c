"""Export a recorded run as a signed decision bundle (docs/allies.md).

The bundle holds what an ally needs to check a decision without re-entering it: the method,
the model snapshot with its weights and their elicitation (AHP matrix, swing points, rank
order), the parameters and policy; the case snapshot the run read, at or below the bundle's
tier; the result; the run's chained audit records (the run record and its weight-change
records, each with ``prev_hash`` and ``hash``); and a manifest of SHA-256 digests. The
whole file is signed with the installation's Ed25519 key (:mod:`prioritizer.bundle.fileformat`).

Tiers. A run's tier is the highest tier of any row it used (``result["tier"]``, set by
:func:`prioritizer.case.tiers.labelled`; runs before that label are checked against their
rebuilt snapshot). A run of a higher tier than the one asked for is refused, naming the tier
needed: filtering its snapshot would give a case the result was not computed on. The snapshot
is still put through :func:`prioritizer.case.tiers.visible_case` at the bundle's tier, so a
bundle never holds a row above its tier. Exporting above the exporter's clearance is refused
by :func:`prioritizer.auth.roles.authorize` (which records the refusal); an export that goes
ahead is recorded too (event ``export``).
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select

from prioritizer.audit import schema as t
from prioritizer.audit.chain import canonical, sha256_bytes, sha256_text
from prioritizer.audit.entities import StoredRun
from prioritizer.bundle.fileformat import FORMAT_VERSION, MAGIC, encode
from prioritizer.bundle.keys import KeyPair, fingerprint, public_text
from prioritizer.case.tiers import TIERS, case_tier, tier_rank, visible_case
from prioritizer.errors import AuditError, InputError, Issue

#: parts of the body whose canonical JSON the manifest lists (case files are listed one by one)
PARTS: tuple[str, ...] = ("run", "method", "result", "audit")
#: run fields whose stored text the chain record covers by digest (store.run_content)
CHAINED_TEXTS: tuple[str, ...] = ("params", "model", "policy", "versions", "result")


def file_entry(data: bytes) -> dict[str, str]:
    try:
        return {"encoding": "utf-8", "data": data.decode("utf-8")}
    except UnicodeDecodeError:
        return {"encoding": "base64", "data": base64.b64encode(data).decode("ascii")}


def file_bytes(entry: dict[str, Any]) -> bytes:
    if entry.get("encoding") == "base64":
        return base64.b64decode(str(entry.get("data", "")), validate=True)
    return str(entry.get("data", "")).encode("utf-8")


def manifest_of(body: dict[str, Any]) -> dict[str, str]:
    """SHA-256 of each part's canonical JSON and of each case file's bytes."""
    out = {part: sha256_text(canonical(body.get(part))) for part in PARTS}
    for name, entry in sorted(((body.get("case") or {}).get("files") or {}).items()):
        out[f"case/{name}"] = sha256_bytes(file_bytes(entry))
    return out


def chain_records(store: Any, run_id: str) -> list[dict[str, Any]]:
    """The run's records of the hash chain (the run and its weight changes), oldest first."""
    c = t.records.c
    q = (
        select(c.seq, c.kind, c.ref, c.content, c.prev_hash, c.hash)
        .where(
            or_(
                (c.kind == "run") & (c.ref == run_id),
                (c.kind == "weight_change") & c.ref.startswith(f"{run_id}/", autoescape=True),
            )
        )
        .order_by(c.seq)
    )
    with store._read() as conn:  # the audit package's own readers use the same door (events.py)
        rows = [dict(r) for r in conn.execute(q).mappings()]
        texts = (
            conn.execute(select(*(t.runs.c[k] for k in CHAINED_TEXTS)).where(t.runs.c.run_id == run_id))
            .mappings()
            .first()
        )
    if not rows or rows[0]["kind"] != "run":
        raise AuditError(f"run {run_id} has no record in the hash chain; run `prioritizer audit verify`")
    rows[0]["_texts"] = dict(texts or {})
    return rows


def run_tier(run: StoredRun) -> tuple[str, Any]:
    """The highest tier of any row ``run`` used, and its case rebuilt from the snapshot."""
    from prioritizer.audit.replay import rebuild_case_folder
    from prioritizer.case import load_case

    with tempfile.TemporaryDirectory(prefix=f"prioritizer-bundle-{run.run_id}-") as tmp:
        target = rebuild_case_folder(run, Path(tmp))
        policy_path = None
        if target.is_file():
            yaml = sorted(n for n in run.case_files if n.lower().endswith((".yaml", ".yml")))
            policy_path = Path(tmp) / yaml[0] if yaml else None
        try:
            case = load_case(target, policy_path=policy_path)
        except InputError as exc:
            # e.g. a policy naming a good the run's clearance hid: such a run cannot be replayed
            head = Issue(
                "run",
                None,
                None,
                run.run_id,
                "the run's recorded case does not load, so an ally could not replay it; the problems:",
            )
            raise InputError([head, *exc.issues], f"run {run.run_id} cannot be bundled") from None
    label = (run.result or {}).get("tier") or "public"
    if label not in TIERS:
        label = "secret"  # an unreadable label: assume the worst
    return TIERS[max(tier_rank(label), tier_rank(case_tier(case)))], case


def build_body(
    store: Any, run_id: str, identity: Any, *, tier: str, keys: KeyPair, now: str | None = None
) -> dict[str, Any]:
    """The bundle's body for ``run_id`` at ``tier``, after every check (see the module docstring)."""
    from prioritizer.auth.roles import authorize
    from prioritizer.runs import SERVICES, library_versions

    if tier not in TIERS:
        raise InputError([Issue("--tier", None, None, tier, f"use one of {', '.join(TIERS)}")])
    run_id = store.resolve(run_id)
    run = store.get(run_id)
    authorize(identity, "export", store=store, target=f"bundle {run_id}", tier=tier)
    if run.command not in SERVICES:
        raise InputError(
            [
                Issue(
                    "run",
                    None,
                    "command",
                    run.command,
                    f"run {run_id} is a {run.command} run; only computed runs ({', '.join(SERVICES)}) "
                    "can be bundled and replayed",
                )
            ]
        )
    needed, case = run_tier(run)
    if tier_rank(needed) > tier_rank(tier):
        # A reader not cleared for the run's tier is refused (and recorded) as for any export
        # above its clearance; one who is cleared is told the tier to ask for.
        authorize(identity, "export", store=store, target=f"bundle {run_id}", tier=needed)
        raise InputError(
            [
                Issue(
                    "run",
                    None,
                    "tier",
                    tier,
                    f"run {run_id} used rows of tier {needed}; it cannot be bundled at tier {tier}. "
                    f"Export it with --tier {needed} (to readers cleared for it), or compute a run "
                    f"on the {tier} rows only and bundle that one",
                )
            ],
            f"run {run_id} needs tier {needed}",
        )
    view = visible_case(case, tier)
    # Below the run's tier the view is the case itself; the recorded snapshot is then exactly
    # what the run read, byte for byte (its digests are in the chain record).
    files = run.case_files if view is case else view.files
    records = chain_records(store, run_id)
    texts = records[0].pop("_texts")
    content = _loads(records[0]["content"])
    values = {"params": run.params, "model": run.model, "policy": run.policy, "versions": run.versions}
    values["result"] = run.result
    # A run recorded in the earlier float notation keeps its stored text, so its chain digest still links.
    kept = {
        k: texts[k]
        for k in CHAINED_TEXTS
        if sha256_text(canonical(values[k])) != (content.get("sha256") or {}).get(k) and texts.get(k)
    }
    model = run.model or {}
    body: dict[str, Any] = {
        "format": MAGIC,
        "format_version": FORMAT_VERSION,
        "tier": tier,
        "exported_at": now or dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "exported_by": identity.as_record(),
        "signer": {"public_key": public_text(keys.public), "fingerprint": fingerprint(keys.public)},
        "producer": library_versions(),
        "run": {
            "run_id": run.run_id,
            "seq": run.seq,
            "command": run.command,
            "actor": run.actor,
            "reason": run.reason,
            "created_at": run.created_at,
            "case_path": run.case_path,
            "model_name": run.model_name,
            "identity": run.identity,
            "versions": run.versions,
            "input_digests": run.input_digests,
            "hash": run.hash,
            "tier": needed,
        },
        "method": {
            "method": run.method,
            "model": run.model,
            "weights": run.weights,
            "elicitation": model.get("weights_elicitation") if isinstance(model, dict) else None,
            "params": run.params,
            "policy": run.policy,
        },
        "case": {"files": {name: file_entry(data) for name, data in sorted(files.items())}},
        "result": run.result,
        "audit": {
            "records": records,
            "chained_texts": kept,
            "head_hash": store.head_hash(),
        },
    }
    body["manifest"] = manifest_of(body)
    return body


def _loads(text: str) -> Any:
    import json

    return json.loads(text)


def export_bundle(
    store: Any,
    run_id: str,
    identity: Any,
    out: str | Path,
    *,
    tier: str = "public",
    keys: KeyPair,
    now: str | None = None,
) -> dict[str, Any]:
    """Write the signed bundle of ``run_id`` to ``out`` (atomically) and record the export.

    ``identity``: the acting :class:`prioritizer.auth.identity.Identity`. Raises Forbidden
    (recorded) above its clearance, InputError for a run above ``tier`` or not replayable.
    Returns {run_id, tier, out, sha256, bytes, signer}.
    """
    from prioritizer.audit.events import append_event

    body = build_body(store, run_id, identity, tier=tier, keys=keys, now=now)
    data = encode(body, body["signer"]["public_key"], keys.sign)
    path = Path(out)
    _atomic_write(path, data)
    digest = sha256_bytes(data)
    run = body["run"]["run_id"]
    append_event(
        store,
        "export",
        run,
        identity.actor,
        identity.as_record(),
        {"what": "bundle", "tier": tier, "sha256": digest, "signer": body["signer"]["fingerprint"]},
    )
    return {
        "run_id": run,
        "tier": tier,
        "out": str(path),
        "sha256": digest,
        "bytes": len(data),
        "signer": body["signer"],
    }


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
