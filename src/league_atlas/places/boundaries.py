"""Boundary layers: load the ONS polygons named in geo/layers.toml, check them, simplify for the web.

Every layer leaves here in EPSG:4326 with exactly `code`, `name`, `geometry`, so the joins, the map
and the store never care which vintage's column names a source used. The checks (CRS, feature
count, code pattern, uniqueness) catch a wrong or truncated download before a trust is placed in it.
Simplification treats each layer as a coverage, so neighbouring areas keep one shared border
instead of drifting into gaps and overlaps.
"""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import shapely

from league_atlas.errors import InputError
from league_atlas.io import atomic
from league_atlas.io.sources import raw_file
from league_atlas.places import registry
from league_atlas.places.registry import LayerSpec

WGS84 = "EPSG:4326"
BRITISH_NATIONAL_GRID = "EPSG:27700"
LAYER_COLUMNS = ["code", "name", "geometry"]
_POLYGONAL = {"Polygon", "MultiPolygon"}


def _polygonal_part(geom: shapely.Geometry) -> shapely.Geometry:
    """Keep only the area of a repaired geometry (make_valid can add stray lines or points)."""
    if geom.geom_type in _POLYGONAL:
        return geom
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in _POLYGONAL]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def check_layer(gdf: gpd.GeoDataFrame, spec: LayerSpec, where: str) -> gpd.GeoDataFrame:
    """Check a layer read from `where` against its spec; return it as code/name/geometry in WGS84.

    Raises InputError naming the file and what was expected. Invalid rings (the 2024 LAD file has
    two self-intersections) are repaired with make_valid and counted in `attrs["repaired"]`.
    """
    for col, key in ((spec.code_column, "code_column"), (spec.name_column, "name_column")):
        if col not in gdf.columns:
            raise InputError(
                where,
                f"no column {col!r} (layer {spec.id}, {key} in geo/{registry.LAYERS_FILE})",
                expected="one of " + ", ".join(map(str, gdf.columns)),
            )
    if gdf.crs is None:
        raise InputError(where, f"layer {spec.id} has no CRS", expected="a CRS, e.g. EPSG:4326")
    out = gpd.GeoDataFrame(
        {
            "code": gdf[spec.code_column].astype(str).str.strip(),
            "name": gdf[spec.name_column].astype(str).str.strip(),
        },
        geometry=gdf.geometry.values,
        crs=gdf.crs,
    )
    if out["code"].isna().any():
        row = int(out.index[out["code"].isna()][0])
        raise InputError(where, f"feature {row} has no code", column=spec.code_column)
    if spec.code_prefix:
        out = out[out["code"].str.startswith(spec.code_prefix)]
    bad = out.loc[~out["code"].map(lambda c: bool(re.fullmatch(spec.code_pattern, c))), "code"]
    if not bad.empty:
        raise InputError(
            where,
            f"layer {spec.id}: code(s) {', '.join(bad.head(5))} do not match",
            column=spec.code_column,
            expected=f"pattern {spec.code_pattern}",
        )
    dup = out.loc[out["code"].duplicated(), "code"]
    if not dup.empty:
        raise InputError(
            where,
            f"layer {spec.id}: code(s) {', '.join(dup.unique()[:5])} appear more than once",
            column=spec.code_column,
            expected="one feature per code",
        )
    if len(out) != spec.expected_count:
        filt = f" with codes starting {spec.code_prefix!r}" if spec.code_prefix else ""
        raise InputError(
            where,
            f"layer {spec.id}: {len(out)} features{filt}",
            expected=f"{spec.expected_count} (expected_count in geo/{registry.LAYERS_FILE})",
        )
    if (out["name"].isna() | (out["name"] == "")).any():
        code = out.loc[out["name"].isna() | (out["name"] == ""), "code"].iloc[0]
        raise InputError(where, f"layer {spec.id}: {code} has no name", column=spec.name_column)
    types = set(out.geom_type.dropna())
    if out.geometry.isna().any() or out.is_empty.any() or not types <= _POLYGONAL:
        raise InputError(
            where,
            f"layer {spec.id}: empty or non-polygon geometries ({', '.join(sorted(types))})",
            expected="Polygon or MultiPolygon for every feature",
        )
    invalid = ~out.is_valid
    if invalid.any():
        out.loc[invalid, "geometry"] = out.geometry[invalid].make_valid().map(_polygonal_part)
    if out.crs.to_epsg() != 4326:
        out = out.to_crs(WGS84)
    out = out.sort_values("code").reset_index(drop=True)
    out.attrs = {"layer_id": spec.id, "repaired": int(invalid.sum())}
    return out


def load_layer(data_dir: Path, spec: LayerSpec) -> gpd.GeoDataFrame:
    """Read one layer's fetched source file (DATA_DIR/raw/<source>/...) and check it."""
    path = raw_file(data_dir, spec.source)
    if not path.is_file():
        raise InputError(
            str(path),
            f"boundary file for layer {spec.id} not found",
            expected="fetched source (run `python -m league_atlas fetch`)",
        )
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise InputError(str(path), f"cannot read as a vector file: {exc}") from None
    return check_layer(gdf, spec, str(path))


