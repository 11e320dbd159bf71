// G1–G2: the current micro-grids and the proposed parts of a division, side by side with
// Leaflet (no tile server needed). Current: micro-grid polygons as stored. Proposed: each part
// drawn as the union of its buildings' cells (the boundary accepting would give it). On both,
// buildings are dots coloured by their micro-grid / part, so moved buildings stand out.
(function () {
  var host = document.getElementById('partition-maps');
  var dataEl = document.getElementById('partition-data');
  if (!host || !dataEl || typeof L === 'undefined') { return; }
  var data = JSON.parse(dataEl.textContent);
  var palette = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#bfef45',
    '#469990', '#9a6324', '#800000', '#808000', '#000075', '#a9a9a9', '#ffe119', '#fabed4'];
  function colour(i) { return palette[Math.abs(i) % palette.length]; }
  function makeMap(id) {
    var m = L.map(id, { attributionControl: false, zoomSnap: 0.25 });
    if (host.dataset.tileUrl) { L.tileLayer(host.dataset.tileUrl, { maxZoom: 19 }).addTo(m); }
    return m;
  }
  var hh = host.dataset.households;
  var current = makeMap('map-current');
  var proposed = makeMap('map-proposed');
  // Layers are gathered first and added once the maps have a view (Leaflet cannot draw
  // vectors on a map without one).
  var onCurrent = L.featureGroup();
  var onProposed = L.featureGroup();
  // Micro-grid id → colour index, in the order listed.
  var mgIndex = {};
  (data.current || []).forEach(function (m, i) { mgIndex[m.id] = i; });
  var bounds = L.latLngBounds([]);
  (data.current || []).forEach(function (m) {
    if (!m.boundary) { return; }
    var layer = L.geoJSON(m.boundary, { style: { color: '#333', weight: 1, fillColor: colour(mgIndex[m.id]), fillOpacity: 0.3 } })
      .bindTooltip(m.name + ' · ' + m.code + ' · ' + m.households + ' ' + hh, { sticky: true });
    layer.eachLayer(function (l) { l.on('add', function () { if (l._path) { l._path.setAttribute('data-micro-grid-id', m.id); } }); });
    onCurrent.addLayer(layer);
    bounds.extend(layer.getBounds());
  });
  (data.parts || []).forEach(function (p) {
    if (!p.boundary) { return; }
    var layer = L.geoJSON(p.boundary, { style: { color: '#333', weight: 1, fillColor: colour(p.part), fillOpacity: 0.3 } })
      .bindTooltip(host.dataset.part + ' ' + (p.part + 1) + ' · ' + p.households + ' ' + hh, { sticky: true });
    layer.eachLayer(function (l) { l.on('add', function () { if (l._path) { l._path.setAttribute('data-part', p.part); } }); });
    onProposed.addLayer(layer);
    bounds.extend(layer.getBounds());
  });
  (data.units || []).forEach(function (u) {
    var at = [u.lat, u.lng];
    bounds.extend(at);
    var label = u.name + ' · ' + u.households + ' ' + hh;
    var before = u.micro_grid_id === null ? '#000' : colour(mgIndex[u.micro_grid_id] || 0);
    onCurrent.addLayer(L.circleMarker(at, { radius: 4, weight: 1, color: '#222', fillColor: before, fillOpacity: 1 }).bindTooltip(label));
    onProposed.addLayer(L.circleMarker(at, { radius: 4, weight: 1, color: '#222', fillColor: colour(u.part), fillOpacity: 1 }).bindTooltip(label));
  });
  document.querySelectorAll('.swatch[data-part]').forEach(function (s) { s.style.background = colour(+s.dataset.part); });
  if (bounds.isValid()) {
    current.fitBounds(bounds);
    proposed.fitBounds(bounds);
  } else {
    current.setView([31.25, 121.4], 13);
    proposed.setView([31.25, 121.4], 13);
  }
  onCurrent.addTo(current);
  onProposed.addTo(proposed);
  // Pan and zoom together.
  var syncing = false;
  function follow(a, b) {
    a.on('moveend', function () {
      if (syncing) { return; }
      syncing = true;
      b.setView(a.getCenter(), a.getZoom(), { animate: false });
      syncing = false;
    });
  }
  follow(current, proposed);
  follow(proposed, current);
})();
