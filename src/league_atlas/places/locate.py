"""Places: put every trust on the map and in its NHS region, ICB (2023 and 2026) and local authority.

No single source locates every trust, so a trust's point comes from the first rule that works:

1. ``hq_postcode`` / ``hq_site_postcode``: its headquarters postcode from ODS etr.csv (the newest
   extract that lists the trust first, then older ones). Each postcode is looked up in the NSPL
   subset (British National Grid, converted to WGS84): ``hq_postcode``; failing that, a hospital
   site in NHS.UK Hospital.csv at that same postcode, whoever runs it: ``hq_site_postcode``.
2. ``nhs_site``: its NHS-sector hospital sites in Hospital.csv (``ParentODSCode``); the site
   nearest the mean of those sites, so the point is always a real hospital, never a field between
   two towns.
3. ``independent_site``: the same with sites flagged independent sector whose parent is the trust
   (the flag is unreliable: some trusts' only listed sites carry it).
4. ``approx_icb_centroid``: APPROXIMATE, when no postcode or site places the trust: the centroid
   of its ODS 2023 ICB (the ICB polygon's centroid, or a point inside it for a concave shape),
   so the trust is on the map in the right ICB and region but not at its address.
   ``approx_region_centroid``: the same with its NHS region of record when no ICB is known.
5. ``unlocated``: none of the above; the trust is reported.

Region of record: ``region_code``/``region_name`` are NHS England's region for the trust (the
release's Region label through geo/nhs_regions.csv, else its ODS region), which is what NHS England
groups by; ``region_source`` says which. The spatial join's region is kept as
``located_region_code``/``located_region_name`` for area maps, and every disagreement between the
two is a report row (``region_of_record_vs_located``).

Hospital.csv predates recent mergers, so sites of a merged trust still name the old parent (no
source here gives successors, so none is guessed); a merged trust is placed by its HQ postcode.
The point is then joined to each boundary layer with a spatial join (``within``); a point just
outside a generalised coastline takes the nearest polygon within ``nearest_max_m`` and the report
says so. The joins are checked against ODS: the NHS region (ODS Y-code via geo/nhs_regions.csv),
the 2023 ICB (2025 ODS ICB code via the ONS ICB names/codes and SICBL23 lookups), and the 2026
ICB for consistency only (no ODS-to-GSS lookup is published for it). Every disagreement becomes a
report row; nothing is silently overridden.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import Transformer

from league_atlas.errors import InputError, LeagueAtlasError
from league_atlas.io.sources import raw_file
from league_atlas.places import registry
from league_atlas.places.registry import LayerSpec
from league_atlas.schema import TRUST_COLUMNS

WGS84 = "EPSG:4326"
BNG = "EPSG:27700"

# Source ids read here (see catalogue.toml); ODS extracts newest first.
ODS_SOURCES = ("ods_trusts_2026", "ods_trusts_2025")
ODS_ICB23_SOURCE = "ods_trusts_2025"  # its column 4 holds the 42 pre-merger ICB ODS codes
ODS_ICB26_SOURCE = "ods_trusts_2026"  # its column 4 holds the April 2026 ICB ODS codes
HOSPITALS_SOURCE = "nhsuk_hospitals"
NSPL_SOURCE = "nspl_trust_hq"
ICB_LOOKUP_SOURCES = ("icb_names_2024", "lookup_sicbl23")

LOCATED_BY = (
    "hq_postcode",
    "hq_site_postcode",
    "nhs_site",
    "independent_site",
    "approx_icb_centroid",
    "approx_region_centroid",
    "unlocated",
)
APPROXIMATE = ("approx_icb_centroid", "approx_region_centroid")
JOIN_FIELDS = ("region", "icb23", "icb26", "lad")
EXTRA_COLUMNS = [
    "location_detail",
    "ods_name",
    "town",
    "postcode",
    "ods_region_code",
    "ods_icb23_code",
    "ods_icb26_code",
    "ods_close_date",
    "n_nhs_sites",
    "n_independent_sites",
    "join_notes",
]
LOCATE_COLUMNS = [
    "trust_code",
    "lat",
    "lon",
    "located_by",
    "postcode",
    "location_detail",
    "n_nhs_sites",
    "n_independent_sites",
]
REPORT_COLUMNS = ["trust_code", "trust_name", "issue", "detail"]
TRUSTS_REQUIRED = ["trust_code", "trust_name", "trust_type", "trust_subtype", "region_label"]

# The documented ODS etr.csv layout (no header row): 0-based column -> our name.
ODS_LAYOUT = {
    0: "code",
    1: "name",
    2: "region_ods",
    3: "icb_ods",
    7: "town",
    9: "postcode",
    10: "open_date",
    11: "close_date",
}
HOSPITAL_COLUMNS = {
    "OrganisationCode": "site_code",
    "OrganisationName": "site_name",
    "Sector": "sector",
    "ParentODSCode": "parent_code",
    "Postcode": "postcode",
    "Latitude": "lat",
    "Longitude": "lon",
}
_ODS_COLUMN_NUMBER = {name: i + 1 for i, name in ODS_LAYOUT.items()}
_ODS_CODE = re.compile(r"[A-Z0-9]{3,6}")
_DATE = re.compile(r"\d{8}")

_TO_WGS84 = Transformer.from_crs(BNG, WGS84, always_xy=True)
_TO_BNG = Transformer.from_crs(WGS84, BNG, always_xy=True)


# --- readers --------------------------------------------------------------------------------


def postcode_key(postcode: str) -> str:
    """Postcodes compared without spaces or case ("sw1a 1aa" == "SW1A1AA")."""
    return re.sub(r"\s+", "", str(postcode)).upper()


def bng_to_wgs84(easting, northing) -> tuple[np.ndarray, np.ndarray]:
    """British National Grid metres (EPSG:27700) to WGS84 (lat, lon) degrees."""
    lon, lat = _TO_WGS84.transform(np.asarray(easting, float), np.asarray(northing, float))
    return np.asarray(lat), np.asarray(lon)


def read_ods_trusts(path: Path) -> pd.DataFrame:
    """An ODS etr.csv extract: code, name, region_ods, icb_ods, postcode, open_date, close_date."""
    where = str(path)
    if not Path(path).is_file():
        raise InputError(where, "file not found", expected="a fetched ODS etr.csv")
    raw = pd.read_csv(path, header=None, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    need = max(ODS_LAYOUT) + 1
    if raw.shape[1] < need:
        raise InputError(
            where, f"{raw.shape[1]} columns", expected=f"at least {need} (ODS etr layout)"
        )
    df = raw[list(ODS_LAYOUT)].rename(columns=ODS_LAYOUT).apply(lambda s: s.str.strip())
    for i, rec in enumerate(df.itertuples(index=False), start=1):
        if not _ODS_CODE.fullmatch(rec.code):
            raise InputError(
                where,
                f"{rec.code!r} is not an ODS code",
                line=i,
                column="1",
                expected="3-6 upper-case letters/digits, no header row",
            )
        for col in ("open_date", "close_date"):
            value = getattr(rec, col)
            if value and not _DATE.fullmatch(value):
                raise InputError(
                    where,
                    f"{value!r} is not a date",
                    line=i,
                    column=str(_ODS_COLUMN_NUMBER[col]),
                    expected="yyyymmdd or empty",
                )
    dup = df.loc[df["code"].duplicated(), "code"]
    if not dup.empty:
        raise InputError(where, f"ODS code {dup.iloc[0]} appears twice", column="1")
    return df.reset_index(drop=True)


def read_nspl(path: Path) -> pd.DataFrame:
    """The NSPL subset (postcode, easting, northing; no header) with WGS84 lat/lon added."""
    where = str(path)
    if not Path(path).is_file():
        raise InputError(where, "file not found", expected="a fetched NSPL subset")
    raw = pd.read_csv(path, header=None, dtype=str, keep_default_na=False)
    if raw.shape[1] < 3:
        raise InputError(where, f"{raw.shape[1]} columns", expected="postcode, easting, northing")
    df = pd.DataFrame({"postcode": raw[0].str.strip()})
    for col, name in ((1, "easting"), (2, "northing")):
        values = pd.to_numeric(raw[col].str.strip(), errors="coerce")
        bad = values.isna() | (values < 0)
        if bad.any():
            line = int(np.flatnonzero(bad.to_numpy())[0]) + 1
            raise InputError(
                where,
                f"{raw[col].iloc[line - 1]!r} is not a {name}",
                line=line,
                column=str(col + 1),
                expected="metres on the British National Grid",
            )
        df[name] = values.astype(float)
    df["key"] = df["postcode"].map(postcode_key)
    df["lat"], df["lon"] = bng_to_wgs84(df["easting"], df["northing"])
    return df.drop_duplicates("key").reset_index(drop=True)


def _sector_kind(label: str, where: str, line: int) -> str:
    text = label.casefold()
    if "independent" in text:
        return "independent"
    if "nhs" in text.split():
        return "nhs"
    raise InputError(
        where,
        f"unknown Sector {label!r}",
        line=line,
        column="Sector",
        expected="a label containing 'NHS' or 'Independent'",
    )


def read_hospital_columns(path: Path, columns: dict[str, str]) -> pd.DataFrame:
    """The named columns of NHS.UK Hospital.csv ('¬'-delimited, cp1252), renamed and stripped:
    the one reader of that file, for placing trusts (here) and for their addresses (sites)."""
    where = str(path)
    if not Path(path).is_file():
        raise InputError(where, "file not found", expected="a fetched NHS.UK Hospital.csv")
    raw = pd.read_csv(
        path,
        sep="¬",
        encoding="cp1252",
        dtype=str,
        keep_default_na=False,
        quoting=csv.QUOTE_NONE,
        engine="python",
    )
    missing = [c for c in columns if c not in raw.columns]
    if missing:
        raise InputError(
            where,
            f"missing column(s) {', '.join(missing)}",
            line=1,
            expected="the NHS.UK Hospital.csv header, '¬'-delimited, cp1252",
        )
    return raw[list(columns)].rename(columns=columns).apply(lambda s: s.str.strip())


def read_hospital_sites(path: Path) -> pd.DataFrame:
    """NHS.UK Hospital.csv ('¬'-delimited, cp1252): sites with parent trust, sector kind, lat/lon.

    Sites without usable coordinates are dropped (their count is in ``attrs["dropped"]``).
    """
    where = str(path)
    df = read_hospital_columns(path, HOSPITAL_COLUMNS)
    df["parent_code"] = df["parent_code"].str.upper()
    df["kind"] = [_sector_kind(s, where, i) for i, s in enumerate(df["sector"], start=2)]
    for col in ("lat", "lon"):
        df[col] = pd.to_numeric(df[col], errors="coerce")
    usable = df["lat"].notna() & df["lon"].notna() & ~((df["lat"] == 0) & (df["lon"] == 0))
    usable &= df["parent_code"] != ""
    out = df[usable].reset_index(drop=True)
    out.attrs = {"dropped": int((~usable).sum())}
    return out


def read_icb_ods_to_gss(data_dir: Path) -> dict[str, str]:
    """42-ICB ODS code (Qxx) -> GSS code (E54...), from the ONS names/codes file and SICBL23 lookup.

    Column names are found by pattern (ICByyCD / ICByyCDH) so a later vintage's file also works;
    the first source listed wins where both give a code.
    """
    mapping: dict[str, str] = {}
    for source_id in ICB_LOOKUP_SOURCES:
        path = raw_file(data_dir, source_id)
        if not path.is_file():
            raise InputError(str(path), "file not found", expected=f"fetched source {source_id}")
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        cd = next((c for c in df.columns if re.fullmatch(r"ICB\d\dCD", c)), None)
        if cd is None or f"{cd}H" not in df.columns:
            raise InputError(
                str(path), "no ICByyCD / ICByyCDH columns", expected="an ONS ICB code lookup"
            )
        for gss, ods in df[[cd, f"{cd}H"]].drop_duplicates().itertuples(index=False):
            mapping.setdefault(ods.strip().upper(), gss.strip())
    return mapping


# --- locating -------------------------------------------------------------------------------


def _central_site(sites: pd.DataFrame) -> pd.Series:
    """The site nearest the mean position of a trust's sites (distances on the National Grid)."""
    x, y = _TO_BNG.transform(sites["lon"].to_numpy(float), sites["lat"].to_numpy(float))
    d = np.hypot(x - x.mean(), y - y.mean())
    return sites.iloc[int(np.argmin(d))]


