"""Shared UI plumbing for the pages: cached data, the sidebar controls bound to the URL, banners.

Only widgets and layout live here; every number comes from `league_atlas`.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from league_atlas import config
from league_atlas.context.proxies import PROXIES
from league_atlas.errors import LeagueAtlasError
from league_atlas.render import live_payload
from league_atlas.schema import TRUST_TYPES
from league_atlas.scoring import engine, preparation
from league_atlas.scoring.weights import Weights
from league_atlas.store import overlay, reader
from league_atlas.views import explorer, status
from league_atlas.views import presentation as ui
from league_atlas_ui import search_box
from league_atlas_ui import session_areas as _own_areas

# ------------------------------------------------------------------ data, cached once per store version


def data_dir():
    return config.data_dir(os.environ.get(config.DATA_DIR_ENV))


def _shared_version() -> str | None:
    link = config.store_dir(data_dir())
    return link.resolve().name if (link / "manifest.json").is_file() else None


def store_version() -> str | None:
    """This session's store version: the shared store folder name (changes when a build or
    add-release publishes), or the visitor's private view, unique to their session."""
    store = current_store()
    if store is None:
        return None
    return getattr(store, "version", None) or store.path.name


@st.cache_resource(show_spinner=False, max_entries=2)
def _store(version: str, base: str) -> reader.Store:
    return reader.open_store(config.Path(base))


PRIVATE_VIEW = "_private_view"


_RUN_STORE = "_run_store"


def begin_run() -> reader.Store | None:
    """Resolve the store once, at the top of every run (app.py): every later call in the run gets
    this one, so a build published mid-run cannot mix two versions in one page or cache version
    N+1's data under key N."""
    store = _resolve_store()
    st.session_state[_RUN_STORE] = store
    return store


def current_store() -> reader.Store | None:
    """This run's store (see begin_run); resolved here only outside a run of app.py."""
    if _RUN_STORE in st.session_state:
        return st.session_state[_RUN_STORE]
    return _resolve_store()


def _resolve_store() -> reader.Store | None:
    """The store for this session: the visitor's private view (their checked upload over the
    shared store, held in their session only) when they have one, else the shared store."""
    version = _shared_version()
    shared = _store(version, str(data_dir())) if version else None
    private = st.session_state.get(PRIVATE_VIEW)
    if private is None or shared is None:
        return shared
    if private.base.path != shared.path:  # the operator published since: same file, new base
        private = overlay.rebase(private, shared, data_dir=data_dir())
        st.session_state[PRIVATE_VIEW] = private
    return private


def set_private_view(view: overlay.PrivateStore | None) -> None:
    """Start (or with None, end) this session's private view."""
    if view is None:
        st.session_state.pop(PRIVATE_VIEW, None)
    else:
        st.session_state[PRIVATE_VIEW] = view
    st.session_state[_RUN_STORE] = _resolve_store()  # the rest of this run sees the change


def private_view() -> overlay.PrivateStore | None:
    return st.session_state.get(PRIVATE_VIEW)


def deployment_limits() -> None:
    """Once per server: uploads are capped while they stream (Streamlit's server.maxUploadSize) at
    the configured file limit, and the tables' own "Download as CSV" is hidden, because it would
    bypass the formula neutraliser (every CSV the app offers goes through views.exports)."""
    from streamlit import config as st_config

    limit = config.settings().max_file_mb
    if st_config.get_option("server.maxUploadSize") != limit:
        st_config.set_option("server.maxUploadSize", limit)
    if not st_config.get_option("client.disableDataExport"):
        st.set_option("client.disableDataExport", True)


@st.cache_resource(show_spinner=False, max_entries=24)
def prepared(version: str, trust_type: str, quarter: str) -> preparation.Prepared:
    return preparation.prepare(current_store().metrics, trust_type, quarter)


@st.cache_resource(show_spinner=False, max_entries=8)
def boundary(version: str, layer: str):
    return current_store().boundary(layer)


@st.cache_data(show_spinner=False, max_entries=16)
def area_labels(version: str, layer: str) -> list[dict]:
    """The names drawn on the live map for a published layer: per store version and layer, not
    per rerun (finding a point inside each polygon and its area took ~15 ms a rerun)."""
    return live_payload.area_labels(boundary(version, layer))


