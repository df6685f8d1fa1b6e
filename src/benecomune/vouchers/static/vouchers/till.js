/* Till camera: reads QR codes with the browser's BarcodeDetector where it exists (Chrome and
   Edge on Android, among others); elsewhere (iPhone Safari, Firefox) with jsQR, vendored in
   vendor/jsQR.js (Apache-2.0) and loaded only when needed: video frames are drawn on a canvas
   and decoded about 7 times a second. Without a camera the code is typed.
   No inline code and nothing from other sites (Content-Security-Policy). */
(function () {
  "use strict";
  var CARD = /^\d{12}$/;
  var FALLBACK_INTERVAL = 140;  // ms between two jsQR attempts (~7 fps: light on old phones)
  var MAX_SIDE = 640;  // frames are scaled down to this before decoding
  var script = document.currentScript;
  var jsqrUrl = script ? script.getAttribute("data-jsqr") : null;
  var jsqrLoading = null;

  function hasCamera() {
    return !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
  }

  function setup() {
    var button = document.getElementById("scan-button");
    if (!button || button.dataset.ready) { return; }
    button.dataset.ready = "1";
    if (!hasCamera() || (!("BarcodeDetector" in window) && !jsqrUrl)) {
      document.getElementById("scan-unavailable").hidden = false;
      return;
    }
    button.hidden = false;
    button.addEventListener("click", start);
  }

  function loadJsqr() {
    if (window.jsQR) { return Promise.resolve(window.jsQR); }
    if (!jsqrLoading) {
      jsqrLoading = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = jsqrUrl;
        tag.onload = function () { window.jsQR ? resolve(window.jsQR) : reject(); };
        tag.onerror = function () { jsqrLoading = null; reject(); };
        document.head.appendChild(tag);
      });
    }
    return jsqrLoading;
  }

  /* A decoder: {read(video) -> Promise of the QR's text or null, interval}. */
  function makeDecoder() {
    if ("BarcodeDetector" in window) {
      try {
        var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        return Promise.resolve({
          interval: 200,
          read: function (video) {
            return detector.detect(video).then(function (found) {
              return found.length ? found[0].rawValue : null;
            });
          }
        });
      } catch (error) { /* no QR support in this BarcodeDetector: use jsQR */ }
    }
    if (!jsqrUrl) { return Promise.reject(new Error("no decoder")); }
    return loadJsqr().then(function (jsQR) {
      var canvas = document.createElement("canvas");
      var context = canvas.getContext("2d", { willReadFrequently: true });
      return {
        interval: FALLBACK_INTERVAL,
        read: function (video) {
          var w = video.videoWidth, h = video.videoHeight;
          if (!w || !h) { return Promise.resolve(null); }
          var scale = Math.min(1, MAX_SIDE / Math.max(w, h));
          canvas.width = Math.round(w * scale);
          canvas.height = Math.round(h * scale);
          context.drawImage(video, 0, 0, canvas.width, canvas.height);
          var image = context.getImageData(0, 0, canvas.width, canvas.height);
          var code = jsQR(image.data, image.width, image.height, {
            inversionAttempts: "attemptBoth"
          });
          return Promise.resolve(code && code.data ? code.data : null);
        }
      };
    });
  }

  function unavailable() {
    document.getElementById("scan-unavailable").hidden = false;
    document.getElementById("scan-button").hidden = true;
  }

  function found(value) {
    var input = document.getElementById("id_code");
    input.value = value.trim();
    if (CARD.test(input.value)) {
      var pin = document.getElementById("id_pin");
      if (pin) { pin.focus(); }  // a printed card: its holder types the PIN
    } else {
      input.form.requestSubmit();
    }
  }

  function start() {
    var button = document.getElementById("scan-button");
    var video = document.getElementById("scan-video");
    makeDecoder().then(function (decoder) {
      return navigator.mediaDevices.getUserMedia({
        video: { facingMode: "environment" }, audio: false
      }).then(function (stream) { scan(decoder, stream, button, video); });
    }).catch(unavailable);
  }

  function scan(decoder, stream, button, video) {
    var stopped = false;
    function stop() {
      if (stopped) { return; }
      stopped = true;
      stream.getTracks().forEach(function (track) { track.stop(); });
      video.hidden = true;
      button.hidden = false;
    }
    video.srcObject = stream;
    video.hidden = false;
    button.hidden = true;
    video.play();
    function tick() {
      if (stopped || !video.isConnected) { stop(); return; }
      decoder.read(video).then(function (value) {
        if (value) {
          stop();
          found(value);
          return;
        }
        window.setTimeout(tick, decoder.interval);
      }).catch(function () { window.setTimeout(tick, 2 * decoder.interval); });
    }
    tick();
  }

  document.addEventListener("DOMContentLoaded", setup);
  document.addEventListener("htmx:afterSwap", setup);
})();
