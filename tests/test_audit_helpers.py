"""Shared fixtures for the audit tests: a fresh store on SQLite and on PostgreSQL.

PostgreSQL comes from ``PRIORITIZER_TEST_PG_URL`` (``scripts/ci-postgres.sh`` starts a
throw-away server and sets it). Each test gets its own PostgreSQL *schema* (through
``search_path``) so tests running in parallel never see each other's chains. Without
the variable the PostgreSQL cases fail under CI (``CI=true``) and are skipped, with
the reason, on a developer's machine.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

from prioritizer.runs import CommandOutput, Run

PG_ENV = "PRIORITIZER_TEST_PG_URL"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def pg_base_url() -> str:
    url = os.environ.get(PG_ENV, "").strip()
    if not url:
        msg = f"{PG_ENV} is not set: run `source scripts/ci-postgres.sh` first (PostgreSQL on loopback)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(msg)
        pytest.skip(msg)
    return url


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A URL whose search_path is a fresh, empty schema; dropped afterwards."""
    base = pg_base_url()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}options={quote(f'-csearch_path={schema}')}"
    from prioritizer.audit import store as store_mod

    for key, st in list(store_mod._STORES.items()):
        if schema in key[0]:
            st.close()
            del store_mod._STORES[key]
    with admin.connect() as c:
        c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path) -> str:  # type: ignore[no-untyped-def]
    """A fresh, empty audit store URL on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'audit.sqlite'}"
    return request.getfixturevalue("pg_schema_url")


GOODS = b"id,name_ja,name_en,a,b\ng1,\xe3\x82\xac\xe3\x83\xaa\xe3\x82\xa6\xe3\x83\xa0,Gallium,0.9,0.1\ng2,\xe9\xbb\x92\xe9\x89\x9b,Graphite,0.2,0.8\n"


def make_run(
    weights: dict[str, float] | None = None,
    *,
    actor: str = "佐藤",
    reason: str = "初期設定",
    command: str = "rank",
    files: dict[str, bytes] | None = None,
    model_name: str = "default",
    result: dict | None = None,
    method: dict | None = None,
    created_at: str = "2025-04-01T09:00:00.000000+00:00",
    params: dict | None = None,
) -> Run:
    """A small hand-made Run (no scoring engine involved)."""
    weights = {"a": 0.5, "b": 0.5} if weights is None else weights
    files = {"goods.csv": GOODS} if files is None else files
    if result is None:
        # Weighted sum over the two goods of GOODS, computable by hand.
        scores = {
            "g1": 0.9 * weights.get("a", 0) + 0.1 * weights.get("b", 0),
            "g2": 0.2 * weights.get("a", 0) + 0.8 * weights.get("b", 0),
        }
        order = sorted(scores, key=lambda k: -scores[k])
        result = {
            "method": "wsm",
            "normalisation": "none",
            "weights": weights,
            "ranking": [{"id": k, "rank": i + 1, "score": scores[k]} for i, k in enumerate(order)],
        }
    model = {
        "name": model_name,
        "method": "wsm",
        "normalisation": "none",
        "criteria": [{"id": k, "column": k, "direction": "max", "weight": v} for k, v in weights.items()],
    }
    out = CommandOutput(
        result=result,
        model=model,
        policy={"budget": {"total": 100.0}},
        method=method or {"method": "wsm", "normalisation": "none", "tie_rule": "min"},
        weights=weights if command == "rank" else None,
    )
    return Run(
        command=command,
        params=params if params is not None else {"weights": weights},
        case_path="/cases/demo",
        case_files=files,
        input_digests={k: hashlib.sha256(v).hexdigest() for k, v in sorted(files.items())},
        output=out,
        actor=actor,
        reason=reason,
        created_at=created_at,
        versions={"python": "3.11.7", "numpy": "2.1.0"},
    )


def raw_engine(url: str):  # type: ignore[no-untyped-def]
    """A plain engine for tampering with the store behind the library's back."""
    return create_engine(url)