def load_layers(
    data_dir: Path, specs: dict[str, LayerSpec] | None = None
) -> dict[str, gpd.GeoDataFrame]:
    """Every layer in geo/layers.toml at full resolution, checked, as code/name/geometry in WGS84."""
    specs = specs if specs is not None else registry.load_layers_spec()
    return {layer_id: load_layer(data_dir, spec) for layer_id, spec in specs.items()}


def simplify_for_web(
    gdf: gpd.GeoDataFrame,
    tolerance: float,
    precision: float,
    *,
    metric_crs: str = BRITISH_NATIONAL_GRID,
) -> gpd.GeoDataFrame:
    """A lighter copy for drawing: shared borders simplified once, coordinates rounded.

    `tolerance` is in metres: the coverage is simplified in `metric_crs` (British National Grid) so
    one tolerance means the same on the ground in Cornwall and Northumberland. `precision` is the
    grid in the layer's own units (degrees for WGS84) that coordinates are snapped to; both sides of
    a shared border hold the same vertices, so they snap to the same points and stay shared. If
    snapping would still break a valid coverage, a 10x finer grid is tried (up to 1000x); the grid
    used is in ``attrs["precision"]`` (0 when coordinates were left unrounded).
    """
    if gdf.crs is None:
        raise InputError("simplify_for_web", "layer has no CRS", expected="a CRS, e.g. EPSG:4326")
    out = gdf.copy()
    if tolerance > 0:
        metric = gdf.geometry.to_crs(metric_crs)
        out = out.set_geometry(metric.simplify_coverage(tolerance).to_crs(gdf.crs))
    used = 0.0
    if precision > 0:
        # Snapping can pinch a narrow inlet in one polygon and not its neighbour; if the layer was
        # a clean coverage and snapping breaks that, use a finer grid (at most three times).
        was_coverage = bool(shapely.coverage_is_valid(out.geometry.values))
        for step in range(4):
            grid = precision / 10**step
            snapped = out.geometry.set_precision(grid)
            if not was_coverage or shapely.coverage_is_valid(snapped.values):
                out, used = out.set_geometry(snapped), grid
                break
    out.attrs = {**gdf.attrs, "tolerance_m": tolerance, "precision": used}
    return out


def web_layers(
    layers: dict[str, gpd.GeoDataFrame], specs: dict[str, LayerSpec] | None = None
) -> dict[str, gpd.GeoDataFrame]:
    """Each layer simplified with the tolerance and precision its spec in geo/layers.toml gives."""
    specs = specs if specs is not None else registry.load_layers_spec()
    return {
        layer_id: simplify_for_web(gdf, specs[layer_id].tolerance_m, specs[layer_id].precision_deg)
        for layer_id, gdf in layers.items()
    }


def layer_path(folder: Path, layer_id: str) -> Path:
    """Where a layer's GeoParquet file lives in a boundaries folder."""
    return Path(folder) / f"{layer_id}.parquet"


def write_layers(layers: dict[str, gpd.GeoDataFrame], folder: Path) -> None:
    """Write each layer as GeoParquet `<folder>/<layer id>.parquet` (atomic per file)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for layer_id, gdf in layers.items():
        missing = [c for c in LAYER_COLUMNS if c not in gdf.columns]
        if missing:
            raise InputError(
                f"layer {layer_id}",
                f"missing column(s) {', '.join(missing)}",
                expected=", ".join(LAYER_COLUMNS),
            )
        frame = gpd.GeoDataFrame(gdf[LAYER_COLUMNS].copy(), geometry="geometry", crs=gdf.crs)
        frame.attrs = {}
        with atomic.atomic_path(layer_path(folder, layer_id)) as tmp:
            frame.to_parquet(tmp, index=False)


def read_layer(folder: Path, layer_id: str) -> gpd.GeoDataFrame:
    """Read a layer written by write_layers, checking it still has code, name and a CRS."""
    path = layer_path(folder, layer_id)
    if not path.is_file():
        present = sorted(p.stem for p in Path(folder).glob("*.parquet"))
        raise InputError(
            str(path),
            f"no boundary layer {layer_id!r}",
            expected="one of " + (", ".join(present) or "(none: build the store first)"),
        )
    try:
        gdf = gpd.read_parquet(path)
    except (ValueError, OSError) as exc:
        raise InputError(str(path), f"not a GeoParquet file: {exc}") from None
    missing = [c for c in LAYER_COLUMNS if c not in gdf.columns]
    if missing or gdf.crs is None:
        raise InputError(
            str(path),
            f"missing column(s) {missing} or CRS",
            expected="code, name, geometry with a CRS",
        )
    gdf.attrs = {"layer_id": layer_id}
    return gdf
