"""Drawing blocks of the staff-attraction and context page (pages/context/attraction.py).

Each function draws one section exactly as the page did, so the page script stays a short
list of sections; the statistics and tables come from league_atlas.analysis and .views.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from league_atlas.analysis import adjustment, disparities
from league_atlas.context import proxies
from league_atlas.errors import LeagueAtlasError
from league_atlas.views import context_tables, explorer, exports, narrative
from league_atlas.views import presentation as ui
from league_atlas_ui import charts, shared


def proxy_correlations(joined: pd.DataFrame, label_of: dict[str, str]) -> None:
    """Each proxy against the average score: the correlation table, for analysts."""
    st.header("Each proxy against the average score")
    corr_keys = [k for k in proxies.PROXIES if k in joined.columns] + [proxies.INDEX_COLUMN]
    ct = disparities.correlation_table(joined, corr_keys, {**label_of})
    corr_box = st.expander("Correlations of each proxy with the score (for analysts)")
    corr_box.dataframe(
        context_tables.correlation_display(ct),
        hide_index=True,
        width="stretch",
        column_config={
            col: st.column_config.NumberColumn(format="%.2f")
            for col in (
                "Pearson r",
                "r 95% CI low",
                "r 95% CI high",
                "Spearman rho",
                "rho 95% CI low",
                "rho 95% CI high",
            )
        }
        | {"rho p-value": st.column_config.NumberColumn(format="%.4f")},
        height=38 + 35 * (len(ct) + 1),
    )
    corr_box.caption(
        f"Positive = higher proxy values go with worse (higher) scores. {disparities.Correlation.METHOD}. "
        "Each row uses the trusts that have that proxy."
    )


def _model_statistics(model_box, adj) -> None:
    """Fit metrics and the coefficient table, in the analysts' expander."""
    f = adj.fit
    a1, a2, a3, a4 = model_box.columns(4)
    a1.metric("Trusts in the model (n)", f"{f.n}", help=f"of {adj.n_total}")
    a2.metric("R²", f"{f.r2:.3f}", help="Share of score variance the proxies account for")
    a3.metric("Adjusted R²", f"{f.adj_r2:.3f}", help="R² penalised for the number of proxies")
    a4.metric("Left out (missing a proxy)", f"{len(adj.excluded)}")
    coef = adj.coefficient_table()
    model_box.dataframe(
        coef.drop(columns=["term"]).rename(
            columns={
                "label": "Term",
                "per": "Scale",
                "estimate": "Coefficient (score points per SD)",
                "ci_low": "95% CI low",
                "ci_high": "95% CI high",
                "se": "SE",
                "t": "t",
                "p": "p-value",
            }
        ),
        hide_index=True,
        width="stretch",
        column_config={
            col: st.column_config.NumberColumn(format="%.3f")
            for col in (
                "Coefficient (score points per SD)",
                "95% CI low",
                "95% CI high",
                "SE",
                "t",
            )
        }
        | {"p-value": st.column_config.NumberColumn(format="%.4f")},
    )


def _expected_against_actual(t: pd.DataFrame) -> None:
    """Actual against expected score per trust; the dashed diagonal is 'as expected'."""
    ev = (
        alt.Chart(t)
        .mark_point(filled=True, opacity=0.8)
        .encode(
            x=alt.X(
                "expected_score:Q",
                title="Expected score given context",
                scale=alt.Scale(zero=False),
            ),
            y=alt.Y(
                "average_score:Q",
                title="Actual average score (1 best - 4 worst)",
                scale=alt.Scale(zero=False),
            ),
            color=alt.condition(
                "datum.in_focus", alt.value(ui.NHS_DARK_PINK), alt.value(ui.NHS_BLUE)
            ),
            tooltip=[
                alt.Tooltip("trust_name:N", title="Trust"),
                alt.Tooltip("expected_score:Q", title="Expected", format=".2f"),
                alt.Tooltip("average_score:Q", title="Actual", format=".2f"),
                alt.Tooltip("context_rank:Q", title="Rank given context"),
                alt.Tooltip("official_rank:Q", title="Official rank"),
            ],
        )
    )
    lo = float(min(t["expected_score"].min(), t["average_score"].min()))
    hi = float(max(t["expected_score"].max(), t["average_score"].max()))
    diag = (
        alt.Chart(pd.DataFrame({"x": [lo, hi], "y": [lo, hi]}))
        .mark_line(strokeDash=[4, 4], color=ui.NHS_TEXT)
        .encode(x="x:Q", y="y:Q")
    )
    st.altair_chart((diag + ev).properties(height=340), width="stretch")


