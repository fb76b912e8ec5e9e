// Group-buy pages: counts down the deadline and refreshes the progress every 15 s from the public API.
// Progressive enhancement: the server-rendered page is complete without it.
(function () {
  var skew = 0;
  var countdowns = document.querySelectorAll('[data-countdown]');
  countdowns.forEach(function (el) { skew = Number(el.getAttribute('data-now')) - Date.now(); });
  function render() {
    countdowns.forEach(function (el) {
      var u = el.getAttribute('data-units').split('|');
      var s = Math.floor((Number(el.getAttribute('data-countdown')) - (Date.now() + skew)) / 1000);
      if (s <= 0) { el.textContent = u[4]; return; }
      var d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
      el.textContent = d > 0 ? d + u[0] + ' ' + h + u[1] : h > 0 ? h + u[1] + ' ' + m + u[2] : m + u[2] + ' ' + (s % 60) + u[3];
    });
  }
  if (countdowns.length) setInterval(render, 1000);
  var live = document.querySelector('[data-gb-live]');
  if (!live || !window.fetch) return;
  function refresh() {
    fetch(live.getAttribute('data-gb-live'), { headers: { accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (g) {
        if (!g) return;
        live.querySelectorAll('[data-gb-field]').forEach(function (el) { el.textContent = g.progress[el.getAttribute('data-gb-field')]; });
        live.querySelectorAll('[data-gb-bar]').forEach(function (el) {
          var v = g.progress[el.getAttribute('data-gb-bar')], of = Number(el.getAttribute('data-gb-of'));
          el.setAttribute('aria-valuenow', v);
          el.firstElementChild.style.width = Math.min(100, Math.round((v / of) * 100)) + '%';
        });
      })
      .catch(function () {});
  }
  setInterval(refresh, 15000);
})();