def page_context() -> tuple[reader.Store, Controls]:
    """The store and the sidebar controls for a page script (app.py sets the controls first).

    Page scripts live in sub-folders of `pages/`, so Streamlit's v1 pages-directory mode finds no
    page of its own and every run goes through app.py's st.navigation.
    """
    return current_store(), st.session_state["controls"]


def current_view(c: Controls) -> tuple[str, preparation.Prepared, pd.DataFrame]:
    """(store version, prepared release, league view under the sidebar weights) for a page."""
    version = store_version()
    prep = prepared(version, c.trust_type, c.quarter)
    view = explorer.league_view(
        prep,
        _own_areas.trusts(current_store()),
        c.weights,
        financial_override=c.financial_override,
        segment_method=c.segment_method,
    )
    return version, prep, view


@st.cache_resource(show_spinner=False, max_entries=2)
def context_table(version: str) -> pd.DataFrame | None:
    """The stored context proxies (None when the context stage did not run)."""
    return current_store().context_table()


@st.cache_data(show_spinner="Running 1,000 Monte Carlo draws of the weights...", max_entries=64)
def intervals(
    version: str,
    trust_type: str,
    quarter: str,
    weights_json: str,
    override: bool,
    method: str,
    spread: float,
) -> pd.DataFrame:
    """Rank intervals and P(segment) under weight uncertainty, cached per view."""
    from league_atlas.scoring import uncertainty

    p = prepared(version, trust_type, quarter)
    return uncertainty.rank_intervals(
        p,
        Weights.loads(weights_json),
        ui.UNCERTAINTY_DRAWS,
        spread=spread,
        segment_method=method,
        financial_override=override,
        league_files=current_store().league_files,
    )


OFFICIAL_WEIGHTS_JSON = Weights().to_json()


@st.cache_data(
    show_spinner="Reproducing NHS England's likely ranges (bootstrap over each trust's scores)...",
    max_entries=64,
)
def likely_ranges(
    version: str, trust_type: str, quarter: str, weights_json: str, override: bool, method: str
) -> pd.DataFrame:
    """NHS England's likely ranges of score and rank, reproduced; cached per view (the official
    weights are one entry per trust type and quarter, so slider moves elsewhere never rerun it)."""
    from league_atlas.scoring import likely_range

    return likely_range.likely_ranges(
        prepared(version, trust_type, quarter),
        Weights.loads(weights_json),
        ui.LIKELY_RANGE_DRAWS,
        segment_method=method,
        financial_override=override,
        league_files=current_store().league_files,
    )


def likely_ranges_for_view(
    version: str, prep: preparation.Prepared, c: Controls, key: str
) -> tuple[pd.DataFrame, bool]:
    """(likely ranges, True when under the current weights). At official weights they are one
    cached run per quarter; under other weights only when the reader asks (a checkbox), so moving
    a weight slider never re-runs the bootstrap unasked."""
    follow = False
    if not c.weights.is_official_for(prep):
        follow = st.checkbox(
            "Recompute the likely ranges under the current weights",
            key=key,
            help="Each draw is then weighted by the current weights; every new weight setting "
            f"re-runs {ui.LIKELY_RANGE_DRAWS:,} bootstrap draws. Off: the ranges are those of the "
            "official weights.",
        )
    ranges = likely_ranges(
        version,
        c.trust_type,
        c.quarter,
        c.weights.to_json() if follow else OFFICIAL_WEIGHTS_JSON,
        c.financial_override,
        c.segment_method,
    )
    return ranges, follow or c.weights.is_official_for(prep)


@st.cache_data(show_spinner="Testing each change against the data's own noise...", max_entries=16)
def quarter_changes(version: str, trust_type: str, previous: str, quarter: str) -> pd.DataFrame:
    """Change since the previous quarter, each marked beyond or within noise (published tables)."""
    from league_atlas.analysis import change

    return change.quarter_changes(
        prepared(version, trust_type, previous),
        prepared(version, trust_type, quarter),
        ui.LIKELY_RANGE_DRAWS,
    )


@st.cache_data(show_spinner=False, max_entries=128)
def trust_metrics(
    version: str, trust_type: str, quarter: str, trust_code: str, peers: tuple[str, ...]
) -> pd.DataFrame:
    from league_atlas.views import metric_catalogue

    return metric_catalogue.trust_metrics(
        current_store().metrics, trust_type, quarter, trust_code, list(peers)
    )


