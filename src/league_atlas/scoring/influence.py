"""Effective influence: a nominal weight is not the same as an item's influence on the composite.

Paruolo, Saisana & Saltelli (JRSS A 2013, "Ratings and rankings: voodoo or science?"; research.md
§2.5) measure each indicator's main effect on the composite y with Pearson's correlation ratio
eta^2_i = V(E[y | x_i]) / V(y). Items that vary more, or correlate with the others, weigh more
than their nominal weight says; discrete or rarely varying items weigh less. Used by the tests
and `make bench` as a check on the weights' meaning; the app does not show it yet.

E[y | x_i] is estimated by least-squares polynomial regression of y on x_i of degree up to 3
(a smooth main-effect curve, as in Paruolo et al.'s non-parametric fit); for an item with at
most 4 distinct scores (finance, CQC, SHMI) that is exactly the group means. The squared Pearson
correlation r^2 (the linear main effect, degree 1) is given too, so eta^2 >= r^2 always.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from league_atlas.scoring.engine import weight_vector, weighted_average
from league_atlas.scoring.preparation import Prepared
from league_atlas.scoring.weights import Weights

MAX_DEGREE = 3
MIN_TRUSTS = 3


def correlation_ratio(
    x: np.ndarray, y: np.ndarray, max_degree: int = MAX_DEGREE
) -> tuple[float, int]:
    """eta^2 = V(E[y|x]) / V(y) with E[y|x] a polynomial fit, and the degree used.

    NaN for fewer than 3 points or constant y; 0 for constant x.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.size < MIN_TRUSTS:
        return float("nan"), 0
    vy = np.var(y)
    if vy <= 0:
        return float("nan"), 0
    n_unique = np.unique(x).size
    degree = int(min(max_degree, n_unique - 1, x.size - 2))
    if degree < 1:
        return 0.0, 0
    z = (x - x.mean()) / x.std()
    design = np.vander(z, degree + 1)
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    fitted = design @ coef
    return float(min(1.0, np.var(fitted) / vy)), degree


def effective_influence(
    prepared: Prepared,
    weights: Weights | np.ndarray | None = None,
    *,
    max_degree: int = MAX_DEGREE,
) -> pd.DataFrame:
    """One row per item: nominal weight and share beside its effective influence on the composite.

    Columns: item, domain, label, n_trusts, weight (domain x item), nominal_share (the item's mean
    share of the weight among trusts that have it), corr (Pearson r of item score and composite),
    r2, eta2 (correlation ratio), degree (of the fit eta2 used), eta2_adjusted (corrected for
    the degree, like an adjusted R^2: small samples inflate raw eta2), and influence_share
    (eta2 / sum of eta2). The composite is the re-weighted (unanchored) average score.
    """
    w = weight_vector(prepared, weights)
    y_all = weighted_average(prepared, w)
    den = prepared.mask_f @ w
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(prepared.mask, w[None, :] / den[:, None], np.nan)
    rows = []
    for j, key in enumerate(prepared.item_keys):
        sel = prepared.mask[:, j] & ~np.isnan(y_all)
        x, y = prepared.scores[sel, j], y_all[sel]
        n = int(sel.sum())
        corr = r2 = eta2 = eta2_adj = float("nan")
        degree = 0
        if n >= MIN_TRUSTS and np.var(y) > 0:
            if np.var(x) > 0:
                corr = float(np.corrcoef(x, y)[0, 1])
                r2 = corr**2
                eta2, degree = correlation_ratio(x, y, max_degree)
                if n > degree + 1:
                    eta2_adj = float(max(0.0, 1 - (1 - eta2) * (n - 1) / (n - degree - 1)))
            else:
                eta2, eta2_adj, r2 = 0.0, 0.0, 0.0
        col = shares[:, j]
        rows.append(
            {
                "item": key,
                "domain": prepared.item_domains[j],
                "label": prepared.item_labels[j],
                "n_trusts": int(prepared.mask[:, j].sum()),
                "weight": float(w[j]),
                "nominal_share": float(np.nanmean(col)) if np.any(~np.isnan(col)) else float("nan"),
                "corr": corr,
                "r2": r2,
                "eta2": eta2,
                "degree": degree,
                "eta2_adjusted": eta2_adj,
            }
        )
    out = pd.DataFrame(rows)
    total = out["eta2"].sum(skipna=True)
    out["influence_share"] = out["eta2"] / total if total > 0 else np.nan
    return out
