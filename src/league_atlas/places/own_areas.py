"""Users' own areas: a boundary file checked, simplified and joined to every trust like an official layer.

Commissioners work in areas of their own (sub-ICB places, PCN groupings, a provider collaborative's
footprint) and hold them as shapefiles or GeoPackages. This module turns such a file (read by
`league_atlas.io.boundary_files`) into a layer the rest of the app treats like the official ones:
`code`, `name`, `geometry` in EPSG:4326, a `LayerSpec` with `origin` "added" (published with
`add-boundaries`) or "session" (one visitor's upload), and each trust's area.

What is checked, each failure naming the file, the feature or column and what was expected: the code
column exists (or is recognised, ONS style `XXXyyCD`) and is unique with no blanks; every geometry
is a non-empty polygon; invalid rings are repaired with make_valid and reported; overlapping areas
are reported, and a trust inside two areas goes to the lowest code (the same rule as every layer).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from league_atlas.config import raw_dir
from league_atlas.errors import InputError
from league_atlas.io import boundary_files
from league_atlas.places import boundaries, locate, registry
from league_atlas.places.registry import LayerSpec

ADDED_DIR = "boundaries"  # DATA_DIR/raw/boundaries/: files added with add-boundaries
ADDED_REGISTRY = "added.json"
ADDED_PRECISION_DEG = 0.00001
DEFAULT_NEAREST_M = 1_000.0
OVERLAP_REPORT_M2 = 10_000.0  # overlaps under a hectare are generalisation slivers, counted only
_ONS_CODE = re.compile(r"[A-Za-z]+\d{2}CD")
_POLYGONAL = {"Polygon", "MultiPolygon"}


# ---------------------------------------------------------------- raw side: what has been added


def added_dir(data_dir: Path) -> Path:
    return raw_dir(Path(data_dir)) / ADDED_DIR


def added_registry(data_dir: Path) -> list[dict]:
    """The old raw/boundaries/added.json (read only): stores built since keep their added layers
    inside the store version (store.writer.all_layer_specs reads them from there)."""
    path = added_dir(data_dir) / ADDED_REGISTRY
    if not path.is_file():
        return []
    try:
        entries = json.loads(path.read_text("utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(str(path), f"not valid JSON: {exc}") from None
    if not isinstance(entries, list):
        raise InputError(str(path), "not a list", expected="a JSON list of added layers")
    return entries


def added_specs(data_dir: Path) -> dict[str, LayerSpec]:
    """The added layers' specs, by id (build reads them beside geo/layers.toml)."""
    return {e["spec"]["id"]: registry.spec_from_record(e["spec"]) for e in added_registry(data_dir)}


# ---------------------------------------------------------------- checking a file's areas


def _columns(frame: gpd.GeoDataFrame) -> list[str]:
    return [str(c) for c in frame.columns if c != frame.geometry.name]


def choose_columns(
    frame: gpd.GeoDataFrame, where: str, code_column: str | None, name_column: str | None
) -> tuple[str, str | None]:
    """The code and name columns: as given, else the ONS pair (XXXyyCD / XXXyyNM), else code/name."""
    cols = _columns(frame)
    listed = "one of " + ", ".join(cols) if cols else "attribute columns (the file has none)"
    if code_column:
        if code_column not in cols:
            raise InputError(
                where, f"no column {code_column!r} for the area codes", expected=listed
            )
    else:
        ons = [c for c in cols if _ONS_CODE.fullmatch(c)]
        plain = [c for c in cols if c.lower() == "code"]
        guess = ons if len(ons) == 1 else plain
        if len(guess) != 1:
            raise InputError(
                where,
                "no code column given and none recognised"
                + (f" (candidates: {', '.join(ons)})" if len(ons) > 1 else ""),
                expected=f"--code-column, {listed}",
            )
        code_column = guess[0]
    if name_column:
        if name_column not in cols:
            raise InputError(
                where, f"no column {name_column!r} for the area names", expected=listed
            )
    else:
        pair = code_column[:-2] + "NM" if code_column.endswith("CD") else ""
        name_column = next(
            (c for c in cols if c == pair), next((c for c in cols if c.lower() == "name"), None)
        )
    return code_column, name_column