@st.cache_data(show_spinner=False, max_entries=16)
def metric_dictionary(version: str, trust_type: str, quarter: str) -> pd.DataFrame:
    from league_atlas.views import metric_catalogue

    return metric_catalogue.dictionary(current_store().metrics, trust_type, quarter)


# ------------------------------------------------------------------ controls


def spec_slider(
    where,
    spec: ui.SliderSpec,
    label: str,
    key: str,
    *,
    default: float | None = None,
    help: str | None = None,  # noqa: A002 (Streamlit's name)
) -> float:
    """A slider drawn from its spec (range, step, default, help) and bound to the URL: every
    weight and spread slider is built here, so the spec in views.presentation is the one home."""
    return where.slider(
        label,
        spec.min_value,
        spec.max_value,
        spec.default if default is None else default,
        spec.step,
        key=key,
        bind="query-params",
        help=spec.help if help is None else help,
    )


@dataclass(frozen=True)
class Controls:
    trust_type: str
    quarter: str
    focus: explorer.Focus
    weights: Weights
    financial_override: bool
    segment_method: str
    trust: str | None
    present: bool

    @property
    def view_key(self) -> tuple[str, str, str, bool, str]:
        """What decides a league view, as plain values for cache keys (one home for the key):
        trust type, quarter, weights as JSON, financial override, segment method."""
        return (
            self.trust_type,
            self.quarter,
            self.weights.to_json(),
            self.financial_override,
            self.segment_method,
        )


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def domain_key(domain: str) -> str:
    return f"{ui.DOMAIN_WEIGHT.key}_{slug(domain)}"


def item_key(item: str) -> str:
    return f"{ui.ITEM_WEIGHT.key}_{item}"


BOUND_PREFIXES = (ui.DOMAIN_WEIGHT.key + "_", ui.ITEM_WEIGHT.key + "_", ui.INDEX_WEIGHT.key + "_")
PAGE_PARAMS = {
    *("layer", "choro", "labels", "search", "seg", "changed", ui.UNCERTAINTY_SPREAD.key),
    *("metric", "compare", "rgeo", "rmeasure", "amap", "adjx", "peers"),
    *(f"{ui.INDEX_WEIGHT.key}_{k}" for k in PROXIES),
}


def _note_bad_params(incoming: dict[str, str], valid: dict[str, object]) -> None:
    """Bound widgets silently drop invalid URL values; say which were ignored, never raise.

    `incoming` is the URL as it arrived (snapshot before any widget ran); `valid` maps each
    sidebar parameter to its allowed (formatted) values or a predicate.
    """
    notes = []
    for key, val in incoming.items():
        if key in ("embed", "embed_options") or key in PAGE_PARAMS:
            continue
        check = valid.get(key)
        if check is None:
            if not key.startswith(BOUND_PREFIXES):
                notes.append(f"`{key}` (not a setting of this app)")
            else:
                notes.append(f"`{key}={val}` (no such weight in this release)")
            continue
        ok = check(val) if callable(check) else val in check
        if not ok:
            notes.append(f"`{key}={val}` (not available here)")
    if notes:
        st.session_state["_param_notes"] = notes


def _float_ok(spec: ui.SliderSpec):
    def ok(v: str) -> bool:
        try:
            f = float(v)
        except (TypeError, ValueError):
            return False
        return spec.min_value <= f <= spec.max_value

    return ok


def reset_weights(keys: list[str]) -> None:
    for k in keys:
        st.session_state[k] = (
            ui.DOMAIN_WEIGHT.default
            if k.startswith(ui.DOMAIN_WEIGHT.key + "_")
            else ui.ITEM_WEIGHT.default
        )


def _load_scenario(keys_by_name: dict[str, str]) -> None:
    up = st.session_state.get("scenario_upload")
    if up is None:
        return
    try:
        w = Weights.loads(up.getvalue().decode("utf-8"), source=up.name)
    except (LeagueAtlasError, UnicodeDecodeError, ValueError) as exc:
        st.session_state["_scenario_error"] = str(exc)
        return
    reset_weights(list(keys_by_name.values()))
    unknown = []
    for name, v in {**w.domains, **w.metrics}.items():
        key = keys_by_name.get(name)
        if key is None:
            unknown.append(name)
        else:
            st.session_state[key] = min(max(float(v), 0.0), ui.DOMAIN_WEIGHT.max_value)
            if key.startswith(ui.ITEM_WEIGHT.key + "_") and float(v) != ui.ITEM_WEIGHT.default:
                st.session_state["items"] = True
    if unknown:
        st.session_state["_scenario_error"] = (
            f"{up.name}: ignored names not in this release: {', '.join(unknown)}"
        )


