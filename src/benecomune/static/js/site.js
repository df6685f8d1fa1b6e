/* What every page needs, kept out of the HTML so that the Content-Security-Policy can refuse
   every inline script (settings.CONTENT_SECURITY_POLICY).
   Loaded in <head>, before Bootstrap Italia's bundle: the bundle reads its fonts' path from
   window.__PUBLIC_PATH__ when it loads. */
(function () {
  "use strict";
  var fonts = document.currentScript.dataset.fonts;
  window.__PUBLIC_PATH__ = fonts;
  document.addEventListener("DOMContentLoaded", function () {
    if (window.bootstrap && window.bootstrap.loadFonts) {
      window.bootstrap.loadFonts(fonts);
    }
  });
  // <button data-print>: print the page (the till's receipt).
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) {
      window.print();
    }
  });
})();
