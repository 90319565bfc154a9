// The live map component (Streamlit Components v2): the map drawn with deck.gl from the pydeck
// description Python sends, domain weight sliders and a ranked list beside it. Every slider step
// re-scores the league here (./scoring.js), recolours points and areas and rewrites the list;
// the weights go back to Python once, on release.
import { Deck, MapView, WebMercatorViewport } from '@deck.gl/core';
import { CollisionFilterExtension } from '@deck.gl/extensions';
import { GeoJsonLayer, ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import { choropleth, ordinal, rankChangeText, tooltipLines } from './view.js';
import { itemWeights, score, shownSegment } from './scoring.js';

const LAYER_TYPES = { GeoJsonLayer, ScatterplotLayer, TextLayer };
const EXTENSIONS = { CollisionFilterExtension };
const KEYBOARD_SETTLE_MS = 450;
const DIM = 0.3;
const instances = new WeakMap();

const esc = (s) =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

/** pydeck's "@@=" expressions (a field, a dotted path or a list of fields) as accessors. */
function accessor(expr) {
  const body = expr.slice(3).trim();
  if (body.startsWith('[')) {
    const fields = body.slice(1, -1).split(',').map((f) => f.trim());
    return (d) => fields.map((f) => d[f]);
  }
  const path = body.split('.');
  return (d) => path.reduce((o, k) => (o == null ? o : o[k]), d);
}

function convertProps(spec) {
  const props = {};
  for (const [k, v] of Object.entries(spec)) {
    if (k === '@@type') continue;
    if (typeof v === 'string' && v.startsWith('@@=')) props[k] = accessor(v);
    else if (k === 'extensions' && Array.isArray(v)) {
      props[k] = v.map((e) => new EXTENSIONS[e['@@type']]()).filter(Boolean);
    } else props[k] = v;
  }
  return props;
}

class LiveMap {
  constructor(parent) {
    this.parent = parent;
    this.frame = 0;
    this.version = 0;
    this.pendingFrame = false;
    this.committed = null;
    this.baseline = null;
    this.settleTimer = null;
    this.pointerDown = false;
    this.boundsKey = null;
    this.root = document.createElement('div');
    this.root.className = 'la-live';
    this.root.dataset.testid = 'live-map';
    this.root.setAttribute('data-testid', 'live-map');
    this.root.dataset.frame = '0';
    this.root.innerHTML = `
      <div class="la-live-map" role="img"></div>
      <div class="la-live-side">
        <div class="la-live-weights" role="group" aria-labelledby="la-live-wtitle">
          <h2 id="la-live-wtitle" class="la-live-h">Domain weights</h2>
          <p class="la-live-note">Drag or use the arrow keys: the map and ranking follow at once.</p>
          <div class="la-live-sliders"></div>
          <button type="button" class="la-live-reset">Official weights</button>
        </div>
        <h2 class="la-live-h" id="la-live-ltitle">Ranking</h2>
        <ol class="la-live-list" aria-labelledby="la-live-ltitle"></ol>
        <p class="la-live-status" role="status" aria-live="polite"></p>
      </div>`;
    parent.appendChild(this.root);
    this.mapEl = this.root.querySelector('.la-live-map');
    this.slidersEl = this.root.querySelector('.la-live-sliders');
    this.listEl = this.root.querySelector('.la-live-list');
    this.statusEl = this.root.querySelector('.la-live-status');
    this.root.querySelector('.la-live-reset').addEventListener('click', () => this.resetWeights());
    this.listEl.addEventListener('click', (e) => {
      const row = e.target.closest('[data-trust]');
      if (row && e.target.closest('button')) this.select(row.dataset.trust);
    });
    this.resize = new ResizeObserver(() => this.fit(false));
    this.resize.observe(this.mapEl);
  }

  setCallbacks(setStateValue, setTriggerValue) {
    this.setStateValue = setStateValue;
    this.setTriggerValue = setTriggerValue;
  }

  // ------------------------------------------------------------ data from Python (once per view)

  update(data) {
    if (!data || !data.league) return;
    const sameView = this.data && JSON.stringify(this.data.deck) === JSON.stringify(data.deck);
    this.data = data;
    const L = data.league;
    this.index = new Map(L.trustCodes.map((c, i) => [c, i]));
    this.focus = new Set(data.focus);
    this.metricWeights = data.weights.metrics || {};
    this.method = data.method;
    if (!this.dragging()) {
      this.weights = { ...data.weights.domains };
      this.committed = JSON.stringify(this.weights);
    }
    this.buildSliders();
    this.mapEl.setAttribute(
      'aria-label',
      `Map of ${data.typeLabel.toLowerCase()} in ${data.where}, coloured by segment; ` +
        'the same data is in the ranking beside it and the table below.',
    );
    this.rescore();
    this.renderList();
    if (!sameView || !this.deck) this.buildLayers();
    this.draw(false);
    this.fit(false);
  }

  dragging() {
    return this.pointerDown || this.settleTimer !== null;
  }

  buildSliders() {
    const { spec } = this.data.weights;
    const domains = this.data.league.domains;
    const existing = [...this.slidersEl.querySelectorAll('input')].map((i) => i.dataset.domain);
    if (existing.join('\u0000') !== domains.join('\u0000')) {
      this.slidersEl.innerHTML = domains
        .map(
          (d, k) => `<div class="la-live-slider">
            <label for="la-live-w${k}">${esc(d)}</label>
            <input id="la-live-w${k}" type="range" data-domain="${esc(d)}" aria-label="${esc(d)}"
              min="${spec.min}" max="${spec.max}" step="${spec.step}" value="${spec.default}"
              title="${esc(spec.help)}">
            <output for="la-live-w${k}"></output></div>`,
        )
        .join('');
      for (const input of this.slidersEl.querySelectorAll('input')) this.wire(input);
    }
    for (const input of this.slidersEl.querySelectorAll('input')) {
      const v = this.weights[input.dataset.domain] ?? spec.default;
      if (document.activeElement !== input || !this.dragging()) input.value = String(v);
      this.showValue(input);
    }
  }

  showValue(input) {
    const out = input.parentElement.querySelector('output');
    const v = Number(input.value);
    out.textContent = `×${v.toFixed(2)}`;
    input.setAttribute('aria-valuetext', `weight ${v.toFixed(2)}${v === 1 ? ' (official)' : ''}`);
  }

  wire(input) {
    input.addEventListener('pointerdown', () => {
      this.pointerDown = true;
      this.startMove();
    });
    input.addEventListener('keydown', () => this.startMove());
    input.addEventListener('input', () => {
      this.startMove();
      this.weights[input.dataset.domain] = Number(input.value);
      this.showValue(input);
      this.live();
    });
    const release = () => {
      if (!this.pointerDown) return;
      this.pointerDown = false;
      this.commit();
    };
    input.addEventListener('pointerup', release);
    input.addEventListener('pointercancel', release);
    input.addEventListener('change', () => {
      if (this.pointerDown) return; // committed on pointerup
      clearTimeout(this.settleTimer);
      this.settleTimer = setTimeout(() => {
        this.settleTimer = null;
        this.commit();
      }, KEYBOARD_SETTLE_MS);
    });
  }

  startMove() {
    if (!this.baseline && this.result) this.baseline = Float64Array.from(this.result.rank);
  }

  // ------------------------------------------------------------ the live path (no server)

  live() {
    this.rescore();
    this.renderList();
    this.version += 1;
    this.pendingFrame = true;
    this.draw(true);
  }

  rescore() {
    const w = itemWeights(this.data.league, this.weights, this.metricWeights);
    if (!w.some((x) => x > 0)) w.fill(1); // all zero: nothing to weigh, show the official table
    this.result = score(this.data.league, w, this.method);
    this.areaFill = this.data.choropleth
      ? choropleth(this.data.choropleth, this.data.areaOf, this.result)
      : null;
    const L = this.data.league;
    const n = L.trustCodes.length;
    for (const d of this.points || []) {
      const i = this.index.get(d.trust_code);
      if (i !== undefined) Object.assign(d, tooltipLines(this.result, i, n, this.segStyle(i), L.publishedRank[i]));
    }
    for (const f of this.features || []) {
      const a = this.areaFill && this.areaFill.get(f.properties.code);
      if (a) f.properties.tt_l1 = a.text;
    }
  }

  segStyle(i) {
    const s = shownSegment(this.result, i);
    return this.data.segments[Number.isNaN(s) ? '0' : String(s)] || this.data.segments['0'];
  }

  commit() {
    clearTimeout(this.settleTimer);
    this.settleTimer = null;
    this.announce();
    const text = JSON.stringify(this.weights);
    if (text === this.committed) return;
    this.committed = text;
    this.commits = (this.commits || 0) + 1;
    this.setStateValue('weights', { domains: { ...this.weights }, n: this.commits });
  }

  resetWeights() {
    this.startMove();
    for (const d of this.data.league.domains) this.weights[d] = this.data.weights.spec.default;
    for (const input of this.slidersEl.querySelectorAll('input')) {
      input.value = String(this.data.weights.spec.default);
      this.showValue(input);
    }
    this.live();
    this.commit();
  }

  announce() {
    const before = this.baseline;
    this.baseline = null;
    if (!before) return;
    const L = this.data.league;
    const moved = [];
    for (let i = 0; i < L.trustCodes.length; i++) {
      const a = before[i];
      const b = this.result.rank[i];
      if (a !== b && !(Number.isNaN(a) && Number.isNaN(b))) moved.push(i);
    }
    if (!moved.length) {
      this.statusEl.textContent = 'No trust changed position.';
      return;
    }
    const sel = this.data.selected && this.index.get(this.data.selected);
    const inFocus = moved.filter((i) => this.focus.has(L.trustCodes[i]));
    const pool = inFocus.length ? inFocus : moved;
    const size = (i) => Math.abs((before[i] || 0) - (this.result.rank[i] || 0));
    const lead = moved.includes(sel) ? sel : pool.reduce((a, b) => (size(b) > size(a) ? b : a));
    const where = (r) => (Number.isNaN(r) ? 'unranked' : ordinal(r));
    const others = moved.length - 1;
    this.statusEl.textContent =
      `${this.data.names[lead]} moved from ${where(before[lead])} to ${where(this.result.rank[lead])}` +
      (others ? `; ${others} other trust${others > 1 ? 's' : ''} changed position.` : '.');
  }

  select(code) {
    if (code && this.setTriggerValue) this.setTriggerValue('select', code);
  }

  // ------------------------------------------------------------ ranked list (real text)

  renderList() {
    const L = this.data.league;
    const r = this.result;
    const rows = [];
    for (let i = 0; i < L.trustCodes.length; i++) {
      if (this.focus.has(L.trustCodes[i])) rows.push(i);
    }
    rows.sort((a, b) => {
      const ra = Number.isNaN(r.rank[a]) ? Infinity : r.rank[a];
      const rb = Number.isNaN(r.rank[b]) ? Infinity : r.rank[b];
      return ra - rb || (this.data.names[a] < this.data.names[b] ? -1 : 1);
    });
    const sel = this.data.selected;
    this.listEl.innerHTML = rows
      .map((i) => {
        const code = L.trustCodes[i];
        const st = this.segStyle(i);
        const chg = rankChangeText(r.rankChange[i]);
        const rank = Number.isNaN(r.rank[i]) ? '–' : String(r.rank[i]);
        return `<li data-trust="${esc(code)}"${code === sel ? ' aria-current="true"' : ''}>` +
          `<span class="la-r">${rank}</span>` +
          `<button type="button" class="la-n" title="Show details of ${esc(this.data.names[i])}">${esc(this.data.names[i])}</button>` +
          `<span class="la-s" style="background:rgb(${st.fill.slice(0, 3)});color:rgb(${st.line.slice(0, 3)})">${esc(st.label)}</span>` +
          `<span class="la-c" aria-label="rank change ${esc(chg || 'none')}">${esc(chg)}</span></li>`;
      })
      .join('');
  }

  // ------------------------------------------------------------ the map

  buildLayers() {
    const ids = this.data.layerIds;
    const specs = this.data.deck.layers || [];
    this.specs = specs.map((spec) => {
      const props = convertProps(spec);
      if (props.id === ids.trusts || props.id === ids.labels) {
        props.data = props.data.map((d) => ({ ...d }));
      }
      return { type: LAYER_TYPES[spec['@@type']], props };
    });
    const trusts = this.specs.find((s) => s.props.id === ids.trusts);
    this.points = trusts ? trusts.props.data : [];
    const labels = this.specs.find((s) => s.props.id === ids.labels);
    if (labels) labels.props.data = this.points;
    const bounds = this.specs.find((s) => s.props.id === ids.boundaries);
    this.features = bounds ? bounds.props.data.features : [];
    this.rescore();
  }

  layers() {
    const ids = this.data.layerIds;
    const v = this.version;
    const dim = (c, i) => {
      const code = this.data.league.trustCodes[i];
      return this.focus.has(code) ? c : [c[0], c[1], c[2], Math.round((c[3] ?? 255) * DIM)];
    };
    return this.specs.map(({ type, props }) => {
      const p = { ...props };
      if (p.id === ids.trusts) {
        const idx = (d) => this.index.get(d.trust_code);
        p.getFillColor = (d) => dim(this.segStyle(idx(d)).fill, idx(d));
        p.getLineColor = (d) => dim(this.segStyle(idx(d)).line, idx(d));
        p.getLineWidth = (d) => this.segStyle(idx(d)).lineWidth;
        p.getRadius = (d) => (shownSegment(this.result, idx(d)) === 5 ? 4200 : 3500);
        p.updateTriggers = { getFillColor: v, getLineColor: v, getLineWidth: v, getRadius: v };
      } else if (p.id === ids.labels) {
        p.getText = (d) => this.segStyle(this.index.get(d.trust_code)).label;
        // Labels that would overlap are dropped (the point keeps its colour and outline; the
        // ranked list and the table carry every segment as text): S5, then S4 first.
        p.data = this.labelsThatFit(props.data);
        p.updateTriggers = { getText: v };
      } else if (p.id === ids.boundaries && this.areaFill) {
        const base = props.getFillColor;
        p.getFillColor = (f) => {
          const a = this.areaFill.get(f.properties.code);
          return a ? a.fill : base(f);
        };
        p.updateTriggers = { getFillColor: v };
      }
      return new type(p);
    });
  }

  /**
   * Two stacked decks: the areas (boundaries, focus outline, area names) on a base canvas that is
   * redrawn only when they change (view, choropleth), the trusts on a transparent canvas above it.
   * A weight step then redraws only the trusts: in software WebGL, filling the area polygons is
   * most of a frame.
   */
  draw(weightsMoved = false) {
    if (!this.specs) return;
    const ids = this.data.layerIds;
    const all = this.layers();
    const base = all.filter((l) => this.isBase(l.id));
    const top = all.filter((l) => !this.isBase(l.id));
    const viewState = this.viewState || { ...this.data.deck.initialViewState };
    if (!this.deck) {
      this.viewState = viewState;
      // Our own canvases, in a fixed order: the trusts' canvas above the areas' one.
      const baseCanvas = document.createElement('canvas');
      baseCanvas.className = 'la-live-base';
      const topCanvas = document.createElement('canvas');
      topCanvas.className = 'la-live-top';
      for (const c of [baseCanvas, topCanvas]) {
        c.setAttribute('aria-hidden', 'true');
        this.mapEl.appendChild(c);
      }
      // The trusts' deck first, so its tooltip is the page's first .deck-tooltip.
      this.deck = new Deck({
        canvas: topCanvas,
        views: new MapView({ repeat: false }),
        controller: true,
        viewState,
        layers: top,
        onViewStateChange: ({ viewState: v }) => this.setView(v),
        getTooltip: (info) => this.tooltip(info),
        onClick: (info) => {
          if (info.object && info.layer && info.layer.id === ids.trusts) {
            this.select(info.object.trust_code);
          }
        },
        onAfterRender: () => {
          if (!this.pendingFrame) return;
          this.pendingFrame = false;
          this.frame += 1;
          this.root.dataset.frame = String(this.frame);
        },
      });
      this.base = new Deck({
        canvas: baseCanvas,
        views: new MapView({ repeat: false }),
        controller: false,
        viewState,
        layers: base,
      });
      return;
    }
    if (!weightsMoved || this.areaFill) this.base.setProps({ layers: base });
    this.deck.setProps({ layers: top });
  }

  isBase(id) {
    const ids = this.data.layerIds;
    return id === ids.boundaries || id === ids.focus || id === ids.areaLabels;
  }

  /** Greedy label placement: in priority order, keep a label only if its box is free. */
  labelsThatFit(points) {
    const { width, height } = this.mapEl.getBoundingClientRect();
    if (!this.viewState || width < 10) return points;
    const vp = new WebMercatorViewport({ ...this.viewState, width, height });
    const prio = (d) => {
      const seg = shownSegment(this.result, this.index.get(d.trust_code));
      return Number.isNaN(seg) ? 0 : seg;
    };
    const boxes = [];
    const kept = [];
    for (const d of [...points].sort((a, b) => prio(b) - prio(a))) {
      const [x, y] = vp.project([d.lon, d.lat]);
      const box = [x - 13, y - 25, x + 13, y - 7]; // the label sits 16 px above its point
      if (boxes.some((o) => box[0] < o[2] && o[0] < box[2] && box[1] < o[3] && o[1] < box[3])) continue;
      boxes.push(box);
      kept.push(d);
    }
    return kept;
  }

  setView(v) {
    this.viewState = v;
    if (!this.base) return;
    if (this.deck && this.specs.some((sp) => sp.props.id === this.data.layerIds.labels)) {
      this.deck.setProps({ viewState: v, layers: this.layers().filter((l) => !this.isBase(l.id)) });
      this.base.setProps({ viewState: v });
      return;
    }
    this.base.setProps({ viewState: v });
    this.deck.setProps({ viewState: v });
  }

  /** Tooltip of a trust, else of the area under the pointer (picked on the base deck). */
  areaTooltip(info) {
    if (!this.base || info.x < 0) return null;
    const hit = this.base.pickObject({ x: info.x, y: info.y, layerIds: [this.data.layerIds.boundaries] });
    return hit && hit.object ? this.tooltip({ object: hit.object }) : null;
  }

  tooltip({ object, x, y }) {
    if (!object) return x === undefined ? null : this.areaTooltip({ x, y });
    const src = object.properties || object;
    if (!src.tt_title) return null;
    const { html, style } = this.data.tooltip;
    return {
      html: html.replace(/\{(\w+)\}/g, (_, k) => esc(src[k] ?? '')),
      style,
    };
  }

  /** Frame the focus area whole, with padding (deck.gl fitBounds). */
  fit(force) {
    if (!this.deck || !this.data || !this.data.bounds) return;
    const { width, height } = this.mapEl.getBoundingClientRect();
    if (width < 50 || height < 50) return;
    const key = `${this.data.bounds.join(',')}|${Math.round(width)}x${Math.round(height)}`;
    if (!force && key === this.boundsKey) return;
    this.boundsKey = key;
    const [minx, miny, maxx, maxy] = this.data.bounds;
    const pad = Math.min(this.data.padding, width / 6, height / 6);
    const vp = new WebMercatorViewport({ width, height });
    const { longitude, latitude, zoom } = vp.fitBounds(
      [
        [minx, miny],
        [maxx, maxy],
      ],
      { padding: pad },
    );
    this.view = { longitude, latitude, zoom, pitch: 0, bearing: 0 };
    this.root.dataset.view = JSON.stringify(this.view);
    this.setView({ ...this.view });
  }

  destroy() {
    this.resize.disconnect();
    if (this.deck) this.deck.finalize();
    if (this.base) this.base.finalize();
    this.root.remove();
  }
}

export default function liveMap(component) {
  const { parentElement, data, setStateValue, setTriggerValue } = component;
  let inst = instances.get(parentElement);
  if (!inst) {
    inst = new LiveMap(parentElement);
    instances.set(parentElement, inst);
  }
  inst.setCallbacks(setStateValue, setTriggerValue);
  inst.update(data);
  return () => {
    // Streamlit may call this between two renders of the same element: keep the map unless the
    // element has really left the page.
    setTimeout(() => {
      if (!parentElement.isConnected && instances.get(parentElement) === inst) {
        inst.destroy();
        instances.delete(parentElement);
      }
    }, 1000);
  };
}
