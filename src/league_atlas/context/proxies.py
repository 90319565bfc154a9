"""Staff-attraction and area context proxies, one row per trust, and a staff-attraction index.

Why: the league tables invite the reading that London and South East trusts score well because
they attract the best staff. These proxies let the app put that next to the alternatives
(deprivation, rurality, age of the population) trust by trust, each with its source, period,
geography, direction and coverage stated (`PROXIES`).

Joins to the trust table (`schema.TRUST_COLUMNS`):
  trust level   by ODS code (staff survey, sickness absence, leaver rate);
  region level  by the trust's NHS region (foundation first-preference ratio);
  area level    by local authority, LAD 2024 after the vintage crosswalks in geo/:
                join="catchment" (default): the mean over the LADs the trust admits from, weighted
                by its admission shares (trust_ltla_mapping p_trust, 2020), over the LADs that have
                a value, provided they hold at least half of the trust's admissions; otherwise, and
                for trusts not in the mapping (specialist and post-2020 merged trusts, non-acute
                trusts), the value of the trust location's LAD.
                join="location": the trust location's LAD for every trust.
  location      distances from the trust's point / LAD (see distance.py).
The table also gives `rural_urban_class`, the broad RUC2011 class of the joined rural share (of
the catchment under join="catchment"), and `area_join`, how each trust's area values were joined.

The index (`attraction_index`): each chosen proxy is standardised over the trusts in the table
(z = (x - mean) / sd, population sd), multiplied by its direction so higher = more attractive,
and averaged with the chosen weights over the proxies present for the trust (weights
re-normalised); the index is missing unless at least `min_present` chosen proxies are present
(capped at the number chosen).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from league_atlas.context import (
    deprivation,
    distance,
    earnings,
    education,
    foundation,
    graduates,
    lad_vintages,
    population,
    rurality,
    sickness,
    staff_survey,
    turnover,
    universities,
)
from league_atlas.context.tables import AreaValues, clean_codes, find_column, numeric, read_csv
from league_atlas.errors import InputError, LeagueAtlasError
from league_atlas.io import atomic
from league_atlas.io.sources import raw_file, raw_files

JOINS = ("catchment", "location")
MORE = "higher means more attractive"
LESS = "lower means more attractive"
MIN_CATCHMENT_SHARE = 0.5
INDEX_COLUMN = "attraction_index"
INDEX_COUNT_COLUMN = "attraction_n"
DEFAULT_MIN_PRESENT = 3
TABLE_FILE = "proxies.parquet"
META_FILE = "proxies_meta.json"
ID_COLUMNS = ["trust_code", "trust_name", "trust_type", "region_code", "lad_code", "area_join"]
EXTRA_COLUMNS = ["rural_urban_class"]


@dataclass(frozen=True)
class Proxy:
    """One proxy's metadata (see the module docstring for the join rules)."""

    key: str
    label: str
    source: str  # catalogue source id(s), comma-separated
    period: str  # as published; build_proxies records the period actually read
    geography: str  # the source's own geography
    direction: int  # +1: higher means more attractive; -1: lower means more attractive
    unit: str
    level: str  # trust | area | region | location
    description: str
    default_weight: float = 0.0  # weight in the default attraction index (0 = not in it)

    @property
    def direction_label(self) -> str:
        return MORE if self.direction > 0 else LESS

    def join_method(self, join: str = "catchment") -> str:
        """How the proxy reaches a trust under `join`."""
        if self.level == "trust":
            return (
                "trust's ODS code (sectors of a trust combined, see staff_survey)"
                if self.source == "nss_2024"
                else "trust's ODS code"
            )
        if self.level == "region":
            return "trust's NHS England region (geo/foundation_schools.csv maps foundation schools to regions)"
        if self.level == "location":
            return "trust's location / LAD 2024 (see distance.py)"
        if join == "location":
            return "trust location's LAD 2024 (LAD vintages bridged by geo/lad_changes.csv)"
        return (
            "admission-weighted mean over the trust's catchment LADs (trust_ltla_mapping p_trust, LAD 2024 via "
            "geo/lad_changes.csv), falling back to the trust location's LAD when the trust is not in the mapping "
            f"or LADs with a value hold under {MIN_CATCHMENT_SHARE:.0%} of its admissions"
        )


