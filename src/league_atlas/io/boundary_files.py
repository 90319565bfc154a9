"""Read boundary files as commissioners hold them: shapefiles (loose or zipped), GeoPackages, GeoJSON.

Every reader returns a GeoDataFrame in EPSG:4326 with the file's own attribute columns, so the rest
of the package never cares which format or projection a file came in. What makes a file unusable
is refused with an `InputError` naming the file (and the zip member or layer), before anything is
stored: a shapefile without its .shx or .dbf, no CRS and none given, a CRS pyproj cannot use, a zip
with paths outside its folder or bigger unpacked than `max_unzipped_bytes`, more features than
`max_features`. The limits are settings (`LEAGUE_ATLAS_MAX_BOUNDARY_FEATURES`,
`LEAGUE_ATLAS_MAX_UNZIPPED_MB`) so a shared server cannot be made to unpack or draw without end.
"""

from __future__ import annotations

import stat
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import geopandas as gpd
import numpy as np
import pyogrio
import pyproj

from league_atlas import config
from league_atlas.errors import InputError

WGS84 = "EPSG:4326"
MAX_FEATURES_ENV = config.MAX_BOUNDARY_FEATURES_ENV
MAX_UNZIPPED_ENV = config.MAX_UNZIPPED_MB_ENV
MAX_ZIP_MEMBERS = 200
VECTOR_SUFFIXES = (".shp", ".gpkg", ".geojson", ".json")
READABLE_SUFFIXES = (*VECTOR_SUFFIXES, ".zip")
SHAPEFILE_REQUIRED = (".shx", ".dbf")
SHAPEFILE_SIDECARS = (".shx", ".dbf", ".prj", ".cpg", ".qmd", ".qix", ".sbn", ".sbx", ".xml")
FORMATS = {
    ".shp": "ESRI shapefile",
    ".gpkg": "GeoPackage",
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
}


def max_features() -> int:
    """The most features one boundary layer may have (a setting, see config)."""
    return config.max_boundary_features()


def max_unzipped_bytes() -> int:
    """The most bytes a zipped boundary file may unpack to (a setting, see config)."""
    return config.max_unzipped_bytes()


@dataclass
class BoundaryFile:
    """A boundary layer as read: features in WGS84 and how the file was understood."""

    frame: gpd.GeoDataFrame
    where: str  # the file (and zip member / layer) for messages
    format: str
    source_crs: str  # the CRS the coordinates were in, as pyproj names it
    crs_from: str  # "file" or "argument"
    layer: str = ""
    notes: list[str] = field(default_factory=list)


def _parse_crs(crs: str, where: str) -> pyproj.CRS:
    try:
        return pyproj.CRS.from_user_input(crs)
    except pyproj.exceptions.CRSError:
        raise InputError(
            where, f"unknown CRS {crs!r}", expected="a CRS pyproj knows, e.g. EPSG:27700"
        ) from None


def _check_shapefile(path: Path, where: str) -> None:
    present = {p.name.lower() for p in path.parent.iterdir()}
    missing = [s for s in SHAPEFILE_REQUIRED if (path.stem + s).lower() not in present]
    if missing:
        raise InputError(
            where,
            f"shapefile sidecar file(s) {', '.join(path.stem + s for s in missing)} missing",
            expected="the .shp with its .shx and .dbf (and .prj for the CRS) in one folder or zip",
        )
    prj = next(
        (p for p in path.parent.iterdir() if p.name.lower() == f"{path.stem}.prj".lower()), None
    )
    if prj is not None:
        try:
            pyproj.CRS.from_user_input(prj.read_text("utf-8", errors="replace"))
        except pyproj.exceptions.CRSError as exc:
            raise InputError(
                where,
                f"unknown CRS in {prj.name}: {exc}",
                expected="a .prj that names a known CRS, or no .prj and --crs EPSG:NNNN",
            ) from None


