// Case pages (issue 3): everything here only adds to forms that work without it.
// - the report form: category group filter, map pin on the micro-grid outlines, "use my
//   location" (phones report WGS-84, like our outlines), photo previews, no double submit;
// - the tracking and case pages: copy the private link; the case's point on a small map;
// - dispatch forms: department fields only when dispatching to departments;
// - the weekly list: print.
(function () {
  'use strict';
  function $(id) { return document.getElementById(id); }

  // Micro-grid outlines from the public list, page by page (as on the map page).
  function loadOutlines(done) {
    var features = [];
    function load(page) {
      return fetch('/api/v1/micro-grids?geometry=true&per_page=500&page=' + page, { credentials: 'same-origin' })
        .then(function (r) { if (!r.ok) { throw new Error('HTTP ' + r.status); } return r.json(); })
        .then(function (body) {
          body.items.forEach(function (m) {
            if (m.geometry) { features.push({ type: 'Feature', geometry: m.geometry, properties: { id: m.id, name: m.name } }); }
          });
          if (page * body.per_page < body.total) { return load(page + 1); }
        });
    }
    return load(1).then(function () { done(features); });
  }

  function baseMap(el) {
    var map = L.map(el, { attributionControl: false, zoomSnap: 0.25 });
    if (el.dataset.tileUrl) { L.tileLayer(el.dataset.tileUrl, { maxZoom: 19 }).addTo(map); }
    return map;
  }

  function outlineLayer(features) {
    return L.geoJSON({ type: 'FeatureCollection', features: features }, {
      style: function () { return { color: '#6b7785', weight: 1, fillColor: '#c8d3de', fillOpacity: 0.25 }; },
      onEachFeature: function (f, l) {
        l.on('add', function () { if (l._path) { l._path.setAttribute('data-micro-grid-id', f.properties.id); } });
      }
    });
  }

  // --- Category: first the group, then the item (the select alone works without script).
  var group = $('category-group');
  var leaf = $('category');
  if (group && leaf) {
    group.hidden = false;
    var filter = function () {
      Array.prototype.forEach.call(leaf.querySelectorAll('optgroup'), function (og) {
        var show = !group.value || og.dataset.group === group.value;
        og.hidden = !show;
        og.disabled = !show;
      });
      var chosen = leaf.selectedOptions[0];
      if (chosen && chosen.parentNode.disabled) { leaf.value = ''; }
    };
    if (leaf.value) {
      var og = leaf.selectedOptions[0] && leaf.selectedOptions[0].parentNode;
      if (og && og.dataset.group) { group.value = og.dataset.group; }
    }
    group.addEventListener('change', function () { filter(); if (group.value) { leaf.focus(); } });
    filter();
  }

  // --- C10: a category suggested from the description, learnt from closed cases.
  var text = $('description'), hint = $('category-suggestion');
  if (text && hint && leaf) {
    var timer = null, en = (document.documentElement.lang || '').indexOf('en') === 0;
    var ask = function () {
      var q = text.value.trim();
      if (q.length < 4) { hint.hidden = true; return; }
      fetch('/api/v1/case-categories/suggest?k=1&text=' + encodeURIComponent(q))
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (body) {
          var s = body.items && body.items[0];
          if (!s || s.confidence < 0.3 || leaf.value === s.code) { hint.hidden = true; return; }
          hint.textContent = hint.dataset.label + ' ';
          var b = document.createElement('button');
          b.type = 'button';
          b.className = 'secondary';
          b.textContent = (en ? s.en : s.zh) + ' (' + Math.round(s.confidence * 100) + '%)';
          b.addEventListener('click', function () {
            if (group) { group.value = ''; group.dispatchEvent(new Event('change')); }
            leaf.value = s.code;
            hint.hidden = true;
          });
          hint.appendChild(b);
          hint.hidden = false;
        })
        .catch(function () { hint.hidden = true; });
    };
    text.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(ask, 500); });
  }

  // --- Place: a pin on the map, from a tap or from the phone's position.
  var pick = $('pick-map');
  if (pick && window.L) {
    var lat = $('lat'), lng = $('lng'), status = $('pin-status');
    var useLocation = $('use-location'), clear = $('clear-pin');
    pick.hidden = false;
    var map = baseMap(pick);
    map.setView([31.25, 121.4], 13);
    var pin = null;
    var locateSeq = 0;
    var show = function (la, ln, zoom) {
      lat.value = la.toFixed(6);
      lng.value = ln.toFixed(6);
      if (pin) { pin.setLatLng([la, ln]); } else {
        pin = L.circleMarker([la, ln], { radius: 9, color: '#c8102e', weight: 3, fillColor: '#c8102e', fillOpacity: 0.6, className: 'case-pin' }).addTo(map);
      }
      if (zoom) { map.setView([la, ln], Math.max(map.getZoom(), 17)); }
      clear.hidden = false;
      var seq = ++locateSeq;
      fetch('/api/v1/locate?crs=wgs84&lat=' + lat.value + '&lng=' + lng.value, { credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (l) {
          if (seq !== locateSeq) { return; }
          status.textContent = l
            ? pick.dataset.located + ' ' + [l.community.name, l.grid.name, l.micro_grid.name].join(' › ')
            : pick.dataset.outside;
          status.className = l ? 'ok' : 'error';
        })
        .catch(function () { status.textContent = ''; });
    };
    map.on('click', function (e) { show(e.latlng.lat, e.latlng.lng, false); });
    loadOutlines(function (features) {
      if (!features.length) { return; }
      var layer = outlineLayer(features).addTo(map);
      // Taps on an outline are taps on the map.
      layer.on('click', function (e) { show(e.latlng.lat, e.latlng.lng, false); });
      if (pin) { map.setView(pin.getLatLng(), 17); } else { map.fitBounds(layer.getBounds()); }
      if (pin) { pin.bringToFront(); }
    }).catch(function () { /* the address field still works */ });
    if (lat.value && lng.value && !isNaN(parseFloat(lat.value)) && !isNaN(parseFloat(lng.value))) {
      show(parseFloat(lat.value), parseFloat(lng.value), true);
    }
    clear.addEventListener('click', function () {
      if (pin) { map.removeLayer(pin); pin = null; }
      lat.value = ''; lng.value = ''; status.textContent = ''; clear.hidden = true;
      locateSeq++;
    });
    if (navigator.geolocation) {
      useLocation.hidden = false;
      useLocation.addEventListener('click', function () {
        useLocation.disabled = true;
        navigator.geolocation.getCurrentPosition(function (p) {
          useLocation.disabled = false;
          show(p.coords.latitude, p.coords.longitude, true);
        }, function () {
          useLocation.disabled = false;
          status.textContent = pick.dataset.geoFailed;
          status.className = 'error';
        }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
      });
    }
  }

  // --- Photos: a phone's camera photo is several MB; large ones are scaled down to 2000 px
  // (JPEG) before sending, which spares mobile data and the upload limits. A photo the browser
  // cannot decode (HEIC on most) is sent as it is; the server accepts it.
  var BIG = 1536 * 1024, EDGE = 2000;
  function shrink(file) {
    if (!/^image\/(jpeg|png|webp)$/.test(file.type) || file.size <= BIG || !window.createImageBitmap) {
      return Promise.resolve(file);
    }
    return createImageBitmap(file).then(function (bmp) {
      var scale = Math.min(1, EDGE / Math.max(bmp.width, bmp.height));
      var canvas = document.createElement('canvas');
      canvas.width = Math.round(bmp.width * scale);
      canvas.height = Math.round(bmp.height * scale);
      canvas.getContext('2d').drawImage(bmp, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) { canvas.toBlob(resolve, 'image/jpeg', 0.85); });
    }).then(function (blob) {
      if (!blob || blob.size >= file.size) { return file; }
      return new File([blob], file.name.replace(/\.[^.]*$/, '') + '.jpg', { type: 'image/jpeg', lastModified: file.lastModified });
    }, function () { return file; });
  }
  Array.prototype.forEach.call(document.querySelectorAll('input[type=file][name=photos]'), function (input) {
    var previews = input.id === 'photos' ? $('photo-previews') : null;
    var buttons = input.form ? input.form.querySelectorAll('button[type=submit]') : [];
    var busy = function (on) { Array.prototype.forEach.call(buttons, function (b) { b.disabled = on; }); };
    input.addEventListener('change', function () {
      var chosen = Array.prototype.slice.call(input.files);
      if (previews) {
        previews.textContent = '';
        chosen.forEach(function (f) {
          if (!/^image\//.test(f.type) || !(window.URL && URL.createObjectURL)) { return; }
          var img = document.createElement('img');
          img.src = URL.createObjectURL(f);
          img.alt = f.name;
          img.onload = function () { URL.revokeObjectURL(img.src); };
          previews.appendChild(img);
        });
      }
      if (!window.DataTransfer || !chosen.some(function (f) { return f.size > BIG; })) { return; }
      busy(true);
      input.dataset.shrinking = '1';
      Promise.all(chosen.map(shrink)).then(function (files) {
        var dt = new DataTransfer();
        files.forEach(function (f) { dt.items.add(f); });
        input.files = dt.files;
      }).catch(function () { /* sent as chosen */ }).then(function () {
        delete input.dataset.shrinking;
        busy(false);
      });
    });
  });

  // --- One tap, one submission (phones double-tap; a second report would be a duplicate).
  Array.prototype.forEach.call(document.querySelectorAll('form[method=post]'), function (form) {
    form.addEventListener('submit', function () {
      setTimeout(function () {
        Array.prototype.forEach.call(form.querySelectorAll('button[type=submit]'), function (b) { b.disabled = true; });
      }, 0);
    });
  });

  // --- Dispatch: the department fields matter only for a department.
  Array.prototype.forEach.call(document.querySelectorAll('select.to-tier'), function (sel) {
    var form = sel.form;
    var sync = function () {
      Array.prototype.forEach.call(form.querySelectorAll('.for-department'), function (el) { el.hidden = sel.value !== 'department'; });
      Array.prototype.forEach.call(form.querySelectorAll('.for-unit'), function (el) {
        el.hidden = !(sel.value === 'grid' || sel.value === 'community');
      });
    };
    sel.addEventListener('change', sync);
    sync();
  });

  // --- The private link: shown whole, copied with one tap.
  var link = $('track-link'), copy = $('copy-link');
  if (link && copy) {
    link.value = window.location.origin + link.dataset.path;
    copy.addEventListener('click', function () {
      var done = function () { copy.textContent = copy.dataset.copied; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(link.value).then(done, function () { link.select(); });
      } else {
        link.select();
        try { if (document.execCommand('copy')) { done(); } } catch (e) { /* selected for a manual copy */ }
      }
    });
  }

  // --- The case's point among the micro-grids.
  var caseMap = $('case-map');
  if (caseMap && window.L) {
    var at = [parseFloat(caseMap.dataset.lat), parseFloat(caseMap.dataset.lng)];
    var m = baseMap(caseMap);
    m.setView(at, 16);
    var point = L.circleMarker(at, { radius: 9, color: '#c8102e', weight: 3, fillColor: '#c8102e', fillOpacity: 0.6, className: 'case-pin' }).addTo(m);
    loadOutlines(function (features) {
      if (!features.length) { return; }
      var layer = outlineLayer(features).addTo(m);
      // The case's own micro-grid stands out.
      layer.eachLayer(function (l) {
        if (String(l.feature.properties.id) === caseMap.dataset.microGrid) {
          l.setStyle({ color: '#c8102e', weight: 3, fillOpacity: 0.1 });
          m.fitBounds(l.getBounds(), { maxZoom: 17, padding: [16, 16] });
        }
      });
      point.bringToFront();
    }).catch(function () { /* the point alone */ });
  }

  var print = $('print-page');
  if (print) { print.addEventListener('click', function () { window.print(); }); }
})();
