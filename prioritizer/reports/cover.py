"""The report's cover as a ministry document (issue 30 item 8): organisation, document number,
draft or approved status with the approval block, the owner's display name, the weights used,
dates in JST.

* **Organisation**: ``policy.yaml`` ``report: {organisation, organisation_en, document_prefix}``,
  else ``$PRIORITIZER_ORGANISATION`` (one name for both languages), else not stated.
* **Document number**: ``<prefix>-<JST year of the decision>-<run id>-<first 6 hex of the record's
  chain hash>`` — the same run always gives the same number, and the hash ties the paper to the trail.
* **Status**: 承認済み / 案（審議中）/ 差し戻し from :func:`prioritizer.auth.decisions.approval_status`
  (quorum from the case's policy, else a majority of the active committee accounts); the approval
  block names each approver by display name with the time in JST, and the quorum.
"""

from __future__ import annotations

import os
from typing import Any

from prioritizer.dates import jst_text
from prioritizer.reports.context import Context, f

DEFAULT_PREFIX = "PR"


def _report_settings(ctx: Context) -> dict[str, Any]:
    policy = getattr(ctx.case, "policy", None)
    extra = (getattr(policy, "model_extra", None) or {}).get("report") if policy is not None else None
    return extra if isinstance(extra, dict) else {}


def organisation(ctx: Context) -> str | None:
    rs = _report_settings(ctx)
    name = (
        rs.get("organisation_en")
        if ctx.lang == "en" and rs.get("organisation_en")
        else rs.get("organisation")
    )
    name = name or os.environ.get("PRIORITIZER_ORGANISATION", "").strip()
    return str(name) if name else None


def document_number(ctx: Context) -> str:
    p = ctx.primary
    prefix = str(_report_settings(ctx).get("document_prefix") or DEFAULT_PREFIX)
    from prioritizer.dates import to_jst

    when = to_jst(f(p, "created_at"))
    year = str(when.year) if when else "0000"
    digest = str(f(p, "hash") or "")[:6]
    return "-".join(x for x in (prefix, year, str(f(p, "run_id")), digest) if x)


def owner_name(ctx: Context) -> str:
    p = ctx.primary
    ident = f(p, "identity") or {}
    name = ident.get("display_name") if isinstance(ident, dict) else None
    if not name and ctx.store is not None:
        try:
            from prioritizer.auth.accounts import get_user

            acct = get_user(ctx.store, str(f(p, "actor") or ""))
            name = acct.get("display_name") if acct else None
        except Exception:  # a store without accounts (older schema): the account id stands
            name = None
    return str(name or f(p, "actor") or ctx.missing)


def approval(ctx: Context) -> dict[str, Any] | None:
    if ctx.store is None:
        return None
    from prioritizer.auth.decisions import approval_status

    return approval_status(ctx.store, str(f(ctx.primary, "run_id")), getattr(ctx.case, "policy", None))


def weights_used(ctx: Context) -> str:
    """Where the weights of this decision came from: the committee's adoption, or the model file."""
    src = None
    for res in (f(ctx.primary, "result") or {}, ctx.alloc or {}, ctx.rank or {}):
        if isinstance(res, dict) and res.get("weights_source"):
            src = res["weights_source"]
            break
    if not src:
        return ctx.t("report.cover.weights_model")
    who = src.get("adopted_by") or "—"
    if ctx.store is not None:
        try:
            from prioritizer.auth.accounts import get_user

            acct = get_user(ctx.store, str(who))
            who = (acct or {}).get("display_name") or who
        except Exception:
            pass
    return ctx.t(
        "report.cover.weights_adopted",
        run=src.get("run"),
        who=who,
        when=jst_text(src.get("adopted_at"), ctx.lang),
    )


def rows(ctx: Context) -> list[tuple[str, str]]:
    """Cover rows that come before the run's own details (organisation, number, status, approvals)."""
    out: list[tuple[str, str]] = []
    org = organisation(ctx)
    if org:
        out.append((ctx.t("report.cover.organisation"), org))
    out.append((ctx.t("report.cover.number"), document_number(ctx)))
    st = approval(ctx)
    if st is not None:
        out.append((ctx.t("report.cover.approval"), ctx.t(f"report.cover.approval.{st['status']}")))
        names = ctx.t("report.sep").join(
            f"{a['display_name']}（{jst_text(a['at'], ctx.lang)}）"
            if ctx.lang == "ja"
            else f"{a['display_name']} ({jst_text(a['at'], ctx.lang)})"
            for a in st["approvals"]
        )
        out.append(
            (
                ctx.t("report.cover.approvals"),
                ctx.t(
                    "report.cover.approvals_of",
                    names=names or "—",
                    n=len(st["approvals"]),
                    quorum=st["quorum"],
                ),
            )
        )
    return out
