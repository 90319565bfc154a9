"""League Atlas UI components: Streamlit code kept out of the domain package `league_atlas`."""