def locate_trusts(
    codes: list[str],
    ods: list[pd.DataFrame],
    nspl: pd.DataFrame,
    sites: pd.DataFrame,
) -> pd.DataFrame:
    """One row per code: lat, lon, located_by, postcode, detail, site counts (rules in the module doc).

    `ods` is a list of ODS extracts, newest first: their HQ postcodes for a trust are tried in that
    order, each in the NSPL subset and then among the hospital sites' postcodes.
    """
    nspl_by_key = nspl.set_index("key")
    ods_by_code = [o.set_index("code") for o in ods]
    by_parent = {k: g for k, g in sites.groupby("parent_code", sort=False)}
    sites_by_postcode = {
        k: g for k, g in sites.groupby(sites["postcode"].map(postcode_key), sort=False) if k
    }
    rows = []
    for code in codes:
        row = {
            "trust_code": code,
            "lat": np.nan,
            "lon": np.nan,
            "located_by": "unlocated",
            "postcode": "",
            "location_detail": "",
        }
        own = by_parent.get(code, sites.iloc[0:0])
        nhs = own[own["kind"] == "nhs"]
        ind = own[own["kind"] == "independent"]
        row["n_nhs_sites"], row["n_independent_sites"] = len(nhs), len(ind)
        tried = []
        for extract in ods_by_code:
            if code not in extract.index:
                continue
            pc = extract.at[code, "postcode"]
            if pc and pc not in tried:
                tried.append(pc)
        for pc in tried:
            key = postcode_key(pc)
            if key in nspl_by_key.index:
                hit = nspl_by_key.loc[key]
                row.update(
                    lat=float(hit["lat"]),
                    lon=float(hit["lon"]),
                    located_by="hq_postcode",
                    postcode=pc,
                    location_detail=f"HQ postcode {pc} in the NSPL subset",
                )
                break
            if key in sites_by_postcode:
                # Prefer the trust's own site, then an NHS-sector one, at that postcode.
                there = sites_by_postcode[key]
                rank = (there["parent_code"] != code).astype(int) * 2 + (there["kind"] != "nhs")
                site = there.iloc[int(np.argmin(rank.to_numpy()))]
                row.update(
                    lat=float(site["lat"]),
                    lon=float(site["lon"]),
                    located_by="hq_site_postcode",
                    postcode=pc,
                    location_detail=(
                        f"HQ postcode {pc} not in the NSPL subset; hospital site "
                        f"{site['site_code']} {site['site_name']} (parent {site['parent_code']}) "
                        "has that postcode"
                    ),
                )
                break
        else:
            row["postcode"] = tried[0] if tried else ""
            for kind, group in (("nhs_site", nhs), ("independent_site", ind)):
                if group.empty:
                    continue
                site = _central_site(group)
                sector = "NHS-sector" if kind == "nhs_site" else "independent-sector"
                row.update(
                    lat=float(site["lat"]),
                    lon=float(site["lon"]),
                    located_by=kind,
                    location_detail=(
                        f"{sector} site {site['site_code']} {site['site_name']}"
                        f" (central of {len(group)}); HQ postcode "
                        + (f"{tried[0]} not in NSPL nor at a site" if tried else "unknown")
                    ),
                )
                break
        rows.append(row)
    return pd.DataFrame(rows, columns=LOCATE_COLUMNS)


