"""Verify a bundle against a public key, and replay it on this installation.

:func:`verify` reports *every* failure it finds, each naming the part that failed:

* ``format``     the layout (three lines, header, signature line) — see fileformat.py;
* ``signature``  the Ed25519 signature over the whole file, with the key given (``--key``);
  a bundle signed by another key says whose (fingerprint);
* ``manifest``   each listed SHA-256 against its part or case file, and nothing unlisted;
* ``chain``      each audit record's ``hash = SHA-256(prev_hash || content)``, consecutive
  records linked, and the run record holding this bundle's run: its id, its weights, the
  digests of its case files and of its parameters, model, policy, versions and result.

:func:`replay` re-computes the run from the bundle alone (no audit store is read): it checks
the file first (signature against the key the bundle names — integrity; pass ``key`` for
authenticity), rebuilds the case from the bundled snapshot and calls the command's service
with the recorded parameters and model and policy snapshots, as ``audit replay`` does
(:func:`prioritizer.audit.replay.replay_run`). A run whose parameters name a Dask scheduler or a
folder to write to is refused (:func:`reach_out`): replaying must not connect anywhere or write
outside a temporary folder, whoever signed the bundle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prioritizer.audit.chain import canonical, link_hash, sha256_bytes, sha256_text
from prioritizer.bundle.export import CHAINED_TEXTS, PARTS, file_bytes, manifest_of
from prioritizer.bundle.fileformat import BundleFormatError, decode
from prioritizer.bundle.keys import fingerprint, parse_public, public_text, valid_signature
from prioritizer.errors import PrioritizerError


class BundleInvalid(PrioritizerError):
    """The bundle failed a check; ``failures`` names each."""

    exit_code = 7

    def __init__(self, failures: list[dict[str, str]]) -> None:
        self.failures = failures
        super().__init__(
            "the bundle is not valid: " + "; ".join(f"{f['part']}: {f['message']}" for f in failures)
        )


@dataclass
class Verification:
    valid: bool
    failures: list[dict[str, str]] = field(default_factory=list)
    run_id: str | None = None
    command: str | None = None
    tier: str | None = None
    signer: str | None = None
    format_version: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "failures": self.failures,
            "run_id": self.run_id,
            "command": self.command,
            "tier": self.tier,
            "signer": self.signer,
            "format_version": self.format_version,
        }


def _fail(out: list[dict[str, str]], part: str, message: str) -> None:
    out.append({"part": part, "message": message})


def read(path: str | Path) -> bytes:
    from prioritizer.errors import InputError, Issue

    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InputError(
            [Issue(str(path), None, None, None, f"cannot read the bundle: {exc.strerror}")]
        ) from None


def verify_bytes(data: bytes, key: Any) -> Verification:
    """Check ``data`` against the Ed25519 public ``key`` (an object or its text form).

    Raises BundleFormatError only for a bundle of a newer format version (it cannot be read
    at all); every other failure is listed in the returned :class:`Verification`.
    """
    if isinstance(key, str):
        key = parse_public(key)
    failures: list[dict[str, str]] = []
    try:
        parsed = decode(data)
    except BundleFormatError as exc:
        if exc.newer:
            raise
        return Verification(False, [{"part": "format", "message": str(exc)}])
    if not valid_signature(key, parsed.signature, parsed.signed):
        if parsed.signer != public_text(key):
            _fail(
                failures,
                "signature",
                f"the bundle is signed by another key ({parsed.signer[:24]}…), "
                f"not the key given ({public_text(key)[:24]}…)",
            )
        else:
            _fail(
                failures, "signature", "the signature does not match the file: it was changed after signing"
            )
    try:
        body = parsed.body()
    except BundleFormatError as exc:
        _fail(failures, "format", str(exc))
        return Verification(False, failures, signer=fingerprint(key), format_version=parsed.version)
    if body.get("format_version") != parsed.version:
        _fail(failures, "format", "the body's format_version differs from the first line's")
    signer = (body.get("signer") or {}).get("public_key")
    if signer != parsed.signer:
        _fail(failures, "format", "the signer named in the body differs from the signature line's")
    try:
        check_manifest(body, failures)
        check_chain(body, failures)
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        _fail(failures, "format", f"the bundle's body is malformed ({type(exc).__name__}: {exc})")
    run = body.get("run") or {}
    return Verification(
        valid=not failures,
        failures=failures,
        run_id=run.get("run_id"),
        command=run.get("command"),
        tier=body.get("tier"),
        signer=fingerprint(key),
        format_version=parsed.version,
    )


def check_manifest(body: dict[str, Any], failures: list[dict[str, str]]) -> None:
    listed = body.get("manifest")
    if not isinstance(listed, dict):
        _fail(failures, "manifest", "the bundle has no manifest")
        return
    try:
        actual = manifest_of(body)
    except (ValueError, TypeError, AttributeError) as exc:
        _fail(failures, "manifest", f"a case file cannot be decoded ({exc})")
        return
    for name in sorted(set(listed) | set(actual)):
        if name not in actual:
            _fail(failures, "manifest", f"{name} is listed but not in the bundle")
        elif name not in listed:
            _fail(failures, "manifest", f"{name} is in the bundle but not listed")
        elif listed[name] != actual[name]:
            _fail(failures, f"manifest: {name}", f"{name} does not match its SHA-256 digest")


def check_chain(body: dict[str, Any], failures: list[dict[str, str]]) -> None:
    audit = body.get("audit") or {}
    records = audit.get("records") or []
    if not records:
        _fail(failures, "chain", "the bundle holds no audit record")
        return
    prev = None
    for r in records:
        try:
            ok = link_hash(str(r["prev_hash"]), str(r["content"])) == r["hash"]
        except (KeyError, TypeError):
            _fail(failures, "chain", f"record {r.get('seq') if isinstance(r, dict) else '?'} is incomplete")
            return
        if not ok:
            _fail(
                failures,
                "chain",
                f"record {r['seq']} ({r['kind']} {r['ref']}): hash ≠ SHA-256(prev_hash ‖ content)",
            )
        if prev is not None and r["seq"] == prev["seq"] + 1 and r["prev_hash"] != prev["hash"]:
            _fail(failures, "chain", f"record {r['seq']} does not link to record {prev['seq']}")
        prev = r
    import json

    try:
        content = json.loads(records[0]["content"])
    except ValueError:
        _fail(failures, "chain", "the run record's content is not JSON")
        return
    run = body.get("run") or {}
    method = body.get("method") or {}
    if records[0].get("kind") != "run" or content.get("run_id") != run.get("run_id"):
        _fail(failures, "chain", "the first record is not this run's record")
    if records[0].get("hash") != run.get("hash"):
        _fail(failures, "chain", "the run's hash differs from its record's")
    if canonical(content.get("weights")) != canonical(method.get("weights")):
        _fail(failures, "chain", "the weights differ from those the run record holds")
    digests = content.get("input_digests") or {}
    for name, entry in sorted(((body.get("case") or {}).get("files") or {}).items()):
        try:
            got = sha256_bytes(file_bytes(entry))
        except (ValueError, TypeError):
            continue  # reported by the manifest check
        if digests.get(name) != got:
            _fail(failures, "chain", f"case file {name} is not the one the run record names")
    values = {
        "params": method.get("params"),
        "model": method.get("model"),
        "policy": method.get("policy"),
        "versions": run.get("versions"),
        "result": body.get("result"),
    }
    kept = audit.get("chained_texts") or {}
    for k in CHAINED_TEXTS:
        want = (content.get("sha256") or {}).get(k)
        text = kept.get(k)
        if text is not None:  # a run recorded in the earlier float notation: its text as stored
            same = json.loads(text) == values[k] and sha256_text(text) == want
        else:
            same = sha256_text(canonical(values[k])) == want
        if not same:
            _fail(failures, "chain", f"the {k} differ from what the run record holds")


def verify_file(path: str | Path, key: Any) -> Verification:
    return verify_bytes(read(path), key)


# --------------------------------------------------------------------------- replay


def replay_bytes(data: bytes, key: Any = None) -> dict[str, Any]:
    """Re-compute the bundled run here; {equal, differences, ...} (see the module docstring).

    Raises BundleInvalid when the file fails a check: a damaged bundle is not replayed.
    """
    from prioritizer.audit.entities import StoredRun
    from prioritizer.audit.replay import replay_run

    parsed = decode(data)
    check_key = key if key is not None else parse_public(parsed.signer, "bundle")
    v = verify_bytes(data, check_key)
    if not v.valid:
        raise BundleInvalid(v.failures)
    body = parsed.body()
    run, method = body["run"], body["method"]
    reach_out(method.get("params") or {})
    stored = StoredRun(
        run_id=run["run_id"],
        seq=run["seq"],
        command=run["command"],
        actor=run["actor"],
        reason=run["reason"],
        created_at=run["created_at"],
        case_path=run["case_path"],
        model_name=run["model_name"],
        params=method["params"],
        model=method["model"],
        policy=method["policy"],
        method=method["method"],
        versions=run["versions"],
        weights=method["weights"],
        result=body["result"],
        input_digests={n: sha256_bytes(file_bytes(e)) for n, e in body["case"]["files"].items()},
        hash=run["hash"],
        case_files={n: file_bytes(e) for n, e in body["case"]["files"].items()},
        identity=run.get("identity"),
    )
    report = replay_run(stored)
    d = report.as_dict()
    timings = [x for x in d["differences"] if measured(x["path"])]
    differences = [x for x in d["differences"] if not measured(x["path"])]
    n = d["n_differences"] - len(timings)
    text = {lang: _text(d, lang, n, timings) for lang in ("ja", "en")}
    return {
        "equal": n == 0,
        "differences": differences,
        "n_differences": n,
        "max_abs_difference": d["max_abs_difference"] if n else None,
        "timings": timings,
        "provenance": d["provenance"],
        "versions": d["versions"],
        "run_id": run["run_id"],
        "command": run["command"],
        "tier": body.get("tier"),
        "signer": v.signer,
        "authenticated": key is not None,
        "text_ja": text["ja"],
        "text_en": text["en"],
    }


#: parameters that make a service reach beyond this machine's temporary folder: a Dask scheduler
#: (whose results the client unpickles) and a study folder to write into
OUTSIDE_PARAMS = ("address", "study_dir")


def reach_out(params: dict[str, Any]) -> None:
    """Refuse a replay whose parameters name a remote scheduler or a folder to write to: a bundle,
    signed or not, is re-computed on this machine only."""
    from prioritizer.errors import InputError, Issue

    named = [k for k in OUTSIDE_PARAMS if params.get(k)]
    if named:
        raise InputError(
            [
                Issue(
                    "bundle",
                    None,
                    f"params.{k}",
                    str(params[k]),
                    "a bundle is replayed on this machine only; this run names "
                    + ("a Dask scheduler" if k == "address" else "a folder to write to")
                    + ": re-run the study here instead (`prioritizer study`)",
                )
                for k in named
            ],
            "the bundle's run reaches outside this machine",
        )


def measured(path: str) -> bool:
    """A solver's wall-clock measurement (``solver.seconds``, ``solver.structure.seconds.master``,
    the warm start's arrival): a fact about the machine that ran it, not part of the result."""
    if not path.startswith("solver."):
        return False
    parts = path.replace("[", ".").split(".")
    return "seconds" in parts or "offered_at_query" in parts


def _text(d: dict[str, Any], lang: str, n: int, timings: list[dict[str, Any]]) -> str:
    from prioritizer.text import render

    if n or not timings:
        return str(d[f"text_{lang}"])
    # Only the solver's clock differs: the result is equal; say so, then what audit replay says
    # about provenance and versions (its lines after the first).
    timed = tuple(f"- {x['path']}: " for x in timings)
    rest = [ln for ln in str(d[f"text_{lang}"]).split("\n")[1:] if not ln.startswith(timed)]
    head = render({"kind": "bundle.replay_equal", "run_id": d["run_id"], "n": len(timings)}, lang)  # type: ignore[arg-type]
    return "\n".join([head, *rest])


def replay_file(path: str | Path, key: Any = None) -> dict[str, Any]:
    return replay_bytes(read(path), key)


__all__ = ["PARTS", "BundleInvalid", "Verification", "replay_file", "verify_file"]
