"""Pure numpy kernels for the dependence indicators (no pandas, no validation).

Every function takes arrays whose trailing axes are documented and broadcasts over
the leading ones (typically goods × months). Shares are fractions on 0–1.

References
----------
* EC 2017 — European Commission (2017), *Methodology for establishing the EU list of
  critical raw materials — Guidelines*, Publications Office of the EU,
  doi:10.2873/769526; background: Blengini G.A. et al. (2017), *Assessment of the
  Methodology for Establishing the EU List of Critical Raw Materials — Background
  report*, JRC, EUR 28654 EN, doi:10.2760/73303.
* Hirschman A.O. (1964), "The paternity of an index", *American Economic Review* 54(5);
  US DoJ/FTC (2023) *Merger Guidelines* §2.1 (HHI on the 0–10,000 scale).
"""

from __future__ import annotations

import numpy as np

#: governance scores (WGI-style) are means on −2.5 … +2.5
WGI_MIN, WGI_MAX = -2.5, 2.5


def scaled_governance(wgi: np.ndarray) -> np.ndarray:
    """WGI (−2.5 best-to-worst +2.5 reversed) -> 0–10 risk scale, 10 = worst governance.

    ``scaled = (2.5 − wgi) / 5 × 10`` (linear; EC 2017 rescales the WGI to 0–10 with
    higher values meaning poorer governance). NaN stays NaN (unknown governance).
    """
    w = np.asarray(wgi, dtype=float)
    return np.clip((WGI_MAX - w) / (WGI_MAX - WGI_MIN) * 10.0, 0.0, 10.0)


def import_reliance(imports: np.ndarray, production: np.ndarray, exports: np.ndarray) -> np.ndarray:
    """IR = (M − X) / (P + M − X), clipped to [0, 1] (EC 2017, "import reliance").

    ``P + M − X`` is apparent consumption. A net exporter (M ≤ X) has IR = 0; when
    apparent consumption is not positive the good is entirely covered at home, IR = 0.
    NaN in any input gives NaN (not computed from partial data).
    """
    m = np.asarray(imports, dtype=float)
    p = np.asarray(production, dtype=float)
    x = np.asarray(exports, dtype=float)
    c = p + m - x
    with np.errstate(divide="ignore", invalid="ignore"):
        ir = np.where(c > 0, (m - x) / c, 0.0)
    ir = np.clip(ir, 0.0, 1.0)
    return np.where(np.isnan(c), np.nan, ir)


def concentration(
    values: np.ndarray,
    concern: np.ndarray | None,
    ally: np.ndarray | None,
    risk: np.ndarray | None,
) -> dict[str, np.ndarray]:
    """Partner-concentration indicators of an import array ``values[..., partner]``.

    With ``s_i = v_i / Σ v`` (partner shares):

    * ``hhi = Σ s_i²`` on 0–1 (×10,000 for the antitrust "points" scale); 1/n for n
      equal suppliers, 1 for a single supplier (Hirschman 1964).
    * ``top1_share = max s_i``; ``top3_share`` = sum of the three largest shares.
    * ``concern_share = Σ_{i∈concern} s_i``; ``ally_share = Σ_{i∈ally} s_i``.
    * ``hhi_wgi = Σ s_i² × g_i`` with ``g_i`` the 0–10 governance risk
      (EC 2017 "HHI_WGI", trade factor t = 1); NaN if a partner with a positive
      share has unknown governance.
    * ``n_partners`` = number of partners with a positive value.

    Cells whose total is 0 get NaN shares (there is no import mix to describe).
    ``concern``, ``ally``, ``risk`` are per-partner vectors (0/1, 0/1, 0–10) or None
    (unknown -> NaN output).
    """
    v = np.asarray(values, dtype=float)
    tot = v.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = np.where(tot > 0, 1.0 / tot, np.nan)
    s = v * inv[..., None]
    s2 = s * s
    npart = v.shape[-1]
    out: dict[str, np.ndarray] = {
        "imports": tot,
        "n_partners": (v > 0).sum(axis=-1).astype(float),
        "hhi": s2.sum(axis=-1),
        "top1_share": s.max(axis=-1) if npart else np.full(tot.shape, np.nan),
        "top1_index": np.argmax(np.nan_to_num(s, nan=-1.0), axis=-1) if npart else np.zeros(tot.shape, int),
    }
    if npart > 3:
        out["top3_share"] = np.partition(s, npart - 3, axis=-1)[..., npart - 3 :].sum(axis=-1)
    else:
        out["top3_share"] = s.sum(axis=-1)
    nan = np.full(tot.shape, np.nan)
    out["concern_share"] = s @ np.asarray(concern, dtype=float) if concern is not None else nan
    out["ally_share"] = s @ np.asarray(ally, dtype=float) if ally is not None else nan
    if risk is not None:
        r = np.asarray(risk, dtype=float)
        unknown = np.isnan(r)
        hw = s2 @ np.nan_to_num(r)
        if unknown.any():
            hw = np.where((v > 0) @ unknown.astype(float) > 0, np.nan, hw)
        out["hhi_wgi"] = hw
    else:
        out["hhi_wgi"] = nan
    return out


