"""An ally's bundle as an input to our stress test (``prioritizer stress … --with BUNDLE``).

The ally exports its ``allocate`` run as a bundle; we read from it the country it speaks for
(its ``policy.yaml`` ``home:``, which must be given) and its stock per good
(``result.stockpiles``). The stress test then plays that stock beside ours and the joint pools
against the same scenarios: a hit ally covers its loss from its own stock before it draws on a
pool (:mod:`prioritizer.stress.pools`). The bundle is checked first — its signature against
``key`` when given (who signed it), else against the key it names (that it is intact) — and
what is used is recorded in the stress run's parameters, so the run replays without the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prioritizer.errors import InputError, Issue


def ally_stock(path: str | Path, key: Any = None) -> dict[str, Any]:
    """{country, stock {good_id: units}, bundle {run_id, sha256, signer, authenticated}}."""
    from prioritizer.audit.chain import sha256_bytes
    from prioritizer.bundle.check import BundleInvalid, read, verify_bytes
    from prioritizer.bundle.fileformat import decode
    from prioritizer.bundle.keys import fingerprint, parse_public

    data = read(path)
    parsed = decode(data)
    check = key if key is not None else parse_public(parsed.signer, "bundle")
    v = verify_bytes(data, check)
    if not v.valid:
        raise BundleInvalid(v.failures)
    body = parsed.body()
    run = body["run"]
    where = f"--with {Path(path).name}"
    if run.get("command") != "allocate":
        raise InputError(
            [
                Issue(
                    where,
                    None,
                    "command",
                    run.get("command"),
                    "the bundle holds no allocate run; the ally's stock comes from its allocation",
                )
            ]
        )
    policy = (body.get("method") or {}).get("policy") or {}
    home = str(policy.get("home") or "").strip().upper()
    if len(home) != 3 or not home.isalpha():
        raise InputError(
            [
                Issue(
                    where,
                    None,
                    "policy.home",
                    policy.get("home"),
                    "the bundle's policy does not say which country it speaks for (policy.yaml home: ISO3)",
                )
            ]
        )
    stock: dict[str, float] = {}
    for s in (body.get("result") or {}).get("stockpiles") or []:
        q = float(s.get("quantity") or 0.0)
        if q > 0:
            stock[str(s["good_id"])] = stock.get(str(s["good_id"]), 0.0) + q
    return {
        "country": home,
        "stock": stock,
        "bundle": {
            "run_id": run.get("run_id"),
            "sha256": sha256_bytes(data),
            "signer": fingerprint(check),
            "authenticated": key is not None,
        },
    }
