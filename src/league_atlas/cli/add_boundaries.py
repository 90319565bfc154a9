"""`add-boundaries FILE --id ID --name NAME`: add your own areas as a boundary layer.

FILE is a shapefile (.shp with its .shx, .dbf and .prj beside it, or a .zip holding them), a
GeoPackage (choose the layer with --layer) or GeoJSON. Any CRS the file declares is reprojected;
a file with none needs --crs. The areas are checked (codes unique, polygons, invalid rings repaired
and reported, overlaps reported), simplified for the web with shared borders kept, every trust is
joined to them, and the store is republished atomically: on any error nothing stored changes. The
layer is then a choice on every map, as a focus level, and in `regions --geography ID`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from league_atlas import config
from league_atlas.cli._common import add_data_dir
from league_atlas.places import own_areas
from league_atlas.store import writer


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "add-boundaries",
        help="add your own areas (shapefile, zip, GeoPackage, GeoJSON) as a boundary layer",
        description=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", type=Path, help=".shp, .zip, .gpkg, .geojson or .json")
    p.add_argument(
        "--id", required=True, dest="layer_id", help="layer id: lower-case letters, digits, _"
    )
    p.add_argument("--name", required=True, help="how the app labels the layer")
    p.add_argument("--code-column", help="column with each area's code (default: XXXyyCD or code)")
    p.add_argument("--name-column", help="column with each area's name (default: XXXyyNM or name)")
    p.add_argument("--layer", help="GeoPackage layer (or shapefile name in a zip of several)")
    p.add_argument("--crs", help="CRS of a file that declares none, e.g. EPSG:27700")
    p.add_argument(
        "--nearest-max-m",
        type=float,
        default=own_areas.DEFAULT_NEAREST_M,
        help="a trust outside every area takes the nearest one within this many metres "
        f"(generalised coastlines; default {own_areas.DEFAULT_NEAREST_M:.0f}, 0 = never)",
    )
    p.add_argument(
        "--replace", action="store_true", help="replace a layer added earlier under the same id"
    )
    add_data_dir(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.nearest_max_m < 0:
        print("error: --nearest-max-m must not be negative", file=sys.stderr)
        return 2
    data_dir = config.data_dir(args.data_dir)
    done = writer.add_boundaries(
        data_dir,
        args.file,
        layer_id=args.layer_id,
        name=args.name,
        code_column=args.code_column,
        name_column=args.name_column,
        layer=args.layer,
        crs=args.crs,
        nearest_max_m=args.nearest_max_m,
        replace=args.replace,
    )
    spec = done.spec
    print(
        f"added layer {spec.id} ({spec.display_name}): {spec.expected_count} areas from "
        f"{args.file.name}, codes {spec.code_column}, names {spec.name_column}; simplified at "
        f"{spec.tolerance_m:.0f} m; store {done.result.path.name}",
        file=sys.stderr,
    )
    for note in done.notes:
        print(f"note: {note}", file=sys.stderr)
    for line in done.join:
        print(f"join: {line}", file=sys.stderr)
    return 0
