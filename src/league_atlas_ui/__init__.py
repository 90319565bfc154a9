"""League Atlas's Streamlit UI pieces: the shared sidebar, page helpers, charts and components.

This is UI code (it imports streamlit), kept apart from the domain package `league_atlas`, which
never does. The page scripts in `pages/` stay thin and call into both.
"""
