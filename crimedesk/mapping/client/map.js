/* crimedesk map client: layers filled from Python (runJavaScript), events sent back (QWebChannel).
 * Every value that comes from data reaches the DOM through textContent, never as HTML (Leaflet's
 * layer control takes HTML: names are escaped for it), with its bidirectional controls shown as
 * visible marks (options.bidi, from crimedesk.domain.display_text). */
(function () {
  "use strict";
  const cd = {};
  const layers = {};
  const overlays = {};
  const overlayLegends = {};
  let legendSections = [];
  let map, drawn, control, legendBox, bridge = null;
  let regionLayerId = null;
  let bidiMarks = {}, bidiControls = null;

  /* Text from data as shown: bidirectional controls as visible marks. */
  function shown(value) {
    const text = String(value);
    return bidiControls ? text.replace(bidiControls, (c) => bidiMarks[c]) : text;
  }

  function el(tag, value, cls) {
    const node = document.createElement(tag);
    if (value !== undefined && value !== null) node.textContent = shown(value);
    if (cls) node.className = cls;
    return node;
  }

  /* A name for Leaflet's layer control, which sets it as innerHTML: escaped, so it shows as typed. */
  function controlName(name) {
    return el("span", name).innerHTML;
  }

  function send(method, ...args) {
    if (bridge) bridge[method](...args);
  }

  const CSS = ".cd-legend{background:#fff;padding:6px 8px;font:12px sans-serif;border-radius:4px;" +
    "box-shadow:0 0 4px rgba(0,0,0,.35);max-width:220px}.cd-legend-title{font-weight:bold;margin-top:3px}" +
    ".cd-swatch{display:inline-block;width:12px;height:12px;margin-right:6px;vertical-align:middle;" +
    "border:1px solid #555}.cd-legend:empty{display:none}";

  cd.init = function (leafletMap, options, drawnGroup) {
    bidiMarks = options.bidi;
    bidiControls = new RegExp("[" + Object.keys(bidiMarks).join("") + "]", "gu");
    document.head.appendChild(el("style", CSS));
    map = leafletMap;
    cd.map = map;
    drawn = drawnGroup;
    cd.options = options;
    layers.points = L.featureGroup();
    layers.clusters = L.markerClusterGroup();
    layers.heat = L.heatLayer([], { radius: 18, blur: 15, maxZoom: 16 });
    layers.heat.on("remove", cancelHeatFrame);
    layers.aggregates = L.featureGroup();
    layers.regions = L.featureGroup();
    const names = { regions: "Regions (choropleth)", aggregates: "Grid counts", points: "Incidents",
      clusters: "Clusters", heat: "Heat map" };
    control = L.control.layers(null, {}, { collapsed: false }).addTo(map);
    for (const key of Object.keys(names)) {
      control.addOverlay(layers[key], controlName(names[key]));
      if (options.visible.includes(key)) layers[key].addTo(map);
    }
    legendBox = L.control({ position: "bottomright" });
    legendBox.onAdd = () => L.DomUtil.create("div", "cd-legend");
    legendBox.addTo(map);
    map.on("draw:created", onDrawn);
    map.on("draw:deleted", () => send("shapeCleared"));
    map.on("moveend overlayadd overlayremove", () => send("viewChanged", JSON.stringify(cd.view())));
    map.on("overlayadd overlayremove", renderLegend);
    if (window.qt && window.qt.webChannelTransport) {
      new QWebChannel(window.qt.webChannelTransport, (channel) => {
        bridge = channel.objects.bridge;
        bridge.pageReady();
      });
    }
  };

  function onDrawn(e) {
    drawn.eachLayer((layer) => { if (layer !== e.layer) drawn.removeLayer(layer); });
    send("shapeDrawn", e.layerType, JSON.stringify(e.layer.toGeoJSON().geometry));
  }

  cd.view = function () {
    const c = map.getCenter();
    const visible = Object.keys(layers).filter((k) => map.hasLayer(layers[k]));
    return { lat: c.lat, lon: c.lng, zoom: map.getZoom(), visible: visible };
  };

  function marker(row) {
    const [id, lat, lon, color] = row;
    const m = L.circleMarker([lat, lon], { radius: 4, weight: 1, color: "#222", fillColor: color,
      fillOpacity: 0.85, incidentId: id });
    m.on("click", () => send("incidentClicked", id));
    return m;
  }

  /* rows: [[id, lat, lon, colour], ...]. Clusters are filled a chunk at a time (so the page stays
   * responsive) by our own loop, which a newer update stops: MarkerCluster's chunked loading went on
   * adding the previous filter's markers after clearLayers, and threw once its layer left the map. */
  let clusterFill = 0;
  const CLUSTER_CHUNK = 2000;
  cd.setPoints = function (rows) {
    const fill = ++clusterFill;
    layers.points.clearLayers();
    layers.clusters.clearLayers();
    rows.forEach((row) => layers.points.addLayer(marker(row)));
    const step = (offset) => {
      if (fill !== clusterFill || offset >= rows.length) return;
      layers.clusters.addLayers(rows.slice(offset, offset + CLUSTER_CHUNK).map(marker));
      setTimeout(() => step(offset + CLUSTER_CHUNK), 0);
    };
    step(0);
  };

  /* points: [[lat, lon, weight], ...]. Leaflet.heat redraws through its map, which it no longer has
   * once it was shown and taken off again: off the map the points and options are only kept, and
   * drawn when the layer comes back (onAdd redraws). */
  cd.setHeat = function (points, max) {
    const heat = layers.heat;
    if (map.hasLayer(heat)) {
      heat.setOptions({ max: max || 1 });
      heat.setLatLngs(points);
      return;
    }
    L.setOptions(heat, { max: max || 1 });
    if (heat._heat) heat._updateOptions();
    heat._latlngs = points;
  };

  function cancelHeatFrame() {
    const heat = layers.heat;
    if (heat._frame) L.Util.cancelAnimFrame(heat._frame);
    heat._frame = null;
  }

  /* One part of an update (a layer, the legend, the filter shape): a part that throws is reported to
   * the app and never keeps the other parts from showing the new filter. */
  cd.apply = function (part, args) {
    try {
      cd[part](...args);
      return null;
    } catch (e) {
      const message = part + ": " + (e && e.message ? e.message : String(e));
      console.error("crimedesk map update failed in " + message);
      return message;
    }
  };

  /* cells: [[south, west, north, east, count, colour], ...] */
  cd.setAggregates = function (cells) {
    layers.aggregates.clearLayers();
    for (const [s, w, n, e, count, color] of cells) {
      const r = L.rectangle([[s, w], [n, e]], { weight: 0, fillColor: color, fillOpacity: 0.6 });
      r.bindTooltip(el("span", count.toLocaleString() + " incidents"));
      layers.aggregates.addLayer(r);
    }
  };

  function regionStyle(feature) {
    const p = feature.properties;
    return { color: p.selected ? "#000" : "#555", weight: p.selected ? 3 : 1,
      fillColor: p.color || "#ddd", fillOpacity: p.color ? 0.6 : 0.15 };
  }

  function regionTooltip(p) {
    const box = el("div");
    box.appendChild(el("b", p.name || p.region_id));
    box.appendChild(el("div", (p.count || 0).toLocaleString() + " incidents"));
    return box;
  }

  /* A boundary layer as GeoJSON; properties: region_id, name, count, color, selected. */
  cd.setRegions = function (layerId, geojson) {
    regionLayerId = layerId;
    layers.regions.clearLayers();
    const gj = L.geoJSON(geojson, {
      style: regionStyle,
      onEachFeature: (feature, layer) => {
        layer.bindTooltip(() => regionTooltip(feature.properties), { sticky: true });
        layer.on("click", () => send("regionClicked", regionLayerId, String(feature.properties.region_id)));
      },
    });
    layers.regions.addLayer(gj);
  };

  /* counts: {region_id: {count, color}}, selected: [region_id] */
  cd.setRegionCounts = function (counts, selected) {
    const chosen = new Set(selected);
    layers.regions.eachLayer((gj) => gj.eachLayer((layer) => {
      const p = layer.feature.properties;
      const c = counts[p.region_id] || { count: 0, color: null };
      p.count = c.count;
      p.color = c.color;
      p.selected = chosen.has(String(p.region_id));
      layer.setStyle(regionStyle(layer.feature));
    }));
  };

  /* Model output (hotspot polygons, risk grids): GeoJSON with properties label, value, color,
   * and its legend {title, rows}, shown while the overlay is on the map. */
  cd.setOverlay = function (name, geojson) {
    cd.removeOverlay(name);
    overlays[name] = L.geoJSON(geojson, {
      style: (f) => ({ color: f.properties.color, weight: 1, fillColor: f.properties.color, fillOpacity: 0.5 }),
      onEachFeature: (f, layer) => layer.bindTooltip(el("span", f.properties.label), { sticky: true }),
    }).addTo(map);
    if (geojson.legend) overlayLegends[name] = geojson.legend;
    control.addOverlay(overlays[name], controlName(name));
    renderLegend();
  };

  cd.removeOverlay = function (name) {
    if (!overlays[name]) return;
    control.removeLayer(overlays[name]);
    map.removeLayer(overlays[name]);
    delete overlays[name];
    delete overlayLegends[name];
    renderLegend();
  };

  cd.setFilterShape = function (geometry) {
    drawn.clearLayers();
    if (geometry) drawn.addLayer(L.geoJSON(geometry, { style: { color: "#000", weight: 2, fill: false } }));
  };

  /* sections: [{title, rows: [[colour, label], ...], layers: [key, ...]}]; a section shows while
   * one of its layers is on the map, followed by those of the overlays shown. */
  cd.setLegend = function (sections) {
    legendSections = sections;
    renderLegend();
  };

  function renderLegend() {
    const onMap = (section) => !section.layers || section.layers.some((key) => map.hasLayer(layers[key]));
    const shown = Object.keys(overlayLegends).filter((name) => map.hasLayer(overlays[name]));
    const sections = legendSections.filter(onMap).concat(shown.map((name) =>
      ({ title: name + ": " + overlayLegends[name].title, rows: overlayLegends[name].rows })));
    const box = legendBox.getContainer();
    box.replaceChildren();
    for (const section of sections) {
      box.appendChild(el("div", section.title, "cd-legend-title"));
      for (const [color, label] of section.rows) {
        const row = el("div", null, "cd-legend-row");
        const swatch = el("span", null, "cd-swatch");
        swatch.style.background = color;
        row.append(swatch, el("span", label));
        box.appendChild(row);
      }
    }
  }

  /* details: [[label, value], ...] */
  cd.showDetails = function (id, lat, lon, details) {
    const box = el("div", null, "cd-popup");
    box.dataset.incidentId = String(id);
    for (const [label, value] of details) {
      const row = el("div");
      row.append(el("b", label + ": "), el("span", value));
      box.appendChild(row);
    }
    L.popup({ maxWidth: 320 }).setLatLng([lat, lon]).setContent(box).openOn(map);
  };

  cd.setVisible = function (keys) {
    for (const [key, layer] of Object.entries(layers)) {
      if (keys.includes(key)) map.addLayer(layer);
      else map.removeLayer(layer);
    }
  };

  cd.invalidateSize = function () {
    map.invalidateSize({ animate: false });
  };

  cd.stats = function () {
    let regions = 0;
    layers.regions.eachLayer((gj) => { regions += gj.getLayers().length; });
    return { points: layers.points.getLayers().length, clustered: layers.clusters.getLayers().length,
      clusterIcons: document.querySelectorAll(".marker-cluster").length,
      heat: layers.heat._latlngs.length, aggregates: layers.aggregates.getLayers().length,
      regions: regions, overlays: Object.keys(overlays), view: cd.view() };
  };

  cd.layers = layers;
  cd.overlays = overlays;
  window.crimedesk = cd;
})();