# --- joining --------------------------------------------------------------------------------


def _field_layers(
    layers: dict[str, gpd.GeoDataFrame], specs: dict[str, LayerSpec]
) -> dict[str, tuple[LayerSpec, gpd.GeoDataFrame]]:
    """trust field -> (spec, layer): the four core fields first (required), then every other layer
    of the registry (sub-ICB, upper-tier LA, combined authority, layers added by users)."""
    out = {}
    wanted = [registry.layer_for_field(field, specs) for field in JOIN_FIELDS]
    wanted += [s for s in specs.values() if s.trust_field not in JOIN_FIELDS]
    for spec in wanted:
        if spec.id not in layers:
            raise LeagueAtlasError(
                f"build_places needs boundary layer {spec.id!r} (trust_field {spec.trust_field}); "
                f"given: {', '.join(layers) or 'none'}"
            )
        gdf = layers[spec.id]
        missing = [c for c in ("code", "name", "geometry") if c not in gdf.columns]
        if missing or gdf.crs is None:
            raise LeagueAtlasError(f"layer {spec.id} needs code, name, geometry and a CRS")
        out[spec.trust_field] = (spec, gdf)
    return out


def join_points(
    points: gpd.GeoDataFrame,
    layer: gpd.GeoDataFrame,
    *,
    nearest_max_m: float,
) -> pd.DataFrame:
    """For each point (index kept): code, name, how ('within' | 'nearest' | ''), distance_m, also.

    A point within two (overlapping) polygons keeps the lowest code (the stated rule); `also`
    lists the other codes it lies in, so the overlap is reported, never hidden. A point within none (off a
    generalised coastline, or exactly on a border) takes the nearest polygon, measured on the
    National Grid, if it is within `nearest_max_m`; otherwise code is missing and
    nearest_code/nearest_name say what was too far away.
    """
    cols = ["code", "name", "how", "distance_m", "nearest_code", "nearest_name", "also"]
    out = pd.DataFrame(index=points.index, columns=cols, dtype=object)
    out["how"] = ""
    out["also"] = ""
    out["distance_m"] = np.nan
    if points.empty:
        return out
    shapes = layer[["code", "name", "geometry"]]
    hit = gpd.sjoin(points[["geometry"]].to_crs(layer.crs), shapes, how="inner", predicate="within")
    hit = hit.sort_values("code", kind="stable")
    extra = hit[hit.index.duplicated()]
    if len(extra):
        others = extra.groupby(level=0)["code"].agg(lambda c: ";".join(c))
        out.loc[others.index, "also"] = others
    hit = hit[~hit.index.duplicated()]
    out.loc[hit.index, "code"] = hit["code"]
    out.loc[hit.index, "name"] = hit["name"]
    out.loc[hit.index, "how"] = "within"
    out.loc[hit.index, "distance_m"] = 0.0
    rest = points.index.difference(hit.index)
    if len(rest):
        near = gpd.sjoin_nearest(
            points.loc[rest, ["geometry"]].to_crs(BNG),
            shapes.to_crs(BNG),
            how="inner",
            distance_col="distance_m",
        )
        near = near.sort_values("code")
        near = near[~near.index.duplicated()]
        out.loc[near.index, "nearest_code"] = near["code"]
        out.loc[near.index, "nearest_name"] = near["name"]
        out.loc[near.index, "distance_m"] = near["distance_m"].astype(float)
        close = near.index[near["distance_m"] <= nearest_max_m]
        out.loc[close, "code"] = near.loc[close, "code"]
        out.loc[close, "name"] = near.loc[close, "name"]
        out.loc[close, "how"] = "nearest"
    return out