_P = Proxy
PROXIES: dict[str, Proxy] = {
    p.key: p
    for p in (
        _P(
            "staff_engagement",
            "Staff engagement (NSS)",
            "nss_2024",
            "2024 survey",
            "trust (ODS code)",
            +1,
            "score 0-10",
            "trust",
            "NHS Staff Survey 2024 staff engagement theme score (weighted). Not in the default index: the NOF "
            "already scores it (OF0084).",
        ),
        _P(
            "recommend_place_to_work",
            "Recommend as a place to work",
            "nss_2024",
            "2024 survey",
            "trust (ODS code)",
            +1,
            "% agree",
            "trust",
            "NHS Staff Survey 2024 Q25c 'I would recommend my organisation as a place to work': % agree + % "
            "strongly agree (weighted).",
            1.0,
        ),
        _P(
            "leave_intention",
            "Intention to leave",
            "nss_2024",
            "2024 survey",
            "trust (ODS code)",
            -1,
            "% agree",
            "trust",
            "NHS Staff Survey 2024 Q26a-c (often think about leaving; will probably look for a job elsewhere in "
            "12 months; will leave as soon as I can find another job): mean of % agree + % strongly agree. "
            "The items themselves, not the Morale 'thinking about leaving' sub-score.",
            1.0,
        ),
        _P(
            "sickness_absence",
            "Sickness absence rate",
            "sickness_absence_2425",
            "April 2024 to March 2025",
            "trust (ODS code)",
            -1,
            "%",
            "trust",
            "FTE days lost ÷ FTE days available, summed over the 12 monthly files of 2024/25. Not in the "
            "default index: the NOF already scores sickness absence (OF0082).",
        ),
        _P(
            "leaver_rate",
            "Leaver rate (monthly)",
            "turnover_2025",
            "Sep-Oct 2025 and Oct-Nov 2025",
            "trust (ODS code)",
            -1,
            "% per month",
            "trust",
            "Leavers ÷ headcount at the start of the period, 'All staff groups', averaged over the two monthly "
            "files. A monthly flow proxy, not an annual turnover rate.",
            1.0,
        ),
        _P(
            "foundation_first_preference",
            "Foundation first-preference ratio (region)",
            "ukfpo_preferences",
            "FP2025",
            "foundation school -> NHS England region",
            +1,
            "first preferences per programme",
            "region",
            "UK Foundation Programme applicants ranking the region's schools first ÷ programmes (Σ over the "
            "region's schools, latest year). One value per region.",
            1.0,
        ),
        _P(
            "median_pay",
            "Median weekly pay of residents",
            "median_pay",
            "ASHE April 2025 (provisional)",
            "LAD 2023",
            +1,
            "£ per week",
            "area",
            "ASHE resident-based gross median weekly pay, all employee jobs.",
        ),
        _P(
            "housing_affordability",
            "Housing affordability ratio",
            "housing_affordability",
            "2025",
            "LAD 2023",
            -1,
            "ratio",
            "area",
            "Median house price ÷ median gross annual residence-based earnings (higher = less affordable).",
        ),
        _P(
            "qualifications_l3",
            "Level 3+ qualifications",
            "qualifications_l3",
            "APS 2023",
            "LAD 2023",
            +1,
            "% of 16-64",
            "area",
            "Share of people aged 16-64 with RQF Level 3 or above (APS; official statistics in development).",
        ),
        _P(
            "graduate_retention",
            "Young-graduate retention",
            "graduate_retention_lad",
            "GCSE cohorts 2008-2011, location 2018-19",
            "LAD 2011 (London as Inner/Outer London)",
            +1,
            "%",
            "area",
            "Share of graduates from the area's GCSE cohorts living there in 2018-19 (ONS LEO, aggregated to "
            "LAD by a third party; London boroughs take the Inner/Outer London rate).",
            1.0,
        ),
        _P(
            "rural_population_pct",
            "Rural population share",
            "ruc_2011_lad",
            "2011 Census",
            "LAD 2018",
            -1,
            "% of population",
            "area",
            "Population in rural areas including hub towns, % of total (RUC2011). The broad class is in "
            "rural_urban_class.",
        ),
        _P(
            "imd_2019_score",
            "Deprivation (IMD 2019)",
            "iod_2019",
            "IoD2019",
            "LAD 2019",
            -1,
            "average score",
            "area",
            "IMD 2019 LAD average score (higher = more deprived).",
        ),
        _P(
            "imd_2025_score",
            "Deprivation (IMD 2025)",
            "iod_2025",
            "IoD2025",
            "LAD 2024",
            -1,
            "average score",
            "area",
            "IMD 2025 LAD average score, first release (higher = more deprived).",
        ),
        _P(
            "population_density",
            "Population density",
            "population_mye22",
            "mid-2022",
            "LAD 2023",
            +1,
            "people per sq. km",
            "area",
            "ONS mid-2022 population ÷ area.",
        ),
        _P(
            "share_aged_65_plus",
            "Share aged 65+",
            "population_mye22",
            "mid-2022",
            "LAD 2023",
            -1,
            "%",
            "area",
            "ONS mid-2022 population aged 65 and over, % of all ages.",
        ),
        _P(
            "distance_central_london_km",
            "Distance to central London",
            "lad_2024",
            "2024 boundaries",
            "trust location",
            -1,
            "km",
            "location",
            "Straight line from the trust's location (its LAD centroid if it has no point) to Charing Cross.",
        ),
        _P(
            "distance_university_km",
            "Distance to a university",
            "he_campuses, lad_2024",
            "campus list c. 2024-25; LAD May 2024",
            "LAD 2022 -> LAD 2024",
            -1,
            "km",
            "location",
            "0 when the trust's LAD contains a university campus, else the distance between LAD centroids "
            "(LAD May 2024 boundaries) to the nearest LAD that does.",
        ),
    )
}
DEFAULT_WEIGHTS: dict[str, float] = {
    k: p.default_weight for k, p in PROXIES.items() if p.default_weight > 0
}