def context_adjusted_league(c, store, prep, joined: pd.DataFrame, type_label: str) -> None:
    """The context-adjusted league beside the official one: model, chart, tables, download."""
    # ------------------------------------------------------------------ context-adjusted league
    st.header("Context-adjusted league (beside the official one)")
    available = [k for k in proxies.PROXIES if k in joined.columns and joined[k].notna().any()]
    x_keys = shared.controls_area(c).multiselect(
        "Context proxies in the model",
        available,
        default=[k for k in adjustment.DEFAULT_PROXIES if k in available],
        format_func=lambda k: proxies.PROXIES[k].label,
        key="adjx",
        bind="query-params",
    )
    model_box = st.expander("Model and statistics (for analysts)")
    model_box.markdown(f"**Method.** {adjustment.METHOD}")
    st.warning(
        "**What adjustment can hide as well as reveal.**\n\n"
        + "\n".join(f"- {line}" for line in adjustment.CAVEATS),
        icon=":material/warning:",
    )
    try:
        adj = adjustment.adjusted_league(joined, x_keys)
    except LeagueAtlasError as exc:
        st.info(f"No model for these proxies: {exc}.")
    else:
        _model_statistics(model_box, adj)
        t = adj.table.merge(joined[["trust_code", "in_focus"]], on="trust_code", how="left")
        _expected_against_actual(t)
        st.caption(
            "Below the dashed line = better (lower) score than expected given context. Table below."
        )
        rename = {
            "trust_name": "Trust",
            "trust_code": "ODS code",
            "official_rank": "Official rank",
            "rank": "Rank (current weights)",
            "rank_modelled": "Rank by score among modelled",
            "context_rank": "Rank given context",
            "context_move": "Move given context (places, + = up)",
            "average_score": "Actual score",
            "expected_score": "Expected score given context",
            "residual": "Residual (actual - expected; < 0 = better)",
        }
        cols = list(rename)
        st.markdown("**Trusts that move most once context is allowed for**")
        st.dataframe(
            adjustment.moved_most(adj, 10)[cols].rename(columns=rename),
            hide_index=True,
            width="stretch",
            column_config={
                rename[k]: st.column_config.NumberColumn(format="%.3f")
                for k in ("expected_score", "residual")
            },
        )
        with st.expander("Every modelled trust", expanded=False):
            full = t[cols + ["in_focus"]].rename(columns={**rename, "in_focus": "In focus area"})
            st.dataframe(full, hide_index=True, width="stretch")
            stamp = exports.stamp_lines(
                release=f"NHS Oversight Framework {c.quarter}, {type_label}; store built {store.manifest['built_at']}",
                weights_note=shared.view_status(prep, c).text,
                attribution=ui.ATTRIBUTION,
                extra=[
                    adj.describe(),
                    adjustment.METHOD,
                    "Not an official ranking: context-adjusted illustration.",
                ],
            )
            if not c.present:
                st.download_button(
                    "Download the context-adjusted table (CSV)",
                    exports.to_csv_bytes(full.drop(columns=["In focus area"]), stamp),
                    file_name=f"league-atlas-context-adjusted-{c.trust_type}-{c.quarter.replace(' ', '-').replace('/', '-')}.csv",
                    mime="text/csv",
                    key="adjusted_download",
                )
        if len(adj.excluded):
            n_out = len(adj.excluded)
            with st.expander(
                f"{n_out} {'trust' if n_out == 1 else 'trusts'} left out for a missing proxy"
            ):
                st.dataframe(
                    adj.excluded.rename(
                        columns={
                            "trust_name": "Trust",
                            "trust_code": "ODS code",
                            "missing": "Missing",
                        }
                    ),
                    hide_index=True,
                    width="stretch",
                )