# --- checks ---------------------------------------------------------------------------------


def _consistency(
    table: pd.DataFrame, group_col: str, value_col: str, group_label: str, value_label: str
) -> list[tuple[str, str]]:
    """(trust_code, detail) for trusts whose `value_col` differs from most of their group's.

    With a tie there is no usual value, so every trust in the group is reported.
    """
    problems = []
    known = table[table[group_col].notna() & table[value_col].notna()]
    known = known[(known[group_col] != "") & (known[value_col] != "")]
    for group, sub in known.groupby(group_col):
        counts = Counter(sub[value_col])
        if len(counts) < 2:
            continue
        (top, n_top), *others = counts.most_common()
        tie = any(n == n_top for _, n in others)
        spread = ", ".join(f"{v} ({n})" for v, n in counts.most_common())
        for rec in sub.itertuples(index=False):
            value = getattr(rec, value_col)
            if tie or value != top:
                problems.append(
                    (
                        rec.trust_code,
                        f"trusts with {group_label} {group} have {value_label} {spread}; "
                        f"this one {value}",
                    )
                )
    return problems


def display_name_from_ods(name: str) -> str:
    """ODS names are upper case; make a readable fallback ("NHS" and small words kept right)."""
    small = {"and", "of", "the", "for", "in", "on", "upon", "at", "by", "with"}
    upper = {"NHS", "UK", "ICB", "NW", "NE"}
    words = []
    for i, word in enumerate(str(name).split()):
        if word.upper() in upper:
            words.append(word.upper())
        elif i > 0 and word.lower() in small:
            words.append(word.lower())
        else:
            words.append("-".join(p[:1].upper() + p[1:].lower() for p in word.split("-")))
    return " ".join(words)


