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
from league_atlas.views import context_tables, exports
from league_atlas.views import presentation as ui
from league_atlas_ui import shared


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
        t = adj.table.merge(joined[["trust_code", "in_focus"]], on="trust_code", how="left")
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