# ---------------------------------------------------------------- inputs


def read_catchment(path: Path) -> pd.DataFrame:
    """Trust -> LTLA admission shares (trust_code, geo_code, p_trust)."""
    raw = read_csv(path, dtype=str)
    file = str(path)
    trust = find_column(raw.columns, file, "the trust code", exact=["trust_code"])
    geo = find_column(raw.columns, file, "the local authority code", exact=["geo_code"])
    share = find_column(raw.columns, file, "the trust's admission share", exact=["p_trust"])
    out = pd.DataFrame(
        {
            "trust_code": clean_codes(raw[trust]),
            "geo_code": raw[geo].str.strip(),
            "p_trust": numeric(raw[share]),
        }
    ).dropna()
    if (out["p_trust"] < 0).any():
        raise InputError(
            file, "negative admission shares", column=str(share), expected="shares in [0, 1]"
        )
    return out


def catchment_weights(mapping: pd.DataFrame) -> pd.DataFrame:
    """Admission shares on LAD 2024 codes: old LTLA codes are carried through the crosswalk and
    shares landing on the same LAD added (trust_code, lad_code, weight)."""
    cmap = lad_vintages.code_map(mapping["geo_code"].unique())
    merged = mapping.merge(cmap, left_on="geo_code", right_on="source_code", how="left")
    merged["w"] = merged["p_trust"] * merged["weight"]
    out = merged.groupby(["trust_code", "lad_code"], as_index=False)["w"].sum()
    return out.rename(columns={"w": "weight"})


def _check_trusts(trusts: pd.DataFrame) -> pd.DataFrame:
    need = ["trust_code", "region_code", "lad_code", "lat", "lon"]
    missing = [c for c in need if c not in trusts.columns]
    if missing:
        raise InputError(
            "trust table", f"missing columns {missing}", expected="schema.TRUST_COLUMNS"
        )
    t = trusts.copy()
    t["trust_code"] = clean_codes(t["trust_code"])
    if t["trust_code"].isna().any() or t["trust_code"].duplicated().any():
        raise InputError(
            "trust table",
            "trust codes missing or repeated",
            column="trust_code",
            expected="unique codes",
        )
    for col in ("trust_name", "trust_type"):
        if col not in t.columns:
            t[col] = pd.NA
    t["lad_code"] = t["lad_code"].astype("string").str.strip()
    t["region_code"] = t["region_code"].astype("string").str.strip()
    return t.reset_index(drop=True)


# ---------------------------------------------------------------- joins