def about_the_proxies(context: pd.DataFrame, view: pd.DataFrame, type_label: str, c) -> None:
    """Where each proxy comes from, its period, coverage and how it reaches a trust."""
    periods = context.attrs.get("periods", {})
    # ------------------------------------------------------------------ metadata
    st.header("About the proxies")
    cov = proxies.coverage(context, view["trust_code"])
    meta = proxies.proxy_table(periods, context.attrs.get("join") or "catchment", cov)
    st.dataframe(
        meta[
            [
                "label",
                "direction",
                "unit",
                "coverage",
                "period",
                "geography",
                "source",
                "join_method",
                "description",
            ]
        ].rename(
            columns={
                "label": "Proxy",
                "source": "Source",
                "period": "Period",
                "geography": "Geography",
                "direction": "Direction",
                "unit": "Unit",
                "coverage": f"Coverage ({type_label.lower()})",
                "join_method": "How it reaches a trust",
                "description": "Description",
            }
        ),
        hide_index=True,
        width="stretch",
        height=38 + 35 * (len(meta) + 1),
    )
    st.caption(
        f"Data: NHS Oversight Framework {c.quarter} and the sources listed. {ui.ATTRIBUTION}"
    )


def london_gap(c, view: pd.DataFrame, d) -> None:
    """London and South East against the rest: metrics, the strip of trusts, the CI of the gap."""
    m1, m2, m3 = st.columns(3)
    m1.metric(f"{d.in_label}: mean score", f"{d.mean_in:.2f}", help=f"{d.n_in} trusts")
    m2.metric(f"{d.out_label}: mean score", f"{d.mean_out:.2f}", help=f"{d.n_out} trusts")
    m3.metric(
        "Gap (score points; lower scores are better)",
        f"{abs(d.difference):.2f} {'better' if d.difference < 0 else 'worse'}",
        help=f"{d.in_label} against {d.out_label.lower()}",
    )
    analyst = st.expander("Method and statistics (for analysts)")
    analyst.write(
        f"{d.describe()}. The interval resamples trusts within each group with replacement "
        f"(scipy.stats.bootstrap, unpaired); "
        + (
            "it excludes 0, so the gap is unlikely to be chance variation between these trusts."
            if d.ci_low > 0 or d.ci_high < 0
            else "it includes 0, so these trusts do not show a clear gap."
        )
        + (
            f" {d.n_excluded} {'trust' if d.n_excluded == 1 else 'trusts'} with no region "
            f"{'is' if d.n_excluded == 1 else 'are'} in neither group."
            if d.n_excluded
            else ""
        )
    )
    in_codes = disparities.group_codes(view)
    groups = view.assign(
        group=view["region_code"].map(lambda r: d.in_label if r in in_codes else d.out_label),
        in_focus=view.index.isin(explorer.in_focus(view, c.focus).index) if c.focus.code else False,
    )
    groups = groups[view["region_code"].notna()]
    strip = (
        alt.Chart(groups)
        .mark_tick(thickness=2, size=28)
        .encode(
            x=alt.X(
                "average_score:Q",
                title="Average score (1 best - 4 worst)",
                scale=alt.Scale(zero=False),
            ),
            y=alt.Y("group:N", title=None, axis=alt.Axis(labelLimit=260)),
            color=alt.condition(
                "datum.in_focus", alt.value(ui.NHS_DARK_PINK), alt.value(ui.NHS_BLUE)
            ),
            tooltip=[
                alt.Tooltip("trust_name:N", title="Trust"),
                alt.Tooltip("region_name:N", title="NHS region"),
                alt.Tooltip("average_score:Q", title="Average score", format=".2f"),
            ],
        )
    )
    means = pd.DataFrame({"group": [d.in_label, d.out_label], "mean": [d.mean_in, d.mean_out]})
    mean_marks = (
        alt.Chart(means)
        .mark_point(
            shape="diamond", size=260, filled=True, color=ui.NHS_WARM_YELLOW, stroke=ui.NHS_TEXT
        )
        .encode(
            x="mean:Q",
            y="group:N",
            tooltip=[alt.Tooltip("mean:Q", title="Mean score", format=".3f")],
        )
    )
    st.altair_chart((strip + mean_marks).properties(height=170), width="stretch")
    diff_df = pd.DataFrame(
        {
            "label": [f"{d.in_label} minus rest"],
            "difference": [d.difference],
            "low": [d.ci_low],
            "high": [d.ci_high],
        }
    )
    diff_chart = (
        alt.Chart(diff_df)
        .mark_rule(strokeWidth=3, color=ui.NHS_DARK_GREY)
        .encode(
            x=alt.X(
                "low:Q",
                title=f"Difference in mean score with {d.confidence:.0%} CI (score points; < 0 = London and South East better)",
                scale=alt.Scale(
                    domain=[min(d.ci_low, 0.0) - 0.05, max(d.ci_high, 0.0) + 0.05], nice=False
                ),
            ),
            x2="high:Q",
            y=alt.Y("label:N", title=None, axis=alt.Axis(labelLimit=260)),
        )
        + alt.Chart(diff_df)
        .mark_point(filled=True, size=120, color=ui.NHS_BLUE)
        .encode(x="difference:Q", y="label:N")
        + alt.Chart(pd.DataFrame({"zero": [0.0]}))
        .mark_rule(strokeDash=[4, 4], color=ui.NHS_TEXT)
        .encode(x="zero:Q")
    )
    analyst.altair_chart(diff_chart.properties(height=110), width="stretch")
    st.caption(
        "Ticks: one per trust (pink = in the sidebar focus area); diamonds: group means. "
        "Table alternative: the metrics above and the region table below."
    )