def _check_trusts_frame(trusts: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in TRUSTS_REQUIRED if c not in trusts.columns]
    if missing:
        raise LeagueAtlasError(f"build_places: trusts table lacks column(s) {', '.join(missing)}")
    df = trusts.copy()
    for col in TRUSTS_REQUIRED:
        df[col] = df[col].fillna("").astype(str).str.strip()
    df["trust_code"] = df["trust_code"].str.upper()
    if (df["trust_code"] == "").any():
        raise LeagueAtlasError("build_places: a trust has an empty trust_code")
    dup = df.loc[df["trust_code"].duplicated(), "trust_code"]
    if not dup.empty:
        raise LeagueAtlasError(f"build_places: trust_code {dup.iloc[0]} appears more than once")
    return df.reset_index(drop=True)


# --- the stage ------------------------------------------------------------------------------


def _ods_facts(
    codes: list[str], ods: dict[str, pd.DataFrame], note: Callable[[str, str, str], None]
) -> tuple[list[dict], list[str]]:
    """ODS facts per trust (name, town, region, close date, ICBs) from the newest extract that
    lists it; a trust missing or closed in ODS is noted, since its place may be stale."""
    ods_idx = {sid: df.set_index("code") for sid, df in ods.items()}
    facts = []
    for code in codes:
        rec = {
            "trust_code": code,
            "ods_name": "",
            "town": "",
            "ods_region_code": "",
            "ods_close_date": "",
            "ods_icb23_code": "",
            "ods_icb26_code": "",
        }
        listing = next((sid for sid in ODS_SOURCES if code in ods_idx[sid].index), None)
        if listing is None:
            note(code, "not_in_ods", f"not in {' or '.join(ODS_SOURCES)}")
        else:
            row = ods_idx[listing].loc[code]
            rec.update(
                ods_name=row["name"],
                town=str(row["town"]).title(),
                ods_region_code=row["region_ods"],
                ods_close_date=row["close_date"],
            )
            if row["close_date"]:
                note(code, "closed_in_ods", f"{listing}: closed {row['close_date']}")
        if code in ods_idx[ODS_ICB23_SOURCE].index:
            rec["ods_icb23_code"] = ods_idx[ODS_ICB23_SOURCE].at[code, "icb_ods"]
        if code in ods_idx[ODS_ICB26_SOURCE].index:
            rec["ods_icb26_code"] = ods_idx[ODS_ICB26_SOURCE].at[code, "icb_ods"]
        facts.append(rec)
    fact_columns = ["trust_code", "ods_name", "town", "ods_region_code", "ods_close_date"]
    fact_columns += ["ods_icb23_code", "ods_icb26_code"]
    return facts, fact_columns


def _spatial_joins(
    table: pd.DataFrame,
    field_layers: dict,
    nearest_max_m: float,
    note: Callable[[str, str, str], None],
) -> None:
    """Join each located trust to every layer (in place), noting nearest-polygon fallbacks,
    misses and overlaps so each approximate join can be checked."""
    has_point = table["lat"].notna()
    points = gpd.GeoDataFrame(
        table.loc[has_point, ["trust_code"]],
        geometry=gpd.points_from_xy(table.loc[has_point, "lon"], table.loc[has_point, "lat"]),
        crs=WGS84,
    )
    join_notes: dict[int, list[str]] = {i: [] for i in table.index}
    for field, (spec, gdf) in field_layers.items():
        layer_id = spec.id
        limit = min(nearest_max_m, spec.nearest_max_m)
        table[f"{field}_code"] = pd.Series(np.nan, index=table.index, dtype=object)
        table[f"{field}_name"] = pd.Series(np.nan, index=table.index, dtype=object)
        if points.empty:
            continue
        joined = join_points(points, gdf, nearest_max_m=limit)
        ok = joined["code"].notna()
        table.loc[joined.index[ok], f"{field}_code"] = joined.loc[ok, "code"]
        table.loc[joined.index[ok], f"{field}_name"] = joined.loc[ok, "name"]
        for idx, rec in joined.iterrows():
            code = table.at[idx, "trust_code"]
            if rec["how"] == "nearest":
                msg = (
                    f"outside every {layer_id} polygon; nearest {rec['code']} {rec['name']} "
                    f"at {rec['distance_m']:.0f} m"
                )
                note(code, f"nearest_{field}", msg)
                join_notes[idx].append(f"{field}: nearest at {rec['distance_m']:.0f} m")
            elif rec["how"] != "within":
                note(
                    code,
                    f"no_{field}",
                    f"outside every {layer_id} polygon; nearest {rec['nearest_code']} at "
                    f"{rec['distance_m']:.0f} m (limit {limit:.0f} m)",
                )
            if rec["also"]:
                note(
                    code,
                    f"overlap_{field}",
                    f"inside {layer_id} areas {rec['code']} and {rec['also'].replace(';', ', ')} "
                    f"(they overlap); assigned to {rec['code']}, the lowest code",
                )
    for rec in table[~has_point].itertuples(index=False):
        for field in field_layers:
            note(rec.trust_code, f"no_{field}", "not located")
    table["join_notes"] = ["; ".join(join_notes[i]) for i in table.index]