def _focus_control(sb, st_: reader.Store, trust_type: str, valid: dict) -> explorer.Focus:
    """The focus picker (level, then area), from the geography registry's layers and this
    session's own, so a new layer needs no change here."""
    layers = _own_areas.all_layers(st_)
    focus_levels = explorer.focus_levels(layers)
    levels = list(focus_levels)
    valid["level"] = set(focus_levels.values())
    level = sb.selectbox(
        "Focus", levels, key="level", bind="query-params", format_func=focus_levels.get
    )
    code = ""
    if level != explorer.ENGLAND:
        all_trusts = _own_areas.trusts(st_)
        opts = explorer.focus_options(all_trusts[all_trusts["trust_type"] == trust_type], level)
        valid["area"] = set(opts.values())
        if opts:
            code = sb.selectbox(
                focus_levels[level],
                list(opts),
                key="area",
                bind="query-params",
                format_func=opts.get,
            )
    layer_of = {s.trust_field: s.id for s in layers.values()}
    focus = explorer.Focus(level, code or "", layer_of.get(level, ""))
    return focus


def _weight_sliders(
    sb, prep, incoming: dict, valid: dict, dom_keys: dict, item_keys: dict
) -> tuple[dict, dict]:
    """The reset button, domain sliders and (on request) metric sliders, each bound to the URL;
    returns the domain and metric weights as set."""
    all_keys = list(dom_keys.values()) + list(item_keys.values())
    sb.button(
        "Reset to official weights", on_click=reset_weights, args=(all_keys,), width="stretch"
    )
    domains = {}
    for d, key in dom_keys.items():
        valid[key] = _float_ok(ui.DOMAIN_WEIGHT)
        domains[d] = spec_slider(sb, ui.DOMAIN_WEIGHT, ui.DOMAIN_WEIGHT.label.format(domain=d), key)
    metrics = {}
    # The 25-odd metric sliders are drawn only on request: every widget costs time on every rerun.
    # A link that carries metric weights (m_...) opens them, so the weights still apply.
    first_run = not st.session_state.get("_items_seen")
    st.session_state["_items_seen"] = True
    if first_run and any(k in incoming for k in item_keys.values()):
        st.session_state["items"] = True
    show_items = sb.toggle(
        "Per-metric weights",
        key="items",
        bind="query-params",
        help="Off: every metric weighs 1 within its domain. On: a slider for each metric.",
    )
    valid["items"] = {"true", "false"}
    if show_items:
        with sb.container(border=True):
            for k, label, dom in zip(
                prep.item_keys, prep.item_labels, prep.item_domains, strict=True
            ):
                key = item_keys[k]
                valid[key] = _float_ok(ui.ITEM_WEIGHT)
                metrics[k] = spec_slider(
                    st, ui.ITEM_WEIGHT, f"{k}: {label}", key, help=f"{dom}. {ui.ITEM_WEIGHT.help}"
                )
    else:
        for key in item_keys.values():
            valid[key] = _float_ok(ui.ITEM_WEIGHT)
    return domains, metrics


def _method_options(sb, valid: dict) -> tuple[bool, str]:
    """The method options (financial override, segment cut-points), tucked in an expander
    because most visitors keep the official method."""
    with sb.expander("Method options"):
        override = st.checkbox(
            "Financial override (deficit caps at segment 3)",
            value=True,
            key="override",
            bind="query-params",
        )
        valid["override"] = {"true", "false"}
        methods = {
            "release": "From the release (official)",
            "quartiles": "Quartiles within the trust type",
        }
        seg_method = st.radio(
            "Segment cut-points",
            list(methods),
            key="segments",
            bind="query-params",
            format_func=methods.get,
        )
        valid["segments"] = set(methods.values())
    return override, seg_method


