"""AppTest: focus view, trust profile, metric view and presenter mode on the made-up store."""

from __future__ import annotations

from league_atlas.views import presentation as ui


def test_focus_view_summarises_the_area(app):
    app.query_params.update({"level": "NHS region", "area": "London"})
    app.run()
    assert not app.exception
    text = " ".join(m.value for m in app.markdown)
    assert "London at a glance" in [e.label for e in app.expander]
    assert "has 3 of England's 7 acute trusts" in text
    table = app.dataframe[-1].value
    assert len(table) == 3  # the table behind the map follows the focus
    peers = app.dataframe[0].value
    assert list(peers.columns[:4]) == ["Trust", "ODS code", "Peer group (subtype)", "Rank"]
    assert len(peers) == 3 and (peers["Peers in England"] >= 1).all()


def test_profile_without_a_trust_asks_for_one(app):
    app.run()
    app.switch_page("pages/trusts/profile.py").run()
    assert not app.exception
    assert any("Choose a trust" in i.value for i in app.info)


def test_profile_of_a_trust_with_peers_and_comparison(app):
    app.query_params.update({"trust": "RBB"})
    app.run()
    app.switch_page("pages/trusts/profile.py").run()
    assert not app.exception
    assert app.header[0].value.startswith("Made-up Hospitals 2 NHS Trust (RBB)")
    subs = [s.value for s in app.subheader]
    assert {"Domain scores", "Each metric against the trust type", "Across quarters"} <= set(subs)
    assert any("Likely league position (95%" in m.value for m in app.markdown)
    assert not any("weight uncertainty only" in m.value for m in app.markdown)
    app.checkbox(key="profile_weight_layer").check().run()
    assert any("weight uncertainty only" in m.value for m in app.markdown)
    domains = app.dataframe[0].value
    assert "This trust" in domains.index and "Acute trusts median" in domains.index
    app.selectbox(key="compare").set_value("RAA").run()
    assert not app.exception
    assert "Made-up Hospitals 1 NHS Trust" in [s.value for s in app.subheader]
    metrics = [df.value for df in app.dataframe if "Metric rank (1 = best)" in df.value.columns][0]
    assert "Made-up Hospitals 1 NHS Trust value" in metrics.columns
    # No context proxies in the made-up store: an explicit empty state.
    assert any("No context proxies" in i.value for i in app.info)


def test_profile_search_by_hospital_selects_the_trust(app):
    app.run()
    app.switch_page("pages/trusts/profile.py").run()
    # A hospital the trust runs (NHS.UK sites in the store), through the one search.
    app.text_input(key="profile_find_query").set_value("Beta Outreach Clinic").run()
    assert not app.exception
    assert app.header[0].value.startswith("Made-up Hospitals 2 NHS Trust (RBB)")
    assert app.selectbox(key="trust").value == "RBB"
    # Another match chosen from the list replaces it.
    app.text_input(key="profile_find_query").set_value("RAA").run()
    assert app.selectbox(key="profile_find_pick").options == ["Made-up Hospitals 1 NHS Trust (RAA)"]
    assert app.header[0].value.startswith("Made-up Hospitals 1 NHS Trust (RAA)")


def test_metric_view_ranks_every_trust(app):
    app.run()
    app.switch_page("pages/explore/metric.py").run()
    assert not app.exception
    ids = app.selectbox(key="metric").options
    assert any(i.startswith("OF1003") for i in ids)
    app.selectbox(key="metric").set_value("OF1061").run()
    assert not app.exception
    table = app.dataframe[0].value
    assert list(table["Rank (1 = best)"]) == sorted(table["Rank (1 = best)"])
    assert len(table) == 7


def test_presenter_mode_from_link(app):
    app.query_params.update({"present": "1"})
    app.run()
    assert not app.exception
    assert app.toggle(key="present").value is True
    title = app.title[0].value
    assert "segment" in title and "Q1 2025/26" in title  # an active title computed from the data
    assert app.checkbox(key="labels").value is True  # S-labels: readable without a mouse
    leave = [b for b in app.button if b.label == "Leave presenter mode"][0]
    leave.click().run()
    assert app.toggle(key="present").value is False
    assert app.title[0].value.startswith(ui.TRUST_TYPE_LABELS["acute"])