def join_area(
    trusts: pd.DataFrame,
    values: pd.Series,
    catchment: pd.DataFrame | None,
    *,
    min_share: float = MIN_CATCHMENT_SHARE,
) -> tuple[np.ndarray, np.ndarray]:
    """Per trust: the area value (catchment-weighted or by location) and whether the catchment was used."""
    loc = values.reindex(trusts["lad_code"].fillna("")).to_numpy(dtype=float)
    used = np.zeros(len(trusts), dtype=bool)
    if catchment is None or catchment.empty:
        return loc, used
    c = catchment.assign(v=catchment["lad_code"].map(values))
    total = c.groupby("trust_code")["weight"].sum()
    have = c[c["v"].notna()]
    covered = have.groupby("trust_code")["weight"].sum()
    num = (have["weight"] * have["v"]).groupby(have["trust_code"]).sum()
    ok = (covered / total.reindex(covered.index)) >= min_share
    val = (num / covered)[ok & (covered > 0)]
    hit = trusts["trust_code"].map(val).to_numpy(dtype=float)
    used = trusts["trust_code"].isin(val.index).to_numpy()
    return np.where(used, hit, loc), used


def _area_sources(data_dir: Path) -> dict[str, AreaValues]:
    """Every area proxy on LAD 2024 codes (merges weighted by population, see lad_vintages)."""
    ruc = rurality.read_ruc(raw_file(data_dir, "ruc_2011_lad"))
    pop, pop_period = population.read_population(raw_file(data_dir, "population_mye22"))
    bases = population.weight_bases(pop, rurality.census_2011_population(ruc))
    area: dict[str, AreaValues] = {}
    area.update(
        earnings.area_proxies(
            raw_file(data_dir, "median_pay"), raw_file(data_dir, "housing_affordability"), bases
        )
    )
    area.update(education.area_proxies(raw_file(data_dir, "qualifications_l3"), bases))
    area.update(
        graduates.area_proxies(
            graduates.read_retention(raw_file(data_dir, "graduate_retention_lad"))
        )
    )
    area.update(rurality.area_proxies(ruc))
    area.update(
        deprivation.area_proxies(
            deprivation.read_imd2019(raw_file(data_dir, "iod_2019")),
            deprivation.read_imd2025(raw_file(data_dir, "iod_2025")),
            bases,
        )
    )
    area.update(population.area_proxies(pop, pop_period, bases))
    return area


def build_proxies(data_dir: Path, trusts: pd.DataFrame, *, join: str = "catchment") -> pd.DataFrame:
    """One row per trust of `trusts`: every proxy in PROXIES, the rural-urban class, how area
    values were joined, and the default attraction index (standardised over these trusts).

    The periods actually read are in `table.attrs["periods"]`, the join in `table.attrs["join"]`.
    """
    if join not in JOINS:
        raise LeagueAtlasError(f"unknown join {join!r}; choose one of {', '.join(JOINS)}")
    data_dir = Path(data_dir)
    t = _check_trusts(trusts)
    out = t[[c for c in ID_COLUMNS if c in t.columns and c != "area_join"]].copy()
    periods: dict[str, str] = {}

    nss = staff_survey.read_staff_survey(raw_file(data_dir, "nss_2024"))
    for key in ("staff_engagement", "recommend_place_to_work", "leave_intention"):
        out[key] = t["trust_code"].map(nss.set_index("trust_code")[key]).astype(float)
        periods[key] = staff_survey.PERIOD
    sick, periods["sickness_absence"] = sickness.read_sickness(
        raw_files(data_dir, "sickness_absence_2425")
    )
    out["sickness_absence"] = (
        t["trust_code"].map(sick.set_index("trust_code")["sickness_absence"]).astype(float)
    )
    leave, periods["leaver_rate"] = turnover.read_turnover(raw_files(data_dir, "turnover_2025"))
    out["leaver_rate"] = (
        t["trust_code"].map(leave.set_index("trust_code")["leaver_rate"]).astype(float)
    )

    ukfpo = foundation.read_ukfpo(raw_file(data_dir, "ukfpo_preferences"))
    regions, year = foundation.region_first_preference(ukfpo, foundation.read_school_regions())
    out["foundation_first_preference"] = (
        t["region_code"]
        .map(regions.set_index("region_code")["foundation_first_preference"])
        .astype(float)
    )
    periods["foundation_first_preference"] = f"FP{year}"

    area = _area_sources(data_dir)
    catchment = None
    if join == "catchment":
        catchment = catchment_weights(read_catchment(raw_file(data_dir, "trust_ltla_mapping")))
    in_mapping = (
        t["trust_code"].isin(set(catchment["trust_code"])) if catchment is not None else None
    )
    fallbacks: dict[int, list[str]] = {}
    for key, av in area.items():
        values, used = join_area(t, av.values, catchment)
        out[key] = values
        periods[key] = av.period
        if in_mapping is not None:
            for i in np.flatnonzero(in_mapping.to_numpy() & ~used):
                fallbacks.setdefault(int(i), []).append(key)
    out["area_join"] = [_join_label(join, t, i, in_mapping, fallbacks) for i in range(len(t))]

    centroids = distance.lad_centroids(raw_file(data_dir, "lad_2024"))
    uni = universities.read_university_lads(raw_file(data_dir, "he_campuses"))
    out["distance_central_london_km"] = distance.central_london_km(t, centroids).to_numpy()
    out["distance_university_km"] = distance.nearest_university_km(t["lad_code"], centroids, uni)
    periods["distance_central_london_km"] = PROXIES["distance_central_london_km"].period
    periods["distance_university_km"] = PROXIES["distance_university_km"].period

    out["rural_urban_class"] = out["rural_population_pct"].map(rurality.broad_class)
    out[INDEX_COLUMN] = attraction_index(out)
    out[INDEX_COUNT_COLUMN] = present_count(out)
    cols = (
        [c for c in ID_COLUMNS if c in out.columns]
        + list(PROXIES)
        + EXTRA_COLUMNS
        + [INDEX_COLUMN, INDEX_COUNT_COLUMN]
    )
    table = out[cols].reset_index(drop=True)
    table.attrs["periods"] = periods
    table.attrs["join"] = join
    return table


