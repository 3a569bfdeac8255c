"""Signed decision bundles (issue 29 item 3): keys, export, verify, replay, tiers.

The case is the default case with two goods marked by hand (as in test_auth_tiers.py):
cobalt restricted (機密性2), lithium secret (機密性3) — neither is named in policy.yaml: a public
run on a policy naming a hidden good cannot be replayed at all (docs/allies.md). Runs are
``rank`` runs (fast); one
``allocate`` run on the small case of test_allocation_cli.py shows a second command replays too.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from prioritizer.audit import open_store
from prioritizer.audit.events import list_events
from prioritizer.auth import accounts
from prioritizer.auth.errors import Forbidden
from prioritizer.bundle import export_bundle, init_keys, load_keys, replay_file, verify_file
from prioritizer.bundle.check import BundleInvalid, verify_bytes
from prioritizer.bundle.fileformat import BundleFormatError
from prioritizer.cli import app
from prioritizer.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
MARKS = {"cobalt": "restricted", "lithium": "secret"}


@pytest.fixture
def tiered_case(tmp_path):
    dst = tmp_path / "tiered"
    shutil.copytree(ROOT / "inputs" / "default", dst)
    rows = list(csv.DictReader(io.StringIO((dst / "goods.csv").read_text(encoding="utf-8-sig"))))
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=[*rows[0].keys(), "tier"], lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({**r, "tier": MARKS.get(r["id"], "")})
    (dst / "goods.csv").write_text(out.getvalue(), encoding="utf-8")
    return dst


@pytest.fixture
def home(tmp_path, monkeypatch):
    """Installation A: its own store and keys (nothing from the developer's home)."""
    monkeypatch.setenv("PRIORITIZER_KEYS", str(tmp_path / "keys_a"))
    db = f"sqlite:///{tmp_path / 'a.sqlite'}"
    monkeypatch.setenv("PRIORITIZER_DB", db)
    init_keys()
    store = open_store(db)
    accounts.add_user(store, "kato", "planner", PW, clearance="public")
    accounts.add_user(store, "sato", "planner", PW, clearance="secret")
    return {"db": db, "store": store, "tmp": tmp_path}


PW = "a long enough password"


def _login(db: str, user: str) -> None:
    r = CliRunner().invoke(app, ["login", user, "--password-stdin", "--db", db], input=PW + "\n")
    assert r.exit_code == 0, r.output


def _rank(case: Path, db: str, actor: str) -> str:
    """A rank run by account ``actor`` (signed in on the command line)."""
    _login(db, actor)
    r = CliRunner().invoke(app, ["rank", str(case), "--format", "json", "--db", db])
    assert r.exit_code == 0, r.output
    return json.loads(r.output)["run_id"]


def _ident(store, name):
    from prioritizer.auth.identity import Identity

    a = accounts.get_user(store, name)
    return Identity(name, a["display_name"], a["role"], "cli", a["clearance"])


def test_keys_init_makes_a_0600_private_key_and_show_prints_the_public_key(tmp_path, monkeypatch):
    monkeypatch.setenv("PRIORITIZER_KEYS", str(tmp_path / "k"))
    r = CliRunner().invoke(app, ["keys", "init"])
    assert r.exit_code == 0, r.output
    priv = tmp_path / "k" / "bundle_ed25519"
    assert stat.S_IMODE(priv.stat().st_mode) == 0o600
    line = r.output.strip()
    assert line.startswith("ed25519:") and len(line) == len("ed25519:") + 64
    shown = CliRunner().invoke(app, ["keys", "show"])
    assert shown.output.strip() == line
    # A second init would orphan the key allies hold: refused without --force.
    again = CliRunner().invoke(app, ["keys", "init"])
    assert again.exit_code == 2 and "--force" in again.output
    # --keys overrides the environment
    other = CliRunner().invoke(app, ["keys", "init", "--keys", str(tmp_path / "k2")])
    assert other.exit_code == 0 and other.output.strip() != line
    # A private key others may read is not used to sign.
    os.chmod(priv, 0o644)
    with pytest.raises(Exception, match="chmod 600"):
        load_keys()


def test_export_in_one_store_verifies_and_replays_equal_in_another(tiered_case, home, tmp_path, monkeypatch):
    run_id = _rank(tiered_case, home["db"], "kato")
    out = tmp_path / "r.bundle"
    r = CliRunner().invoke(app, ["bundle", "export", run_id, "--out", str(out)])  # as kato
    assert r.exit_code == 0, r.output
    pub = (tmp_path / "keys_a" / "bundle_ed25519.pub").read_text().strip()
    # The export is recorded in the chain.
    ev = list_events(home["store"], "export", ref=run_id)
    assert len(ev) == 1 and ev[0]["detail"]["tier"] == "public" and ev[0]["actor"] == "kato"

    # Installation B: another store, other keys, the case folder gone.
    monkeypatch.setenv("PRIORITIZER_DB", f"sqlite:///{tmp_path / 'b.sqlite'}")
    monkeypatch.setenv("PRIORITIZER_KEYS", str(tmp_path / "keys_b"))
    shutil.rmtree(tiered_case)
    open_store(None)  # a fresh, empty store
    v = CliRunner().invoke(app, ["bundle", "verify", str(out), "--key", pub, "--format", "json"])
    assert v.exit_code == 0, v.output
    got = json.loads(v.output)
    assert got["valid"] is True and got["failures"] == [] and got["run_id"] == run_id
    rp = CliRunner().invoke(app, ["bundle", "replay", str(out), "--key", pub, "--format", "json"])
    assert rp.exit_code == 0, rp.output
    rep = json.loads(rp.output)
    assert rep["equal"] is True and rep["differences"] == [] and rep["authenticated"] is True
    assert open_store(None).runs() == []  # replaying reads and writes no store


def test_an_allocate_run_replays_equal(write_case, home, tmp_path):
    from test_allocation_cli import GOODS, POLICY, PROJECTS, SCENARIOS

    case = write_case(
        {"goods.csv": GOODS, "projects.csv": PROJECTS, "scenarios.csv": SCENARIOS, "policy.yaml": POLICY}
    )
    from prioritizer.case import load_case
    from prioritizer.runs import execute

    run_id = home["store"].record(execute("allocate", load_case(case), {}, actor="sato", reason="test"))
    out = tmp_path / "a.bundle"
    info = export_bundle(home["store"], run_id, _ident(home["store"], "sato"), out, keys=load_keys())
    assert info["tier"] == "public"
    rep = replay_file(out)
    assert rep["equal"] is True, rep["differences"]
    assert rep["command"] == "allocate"
    # the solver's wall-clock time differs from run to run: listed apart, not a difference
    assert [t["path"] for t in rep["timings"]] == ["solver.seconds"]
    assert "solver.seconds" not in rep["text_en"] and "equals the record" in rep["text_en"]

    # Every single byte of this (small) bundle, flipped, is caught.
    data = out.read_bytes()
    pub = load_keys().public
    assert len(data) < 60_000
    for off in range(len(data)):
        bad = bytearray(data)
        bad[off] ^= 0x01
        try:
            assert not verify_bytes(bytes(bad), pub).valid, f"byte {off} changed and not caught"
        except BundleFormatError as exc:  # the version digit turned into a newer one
            assert exc.newer and off == len("prioritizer-bundle ")


def test_a_byte_changed_anywhere_is_caught(tiered_case, home, tmp_path):
    run_id = _rank(tiered_case, home["db"], "kato")
    out = tmp_path / "r.bundle"
    pair = load_keys()
    export_bundle(home["store"], run_id, _ident(home["store"], "kato"), out, keys=pair)
    data = out.read_bytes()
    assert verify_bytes(data, pair.public).valid
    n = len(data)
    head = data.index(b"\n")
    sig = data.rindex(b"signature ")
    # header, body start, a case file, result, manifest, the signer key, the signature, the final newline
    offsets = sorted(
        {0, 5, head - 1, head, head + 1, head + 2, n // 7, n // 3, n // 2, 2 * n // 3, sig - 2, sig - 1}
        | {sig + 3, sig + 12, sig + 40, sig + 80, n - 60, n - 2, n - 1}
    )
    for off in offsets:
        bad = bytearray(data)
        bad[off] ^= 0x01
        try:
            v = verify_bytes(bytes(bad), pair.public)
        except BundleFormatError:  # e.g. the version digit turned into a newer version
            continue
        assert not v.valid, f"byte {off} changed and not caught"
        assert v.failures and all(f["part"] and f["message"] for f in v.failures)
    # an appended byte and a cut-off end too
    assert not verify_bytes(data + b"\n", pair.public).valid
    assert not verify_bytes(data[:-1], pair.public).valid
    # A damaged bundle is not replayed.
    bad = bytearray(data)
    bad[n // 2] ^= 0x01
    (tmp_path / "bad.bundle").write_bytes(bytes(bad))
    with pytest.raises(BundleInvalid):
        replay_file(tmp_path / "bad.bundle")
    r = CliRunner().invoke(
        app,
        [
            "bundle",
            "verify",
            str(tmp_path / "bad.bundle"),
            "--key",
            str(tmp_path / "keys_a" / "bundle_ed25519.pub"),
        ],
    )
    assert r.exit_code == 7 and "signature" in r.output


def test_a_body_edited_and_resigned_by_another_key_names_the_signature_and_digest(
    tiered_case, home, tmp_path
):
    """Someone rewrites the result and signs with their own key: the given key refuses it, and the
    manifest names the part changed (the digests were not recomputed)."""
    from prioritizer.bundle.fileformat import decode, encode

    run_id = _rank(tiered_case, home["db"], "kato")
    out = tmp_path / "r.bundle"
    ours = load_keys()
    export_bundle(home["store"], run_id, _ident(home["store"], "kato"), out, keys=ours)
    body = decode(out.read_bytes()).body()
    body["result"]["ranking"][0]["score"] = 0.99
    other = load_keys(init_keys(tmp_path / "mallory"))
    from prioritizer.bundle.keys import public_text

    forged = encode(body, public_text(other.public), other.sign)
    v = verify_bytes(forged, ours.public)
    parts = {f["part"] for f in v.failures}
    assert not v.valid
    assert "signature" in parts and "manifest: result" in parts and "chain" in parts
    assert any("another key" in f["message"] for f in v.failures)


def test_wrong_key_is_refused_and_key_is_required(tiered_case, home, tmp_path):
    run_id = _rank(tiered_case, home["db"], "kato")
    out = tmp_path / "r.bundle"
    export_bundle(home["store"], run_id, _ident(home["store"], "kato"), out, keys=load_keys())
    other = init_keys(tmp_path / "other")
    v = verify_file(out, load_keys(other).public)
    assert not v.valid and v.failures[0]["part"] == "signature"
    r = CliRunner().invoke(app, ["bundle", "verify", str(out), "--key", str(other / "bundle_ed25519.pub")])
    assert r.exit_code == 7, r.output
    r = CliRunner().invoke(app, ["bundle", "verify", str(out)])  # no --key: a usage error
    assert r.exit_code != 0 and "--key" in r.output
    r = CliRunner().invoke(app, ["bundle", "verify", str(out), "--key", "ed25519:zz"])
    assert r.exit_code == 2


def test_a_secret_row_never_appears_in_a_public_bundle(tiered_case, home, tmp_path):
    # kato (cleared public) ranks: the run saw public rows only.
    run_id = _rank(tiered_case, home["db"], "kato")
    out = tmp_path / "pub.bundle"
    export_bundle(home["store"], run_id, _ident(home["store"], "sato"), out, keys=load_keys(), tier="public")
    data = out.read_bytes()
    assert b"lithium" not in data
    # nor its name: 「リチウム」 stands alone only in its own row (リチウムイオン電池 are other goods)
    assert ",リチウム,".encode() not in data and '"リチウム"'.encode() not in data
    body = json.loads(data.split(b"\n")[1])
    goods = body["case"]["files"]["goods.csv"]["data"]
    assert "tier" in goods.splitlines()[0] and ",secret" not in goods and ",restricted" not in goods


def test_a_run_above_the_tier_is_refused_naming_the_tier_needed(tiered_case, home, tmp_path):
    run_id = _rank(tiered_case, home["db"], "sato")  # sato is cleared secret: the run used lithium
    out = tmp_path / "x.bundle"
    with pytest.raises(InputError) as exc:
        export_bundle(
            home["store"], run_id, _ident(home["store"], "sato"), out, keys=load_keys(), tier="public"
        )
    assert "secret" in str(exc.value) and "tier secret" in exc.value.issues[0].message
    with pytest.raises(InputError):
        export_bundle(
            home["store"], run_id, _ident(home["store"], "sato"), out, keys=load_keys(), tier="restricted"
        )
    assert not out.exists()
    # kato, cleared public only, asking for a public bundle of that secret run: refused as an
    # export above its clearance, and recorded
    before = len(list_events(home["store"], "refused"))
    with pytest.raises(Forbidden):
        export_bundle(
            home["store"], run_id, _ident(home["store"], "kato"), out, keys=load_keys(), tier="public"
        )
    refused = list_events(home["store"], "refused")
    assert len(refused) == before + 1 and refused[-1]["detail"]["tier"] == "secret"
    # at its own tier it goes, and holds the secret good
    export_bundle(home["store"], run_id, _ident(home["store"], "sato"), out, keys=load_keys(), tier="secret")
    assert b"lithium" in out.read_bytes() and ",リチウム,".encode() in out.read_bytes()
    assert replay_file(out)["equal"] is True


def test_exporting_above_the_exporters_clearance_is_refused_and_recorded(tiered_case, home, tmp_path):
    run_id = _rank(tiered_case, home["db"], "kato")
    out = tmp_path / "x.bundle"
    with pytest.raises(Forbidden):
        export_bundle(
            home["store"], run_id, _ident(home["store"], "kato"), out, keys=load_keys(), tier="secret"
        )
    refused = list_events(home["store"], "refused")
    assert refused and refused[-1]["actor"] == "kato" and refused[-1]["detail"]["tier"] == "secret"
    assert not out.exists()
    r = CliRunner().invoke(
        app, ["bundle", "export", run_id, "--out", str(out), "--tier", "secret"]
    )  # as kato
    assert r.exit_code == 6, r.output
    assert len(list_events(home["store"], "refused")) == len(refused) + 1


def test_a_newer_format_version_says_so(tmp_path):
    from prioritizer.bundle.fileformat import FORMAT_VERSION

    pair = load_keys(init_keys(tmp_path / "k"))
    f = tmp_path / "new.bundle"
    f.write_bytes(f"prioritizer-bundle {FORMAT_VERSION + 1}\n{{}}\nsignature x y\n".encode())
    with pytest.raises(BundleFormatError, match="newer version of prioritizer") as exc:
        verify_file(f, pair.public)
    assert exc.value.newer
    r = CliRunner().invoke(app, ["bundle", "replay", str(f)])
    assert r.exit_code == 7 and "newer" in r.output
    f.write_bytes(b"PK\x03\x04 not a bundle")
    assert verify_file(f, pair.public).failures[0]["part"] == "format"


def test_a_replay_never_reaches_outside_this_machine(tiered_case, home, tmp_path):
    """A bundle (even one signed by a key we trust) whose run names a Dask scheduler — whose
    results the client would unpickle — or a folder to write into is not replayed."""
    from prioritizer.audit.chain import canonical, link_hash, sha256_text
    from prioritizer.bundle.export import manifest_of
    from prioritizer.bundle.fileformat import decode, encode
    from prioritizer.bundle.keys import public_text

    run_id = _rank(tiered_case, home["db"], "kato")
    out = tmp_path / "r.bundle"
    pair = load_keys()
    export_bundle(home["store"], run_id, _ident(home["store"], "kato"), out, keys=pair)
    body = decode(out.read_bytes()).body()
    body["method"]["params"]["address"] = "tcp://203.0.113.7:8786"
    # a forger holding the key can make every digest and chain link agree
    rec = body["audit"]["records"][0]
    content = json.loads(rec["content"])
    content["sha256"]["params"] = sha256_text(canonical(body["method"]["params"]))
    rec["content"] = canonical(content)
    rec["hash"] = body["run"]["hash"] = link_hash(rec["prev_hash"], rec["content"])
    body["audit"]["records"] = [rec]
    body["manifest"] = manifest_of(body)
    evil = tmp_path / "evil.bundle"
    evil.write_bytes(encode(body, public_text(pair.public), pair.sign))
    assert verify_bytes(evil.read_bytes(), pair.public).valid  # it checks out…
    with pytest.raises(InputError) as exc:  # …and is still not replayed
        replay_file(evil, pair.public)
    assert exc.value.issues[0].column == "params.address"


def test_a_policy_naming_a_hidden_good_is_recorded_without_it_and_bundles(tiered_case, home, tmp_path):
    """A policy naming a good hidden from the run's reader (cobalt is restricted; kato sees public
    rows only). The reader's view drops the policy line too (case.tiers.visible_case), so the
    recorded snapshot loads, replays, and can be bundled — with no trace of cobalt."""
    pol = tiered_case / "policy.yaml"
    pol.write_text(pol.read_text(encoding="utf-8").replace("gallium: 180", "cobalt: 180"), encoding="utf-8")
    assert "cobalt: 180" in pol.read_text(encoding="utf-8")
    run_id = _rank(tiered_case, home["db"], "kato")
    out = tmp_path / "x.bundle"
    export_bundle(home["store"], run_id, _ident(home["store"], "kato"), out, keys=load_keys())
    assert b"cobalt" not in out.read_bytes()
    assert replay_file(out)["equal"] is True