def _usable_weights(sb, prep, domains: dict, metrics: dict) -> Weights:
    """The chosen weights, or the official ones with a stated reason when they cannot score
    the trusts (so a bad link never breaks the page)."""
    weights = Weights(
        domains={d: v for d, v in domains.items() if v != 1.0},
        metrics={k: v for k, v in metrics.items() if v != 1.0},
    )
    try:
        weights.validate(prep)
        if not (engine.weight_vector(prep, weights) > 0).any():
            raise LeagueAtlasError("every weight is 0")
    except LeagueAtlasError as exc:
        sb.error(f"These weights cannot score the trusts ({exc}); using the official weights.")
        weights = Weights()
    return weights


def _scenario_box(sb, weights: Weights, names_to_keys: dict) -> None:
    """Save the weights as JSON or load a saved scenario, so a weighting can be shared as a file."""
    with sb.expander("Save or load a weight scenario"):
        st.download_button(
            "Download weights (JSON)",
            json.dumps(weights.to_dict(), indent=2),
            file_name="league-atlas-weights.json",
            mime="application/json",
        )
        st.file_uploader(
            "Load weights (JSON)",
            type=["json"],
            key="scenario_upload",
            on_change=_load_scenario,
            args=(names_to_keys,),
        )
        if err := st.session_state.pop("_scenario_error", None):
            st.error(err)


def sidebar(st_: reader.Store, page: str = "") -> Controls:
    """All shared controls, each bound to the URL so a copied link restores the exact view."""
    version = store_version()
    incoming = {k: st.query_params.get(k) for k in st.query_params}
    restore_after_page_switch(incoming, page)
    types = st_.trust_types()
    type_label = {t: ui.TRUST_TYPE_LABELS.get(t, t) for t in types}
    valid: dict[str, object] = {"type": set(type_label.values())}
    sb = st.sidebar
    sb.markdown(f"**{ui.APP_TITLE}**")
    trust_type = sb.selectbox(
        "Trust type", types, key="type", bind="query-params", format_func=type_label.get
    )
    missing = [ui.TRUST_TYPE_LABELS[t].lower() for t in TRUST_TYPES if t not in types]
    if missing:
        sb.caption(
            f"No {' or '.join(missing)} in the store yet: add their NOF releases on the "
            "'Add a release' page or with `python -m league_atlas add-release FILE`."
        )
    quarters = st_.quarters(trust_type)[::-1]
    valid["q"] = set(quarters)
    quarter = sb.selectbox(
        "Quarter (release)", quarters, key="q", bind="query-params", help="Newest first"
    )
    prep = prepared(version, trust_type, quarter)

    focus = _focus_control(sb, st_, trust_type, valid)

    codes = list(prep.trust_codes)
    names = dict(zip(prep.trusts["trust_code"], prep.trusts["trust_name"], strict=True))
    trust_label = {c: f"{names.get(c, c)} ({c})" for c in codes}
    valid["trust"] = lambda v: v in trust_label or v in trust_label.values()
    # The URL carries the chosen option's label ("Name (CODE)"); a bare ODS code is accepted too.
    wanted = incoming.get("trust")
    if wanted in trust_label and st.session_state.get("trust") != wanted:
        st.session_state["trust"] = wanted

    trust = search_box.trust_search(
        sb, st_, codes=codes, labels=trust_label, key="sidebar_find", bound=True
    )

    sb.markdown("**Weights**")
    dom_keys = {d: domain_key(d) for d in prep.domains}
    item_keys = {k: item_key(k) for k in prep.item_keys}
    domains, metrics = _weight_sliders(sb, prep, incoming, valid, dom_keys, item_keys)
    override, seg_method = _method_options(sb, valid)
    weights = _usable_weights(sb, prep, domains, metrics)

    _scenario_box(sb, weights, {**dom_keys, **item_keys})

    # `present=1` (as written in links) and `present=true` (as the toggle writes) both switch it on.
    if incoming.get("present") in ("1", "yes", "on") and not st.session_state.get("present"):
        st.session_state["present"] = True
    present = sb.toggle(
        "Presenter mode",
        key="present",
        bind="query-params",
        help="Large type, controls hidden, full-width map and table",
    )
    valid["present"] = {"true", "false", "1", "0", "yes", "no", "on", "off"}
    _note_bad_params(incoming, valid)
    remember_shared(
        ["type", "q", "level", "area", "trust", "items", "override", "segments", "present"]
        + list(dom_keys.values())
        + list(item_keys.values())
    )
    return Controls(trust_type, quarter, focus, weights, override, seg_method, trust, present)