def _join_label(
    join: str, t: pd.DataFrame, i: int, in_mapping, fallbacks: dict[int, list[str]]
) -> str:
    """How trust i's area values were joined (shown per trust in the table)."""
    lad = t.at[i, "lad_code"]
    has_lad = not pd.isna(lad) and bool(lad)
    if join == "location":
        return "location" if has_lad else "location (no LAD)"
    if not bool(in_mapping.iloc[i]):
        return "location (not in catchment mapping)" if has_lad else "none (not in mapping, no LAD)"
    if i in fallbacks:
        return "catchment; location for " + ", ".join(fallbacks[i])
    return "catchment"


# ---------------------------------------------------------------- index


def _check_weights(weights: dict[str, float]) -> dict[str, float]:
    unknown = sorted(set(weights) - set(PROXIES))
    if unknown:
        raise LeagueAtlasError(f"unknown proxies {unknown}; known: {', '.join(PROXIES)}")
    bad = {k: w for k, w in weights.items() if not np.isfinite(w) or w < 0}
    if bad:
        raise LeagueAtlasError(f"index weights must be finite and >= 0, got {bad}")
    return {k: float(w) for k, w in weights.items() if w > 0}


def standardise(table: pd.DataFrame, keys: list[str] | None = None) -> pd.DataFrame:
    """Directed z-scores over the rows of `table`: (x - mean) / sd x direction (higher = more
    attractive). A proxy with fewer than two values or no spread gives all-missing scores."""
    keys = list(PROXIES) if keys is None else keys
    out = {}
    for k in keys:
        x = pd.to_numeric(table[k], errors="coerce").astype(float)
        sd = x.std(ddof=0)
        if x.count() < 2 or not np.isfinite(sd) or sd == 0:
            out[k] = pd.Series(np.nan, index=table.index)
        else:
            out[k] = (x - x.mean()) / sd * PROXIES[k].direction
    return pd.DataFrame(out, index=table.index)


def attraction_index(
    table: pd.DataFrame,
    weights: dict[str, float] | None = None,
    min_present: int = DEFAULT_MIN_PRESENT,
) -> pd.Series:
    """Weighted mean of directed z-scores of the chosen proxies (weights > 0), re-weighted over the
    proxies present; missing when fewer than min(min_present, number chosen) are present."""
    chosen = _check_weights(DEFAULT_WEIGHTS if weights is None else weights)
    if not chosen:
        return pd.Series(np.nan, index=table.index, name=INDEX_COLUMN)
    if min_present < 1:
        raise LeagueAtlasError(f"min_present must be at least 1, got {min_present}")
    z = standardise(table, list(chosen))
    w = pd.Series(chosen)
    present = z.notna()
    wsum = present.mul(w, axis=1).sum(axis=1)
    idx = z.fillna(0.0).mul(w, axis=1).sum(axis=1) / wsum.where(wsum > 0)
    enough = present.sum(axis=1) >= min(min_present, len(chosen))
    return idx.where(enough).rename(INDEX_COLUMN)


