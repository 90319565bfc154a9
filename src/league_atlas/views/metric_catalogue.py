"""The metric dictionary and the individual-metric ranking (IMR), read from the release itself.

Nothing here is a hand-kept list of metrics: descriptions, units, periods, direction and the way a
metric is scored are all derived from the rows NHS England publishes, so a release that adds,
renames or drops metrics is described correctly without a code change (nof-method.md §2, §5).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

RAW_PREFIX = "OF0"
SCORE_PREFIX = "OF1"


def _rows(metrics: pd.DataFrame, trust_type: str, quarter: str) -> pd.DataFrame:
    return metrics[(metrics["trust_type"] == trust_type) & (metrics["quarter"] == quarter)]


def direction(values: pd.Series, ranks: pd.Series) -> str:
    """'lower is better' when the published rank (1 = best) rises with the value, else 'higher is
    better'; 'not ranked' when the release gives no usable ranks."""
    ok = values.notna() & ranks.notna()
    if ok.sum() < 3 or values[ok].nunique() < 2:
        return "not ranked"
    rho = spearmanr(values[ok], ranks[ok]).statistic
    if not np.isfinite(rho) or abs(rho) < 0.5:
        return "not ranked"
    return "lower is better" if rho > 0 else "higher is better"


def scoring_pattern(scores: pd.Series) -> str:
    """How the 1-4 score was made, recognised from the published scores (nof-method.md §2 step 1)."""
    s = scores.dropna().round(2)
    if s.empty:
        return "no scores"
    if set(s.unique()) <= {1.0, 2.0, 3.0, 4.0}:
        return "discrete 1, 2, 3 or 4"
    at_one = (s == 1.0).sum()
    rest = s[s > 1.0]
    if at_one > 1 and len(rest) and rest.min() >= 2.0:
        return "1 when the standard is met; the rest spread 2-4 by rank"
    return "1-4 spread by rank within the trust type"


def dictionary(metrics: pd.DataFrame, trust_type: str, quarter: str) -> pd.DataFrame:
    """One row per scored metric of a trust type and quarter: what it is and how it is scored.

    Columns: metric_id (raw OF0xxx id where the release has one, else the score id), score_id,
    description, domain, subdomain, units, period, direction, scoring, n_trusts, median,
    lower_quartile, upper_quartile.
    """
    rows = _rows(metrics, trust_type, quarter)
    scores = rows[rows["metric_id"].str.startswith(SCORE_PREFIX)]
    out = []
    for sid, g in scores.groupby("metric_id", sort=True):
        rid = RAW_PREFIX + sid[3:]
        raw = rows[rows["metric_id"] == rid]
        src = raw if len(raw) else g
        first = src.iloc[0]
        out.append(
            {
                "metric_id": rid if len(raw) else sid,
                "score_id": sid,
                "description": first["description"],
                "domain": first["domain"],
                "subdomain": first["subdomain"],
                "units": first["units"] if len(raw) else "score (1 best - 4 worst)",
                "period": ", ".join(sorted(set(src["reporting_date"].dropna()) - {""}))
                or "not stated",
                "direction": direction(raw["value"], raw["rank"])
                if len(raw)
                else "lower score is better",
                "scoring": scoring_pattern(g["value"]),
                "n_trusts": int(g["trust_code"].nunique()),
                "median": float(raw["median"].dropna().iloc[0])
                if len(raw) and raw["median"].notna().any()
                else np.nan,
                "lower_quartile": float(raw["lower_quartile"].dropna().iloc[0])
                if len(raw) and raw["lower_quartile"].notna().any()
                else np.nan,
                "upper_quartile": float(raw["upper_quartile"].dropna().iloc[0])
                if len(raw) and raw["upper_quartile"].notna().any()
                else np.nan,
            }
        )
    return pd.DataFrame(out)


def metric_ranking(
    metrics: pd.DataFrame, trust_type: str, quarter: str, metric_id: str
) -> pd.DataFrame:
    """Every trust of the type on one metric: raw value, score and the published IMR rank.

    Columns: trust_code, trust_name, value, score, rank (1 = best, as published), sorted by rank
    then code. Trusts without the metric are absent (the release is sparse).
    """
    rows = _rows(metrics, trust_type, quarter)
    sid = SCORE_PREFIX + metric_id[3:]
    raw = rows[(rows["metric_id"] == metric_id) & metric_id.startswith(RAW_PREFIX)]
    raw = raw[["trust_code", "trust_name", "value", "rank"]]
    sc = rows[rows["metric_id"] == sid][["trust_code", "trust_name", "value"]].rename(
        columns={"value": "score"}
    )
    if raw.empty:
        out = sc.assign(value=sc["score"], rank=sc["score"].rank(method="min"))
    else:
        out = raw.merge(sc[["trust_code", "score"]], on="trust_code", how="left")
    return out.sort_values(["rank", "trust_code"], na_position="last").reset_index(drop=True)


def trust_metrics(
    metrics: pd.DataFrame,
    trust_type: str,
    quarter: str,
    trust_code: str,
    peers: list[str] | None = None,
) -> pd.DataFrame:
    """One trust's metrics against the trust type (published median and quartiles) and its peers.

    Columns: metric_id, description, units, direction, value, score, rank, n_ranked, median,
    lower_quartile, upper_quartile, peer_median, peer_n, and for a spine chart the positions
    pos_value, pos_lower_quartile, pos_median, pos_upper_quartile, pos_peer_median on a 0-1 scale
    across the trust type's range, oriented so that 1 (right) is always the better end.
    """
    dic = dictionary(metrics, trust_type, quarter)
    out = []
    for rec in dic.itertuples(index=False):
        ranking = metric_ranking(metrics, trust_type, quarter, rec.metric_id)
        mine = ranking[ranking["trust_code"] == trust_code]
        if mine.empty:
            continue
        vals = ranking["value"]
        peer_vals = ranking.loc[ranking["trust_code"].isin(peers or []), "value"]
        v = float(mine["value"].iloc[0])
        lo, hi = float(vals.min()), float(vals.max())
        flip = rec.direction in ("lower is better", "lower score is better")

        def pos(x: float, lo=lo, hi=hi, flip=flip) -> float:
            if x != x:
                return np.nan
            p = 0.5 if hi == lo else (x - lo) / (hi - lo)
            return 1.0 - p if flip else p

        med = rec.median if pd.notna(rec.median) else float(vals.median())
        lq = rec.lower_quartile if pd.notna(rec.lower_quartile) else float(vals.quantile(0.25))
        uq = rec.upper_quartile if pd.notna(rec.upper_quartile) else float(vals.quantile(0.75))
        peer_med = float(peer_vals.median()) if len(peer_vals) else np.nan
        out.append(
            {
                "metric_id": rec.metric_id,
                "description": rec.description,
                "units": rec.units,
                "direction": rec.direction,
                "value": v,
                "score": float(mine["score"].iloc[0])
                if pd.notna(mine["score"].iloc[0])
                else np.nan,
                "rank": mine["rank"].iloc[0],
                "n_ranked": int(ranking["rank"].notna().sum()),
                "median": med,
                "lower_quartile": lq,
                "upper_quartile": uq,
                "peer_median": peer_med,
                "peer_n": int(len(peer_vals)),
                "pos_value": pos(v),
                "pos_lower_quartile": pos(lq),
                "pos_median": pos(med),
                "pos_upper_quartile": pos(uq),
                "pos_peer_median": pos(peer_med),
            }
        )
    return pd.DataFrame(out)