# ------------------------------------------------------------------ shared display pieces


def param_notices() -> None:
    notes = st.session_state.pop("_param_notes", None)
    if notes:
        st.info(
            "Some link settings were ignored: "
            + "; ".join(notes)
            + ". Showing the nearest valid view.",
            icon=":material/info:",
        )


def view_status(prep: preparation.Prepared, c: Controls) -> status.ViewStatus:
    """Is this view official (views.status decides, for the banner and every export)."""
    store = current_store()
    return status.view_status(
        prep,
        c.weights,
        financial_override=c.financial_override,
        segment_method=c.segment_method,
        release_rows=store.releases,
        manifest=store.manifest,
    )


def weights_banner(prep: preparation.Prepared, c: Controls) -> None:
    """Every view says plainly whether it is the official table, and which weights are in use."""
    s = view_status(prep, c)
    if s.official:
        st.success(
            md_escape(status.banner_text(s, c.trust_type, c.quarter)), icon=":material/verified:"
        )
    else:
        st.warning(md_escape(s.text), icon=":material/warning:")
        if not c.weights.is_official_for(prep):
            with st.expander("Weights in use"):
                st.dataframe(
                    explorer.weights_in_use(prep, c.weights), hide_index=True, width="stretch"
                )
    release_notices(prep)


def release_notices(prep: preparation.Prepared) -> None:
    """What the release itself cannot tell: rules of an unknown framework year, unpublished
    segment 5, and where recomputing the official table disagrees with the published one."""
    from league_atlas.scoring import recompute

    if prep.rules.provisional:
        st.info(prep.rules.provisional_notice(), icon=":material/info:")
    if not prep.has_support_rows:
        st.caption(ui.RSP_UNPUBLISHED)
    store = current_store()
    flags = (
        recompute.flags_by_trust(store.recompute, prep.quarter, prep.trust_type) if store else {}
    )
    if flags:
        st.warning(
            f"{ui.RECOMPUTE_FLAG} with the published table for {len(flags)} "
            f"{'trust' if len(flags) == 1 else 'trusts'} in "
            f"{prep.quarter}: the published values stay the official ones and are shown; the "
            "flags are in the table.",
            icon=":material/report:",
        )


def md_escape(text: str) -> str:
    """Data text (file names...) shown literally in a Markdown element: no links, emphasis, HTML
    or maths (the characters that start them are escaped; line breaks become spaces)."""
    return re.sub(r"([\\`*_\[\]<>$~|])", r"\\\1", re.sub(r"[\r\n]+", " ", text))


def private_banner() -> None:
    """On every page of a private view: whose data this is, and that nobody else sees it."""
    view = private_view()
    if view is None:
        return
    st.warning(
        f"**{status.PRIVATE_LABEL}.** You are exploring your own upload "
        f"({len(view.release.table):,} rows), merged over the published data in your session only: "
        "nobody else sees it, and it ends when you close this tab. It is not the official NOF table.",
        icon=":material/visibility_lock:",
    )
    st.button(
        "Leave the private view", key="private_leave", on_click=set_private_view, args=(None,)
    )


def legend_html() -> str:
    """Always-visible legend: swatch, outline and S-label for every segment (colour never alone)."""
    return ui.legend_html(ui.segment_legend_items(), title="Segment")


SHADOW = "_shared_values"


def restore_after_page_switch(incoming: dict[str, str], page: str) -> None:
    """Streamlit clears the query string on a page switch, and bound widgets then fall back to
    their defaults. On a switch to another page whose URL carries none of the shared settings,
    put back the values the controls had at the end of the previous run (kept in SHADOW), so
    weights, focus and the selected trust follow the user from page to page."""
    last_page = st.session_state.get("_last_page")
    st.session_state["_last_page"] = page
    shadow = st.session_state.get(SHADOW) or {}
    if last_page is None or last_page == page or not shadow or any(k in incoming for k in shadow):
        return
    for key, value in shadow.items():
        st.session_state[key] = value


def remember_shared(keys: list[str]) -> None:
    """Keep this run's control values for `restore_after_page_switch`."""
    st.session_state[SHADOW] = {k: st.session_state[k] for k in keys if k in st.session_state}


