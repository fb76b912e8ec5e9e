// Reloads the page after the delay in its data-refresh-after attribute (ms): the payment return page
// polls this way until the provider's confirmation arrives. Without JavaScript the page offers a link instead.
(function () {
  var el = document.querySelector('[data-refresh-after]');
  if (!el) return;
  setTimeout(function () { location.reload(); }, Number(el.getAttribute('data-refresh-after')) || 5000);
})();
