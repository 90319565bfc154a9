"""The smallest Streamlit round trip: one slider and one line of text (bench.live_latency's
reference for what any server-side weight change costs at best)."""

import streamlit as st

w = st.slider("Weight", 0.0, 3.0, 1.0, 0.25)
st.write(f"weight {w:.2f}")