def page_menu(pages: dict[str, list]) -> None:
    """The page menu: plain links grouped by section, carrying the shared URL settings along."""
    for section, entries in pages.items():
        st.markdown(f'<p class="la-nav-section">{section}</p>', unsafe_allow_html=True)
        for p in entries:
            st.page_link(p, label=p.title, icon=p.icon)
    st.divider()


def base_css() -> None:
    """Contrast fixes over Streamlit's defaults (WCAG 2.2 AA: 4.5:1 for text)."""
    st.markdown(
        f"""<style>
        [data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {{color: {ui.NHS_SECONDARY_TEXT} !important; opacity: 1 !important}}
        .la-nav-section {{color: {ui.NHS_SECONDARY_TEXT}; font-size: 0.85rem; font-weight: 700; margin: 0.6rem 0 0.1rem}}
        [data-testid="stMainBlockContainer"] {{padding-top: 3rem}}
        .la-legend-stack [role="listitem"] {{display: flex !important; margin: 0 0 2px 0 !important}}
        </style>""",
        unsafe_allow_html=True,
    )


def leave_present() -> None:
    st.session_state["present"] = False


# ------------------------------------------------------------------ presenter mode on every page


def controls_area(c: Controls):
    """Where a page draws its own controls: on the page, or in presenter mode inside the hidden
    sidebar, so the audience sees none while every widget keeps its value and its URL binding."""
    if c.present:
        return st.sidebar.expander("Page controls", expanded=False)
    return st.container()


def page_title(c: Controls, title: str, headline: str) -> None:
    """The page title; in presenter mode the headline computed from the data, title beneath."""
    if c.present:
        st.title(headline)
        st.caption(title)
    else:
        st.title(title)


def presenter_bar(pages: dict[str, list]) -> None:
    """Presenter mode's way round: a link to every page and the way out, on every page."""
    with st.container(horizontal=True, key="la-presenter-bar", vertical_alignment="center"):
        st.button(
            "Leave presenter mode",
            on_click=leave_present,
            icon=":material/close_fullscreen:",
            key="leave_present",
            type="primary",
        )
        for entries in pages.values():
            for p in entries:
                if p.url_path != "upload":  # not a page for an audience
                    st.page_link(p, label=p.title, icon=p.icon)


def show_table(c: Controls, df: pd.DataFrame, formats: dict | None = None, **kwargs) -> None:
    """A table: interactive normally; in presenter mode a static table in large type (the
    interactive grid draws on a canvas, which CSS cannot enlarge)."""
    if c.present:
        st.table(df.style.format(formats or {}, na_rep=""), hide_index=True, border="horizontal")
    else:
        st.dataframe(df, hide_index=True, width="stretch", **kwargs)


def present_css() -> None:
    """Presenter mode: large type, no sidebar, content across the full width."""
    st.markdown(
        """<style>
        section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"] {display: none}
        header[data-testid="stHeader"] {display: none}
        [data-testid="stMainBlockContainer"] {padding-top: 0.75rem !important}
        [data-testid="stAlert"] > div {padding: 0.4rem 0.8rem !important}
        .st-key-la-map-side [data-testid="stHeading"] h1 {font-size: 1.75rem !important; padding-top: 0}
        [data-testid="stTable"] td, [data-testid="stTable"] th {font-size: 1.3rem !important; padding: 0.35rem 0.6rem !important}
        .st-key-la-presenter-bar {gap: 0.3rem 1rem; margin-bottom: 0.2rem}
        .st-key-la-presenter-bar [data-testid="stPageLink"] p {font-size: 0.95rem !important}
        [data-testid="stMainBlockContainer"] {max-width: 100%; padding-left: 2.5rem; padding-right: 2.5rem}
        [data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li,
        [data-testid="stCaptionContainer"], label, [data-testid="stAlert"] p {font-size: 1.35rem !important}
        [data-testid="stHeading"] h1 {font-size: 2.3rem !important; line-height: 1.2}
        [data-testid="stHeading"] h2 {font-size: 2.2rem !important}
        [data-testid="stHeading"] h3 {font-size: 1.8rem !important}
        .la-legend {font-size: 1.35rem !important}
        </style>""",
        unsafe_allow_html=True,
    )


def table_for_display(view: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Selected columns with their display labels (units in the label)."""
    cols = [c for c in columns if c in view.columns]
    return view[cols].rename(columns=ui.COLUMN_LABELS)