def _check_regions(
    table: pd.DataFrame,
    crosswalk: pd.DataFrame,
    icb_gss: dict[str, str],
    note: Callable[[str, str, str], None],
) -> None:
    """Note where the located region or ICB disagrees with ODS or the NOF region label, so a
    misplaced trust shows up in the report rather than on the map."""
    # Region: ODS Y-code and the NOF label, both through the crosswalk.
    checks = (
        ("ods_region_code", registry.region_code_for_ods, "ods_region", "region_vs_ods", "ODS region", str),
        ("region_label", registry.region_code_for_label, "region_label", "region_vs_nof", "NOF region", repr),
    )  # fmt: skip
    for rec in table.itertuples(index=False):
        for field, lookup, unknown, kind, source, shown in checks:
            given = getattr(rec, field)
            if not given:
                continue
            try:
                want = lookup(given, crosswalk)
            except LeagueAtlasError as exc:
                note(rec.trust_code, f"unknown_{unknown}", str(exc))
                continue
            if pd.notna(rec.region_code) and want != rec.region_code:
                note(
                    rec.trust_code,
                    kind,
                    f"located in {rec.region_code} {rec.region_name}; {source} {shown(given)} = {want}",
                )
        # 2023 ICB: identity through the ONS ODS->GSS lookups.
        if rec.ods_icb23_code:
            want = icb_gss.get(rec.ods_icb23_code.upper())
            if want is None:
                note(
                    rec.trust_code,
                    "unknown_ods_icb23",
                    f"{ODS_ICB23_SOURCE} ICB code {rec.ods_icb23_code} is not in "
                    f"{' or '.join(ICB_LOOKUP_SOURCES)}",
                )
            elif pd.notna(rec.icb23_code) and want != rec.icb23_code:
                note(
                    rec.trust_code,
                    "icb23_vs_ods",
                    f"located in {rec.icb23_code} {rec.icb23_name}; {ODS_ICB23_SOURCE} ICB "
                    f"{rec.ods_icb23_code} = {want}",
                )
    # 2026 ICB: consistency both ways (no published ODS->GSS lookup for the 2026 codes).
    for code, detail in _consistency(
        table, "ods_icb26_code", "icb26_code", f"{ODS_ICB26_SOURCE} ICB code", "ICB26 polygon"
    ):
        note(code, "icb26_inconsistent", detail)
    for code, detail in _consistency(
        table, "icb26_code", "ods_icb26_code", "ICB26 polygon", f"{ODS_ICB26_SOURCE} ICB code"
    ):
        note(code, "icb26_inconsistent", detail)


def _trust_table(table: pd.DataFrame, field_layers: dict) -> pd.DataFrame:
    """The stored trust table: schema columns, ODS extras and extra layers, in stable types."""
    table["n_nhs_sites"] = table["n_nhs_sites"].fillna(0).astype(int)
    table["n_independent_sites"] = table["n_independent_sites"].fillna(0).astype(int)
    layer_columns = [
        f"{field}_{part}"
        for field in field_layers
        if field not in JOIN_FIELDS
        for part in ("code", "name")
    ]
    for col in TRUST_COLUMNS + EXTRA_COLUMNS:
        if col not in table.columns:
            table[col] = np.nan
    out = table[TRUST_COLUMNS + EXTRA_COLUMNS + layer_columns].copy()
    out["location_approximate"] = out["located_by"].isin(APPROXIMATE)
    out["lat"] = out["lat"].astype(float)
    out["lon"] = out["lon"].astype(float)
    for field in field_layers:
        for col in (f"{field}_code", f"{field}_name"):
            out[col] = out[col].astype(str)
    return out