def present_count(table: pd.DataFrame, weights: dict[str, float] | None = None) -> pd.Series:
    """How many of the chosen proxies each trust has."""
    chosen = _check_weights(DEFAULT_WEIGHTS if weights is None else weights)
    return table[list(chosen)].notna().sum(axis=1).rename(INDEX_COUNT_COLUMN)


# ---------------------------------------------------------------- reporting


def coverage(table: pd.DataFrame, trust_codes) -> pd.DataFrame:
    """Per proxy (and the index): how many of `trust_codes` have a value, and which do not."""
    codes = list(dict.fromkeys(str(c).strip().upper() for c in trust_codes))
    rows = (
        table.assign(_code=table["trust_code"].astype(str).str.upper())
        .set_index("_code")
        .reindex(codes)
    )
    out = []
    for key in [*PROXIES, INDEX_COLUMN]:
        col = rows[key] if key in rows.columns else pd.Series(np.nan, index=rows.index)
        present = col.notna()
        out.append(
            {
                "proxy": key,
                "label": PROXIES[key].label if key in PROXIES else "Staff-attraction index",
                "trusts": len(codes),
                "present": int(present.sum()),
                "coverage_pct": round(100.0 * present.mean(), 1) if codes else np.nan,
                "missing": ", ".join(sorted(present.index[~present.to_numpy()])),
            }
        )
    return pd.DataFrame(out)


def proxy_table(
    periods: dict[str, str] | None = None,
    join: str = "catchment",
    coverage_table: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """PROXIES as a table (for the app, exports and `proxies --metadata`): key, label, source,
    period (as read when `periods` is given), geography, direction, unit, join method,
    description, default index weight and, with `coverage_table` (from `coverage`), coverage."""
    rows = []
    for key, p in PROXIES.items():
        d = asdict(p)
        d["period"] = (periods or {}).get(key, p.period)
        d["direction"] = p.direction_label
        d["join_method"] = p.join_method(join)
        rows.append(d)
    out = pd.DataFrame(rows)
    if coverage_table is not None:
        cov = coverage_table.set_index("proxy")
        out["coverage"] = out["key"].map(
            lambda k: (
                f"{cov.at[k, 'present']}/{cov.at[k, 'trusts']} ({cov.at[k, 'coverage_pct']}%)"
                if k in cov.index
                else ""
            )
        )
    return out


# ---------------------------------------------------------------- store


def write_context(table: pd.DataFrame, folder: Path) -> None:
    """Write the proxies table (Parquet) and its metadata (periods, join) atomically into `folder`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    plain = table.copy()
    plain.attrs = {}
    with atomic.atomic_path(folder / TABLE_FILE) as tmp:
        plain.to_parquet(tmp, index=False, engine="pyarrow")
    meta = {
        "periods": table.attrs.get("periods", {}),
        "join": table.attrs.get("join", ""),
        "proxies": proxy_table(
            table.attrs.get("periods"),
            table.attrs.get("join") or "catchment",
            coverage(table, table["trust_code"]),
        ).to_dict("records"),
    }
    atomic.write_text(folder / META_FILE, json.dumps(meta, indent=2, default=str))


def read_context(folder: Path) -> pd.DataFrame:
    """The stored proxies table, with attrs 'periods' and 'join' restored."""
    folder = Path(folder)
    path = folder / TABLE_FILE
    if not path.is_file():
        raise InputError(
            str(path), "no stored context proxies", expected="a store built with the context stage"
        )
    table = pd.read_parquet(path, engine="pyarrow")
    meta_path = folder / META_FILE
    if meta_path.is_file():
        meta = json.loads(meta_path.read_text("utf-8"))
        table.attrs["periods"] = meta.get("periods", {})
        table.attrs["join"] = meta.get("join", "")
    return table
