"""Verification of the audit chain and of every table row against it.

For records ordered by ``seq`` the checks are, with ``h_0 = GENESIS``:

1. ``seq`` runs 1, 2, 3, … without gaps (a gap is a deleted record);
2. ``prev_hash_n = hash_{n-1}`` (an inserted, deleted or reordered record breaks it);
3. ``hash_n = SHA-256(prev_hash_n || content_n)`` (an edited record breaks it);
4. the table row the record covers exists and rebuilds exactly ``content_n``
   (an edited run, weight, result, input digest … breaks it), its file rows match the
   record's input digests, and each file blob still hashes to its digest;
5. no table row lacks a record (a forged row);
6. the head row names the last record (records cut off the end);
7. every account row holds the security state of its newest chained account event
   (:mod:`.accounts_chain`: role, clearance, active, display name, must-reset, password hash);
8. optionally, the *anchor* filed outside the store (``HASH`` or ``SEQ:HASH``, as printed by
   ``audit anchor``) occurs in the chain — at that seq when one is given. This is the only
   check that catches records cut off the end together with the head row rewound.

The first broken record is the one with the lowest ``seq`` among all problems.
"""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import Connection, select

from prioritizer.audit import schema as t
from prioritizer.audit.accounts_chain import STATE_KINDS, check_accounts
from prioritizer.audit.chain import GENESIS, canonical, link_hash, same_content, sha256_bytes
from prioritizer.audit.entities import BrokenRecord, VerifyReport
from prioritizer.audit.events import event_content as chained_event_content
from prioritizer.audit.store import event_content, run_content
from prioritizer.audit.versions import version_content
from prioritizer.errors import InputError, Issue

_HASH = re.compile(r"^[0-9a-f]{64}$")


def parse_anchor(text: str) -> tuple[int | None, str]:
    """``HASH`` or ``SEQ:HASH`` (as ``audit anchor`` prints it) → (seq or None, hash)."""
    s = text.strip().lower()
    seq: int | None = None
    if ":" in s:
        head, _, s = s.partition(":")
        seq = int(head) if head.strip().isdigit() else -1
    if not _HASH.match(s.strip()) or (seq is not None and seq < 0):
        raise InputError(
            [
                Issue(
                    "options",
                    None,
                    "--anchor",
                    text,
                    "use the 64-hex-digit head hash, or SEQ:HASH as printed by `prioritizer audit anchor`",
                )
            ]
        )
    return seq, s.strip()


def _chained_state(rec: Any, into: dict[str, tuple[int, dict[str, Any]]]) -> None:
    """Note the account state an account event's chained content carries (newest wins)."""
    if rec["ref"].partition("/")[0] not in STATE_KINDS:
        return
    try:
        content = json.loads(rec["content"])
    except ValueError:
        return  # reported as an unreadable or edited record already
    detail = content.get("detail") if isinstance(content, dict) else None
    state = detail.get("state") if isinstance(detail, dict) else None
    if isinstance(state, dict) and content.get("kind") in STATE_KINDS:
        into[str(content.get("ref"))] = (rec["seq"], state)


def _content_diff(stored: str, rebuilt: dict[str, Any]) -> str:
    """Which top-level fields of a record differ from the rebuilt row content."""
    try:
        old = json.loads(stored)
    except ValueError:
        return "the record's content is not valid JSON"
    keys = sorted(k for k in set(old) | set(rebuilt) if canonical(old.get(k)) != canonical(rebuilt.get(k)))
    if "sha256" in keys:
        keys.remove("sha256")
        keys += sorted(
            f"{k} (by digest)"
            for k in set(old.get("sha256") or {}) | set(rebuilt["sha256"])
            if (old.get("sha256") or {}).get(k) != rebuilt["sha256"].get(k)
        )
    return ", ".join(keys) or "formatting"