def build_places(
    data_dir: Path,
    trusts: pd.DataFrame,
    layers: dict[str, gpd.GeoDataFrame],
    *,
    nearest_max_m: float = 5_000.0,
    specs: dict[str, LayerSpec] | None = None,
    crosswalk: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Locate and join every trust; return (trust table, report).

    The trust table has schema.TRUST_COLUMNS then EXTRA_COLUMNS (ODS facts used by the checks).
    The report has one row per trust that could not be located or joined, per nearest-polygon
    fallback, and per disagreement with ODS or the NOF region label (columns REPORT_COLUMNS).
    """
    specs = specs if specs is not None else registry.load_layers_spec()
    crosswalk = crosswalk if crosswalk is not None else registry.region_crosswalk()
    field_layers = _field_layers(layers, specs)
    base = _check_trusts_frame(trusts)
    codes = base["trust_code"].tolist()

    ods = {sid: read_ods_trusts(raw_file(data_dir, sid)) for sid in ODS_SOURCES}
    nspl = read_nspl(raw_file(data_dir, NSPL_SOURCE))
    sites = read_hospital_sites(raw_file(data_dir, HOSPITALS_SOURCE))
    icb_gss = read_icb_ods_to_gss(data_dir)

    report: list[dict] = []
    names = dict(zip(base["trust_code"], base["trust_name"], strict=True))

    def note(code: str, issue: str, detail: str) -> None:
        report.append(
            {
                "trust_code": code,
                "trust_name": names.get(code, ""),
                "issue": issue,
                "detail": detail,
            }
        )

    facts, fact_columns = _ods_facts(codes, ods, note)
    table = base.merge(pd.DataFrame(facts, columns=fact_columns), on="trust_code", how="left")
    empty_name = table["trust_name"] == ""
    table.loc[empty_name, "trust_name"] = table.loc[empty_name, "ods_name"].map(
        display_name_from_ods
    )
    names.update(dict(zip(table["trust_code"], table["trust_name"], strict=True)))

    located = locate_trusts(codes, [ods[sid] for sid in ODS_SOURCES], nspl, sites)
    table = table.merge(located, on="trust_code", how="left")
    _approximate_places(table, field_layers, icb_gss, crosswalk, specs)
    for rec in table[table["located_by"] == "unlocated"].itertuples(index=False):
        pc = (
            f"HQ postcode {rec.postcode} not in the NSPL subset"
            if rec.postcode
            else "no HQ postcode"
        )
        note(rec.trust_code, "unlocated", f"{pc}; no hospital site with this parent code")
    for rec in table[table["located_by"].isin(APPROXIMATE)].itertuples(index=False):
        note(rec.trust_code, "approximate_location", rec.location_detail)

    _spatial_joins(table, field_layers, nearest_max_m, note)

    _check_regions(table, crosswalk, icb_gss, note)

    _region_of_record(table, crosswalk, note)

    out = _trust_table(table, field_layers)
    rep = pd.DataFrame(report, columns=REPORT_COLUMNS)
    return out, rep


def _centroid_in(geom, crs) -> tuple[float, float]:
    """(lat, lon) of a polygon's centroid on the National Grid, or a point inside it when the
    centroid falls outside (a concave or multi-part shape)."""
    g = gpd.GeoSeries([geom], crs=crs).to_crs(BNG)
    c = g.centroid.iloc[0]
    if not g.iloc[0].contains(c):
        c = g.representative_point().iloc[0]
    lat, lon = bng_to_wgs84([c.x], [c.y])
    return float(lat[0]), float(lon[0])


def _approximate_places(table, field_layers, icb_gss, crosswalk, specs) -> None:
    """Place the still-unlocated trusts at the centroid of their ODS 2023 ICB, else of their
    region of record, marked approximate (module doc, rule 4)."""
    todo = table.index[table["located_by"] == "unlocated"]
    if not len(todo):
        return
    _, icbs = field_layers["icb23"]
    _, regions = field_layers["region"]
    for i in todo:
        ods_icb = str(table.at[i, "ods_icb23_code"] or "").upper()
        gss = icb_gss.get(ods_icb)
        hit = icbs[icbs["code"] == gss] if gss else icbs.iloc[0:0]
        if len(hit):
            lat, lon = _centroid_in(hit.geometry.iloc[0], icbs.crs)
            how = "approx_icb_centroid"
            detail = (
                f"APPROXIMATE: centroid of its ODS ICB {ods_icb} = {gss} {hit['name'].iloc[0]} "
                "(no postcode or hospital site places it)"
            )
        else:
            region = _record_region_code(table.loc[i], crosswalk)
            hit = regions[regions["code"] == region] if region else regions.iloc[0:0]
            if not len(hit):
                continue
            lat, lon = _centroid_in(hit.geometry.iloc[0], regions.crs)
            how = "approx_region_centroid"
            detail = (
                f"APPROXIMATE: centroid of its NHS region {region} {hit['name'].iloc[0]} "
                "(no postcode, hospital site or ICB places it)"
            )
        pc = table.at[i, "postcode"]
        table.loc[i, ["lat", "lon", "located_by"]] = [lat, lon, how]
        table.at[i, "location_detail"] = detail + (
            f"; HQ postcode {pc} not in the NSPL subset" if pc else ""
        )


def _record_region_code(rec: pd.Series, crosswalk: pd.DataFrame) -> str:
    """NHS England's region for a trust: the release's Region label, else its ODS region."""
    for getter, value in (
        (registry.region_code_for_label, rec.get("region_label")),
        (registry.region_code_for_ods, rec.get("ods_region_code")),
    ):
        if value:
            try:
                return getter(value, crosswalk)
            except LeagueAtlasError:
                continue
    return ""


def _region_of_record(table: pd.DataFrame, crosswalk: pd.DataFrame, note) -> None:
    """Make region_code/region_name NHS England's region of record; keep the spatial join's as
    located_region_*; report every trust where the two differ."""
    names = dict(zip(crosswalk["region_code"], crosswalk["region_name"], strict=True))
    table["located_region_code"] = table["region_code"]
    table["located_region_name"] = table["region_name"]
    codes, sources = [], []
    for _, rec in table.iterrows():
        source = ""
        code = ""
        if rec["region_label"]:
            try:
                code, source = (
                    registry.region_code_for_label(rec["region_label"], crosswalk),
                    "release",
                )
            except LeagueAtlasError:
                code = ""
        if not code and rec["ods_region_code"]:
            try:
                code, source = (
                    registry.region_code_for_ods(rec["ods_region_code"], crosswalk),
                    "ods",
                )
            except LeagueAtlasError:
                code = ""
        if not code and pd.notna(rec["located_region_code"]):
            code, source = rec["located_region_code"], "located"
        codes.append(code or np.nan)
        sources.append(source)
    table["region_code"] = codes
    table["region_name"] = [names.get(c, np.nan) if isinstance(c, str) else np.nan for c in codes]
    table["region_source"] = sources
    differs = (
        table["region_code"].notna()
        & table["located_region_code"].notna()
        & (table["region_code"] != table["located_region_code"])
    )
    for rec in table[differs].itertuples(index=False):
        where = "the release's Region" if rec.region_source == "release" else "ODS"
        note(
            rec.trust_code,
            "region_of_record_vs_located",
            f"NHS England's region ({where}) is {rec.region_code} {rec.region_name}; its point "
            f"({rec.located_by}) is in {rec.located_region_code} {rec.located_region_name}. "
            "Regional figures use NHS England's; area maps use the point's.",
        )


def fully_joined(table: pd.DataFrame) -> pd.Series:
    """True where a trust has a point, a region, both ICBs and a local authority."""
    cols = ["lat", "lon"] + [f"{f}_code" for f in JOIN_FIELDS]
    return table[cols].notna().all(axis=1)


def summary(report: pd.DataFrame, trusts: pd.DataFrame | None = None) -> str:
    """Build-report text: counts by location rule, fully joined, issues by type, every issue row."""
    lines = []
    if trusts is not None:
        counts = trusts["located_by"].value_counts()
        lines.append(
            f"places: {len(trusts)} trusts; {int(fully_joined(trusts).sum())} fully joined "
            "(point, region, ICB 2023, ICB 2026, LAD)"
        )
        lines.append(
            "  located by: "
            + ", ".join(f"{rule} {int(counts.get(rule, 0))}" for rule in LOCATED_BY)
        )
        lines.extend("  " + line for line in unjoined_lines(trusts))
    if report.empty:
        lines.append("  no issues")
        return "\n".join(lines)
    lines.append(
        "  issues: "
        + ", ".join(
            f"{issue} {n}" for issue, n in report["issue"].value_counts().sort_index().items()
        )
    )
    for rec in report.sort_values(["issue", "trust_code"]).itertuples(index=False):
        lines.append(f"  {rec.issue}: {rec.trust_code} {rec.trust_name}: {rec.detail}")
    return "\n".join(lines)


def area_fields(trusts: pd.DataFrame) -> list[str]:
    """The layer fields a trust table carries (each has <field>_code and <field>_name)."""
    return [
        c.removesuffix("_code")
        for c in trusts.columns
        if c.endswith("_code") and c != "trust_code" and f"{c.removesuffix('_code')}_name" in trusts
    ]


def unjoined(trusts: pd.DataFrame, field: str) -> pd.DataFrame:
    """Trusts that fell in no area of a layer (a national trust outside a local footprint...)."""
    code = trusts[f"{field}_code"]
    missing = code.isna() | (code.astype("string").str.strip() == "")
    return trusts.loc[missing, ["trust_code", "trust_name"]].sort_values("trust_name")


def unjoined_lines(trusts: pd.DataFrame, fields: list[str] | None = None) -> list[str]:
    """Per layer: how many trusts fell in no area, listed by name (the join report)."""
    lines = []
    for field in fields if fields is not None else area_fields(trusts):
        out = unjoined(trusts, field)
        if out.empty:
            lines.append(f"{field}: every trust ({len(trusts)}) in an area")
        else:
            names = ", ".join(
                f"{n} ({c})" for c, n in zip(out["trust_code"], out["trust_name"], strict=False)
            )
            lines.append(f"{field}: {len(out)} of {len(trusts)} trusts in no area: {names}")
    return lines
