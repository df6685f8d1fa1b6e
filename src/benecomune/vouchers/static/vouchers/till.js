/* Till camera: reads QR codes with the browser's BarcodeDetector where it exists (Chrome and
   Edge on Android, among others). Elsewhere the button stays hidden and the code is typed.
   No external code is loaded. */
(function () {
  "use strict";
  var CARD = /^\d{12}$/;

  function setup() {
    var button = document.getElementById("scan-button");
    if (!button || button.dataset.ready) { return; }
    button.dataset.ready = "1";
    var supported = "BarcodeDetector" in window && navigator.mediaDevices &&
      navigator.mediaDevices.getUserMedia;
    if (!supported) {
      document.getElementById("scan-unavailable").hidden = false;
      return;
    }
    button.hidden = false;
    button.addEventListener("click", start);
  }

  function start() {
    var button = document.getElementById("scan-button");
    var video = document.getElementById("scan-video");
    var input = document.getElementById("id_code");
    var detector;
    try {
      detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    } catch (error) {
      document.getElementById("scan-unavailable").hidden = false;
      button.hidden = true;
      return;
    }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (stream) {
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
          detector.detect(video).then(function (found) {
            if (found.length) {
              var value = found[0].rawValue.trim();
              stop();
              input.value = value;
              if (CARD.test(value)) {
                var pin = document.getElementById("id_pin");
                if (pin) { pin.focus(); }  // a printed card: its holder types the PIN
              } else {
                input.form.requestSubmit();
              }
              return;
            }
            window.setTimeout(tick, 200);
          }).catch(function () { window.setTimeout(tick, 400); });
        }
        tick();
      })
      .catch(function () {
        document.getElementById("scan-unavailable").hidden = false;
        button.hidden = true;
      });
  }

  document.addEventListener("DOMContentLoaded", setup);
  document.addEventListener("htmx:afterSwap", setup);
})();
