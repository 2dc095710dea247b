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
  let heatStyle = { radius: 20, blur: 15, intensity: 100 };
  let heatLegend = null;
  const listed = new Set();  // layers in the layer control: those with something to draw
  const NAMES = { regions: "Regions (choropleth)", aggregates: "Grid counts", points: "Incidents",
    clusters: "Clusters", heat: "Heat map" };
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
    "border:1px solid #555}.cd-legend:empty{display:none}.cd-ramp{height:10px;border:1px solid #555}" +
    ".cd-ramp-labels{display:flex;justify-content:space-between}" +
    ".cd-swatch.cd-bubble{width:10px;height:10px;border-radius:50%;border-width:3px}" +
    "body.cd-export .leaflet-control-container{display:none}" +
    /* Clusters in greys by size: markercluster's green / yellow / orange read as the categories. */
    ".leaflet-container .marker-cluster-small{background-color:rgba(170,170,170,.55)}" +
    ".leaflet-container .marker-cluster-small div{background-color:rgba(225,225,225,.9)}" +
    ".leaflet-container .marker-cluster-medium{background-color:rgba(130,130,130,.55)}" +
    ".leaflet-container .marker-cluster-medium div{background-color:rgba(195,195,195,.9)}" +
    ".leaflet-container .marker-cluster-large{background-color:rgba(90,90,90,.55)}" +
    ".leaflet-container .marker-cluster-large div{background-color:rgba(165,165,165,.9)}";

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
    layers.heat = L.heatLayer([], { radius: 20, blur: 15, gradient: options.heatGradient });
    layers.heat.on("remove", cancelHeatFrame);
    layers.heat.on("add", () => setTimeout(rescaleHeat, 0));
    layers.aggregates = L.featureGroup();
    layers.regions = L.featureGroup();
    const order = Object.keys(NAMES);
    const rank = (layer) => { const i = order.findIndex((k) => layers[k] === layer); return i < 0 ? 99 : i; };
    control = L.control.layers(null, {}, { collapsed: false, sortLayers: true,
      sortFunction: (a, b) => rank(a) - rank(b) }).addTo(map);
    for (const key of order) {
      if (options.visible.includes(key)) layers[key].addTo(map);
    }
    L.control.scale({ metric: options.units !== "ft", imperial: options.units === "ft" }).addTo(map);
    legendBox = L.control({ position: "bottomright" });
    legendBox.onAdd = () => L.DomUtil.create("div", "cd-legend");
    legendBox.addTo(map);
    map.on("draw:created", onDrawn);
    map.on("draw:deleted", () => send("shapeCleared"));
    map.on("moveend overlayadd overlayremove", () => send("viewChanged", JSON.stringify(cd.view())));
    map.on("overlayadd overlayremove", renderLegend);
    map.on("zoomend", rescaleHeat);
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
    cd.syncControl();
  };

  /* rows as setPoints', stored since: added to the points, the clusters and the heat (weight 1 each,
   * as setHeat's points), whose full-colour density is cut again. */
  cd.addPoints = function (rows) {
    rows.forEach((row) => layers.points.addLayer(marker(row)));
    layers.clusters.addLayers(rows.map(marker));
    rows.forEach(([, lat, lon]) => layers.heat._latlngs.push([lat, lon, 1.0]));
    rescaleHeat();
    cd.syncControl();
  };

  /* points: [[lat, lon, weight], ...]. Leaflet.heat redraws through its map, which it no longer has
   * once it was shown and taken off again: off the map the points and options are only kept, and
   * drawn when the layer comes back (onAdd redraws). */
  cd.setHeat = function (points) {
    layers.heat._latlngs = points;
    rescaleHeat();
  };

  /* style: {radius, blur (px), intensity (per cent)} */
  cd.setHeatStyle = function (style) {
    heatStyle = style;
    rescaleHeat();
  };

  /* Full colour at the densest cell of the view (the same cells of (radius + blur) / 2 pixels that
   * Leaflet.heat sums), divided by the intensity: never one solid colour at city zoom, whatever
   * the zoom. The legend says that density in incidents. */
  function rescaleHeat() {
    const heat = layers.heat;
    const cell = (heatStyle.radius + heatStyle.blur) / 2;
    const sums = new Map();
    if (map.hasLayer(heat)) {
      for (const [lat, lon, weight] of heat._latlngs) {
        const p = map.latLngToContainerPoint([lat, lon]);
        const key = Math.floor(p.x / cell) + ":" + Math.floor(p.y / cell);
        sums.set(key, (sums.get(key) || 0) + weight);
      }
    }
    const densest = sums.size ? Math.max(...sums.values()) : 1;
    const full = Math.max(densest * 100 / heatStyle.intensity, 0.01);  // incidents per cell
    // Leaflet.heat weighs each incident 1 / 2^(max zoom - zoom) (a layer maxZoom would grey its
    // box in the layer control), so its max is in those units.
    const weight = 1 / Math.pow(2, Math.max(0, Math.min(map.getMaxZoom() - map.getZoom(), 12)));
    const options = { radius: heatStyle.radius, blur: heatStyle.blur, max: full * weight };
    heatLegend = { max: full, radius: heatStyle.radius, cell: Math.round(cell) };
    if (map.hasLayer(heat)) {
      heat.setOptions(options);
    } else {
      L.setOptions(heat, options);
      if (heat._heat) heat._updateOptions();
    }
    renderLegend();
  }

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
    cd.syncControl();
  };

  function regionStyle(feature) {
    const p = feature.properties;
    return { color: p.selected ? "#000" : "#555", weight: p.selected ? 3 : 1,
      fillColor: p.color || "#ddd", fillOpacity: p.color ? 0.6 : 0.15 };
  }

  function regionTooltip(p) {
    const box = el("div");
    box.appendChild(el("b", p.name || p.region_id));
    const count = (p.count || 0).toLocaleString() + " incidents";
    if (p.label && p.label !== count) box.appendChild(el("div", p.label));
    box.appendChild(el("div", count));
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
    cd.syncControl();
  };

  /* counts: {region_id: {count, value, color, label}} (label: the value and its unit), selected: [region_id] */
  cd.setRegionCounts = function (counts, selected) {
    const chosen = new Set(selected);
    layers.regions.eachLayer((gj) => gj.eachLayer((layer) => {
      const p = layer.feature.properties;
      const c = counts[p.region_id] || { count: 0, color: null };
      p.count = c.count;
      p.label = c.label;
      p.color = c.color;
      p.selected = chosen.has(String(p.region_id));
      layer.setStyle(regionStyle(layer.feature));
    }));
  };

  /* Model output (hotspot polygons, risk grids, near-repeat links): GeoJSON with properties label,
   * value, color, and its legend {title, rows}, shown while the overlay is on the map. Lines are
   * drawn thicker than outlines: a link is all there is of them. */
  const overlayStyle = (f) => {
    const line = f.geometry.type === "LineString" || f.geometry.type === "MultiLineString";
    return { color: f.properties.color, weight: line ? 3 : 1, opacity: line ? 0.9 : 1,
      fillColor: f.properties.color, fillOpacity: 0.5 };
  };
  cd.setOverlay = function (name, geojson) {
    cd.removeOverlay(name);
    overlays[name] = L.geoJSON(geojson, {
      pointToLayer: (f, latlng) => L.circleMarker(latlng, { radius: 6 }), // sensor alerts
      style: overlayStyle,
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

  /* sections: [{title, rows: [[colour, label], ...], layers: [key, ...], bubble}]; a section shows
   * while one of its layers is on the map, followed by those of the overlays shown; bubble: its
   * swatches are drawn as cluster bubbles, a disc of the colour in a ring of that colour. */
  cd.setLegend = function (sections) {
    legendSections = sections;
    renderLegend();
  };

  function hasData(key) {
    if (key === "heat") return layers.heat._latlngs.length > 0;
    if (key === "regions") return layers.regions.getLayers().some((gj) => gj.getLayers().length > 0);
    return layers[key].getLayers().length > 0 || (key === "clusters" && layers.points.getLayers().length > 0);
  }

  /* The layer control lists a layer only while it has something to draw (no "Incidents" while
   * the map shows grid counts, no choropleth without a boundary layer); ticked = on the map. */
  cd.syncControl = function () {
    for (const key of Object.keys(NAMES)) {
      if (hasData(key) && !listed.has(key)) {
        control.addOverlay(layers[key], controlName(NAMES[key]));
        listed.add(key);
      } else if (!hasData(key) && listed.has(key)) {
        control.removeLayer(layers[key]);
        listed.delete(key);
      }
    }
  };

  cd.listedLayers = function () {
    return Object.keys(NAMES).filter((key) => listed.has(key));
  };

  function heatSection() {
    const box = el("div");
    box.appendChild(el("div", "Heat map: incident density", "cd-legend-title"));
    const ramp = el("div", null, "cd-ramp");
    const stops = Object.entries(cd.options.heatGradient).map(([stop, color]) => color + " " + stop * 100 + "%");
    ramp.style.background = "linear-gradient(to right, transparent 0%, " + stops.join(", ") + ")";
    const labels = el("div", null, "cd-ramp-labels");
    const most = heatLegend.max >= 10 ? Math.round(heatLegend.max).toLocaleString() : heatLegend.max.toPrecision(2);
    labels.append(el("span", "fewer"), el("span", "full: " + most + "+ per " + heatLegend.cell + " px"));
    box.append(ramp, labels);
    return box;
  }

  /* What the legend shows, as data (the presentable export draws it too). */
  cd.legendData = function () {
    const onMap = (section) => !section.layers || section.layers.some((key) => map.hasLayer(layers[key]) && hasData(key));
    const shown = Object.keys(overlayLegends).filter((name) => map.hasLayer(overlays[name]));
    const sections = legendSections.filter(onMap).concat(shown.map((name) =>
      ({ title: name + ": " + overlayLegends[name].title, rows: overlayLegends[name].rows })));
    const heat = map.hasLayer(layers.heat) && hasData("heat") && heatLegend ?
      { title: "Heat map: incident density", gradient: cd.options.heatGradient, max: heatLegend.max,
        cell: heatLegend.cell } : null;
    return { sections: sections, heat: heat };
  };

  function renderLegend() {
    if (!legendBox) return;
    const { sections, heat } = cd.legendData();
    const box = legendBox.getContainer();
    box.replaceChildren();
    if (heat) box.appendChild(heatSection());
    for (const section of sections) {
      box.appendChild(el("div", section.title, "cd-legend-title"));
      for (const [color, label] of section.rows) {
        const row = el("div", null, "cd-legend-row");
        const swatch = el("span", null, section.bubble ? "cd-swatch cd-bubble" : "cd-swatch");
        swatch.style.background = color;
        if (section.bubble) swatch.style.borderColor = section.bubble;
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

  /* The page as exported: no zoom, draw or layer controls, no on-map legend or scale. */
  cd.exportMode = function (on) {
    document.body.classList.toggle("cd-export", on);
    map.invalidateSize({ animate: false });
    const c = map.getCenter();
    return { lat: c.lat, lon: c.lng, zoom: map.getZoom(), legend: cd.legendData(),
      attribution: attributionText() };
  };

  function attributionText() {
    return map.attributionControl ? map.attributionControl.getContainer().textContent : "";
  }

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
