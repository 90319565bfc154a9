"""Your own areas: load a boundary file for this browser session, as `add-boundaries` would add it.

The file is checked and joined to the trusts with the same code as the command line, but is held in
this session only (pages/session_areas.py): other visitors never see it and the store is not touched.
Publishing a layer for everyone is the operator's job, with `add-boundaries` on the server.
"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from league_atlas.errors import LeagueAtlasError
from league_atlas.io import boundary_files
from league_atlas.places import own_areas
from league_atlas_ui import session_areas, shared

CLI = "python -m league_atlas add-boundaries FILE --id ID --name NAME [--code-column C] [--name-column N] [--layer L] [--crs EPSG:27700]"
TYPES = ["zip", "shp", "shx", "dbf", "prj", "cpg", "gpkg", "geojson", "json"]

store, _ = shared.page_context()
st.title("Your own areas")
st.write(
    "Load the areas you work in (places, PCN groupings, a collaborative's footprint) from a "
    "boundary file: a zipped shapefile, or the .shp with its .shx, .dbf and .prj together, a "
    "GeoPackage or GeoJSON, in any declared projection (British National Grid is reprojected). "
    "League Atlas checks the file, simplifies it for the web and places every trust in one of "
    "your areas; the layer is then a choice on the map, in the sidebar's Focus menu and on the "
    "Regional disparities page."
)
st.info(
    "A layer loaded here is for **this browser session only**: nobody else sees it, and it "
    "is gone when you close the tab. To publish a layer for every visitor, the person who runs "
    "this deployment adds it on the server:",
    icon=":material/lock:",
)
st.code(CLI, language=None, wrap_lines=True)  # plain and wrapped: readable, no scroll

done = st.session_state.pop("_own_done", None)
if done:
    st.success(
        f"Loaded {done['areas']} areas as '{done['name']}'. Choose it in the map's Boundaries "
        "menu or the sidebar's Focus menu.",
        icon=":material/check_circle:",
    )
    st.page_link("pages/explore/map.py", label="Open the map", icon=":material/map:")

ups = st.file_uploader(
    "Boundary file(s)",
    type=TYPES,
    accept_multiple_files=True,
    key="own_upload",
    help="One .zip, .gpkg or .geojson; or a .shp with its .shx and .dbf (and .prj) together.",
)
c1, c2 = st.columns(2)
name = c1.text_input("Name of the layer", key="own_name", placeholder="e.g. Our places")
default_id = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:24]
if default_id and not default_id[0].isalpha():
    default_id = f"a_{default_id}"[:24]
layer_id = c2.text_input(
    "Short id (letters, digits, _)",
    key="own_id",
    placeholder=default_id or "our_places",
    help="Names the layer in links; left empty, it is made from the name.",
)
with st.expander("Columns, layer and projection (only if the file needs them)"):
    d1, d2 = st.columns(2)
    code_col = d1.text_input("Code column", key="own_code", placeholder="e.g. PLACE23CD")
    name_col = d2.text_input("Name column", key="own_namecol", placeholder="e.g. PLACE23NM")
    d3, d4 = st.columns(2)
    gpkg_layer = d3.text_input("GeoPackage layer", key="own_layer")
    crs = d4.text_input("CRS, if the file declares none", key="own_crs", placeholder="EPSG:27700")

if st.button(
    "Check and load for this session",
    type="primary",
    disabled=not ups or not name.strip(),
    icon=":material/upload_file:",
    key="own_add",
):
    lid = (layer_id.strip() or default_id).lower()
    try:
        read = boundary_files.read_boundary_upload(
            {u.name: u.getvalue() for u in ups},
            layer=gpkg_layer.strip() or None,
            crs=crs.strip() or None,
        )
        own_areas.check_layer_id(lid, session_areas.all_layers(store), "Short id")
        area = own_areas.area_layer(
            read,
            lid,
            name.strip(),
            code_column=code_col.strip() or None,
            name_column=name_col.strip() or None,
            origin="session",
        )
        joins, join_lines = own_areas.join_trusts(store.trusts, area)
    except (LeagueAtlasError, ValueError, UnicodeError) as exc:
        st.error("This file was not loaded. The problem:", icon=":material/error:")
        st.code(str(exc), language=None, wrap_lines=True)
    else:
        session_areas.keep(area, joins, join_lines, store.path.name)
        st.session_state["_own_done"] = {"areas": len(area.areas), "name": area.spec.display_name}
        st.rerun()

mine = session_areas.session_layers()
if mine:
    st.header("Loaded in this session")
    for lid, spec in mine.items():
        item = session_areas.details(lid) or {}
        with st.container(border=True):
            st.markdown(f"**{spec.display_name}** (`{lid}`): {spec.expected_count} areas")
            for line in item.get("notes", []) + item.get("join", []):
                st.caption(line)
            st.button(
                "Remove from this session",
                key=f"own_drop_{lid}",
                on_click=session_areas.drop,
                args=(lid,),
                icon=":material/delete:",
            )

st.header("Layers published for everyone")
st.dataframe(
    pd.DataFrame(
        [
            {
                "Layer": spec.display_name,
                "Id": lid,
                "Areas": spec.expected_count,
                "Origin": "official" if spec.origin == "official" else "added by the operator",
            }
            for lid, spec in store.layers().items()
        ]
    ),
    hide_index=True,
    width="stretch",
)