def _safe_extract(zip_path: Path, into: Path, where: str, limit: int) -> list[Path]:
    """Unpack a zip refusing absolute or '..' paths, links, too many members or too many bytes.

    The byte limit is enforced on what is actually written, not on the sizes the zip declares.
    """
    try:
        zf = zipfile.ZipFile(zip_path)
    except zipfile.BadZipFile:
        raise InputError(where, "not a readable zip file", expected="a .zip archive") from None
    out: list[Path] = []
    with zf:
        members = [m for m in zf.infolist() if not m.is_dir()]
        if len(members) > MAX_ZIP_MEMBERS:
            raise InputError(
                where, f"{len(members)} files in the zip", expected=f"at most {MAX_ZIP_MEMBERS}"
            )
        declared = sum(m.file_size for m in members)
        if declared > limit:
            raise InputError(
                where,
                f"unpacks to {declared:,} bytes",
                expected=f"at most {limit:,} bytes ({MAX_UNZIPPED_ENV})",
            )
        written = 0
        for m in members:
            name = m.filename.replace("\\", "/")
            parts = PurePosixPath(name).parts
            if name.startswith("/") or ".." in parts or (parts and ":" in parts[0]):
                raise InputError(
                    where,
                    f"zip member {m.filename!r} points outside the zip's folder",
                    expected="relative paths inside the archive",
                )
            if stat.S_ISLNK(m.external_attr >> 16):
                raise InputError(
                    where, f"zip member {m.filename!r} is a link", expected="plain files only"
                )
            if parts and parts[0] == "__MACOSX":
                continue
            target = into.joinpath(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(m) as src, open(target, "wb") as dst:
                while block := src.read(1 << 20):
                    written += len(block)
                    if written > limit:
                        raise InputError(
                            where,
                            f"unpacks to more than {limit:,} bytes",
                            expected=f"at most {limit:,} bytes ({MAX_UNZIPPED_ENV})",
                        )
                    dst.write(block)
            out.append(target)
    return out


def _pick_vector(files: list[Path], where: str, layer: str | None) -> tuple[Path, str | None]:
    """The one vector file inside an unpacked zip (a shapefile may be chosen by name with layer)."""
    vectors = [p for p in files if p.suffix.lower() in VECTOR_SUFFIXES]
    if not vectors:
        raise InputError(
            where,
            "no boundary file in the zip (found: "
            + (", ".join(sorted(p.name for p in files)[:10]) or "nothing")
            + ")",
            expected="a .shp (with .shx and .dbf), .gpkg or .geojson inside",
        )
    if len(vectors) == 1:
        return vectors[0], layer
    shapefiles = [p for p in vectors if p.suffix.lower() == ".shp"]
    if layer:
        chosen = [p for p in shapefiles if p.stem == layer]
        if len(chosen) == 1:
            return chosen[0], None
    raise InputError(
        where,
        "several boundary files in the zip: " + ", ".join(sorted(p.name for p in vectors)),
        expected="one, or --layer naming the shapefile (without .shp)",
    )


def _layer_name(path: Path, where: str, layer: str | None) -> str | None:
    """For multi-layer files (GeoPackage) the layer to read; a single layer needs no name."""
    try:
        layers = [str(row[0]) for row in pyogrio.list_layers(path)]
    except Exception as exc:  # pyogrio raises its own DataSourceError family
        raise InputError(where, f"cannot open as a vector file: {exc}") from None
    if not layers:
        raise InputError(where, "the file holds no layers", expected="one polygon layer")
    if layer is None or layer == "":
        if len(layers) > 1:
            raise InputError(
                where,
                f"{len(layers)} layers: {', '.join(layers)}",
                expected="--layer naming one of them",
            )
        return None
    if layer not in layers:
        raise InputError(where, f"no layer {layer!r}", expected="one of " + ", ".join(layers))
    return layer


def _read_vector(
    path: Path, where: str, *, layer: str | None, crs: str | None, limit: int
) -> BoundaryFile:
    suffix = path.suffix.lower()
    fmt = FORMATS.get(suffix)
    if fmt is None:
        raise InputError(
            where, f"unsupported file type {suffix!r}", expected=", ".join(READABLE_SUFFIXES)
        )
    if suffix == ".shp":
        _check_shapefile(path, where)
        if layer and layer != path.stem:
            raise InputError(
                where, f"no layer {layer!r}", expected=f"{path.stem} (a shapefile has one)"
            )
        layer = None
    chosen = _layer_name(path, where, layer)
    if chosen:
        where = f"{where} (layer {chosen})"
    try:
        info = pyogrio.read_info(path, layer=chosen)
    except Exception as exc:
        raise InputError(where, f"cannot read as a vector file: {exc}") from None
    n = int(info.get("features", -1))
    if n > limit:
        raise InputError(
            where, f"{n:,} features", expected=f"at most {limit:,} ({MAX_FEATURES_ENV})"
        )
    try:
        gdf = gpd.read_file(path, layer=chosen, engine="pyogrio")
    except Exception as exc:
        raise InputError(where, f"cannot read as a vector file: {exc}") from None
    if len(gdf) > limit:
        raise InputError(
            where, f"{len(gdf):,} features", expected=f"at most {limit:,} ({MAX_FEATURES_ENV})"
        )
    if len(gdf) == 0:
        raise InputError(where, "no features", expected="at least one area")
    return _to_wgs84(gdf, where, fmt, chosen or "", crs)


def _plausible(gdf: gpd.GeoDataFrame) -> bool:
    xmin, ymin, xmax, ymax = gdf.total_bounds
    return bool(
        np.isfinite([xmin, ymin, xmax, ymax]).all()
        and -180 <= xmin <= xmax <= 180
        and -90 <= ymin <= ymax <= 90
    )


def _to_wgs84(
    gdf: gpd.GeoDataFrame, where: str, fmt: str, layer: str, crs: str | None
) -> BoundaryFile:
    given = _parse_crs(crs, where) if crs else None
    declared = gdf.crs
    notes: list[str] = []
    crs_from = "file"
    if declared is None:
        if given is None:
            raise InputError(
                where,
                "no CRS declared (a shapefile needs its .prj)",
                expected="a file with a CRS, or --crs such as EPSG:27700",
            )
        gdf = gdf.set_crs(given)
        crs_from = "argument"
    elif given is not None and not given.equals(declared):
        # GeoJSON without a "crs" member is read as WGS84 by definition; metres in it mean the
        # writer forgot to declare the grid, and the given CRS is then what the coordinates are.
        if fmt == "GeoJSON" and declared.equals(pyproj.CRS(WGS84)) and not _plausible(gdf):
            gdf = gdf.set_crs(given, allow_override=True)
            crs_from = "argument"
            notes.append(f"coordinates are not degrees; read as {given.to_string()} (--crs)")
        else:
            raise InputError(
                where,
                f"the file declares {declared.to_string()} but {given.to_string()} was given",
                expected="no --crs, or the CRS the file declares",
            )
    source = gdf.crs
    if source.is_geographic and not _plausible(gdf):
        raise InputError(
            where,
            f"coordinates outside longitude/latitude range for {source.to_string()}",
            expected="degrees, or the right --crs (British National Grid files: EPSG:27700)",
        )
    try:
        out = gdf.to_crs(WGS84)
    except Exception as exc:  # pyproj refuses CRSs it cannot transform
        raise InputError(
            where,
            f"cannot reproject from {source.to_string()}: {exc}",
            expected="a CRS pyproj can transform to EPSG:4326",
        ) from None
    if not _plausible(out):
        raise InputError(
            where,
            f"coordinates do not land on the Earth after reprojecting from {source.to_string()}",
            expected="the CRS the coordinates are really in (--crs)",
        )
    name = source.to_epsg()
    return BoundaryFile(
        out,
        where,
        fmt,
        f"EPSG:{name}" if name else source.to_string(),
        crs_from,
        layer,
        notes,
    )


def read_boundary_file(
    path: Path,
    *,
    layer: str | None = None,
    crs: str | None = None,
    feature_limit: int | None = None,
    unzipped_limit: int | None = None,
    label: str | None = None,
) -> BoundaryFile:
    """Read a .shp (sidecars beside it), .zip (holding one of the others), .gpkg or .geojson.

    `layer` picks a GeoPackage layer (or a shapefile in a zip holding several); `crs` is used only
    when the file declares none. `label` is how messages name the file (an upload's own name).
    """
    path = Path(path)
    where = label or str(path)
    limit = feature_limit if feature_limit is not None else max_features()
    if not path.is_file():
        raise InputError(where, "file not found", expected="a boundary file")
    if path.suffix.lower() != ".zip":
        return _read_vector(path, where, layer=layer, crs=crs, limit=limit)
    zlimit = unzipped_limit if unzipped_limit is not None else max_unzipped_bytes()
    with tempfile.TemporaryDirectory(prefix="league-atlas-zip-") as tmp:
        files = _safe_extract(path, Path(tmp), where, zlimit)
        inner, inner_layer = _pick_vector(files, where, layer)
        member = inner.relative_to(tmp).as_posix()
        return _read_vector(inner, f"{where}!{member}", layer=inner_layer, crs=crs, limit=limit)


def read_boundary_upload(
    files: dict[str, bytes],
    *,
    layer: str | None = None,
    crs: str | None = None,
    feature_limit: int | None = None,
    unzipped_limit: int | None = None,
) -> BoundaryFile:
    """Read uploaded bytes (one .zip/.gpkg/.geojson, or a .shp with its sidecars) via a temp folder.

    Upload names are reduced to their base name, so a crafted name cannot write outside the folder.
    """
    if not files:
        raise InputError("upload", "no file", expected="a boundary file")
    with tempfile.TemporaryDirectory(prefix="league-atlas-upload-") as tmp:
        written: list[Path] = []
        for name, data in files.items():
            base = Path(str(name).replace("\\", "/")).name
            if not base or base.startswith("."):
                raise InputError(str(name), "not a usable file name", expected="e.g. areas.zip")
            target = Path(tmp) / base
            target.write_bytes(data)
            written.append(target)
        main = [p for p in written if p.suffix.lower() in READABLE_SUFFIXES]
        if len(main) != 1:
            names = ", ".join(sorted(p.name for p in written))
            raise InputError(
                names,
                "one boundary file expected"
                + (
                    f", got {len(main)}"
                    if main
                    else f"; no {'/'.join(READABLE_SUFFIXES)} among them"
                ),
                expected="one .zip, .gpkg or .geojson, or one .shp with its .shx, .dbf and .prj",
            )
        return read_boundary_file(
            main[0],
            layer=layer,
            crs=crs,
            feature_limit=feature_limit,
            unzipped_limit=unzipped_limit,
            label=main[0].name,
        )


def files_to_keep(path: Path) -> list[Path]:
    """The files that make up a boundary file on disk: a .shp with its sidecars, else the file."""
    path = Path(path)
    if path.suffix.lower() != ".shp":
        return [path]
    wanted = {(path.stem + s).lower() for s in SHAPEFILE_SIDECARS}
    return [path] + sorted(p for p in path.parent.iterdir() if p.name.lower() in wanted)
