// Join form: − / + beside each quantity, moving by the product's step and never below its minimum
// order quantity (0 means "not this product"). Without the script the number fields work as they are.
(function () {
  document.querySelectorAll('[data-stepper]').forEach(function (box) {
    var input = box.querySelector('input');
    var moq = Number(box.getAttribute('data-moq')) || 1;
    var step = Number(box.getAttribute('data-step')) || 1;
    var max = Number(box.getAttribute('data-max'));
    box.querySelectorAll('[data-step-by]').forEach(function (button) {
      button.hidden = false;
      button.addEventListener('click', function () {
        var now = Number(input.value) || 0;
        var next;
        if (button.getAttribute('data-step-by') === '1') next = now < moq ? moq : now + step;
        else next = now - step < moq ? 0 : now - step;
        if (next > max) return;
        input.value = String(next);
        input.dispatchEvent(new Event('change', { bubbles: true }));
      });
    });
  });
})();
