// Pickup desk: a photo of the resident's QR code fills the code field and looks it up. The browser's
// BarcodeDetector where present, otherwise jsQR (vendored, loaded on first use). Without this script
// the desk still works by typing the code or with a scanner gun (which types it and presses Enter).
(function () {
  var form = document.querySelector('[data-desk-scan]');
  if (!form) return;
  var box = form.querySelector('[data-scan-box]');
  var input = form.querySelector('[data-scan-input]');
  var field = form.querySelector('input[name="code"]');
  box.hidden = false;
  if (field && !field.value) field.focus();

  function loadJsQr() {
    if (window.jsQR) return Promise.resolve(window.jsQR);
    return new Promise(function (resolve, reject) {
      var s = document.createElement('script');
      s.src = form.getAttribute('data-jsqr');
      s.onload = function () { resolve(window.jsQR); };
      s.onerror = reject;
      document.head.appendChild(s);
    });
  }

  function pixels(bitmap) {
    var canvas = document.createElement('canvas');
    var scale = Math.min(1, 1600 / Math.max(bitmap.width, bitmap.height));
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    var ctx = canvas.getContext('2d');
    ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return ctx.getImageData(0, 0, canvas.width, canvas.height);
  }

  function decode(bitmap) {
    if ('BarcodeDetector' in window) {
      return new window.BarcodeDetector({ formats: ['qr_code'] }).detect(bitmap).then(function (codes) {
        return codes.length ? codes[0].rawValue : null;
      });
    }
    return loadJsQr().then(function (jsQR) {
      var image = pixels(bitmap);
      var found = jsQR(image.data, image.width, image.height);
      return found ? found.data : null;
    });
  }

  input.addEventListener('change', function () {
    var file = input.files && input.files[0];
    if (!file) return;
    createImageBitmap(file)
      .then(decode)
      .then(function (text) {
        if (!text) throw new Error('no code');
        field.value = text.trim();
        form.submit();
      })
      .catch(function () { window.alert(input.getAttribute('data-scan-failed')); })
      .then(function () { input.value = ''; });
  });
})();
