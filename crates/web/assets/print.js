// Print buttons (`data-print`): inline handlers are avoided, so the page works under a strict
// Content-Security-Policy; the button does nothing without JS and the browser's print still works.
(function () {
  'use strict';
  document.querySelectorAll('[data-print]').forEach(function (b) {
    b.addEventListener('click', function () { window.print(); });
  });
})();
