// The cart badge on pages that did not render it (cached anonymous pages, other domains' pages): the server
// keeps the number of products in the readable cookie shanhai_cart_n whenever the cart changes.
(function () {
  var match = /(?:^|;\s*)shanhai_cart_n=(\d+)/.exec(document.cookie);
  var n = match ? match[1] : '0';
  function fill() {
    document.querySelectorAll('[data-cart-count]').forEach(function (badge) {
      if (badge.getAttribute('data-n') !== null) return;
      badge.setAttribute('data-n', n);
      badge.textContent = n === '0' ? '' : n;
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', fill);
  else fill();
})();
