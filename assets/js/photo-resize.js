// Cooperative portal: a phone camera's photo (often 4000 px and 5 MB) is cropped square and re-encoded in the
// browser before it is sent — the photo itself at most 1200 px, and copies of 480 px (catalog cards) and 160 px
// (thumbnails) in the form's hidden `card` and `thumb` fields. A slow county-town connection then carries a
// few hundred KB, not megabytes. Without this script (or without canvas) the original is sent and served for
// every size.
(function () {
  var form = document.querySelector('form[data-photo-upload]');
  if (!form || !window.createImageBitmap || !window.DataTransfer || !HTMLCanvasElement.prototype.toBlob) return;
  var input = form.querySelector('input[name="file"]');
  var preview = form.querySelector('[data-photo-preview]');
  var SIZES = { file: 1200, card: 480, thumb: 160 };

  function square(bitmap, size) {
    var side = Math.min(bitmap.width, bitmap.height);
    var out = Math.min(size, side);
    var canvas = document.createElement('canvas');
    canvas.width = out;
    canvas.height = out;
    var ctx = canvas.getContext('2d');
    ctx.imageSmoothingQuality = 'high';
    // The centre of the picture, as a 1:1 crop.
    ctx.drawImage(bitmap, (bitmap.width - side) / 2, (bitmap.height - side) / 2, side, side, 0, 0, out, out);
    return new Promise(function (resolve) {
      canvas.toBlob(resolve, 'image/jpeg', 0.85);
    });
  }

  // Setting .files does not fire `change`, so the copies are not copied again.
  function put(name, blob, original) {
    var field = form.querySelector('input[name="' + name + '"]');
    var transfer = new DataTransfer();
    var base = original.replace(/\.[^.]+$/, '');
    transfer.items.add(new File([blob], base + (name === 'file' ? '' : '-' + name) + '.jpg', { type: 'image/jpeg' }));
    field.files = transfer.files;
  }

  var busy = null;
  input.addEventListener('change', function () {
    var file = input.files && input.files[0];
    if (!file) return;
    busy = createImageBitmap(file)
      .then(function (bitmap) {
        return Promise.all([square(bitmap, SIZES.file), square(bitmap, SIZES.card), square(bitmap, SIZES.thumb)]);
      })
      .then(function (blobs) {
        if (!blobs[0] || !blobs[1] || !blobs[2]) return;
        put('file', blobs[0], file.name);
        put('card', blobs[1], file.name);
        put('thumb', blobs[2], file.name);
        if (preview) {
          preview.src = URL.createObjectURL(blobs[2]);
          preview.hidden = false;
        }
      })
      .catch(function () {
        // A format the browser cannot decode: the original goes as it is; the server checks it.
      });
  });

  // A submit that comes before the copies are ready waits for them.
  form.addEventListener('submit', function (event) {
    if (!busy) return;
    event.preventDefault();
    var pending = busy;
    busy = null;
    pending.then(function () {
      form.submit();
    });
  });
})();