def score_against_distance(c, version: str, view: pd.DataFrame, rep) -> None:
    """Score against distance from central London: the scatter, its finding and its table."""
    st.header("Score against distance from central London")
    dist = rep.distance
    if dist is None:
        ctx_missing = shared.context_table(version) is None
        if ctx_missing:
            st.info(
                "No context proxies in this store, so distance to London is not available. "
                "Put the context sources in the data mirror and run `python -m league_atlas build` "
                "to add them.",
                icon=":material/info:",
            )
        else:
            st.info(" ".join(n for n in rep.notes if "distance" in n))
    else:
        line = rep.distance_line
        joined = disparities.with_context(
            view, shared.context_table(version)[["trust_code", disparities.DISTANCE_PROXY]]
        ).dropna(subset=[disparities.DISTANCE_PROXY, "average_score"])
        joined["in_focus"] = (
            joined["trust_code"].isin(explorer.in_focus(view, c.focus)["trust_code"])
            if c.focus.code
            else False
        )
        x_title = "Distance to central London (km)"
        chart = charts.score_scatter_with_fit(
            joined,
            line,
            x=disparities.DISTANCE_PROXY,
            x_title=x_title,
            tooltips=[
                alt.Tooltip("trust_name:N", title="Trust"),
                alt.Tooltip("region_name:N", title="NHS region"),
                alt.Tooltip(
                    f"{disparities.DISTANCE_PROXY}:Q", title="km to central London", format=".0f"
                ),
                alt.Tooltip("average_score:Q", title="Average score", format=".2f"),
            ],
            height=380,
        )
        st.altair_chart(chart, width="stretch")
        st.markdown(
            narrative.distance_finding(
                line.slope, line.slope_low, line.slope_high, line.n, line.confidence
            )
            + "."
        )
        st.expander("Method and statistics (for analysts)").write(
            f"{dist.describe()}. Line: least squares, {100 * line.slope:+.3f} score points per 100 km "
            f"({line.confidence:.0%} CI {100 * line.slope_low:+.3f} to {100 * line.slope_high:+.3f}), "
            f"R² {line.r2:.3f}; shaded: {line.confidence:.0%} confidence band for the fitted mean. "
            f"Method: {disparities.Correlation.METHOD}. A positive slope means trusts further from "
            "London score worse on average; it says nothing about why."
        )
        with st.expander("Distance and score as a table"):
            st.dataframe(
                joined[
                    [
                        "trust_name",
                        "trust_code",
                        "region_name",
                        disparities.DISTANCE_PROXY,
                        "average_score",
                    ]
                ]
                .sort_values(disparities.DISTANCE_PROXY)
                .rename(columns={**ui.COLUMN_LABELS, disparities.DISTANCE_PROXY: x_title}),
                hide_index=True,
                width="stretch",
            )