def verify_store(conn: Connection, anchor: str | None = None) -> VerifyReport:
    anchored = parse_anchor(anchor) if anchor else None
    records = conn.execute(select(t.records).order_by(t.records.c.seq)).mappings().all()
    runs = {r["run_id"]: dict(r) for r in conn.execute(select(t.runs)).mappings()}
    events = {r["seq"]: dict(r) for r in conn.execute(select(t.weight_events)).mappings()}
    others = {r["seq"]: dict(r) for r in conn.execute(select(t.events)).mappings()}
    files: dict[str, dict[str, str]] = {}
    for r in conn.execute(select(t.run_files)).mappings():
        files.setdefault(r["run_id"], {})[r["name"]] = r["digest"]
    bad_blobs = {
        d
        for d, content in conn.execute(select(t.blobs.c.digest, t.blobs.c.content))
        if sha256_bytes(bytes(content)) != d
    }
    head = conn.execute(select(t.head).where(t.head.c.id == 1)).mappings().first()
    versions = {r["version_id"]: dict(r) for r in conn.execute(select(t.case_versions)).mappings()}
    version_files: dict[str, dict[str, str]] = {}
    for r in conn.execute(select(t.case_version_files)).mappings():
        version_files.setdefault(r["version_id"], {})[r["name"]] = r["digest"]
    seen_versions: set[str] = set()

    run_by_seq = {r["seq"]: r for r in runs.values()}
    problems: list[BrokenRecord] = []

    def bad(seq: int, kind: str, ref: str, reason: str) -> None:
        problems.append(BrokenRecord(seq, kind, ref, reason))

    prev = GENESIS
    expected = 1
    seen_runs: set[str] = set()
    seen_events: set[int] = set()
    seen_others: set[int] = set()
    account_states: dict[str, tuple[int, dict[str, Any]]] = {}
    for rec in records:
        seq, kind, ref = rec["seq"], rec["kind"], rec["ref"]
        while expected < seq:
            # A missing record: say what it was if its table row survived.
            if expected in run_by_seq:
                bad(expected, "run", run_by_seq[expected]["run_id"], "the chain record was deleted")
            elif expected in events:
                ev = events[expected]
                bad(
                    expected,
                    "weight_change",
                    f"{ev['run_id']}/{ev['criterion']}",
                    "the chain record was deleted",
                )
            else:
                bad(expected, "?", "?", "the chain record was deleted (sequence number missing)")
            expected += 1
        expected = seq + 1
        if rec["prev_hash"] != prev:
            bad(
                seq,
                kind,
                ref,
                "does not link to the record before it (a record was inserted, deleted or reordered)",
            )
        if link_hash(rec["prev_hash"], rec["content"]) != rec["hash"]:
            bad(seq, kind, ref, "its content was modified (the hash does not match)")
        prev = rec["hash"]

        if kind == "run":
            row = runs.get(ref)
            if row is None:
                bad(seq, kind, ref, "the run row was deleted")
                continue
            seen_runs.add(ref)
            if row["seq"] != seq:
                bad(
                    seq,
                    kind,
                    ref,
                    f"the run row claims record {row['seq']} (rows were swapped or renumbered)",
                )
            try:
                rebuilt = run_content(row)
            except (ValueError, TypeError):
                bad(seq, kind, ref, "the run row holds unreadable JSON (edited by hand)")
                continue
            if not same_content(rec["content"], rebuilt):
                bad(
                    seq, kind, ref, f"the run row was edited: {_content_diff(rec['content'], rebuilt)} differ"
                )
            if row["hash"] != rec["hash"]:
                bad(seq, kind, ref, "the run row's hash differs from its record")
            have = files.get(ref, {})
            want = rebuilt["input_digests"] or {}
            changed = sorted(n for n in set(have) | set(want) if have.get(n) != want.get(n))
            if changed:
                bad(seq, kind, ref, f"input file rows were edited: {', '.join(changed)}")
            broken = sorted(n for n, d in have.items() if d in bad_blobs)
            if broken:
                bad(seq, kind, ref, f"stored input file content was edited: {', '.join(broken)}")
        elif kind == "weight_change":
            ev = events.get(seq)
            if ev is None:
                bad(seq, kind, ref, "the weight-change row was deleted")
                continue
            seen_events.add(seq)
            rebuilt = event_content(ev)
            if not same_content(rec["content"], rebuilt):
                bad(
                    seq,
                    kind,
                    ref,
                    f"the weight-change row was edited: {_content_diff(rec['content'], rebuilt)} differ",
                )
        elif kind == "case_version":
            vrow = versions.get(ref)
            if vrow is None:
                bad(seq, kind, ref, "the case-version row was deleted")
                continue
            seen_versions.add(ref)
            try:
                vrebuilt = version_content(vrow)
            except (ValueError, TypeError):
                bad(seq, kind, ref, "the case-version row holds unreadable JSON (edited by hand)")
                continue
            if not same_content(rec["content"], vrebuilt) or vrow["hash"] != rec["hash"]:
                bad(seq, kind, ref, "the case-version row was edited")
            vhave = version_files.get(ref, {})
            if vhave != vrebuilt["manifest"]:
                bad(seq, kind, ref, "the case version's file rows were edited")
            vbroken = sorted(n for n, d in vhave.items() if d in bad_blobs)
            if vbroken:
                bad(seq, kind, ref, f"stored case-version file content was edited: {', '.join(vbroken)}")
        elif kind == "event":
            _chained_state(rec, account_states)
            other = others.get(seq)
            if other is None:
                bad(seq, kind, ref, "the event row was deleted")
                continue
            seen_others.add(seq)
            try:
                rebuilt = chained_event_content(other)
            except (ValueError, TypeError):
                bad(seq, kind, ref, "the event row holds unreadable JSON (edited by hand)")
                continue
            if not same_content(rec["content"], rebuilt):
                bad(
                    seq,
                    kind,
                    ref,
                    f"the event row was edited: {_content_diff(rec['content'], rebuilt)} differ",
                )
        else:
            bad(seq, kind, ref, f"unknown record kind {kind!r} (a forged record)")

    for run_id, row in runs.items():
        if run_id not in seen_runs:
            bad(row["seq"], "run", run_id, "a run row without a chain record (inserted)")
    for seq, ev in events.items():
        if seq not in seen_events:
            bad(
                seq,
                "weight_change",
                f"{ev['run_id']}/{ev['criterion']}",
                "a weight-change row without a chain record (inserted)",
            )

    for vid, vrow in versions.items():
        if vid not in seen_versions:
            bad(vrow["seq"], "case_version", vid, "a case-version row without a chain record (inserted)")
    for seq, other in others.items():
        if seq not in seen_others:
            bad(
                seq,
                "event",
                f"{other['kind']}/{other['ref']}",
                "an event row without a chain record (inserted)",
            )

    last_seq = records[-1]["seq"] if records else 0
    last_hash = records[-1]["hash"] if records else GENESIS
    users = conn.execute(select(t.users)).mappings().all()
    for seq, user, reason in check_accounts(account_states, users, last_seq + 1):
        bad(seq, "account", user, reason)
    if head is None:
        bad(last_seq + 1, "head", "-", "the head row was deleted")
    elif head["seq"] != last_seq or head["hash"] != last_hash:
        if head["seq"] > last_seq:
            bad(
                last_seq + 1,
                "head",
                "-",
                f"records {last_seq + 1}–{head['seq']} were cut off the end of the chain",
            )
        else:
            bad(
                head["seq"] + 1,
                "head",
                "-",
                f"the head row names record {head['seq']} but the chain ends at {last_seq}",
            )

    anchor_seq = None
    if anchored is not None:
        want_seq, a = anchored
        hash_at = {r["seq"]: r["hash"] for r in records}
        hash_at[0] = GENESIS
        found = 0 if a == GENESIS else next((r["seq"] for r in records if r["hash"] == a), None)
        if want_seq is not None and want_seq > last_seq:
            bad(
                last_seq + 1,
                "anchor",
                f"{want_seq}:{a[:12]}",
                f"the anchored head is record {want_seq} but the chain ends at {last_seq}: "
                f"records {last_seq + 1}–{want_seq} were cut off the end",
            )
        elif want_seq is not None and hash_at.get(want_seq) != a:
            bad(
                want_seq,
                "anchor",
                f"{want_seq}:{a[:12]}",
                f"record {want_seq} is not the anchored head: history up to the anchor was rewritten",
            )
        elif found is None:
            bad(
                last_seq + 1,
                "anchor",
                a[:12],
                "the anchored head hash does not occur in the chain: history up to the anchor "
                "was rewritten or removed",
            )
        else:
            anchor_seq = want_seq if want_seq is not None else found

    problems.sort(key=lambda p: p.seq)
    return VerifyReport(
        ok=not problems,
        checked=len(records),
        head_seq=last_seq,
        head_hash=last_hash,
        first_broken=problems[0] if problems else None,
        problems=problems,
        anchor=anchor,
        anchor_seq=anchor_seq,
    )
