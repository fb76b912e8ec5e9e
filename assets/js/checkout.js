// Checkout without reloads: only the chosen delivery's fields show, the shipping fee and total follow the
// choice (pickup is free; the server put the shipped fee in data-ship-fee), and a missing contact field is
// flagged beside it before the form is sent. Without this script the form works the same, server-checked.
(function () {
  // Same as normalizePhone in src/orders/delivery.ts: a mainland mobile or a Shanghai landline.
  var PHONE = /^(?:(?:\+?86)?1[3-9]\d{9}|(?:\(?021\)?)?[2-9]\d{7})$/;
  function yuan(fen) {
    return '¥' + (fen / 100).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  }
  function init() {
    var form = document.querySelector('form[data-checkout]');
    if (!form) return;
    var totals = form.querySelector('[data-totals]');
    var subtotal = Number(totals.getAttribute('data-subtotal'));
    var shipFee = Number(totals.getAttribute('data-ship-fee'));
    function method() {
      var checked = form.querySelector('input[name=deliveryMethod]:checked');
      return checked ? checked.value : 'pickup';
    }
    function update() {
      var chosen = method();
      form.querySelectorAll('[data-when]').forEach(function (group) {
        group.hidden = group.getAttribute('data-when') !== chosen;
      });
      var fee = chosen === 'pickup' ? 0 : shipFee;
      form.querySelectorAll('[data-shipping]').forEach(function (el) { el.textContent = yuan(fee); });
      form.querySelectorAll('[data-total]').forEach(function (el) { el.textContent = yuan(subtotal + fee); });
      form.setAttribute('data-method', chosen);
    }
    form.querySelectorAll('input[name=deliveryMethod]').forEach(function (radio) {
      radio.addEventListener('change', update);
    });
    form.addEventListener('submit', function (event) {
      var first = null;
      form.querySelectorAll('[data-msg]').forEach(function (input) {
        var slot = input.parentNode.querySelector('[data-error-for="body.contact.' + (input.name === 'contactName' ? 'name' : 'phone') + '"]');
        var bad = input.value.trim() === '' || (input.type === 'tel' && !PHONE.test(input.value.replace(/[\s-]/g, '')));
        input.setAttribute('aria-invalid', bad ? 'true' : 'false');
        if (slot) slot.textContent = bad ? input.getAttribute('data-msg') : '';
        if (bad && !first) first = input;
      });
      if (first) {
        event.preventDefault();
        first.focus();
      }
    });
    update();
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
