// Draws every micro-grid from /api/v1/micro-grids as GeoJSON with Leaflet (no tile server;
// an optional tile URL comes from the server's settings). Colour by grid; click opens the unit.
(function () {
  var el = document.getElementById('map');
  var status = document.getElementById('map-status');
  var map = L.map(el, { attributionControl: false, preferCanvas: false, zoomSnap: 0.25 });
  if (el.dataset.tileUrl) { L.tileLayer(el.dataset.tileUrl, { maxZoom: 19 }).addTo(map); }
  var palette = ['#e6194b', '#3cb44b', '#ffe119', '#4363d8', '#f58231', '#911eb4', '#46f0f0', '#f032e6',
    '#bcf60c', '#fabebe', '#008080', '#e6beff', '#9a6324', '#fffac8', '#800000', '#aaffc3'];
  function colour(gridId) { return palette[Math.abs(gridId || 0) % palette.length]; }
  var features = [];
  function load(page) {
    return fetch('/api/v1/micro-grids?geometry=true&per_page=500&page=' + page, { credentials: 'same-origin' })
      .then(function (r) { if (!r.ok) { throw new Error('HTTP ' + r.status); } return r.json(); })
      .then(function (body) {
        body.items.forEach(function (m) {
          if (m.geometry) {
            features.push({ type: 'Feature', geometry: m.geometry,
              properties: { id: m.id, name: m.name, code: m.code, grid_id: m.grid_id, households: m.households } });
          }
        });
        if (page * body.per_page < body.total) { return load(page + 1); }
      });
  }
  load(1).then(function () {
    if (!features.length) { status.textContent = el.dataset.empty; map.setView([31.25, 121.4], 13); return; }
    var layer = L.geoJSON({ type: 'FeatureCollection', features: features }, {
      style: function (f) {
        return { className: 'mg-polygon', color: '#333', weight: 1, fillColor: colour(f.properties.grid_id), fillOpacity: 0.45 };
      },
      onEachFeature: function (f, l) {
        l.bindTooltip(f.properties.name + ' · ' + f.properties.households + ' ' + el.dataset.households, { sticky: true });
        l.on('click', function () { window.location.href = '/territory/micro-grids/' + f.properties.id; });
        l.on('add', function () { if (l._path) { l._path.setAttribute('data-micro-grid-id', f.properties.id); } });
      }
    }).addTo(map);
    map.fitBounds(layer.getBounds());
    // `/map#area-ID` (from a unit's page) zooms to that micro-grid and marks it.
    var wanted = /^#area-(\d+)$/.exec(window.location.hash);
    if (wanted) {
      layer.eachLayer(function (l) {
        if (String(l.feature.properties.id) === wanted[1]) {
          l.setStyle({ weight: 4, color: '#c8102e' });
          map.fitBounds(l.getBounds(), { maxZoom: 17 });
          l.openTooltip();
        }
      });
    }
    layer.eachLayer(function (l) { if (l._path) { l._path.setAttribute('data-micro-grid-id', l.feature.properties.id); } });
    status.textContent = features.length + ' · ' + el.dataset.count;
  }).catch(function (e) { status.textContent = e.message; });
})();
