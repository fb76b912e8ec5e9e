// /docs: renders /openapi.json with Scalar's self-hosted viewer (public/assets/vendor), no CDN, no fonts from the web.
(function () {
  var app = document.getElementById('app');
  Scalar.createApiReference('#app', {
    url: app.getAttribute('data-openapi-url'),
    withDefaultFonts: false,
    hideClientButton: false,
    _integration: 'hono',
  });
})();