def _feature(i: int) -> str:
    return f"feature {i + 1}"


def check_areas(
    frame: gpd.GeoDataFrame, where: str, code_column: str, name_column: str | None
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """code/name/geometry (EPSG:4326, sorted by code) and notes on what was repaired or overlaps."""
    notes: list[str] = []
    raw_codes = frame[code_column]
    blank = raw_codes.isna() | (raw_codes.astype("string").str.strip() == "")
    if blank.any():
        rows = [_feature(i) for i in np.flatnonzero(blank.to_numpy())[:5]]
        raise InputError(
            where,
            f"{', '.join(rows)} ha{'s' if len(rows) == 1 else 've'} no code",
            column=code_column,
            expected="a code for every area",
        )
    codes = raw_codes.astype("string").str.strip()
    dup = codes[codes.duplicated(keep=False)]
    if not dup.empty:
        detail = "; ".join(
            f"{c} in {', '.join(_feature(i) for i in np.flatnonzero((codes == c).to_numpy()))}"
            for c in dup.unique()[:5]
        )
        raise InputError(
            where,
            f"codes are not unique: {detail}",
            column=code_column,
            expected="one feature per area code (dissolve the parts first)",
        )
    if name_column:
        names = frame[name_column].astype("string").str.strip().fillna("")
        names = names.where(names != "", codes)
    else:
        names = codes
        notes.append("no name column: areas are named by their codes")
    geoms = frame.geometry.reset_index(drop=True)
    codes = codes.reset_index(drop=True)
    empty = geoms.isna() | geoms.is_empty
    if empty.any():
        bad = [f"{codes[i]} ({_feature(i)})" for i in np.flatnonzero(empty.to_numpy())[:5]]
        raise InputError(
            where, f"no geometry for {', '.join(bad)}", expected="a polygon for every area"
        )
    types = geoms.geom_type
    wrong = ~types.isin(list(_POLYGONAL))
    if wrong.any():
        bad = [f"{codes[i]} is a {types[i]}" for i in np.flatnonzero(wrong.to_numpy())[:5]]
        raise InputError(
            where,
            f"non-polygon geometries: {', '.join(bad)}",
            expected="Polygon or MultiPolygon for every area (areas, not points or lines)",
        )
    out = gpd.GeoDataFrame(
        {"code": codes.astype(str), "name": names.reset_index(drop=True).astype(str)},
        geometry=geoms.values,
        crs=frame.crs,
    )
    invalid = ~out.is_valid
    if invalid.any():
        reasons = [
            f"{out['code'][i]} ({shapely.is_valid_reason(out.geometry[i])})"
            for i in np.flatnonzero(invalid.to_numpy())[:5]
        ]
        out.loc[invalid, "geometry"] = (
            out.geometry[invalid].make_valid().map(boundaries._polygonal_part)
        )
        gone = out.is_empty & invalid
        if gone.any():
            raise InputError(
                where,
                f"{', '.join(out.loc[gone, 'code'])}: no area left after repairing the geometry",
                expected="valid polygons",
            )
        notes.append(
            f"repaired {int(invalid.sum())} invalid geometr{'y' if invalid.sum() == 1 else 'ies'} "
            f"with make_valid: {', '.join(reasons)}" + (" ..." if invalid.sum() > 5 else "")
        )
    out = out.sort_values("code").reset_index(drop=True)
    notes.extend(overlap_notes(out))
    return out, notes


def overlap_notes(gdf: gpd.GeoDataFrame) -> list[str]:
    """Overlapping areas, largest first, with the rule that settles a trust inside two of them."""
    metric = gdf.to_crs(boundaries.BRITISH_NATIONAL_GRID)
    left, right = metric.sindex.query(metric.geometry, predicate="intersects")
    keep = left < right
    pairs = []
    slivers = 0
    for i, j in zip(left[keep], right[keep], strict=True):
        area = metric.geometry.iloc[i].intersection(metric.geometry.iloc[j]).area
        if area >= OVERLAP_REPORT_M2:
            pairs.append((area, gdf["code"].iloc[i], gdf["code"].iloc[j]))
        elif area > 0:
            slivers += 1
    notes = []
    if pairs:
        pairs.sort(reverse=True)
        shown = ", ".join(f"{a} and {b} ({area / 1e6:.2f} km²)" for area, a, b in pairs[:10])
        more = f" and {len(pairs) - 10} more" if len(pairs) > 10 else ""
        notes.append(
            f"{len(pairs)} pair(s) of areas overlap: {shown}{more}; a trust inside two areas is "
            "assigned to the one with the lowest code, and each such trust is listed"
        )
    if slivers:
        notes.append(f"{slivers} pair(s) of areas overlap by less than a hectare (ignored)")
    return notes


def choose_tolerance(gdf: gpd.GeoDataFrame) -> float:
    """Web simplification tolerance in metres: 1% of a typical area's width, 10 m to 500 m.

    Regions keep the 500 m the official layers use; a layer of small places is not flattened.
    """
    areas = gdf.to_crs(boundaries.BRITISH_NATIONAL_GRID).area
    width = math.sqrt(float(np.median(areas))) if len(areas) else 0.0
    return float(min(500.0, max(10.0, round(width / 100.0, -1))))


def simplify(gdf: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoDataFrame:
    """Coverage-preserving simplification when the areas form a clean coverage; otherwise each
    area on its own (simplify_coverage needs areas that share borders exactly)."""
    if shapely.coverage_is_valid(gdf.geometry.values):
        return boundaries.simplify_for_web(gdf, tolerance_m, ADDED_PRECISION_DEG)
    metric = gdf.geometry.to_crs(boundaries.BRITISH_NATIONAL_GRID)
    out = gdf.set_geometry(metric.simplify(tolerance_m, preserve_topology=True).to_crs(gdf.crs))
    out.attrs = {**gdf.attrs, "tolerance_m": tolerance_m, "precision": 0.0}
    return out


# ---------------------------------------------------------------- a whole layer


@dataclass
class AreaLayer:
    """A checked user layer: its spec, areas at full and web resolution, and what was noticed."""

    spec: LayerSpec
    areas: gpd.GeoDataFrame
    web: gpd.GeoDataFrame
    notes: list[str] = field(default_factory=list)
    source_crs: str = ""
    columns: tuple[str, str | None] = ("", None)


def make_spec(
    layer_id: str,
    name: str,
    *,
    code_column: str,
    name_column: str | None,
    count: int,
    tolerance_m: float,
    layer: str = "",
    crs: str = "",
    nearest_max_m: float = DEFAULT_NEAREST_M,
    origin: str = "added",
    file: str = "",
) -> LayerSpec:
    """The LayerSpec of a user layer (no code pattern or vintage is known, so none is claimed)."""
    return LayerSpec(
        id=layer_id,
        source="",
        code_column=code_column,
        name_column=name_column or code_column,
        display_name=name,
        vintage="",
        valid_from=dt.date.min,
        valid_to=None,
        code_pattern=".+",
        expected_count=count,
        trust_field=layer_id,
        tolerance_m=tolerance_m,
        precision_deg=ADDED_PRECISION_DEG,
        area_label=name,
        layer=layer,
        crs=crs,
        nearest_max_m=nearest_max_m,
        origin=origin,
        file=file,
    )


def check_layer_id(layer_id: str, taken: dict[str, LayerSpec], where: str = "--id") -> None:
    """A new layer's id must be a safe column stem and not name a layer (or field) already there."""
    registry.check_trust_field(layer_id, where)
    used = {s.trust_field: s.id for s in taken.values()} | {s.id: s.id for s in taken.values()}
    if layer_id in used:
        raise InputError(
            where,
            f"{layer_id!r} is already the layer {used[layer_id]}",
            expected="a new id (or --replace for a layer you added)",
        )


def area_layer(
    bf: boundary_files.BoundaryFile,
    layer_id: str,
    name: str,
    *,
    code_column: str | None = None,
    name_column: str | None = None,
    nearest_max_m: float = DEFAULT_NEAREST_M,
    origin: str = "added",
    file: str = "",
    tolerance_m: float | None = None,
) -> AreaLayer:
    """Check a read boundary file's areas and make it a layer (not yet joined to trusts)."""
    if not name.strip():
        raise InputError("--name", "empty", expected="a name for the layer, e.g. 'Our places'")
    code_col, name_col = choose_columns(bf.frame, bf.where, code_column, name_column)
    areas, notes = check_areas(bf.frame, bf.where, code_col, name_col)
    tol = choose_tolerance(areas) if tolerance_m is None else tolerance_m
    spec = make_spec(
        layer_id,
        name.strip(),
        code_column=code_col,
        name_column=name_col,
        count=len(areas),
        tolerance_m=tol,
        layer=bf.layer,
        crs=bf.source_crs if bf.crs_from == "argument" else "",
        nearest_max_m=nearest_max_m,
        origin=origin,
        file=file,
    )
    areas.attrs = {"layer_id": layer_id, "repaired": 0}
    web = simplify(areas, tol)
    return AreaLayer(spec, areas, web, [*bf.notes, *notes], bf.source_crs, (code_col, name_col))


def load_added(data_dir: Path, spec: LayerSpec) -> gpd.GeoDataFrame:
    """Re-read an added layer's stored file for a build (checked again: the file is input).

    `spec.file` is the file's path inside the store version being built; a relative one is a
    layer registered under the old raw/boundaries/ layout (read only)."""
    path = Path(spec.file) if Path(spec.file).is_absolute() else added_dir(data_dir) / spec.file
    bf = boundary_files.read_boundary_file(path, layer=spec.layer or None, crs=spec.crs or None)
    name_col = spec.name_column if spec.name_column != spec.code_column else None
    areas, _ = check_areas(bf.frame, bf.where, spec.code_column, name_col)
    areas.attrs = {"layer_id": spec.id, "repaired": 0}
    return areas


def join_trusts(trusts: pd.DataFrame, layer: AreaLayer) -> tuple[pd.DataFrame, list[str]]:
    """Each trust's area in the layer (columns trust_code, <id>_code, <id>_name) and report lines.

    Uses the same point-in-polygon join as the build (locate.join_points): within, else the nearest
    area within the layer's nearest_max_m; a trust inside two areas takes the lowest code.
    """
    field_ = layer.spec.trust_field
    out = pd.DataFrame({"trust_code": trusts["trust_code"].to_numpy()})
    out[f"{field_}_code"] = pd.Series(pd.NA, index=out.index, dtype="string")
    out[f"{field_}_name"] = pd.Series(pd.NA, index=out.index, dtype="string")
    lines: list[str] = []
    has = trusts["lat"].notna().to_numpy() & trusts["lon"].notna().to_numpy()
    points = gpd.GeoDataFrame(
        index=np.flatnonzero(has),
        geometry=gpd.points_from_xy(trusts["lon"].to_numpy()[has], trusts["lat"].to_numpy()[has]),
        crs=boundaries.WGS84,
    )
    if len(points):
        joined = locate.join_points(points, layer.areas, nearest_max_m=layer.spec.nearest_max_m)
        ok = joined["code"].notna()
        out.loc[joined.index[ok], f"{field_}_code"] = joined.loc[ok, "code"].astype(str)
        out.loc[joined.index[ok], f"{field_}_name"] = joined.loc[ok, "name"].astype(str)
        names = trusts["trust_name"].to_numpy()
        for idx, rec in joined.iterrows():
            if rec["how"] == "nearest":
                lines.append(
                    f"{names[idx]}: outside every area; nearest {rec['code']} {rec['name']} at "
                    f"{rec['distance_m']:.0f} m taken"
                )
            if rec["also"]:
                lines.append(
                    f"{names[idx]}: inside {rec['code']} and {rec['also'].replace(';', ', ')}; "
                    f"assigned to {rec['code']} (lowest code)"
                )
    table = (
        trusts[["trust_code", "trust_name"]]
        .reset_index(drop=True)
        .join(out.drop(columns="trust_code"))
    )
    lines.extend(locate.unjoined_lines(table, [field_]))
    return out, lines