def sourcing_hhi_wgi(
    hhi_wgi_imports: np.ndarray, imports: np.ndarray, production: np.ndarray, home_risk: float
) -> np.ndarray:
    """HHI_WGI of the actual sourcing mix: domestic production plus imports by partner.

    EC 2017 computes the "EU sourcing" concentration on domestic production and
    imports together. With ``M`` imports, ``P`` production and ``g_h`` the home
    country's 0–10 governance risk::

        HHI_WGI,src = (HHI_WGI,imports × M² + g_h × P²) / (P + M)²

    (expanding ``Σ s_i² g_i`` over the shares of ``P + M``). NaN if ``P`` is unknown.
    """
    m = np.asarray(imports, dtype=float)
    p = np.asarray(production, dtype=float)
    den = (p + m) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, (np.asarray(hhi_wgi_imports) * m * m + home_risk * p * p) / den, np.nan)


def supply_risk(
    hhi_wgi_global: np.ndarray,
    hhi_wgi_sourcing: np.ndarray,
    ir: np.ndarray,
    eol_rir: np.ndarray,
    substitution_index: np.ndarray,
) -> np.ndarray:
    """EC 2017 supply risk::

        SR = [HHI_WGI,GS × IR/2 + HHI_WGI,sourcing × (1 − IR/2)] × (1 − EoL_RIR) × SI

    Where the global-supply term is unknown (NaN) it is taken equal to the sourcing
    term, so the bracket reduces to ``HHI_WGI,sourcing`` (and IR is not needed);
    where EoL_RIR or SI is unknown that factor is 1. The caller records which case
    applied (``supply_risk_basis``).
    """
    gs = np.asarray(hhi_wgi_global, dtype=float)
    src = np.asarray(hhi_wgi_sourcing, dtype=float)
    w = np.asarray(ir, dtype=float) / 2.0
    core = np.where(np.isnan(gs), src, gs * w + src * (1.0 - w))
    eol = np.nan_to_num(np.asarray(eol_rir, dtype=float), nan=0.0)
    si = np.nan_to_num(np.asarray(substitution_index, dtype=float), nan=1.0)
    return core * (1.0 - eol) * si


def foreign_dependence(ir: np.ndarray, concern_share: np.ndarray, hhi: np.ndarray) -> np.ndarray:
    """Foreign dependence (対外依存度) = IR × (c + (1 − c) × HHI), on 0–1.

    ``c`` is the concern-country share of imports. Imports from countries of concern
    count in full; the remaining imports count by how concentrated the import mix is
    (a single non-concern supplier still gives full dependence, ten equal ones 0.1).
    This is the issue's definition "import reliance weighted by concentration on
    countries of concern"; it is bounded by IR.
    """
    c = np.asarray(concern_share, dtype=float)
    return np.asarray(ir, dtype=float) * (c + (1.0 - c) * np.asarray(hhi, dtype=float))
