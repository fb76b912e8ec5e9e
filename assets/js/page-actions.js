// Small page behaviours that used to be inline handlers (the CSP allows scripts from our origin only):
//   <button data-print hidden>       prints the page (shown only when this script runs, since it needs JavaScript)
//   <button data-copy hidden>        copies the value of the input just before it
//   <form data-confirm="question">   asks before submitting; without JavaScript the form submits directly
//   <input data-autosubmit>          submits its form when changed; the form keeps its own submit button
(function () {
  document.querySelectorAll('[data-print], [data-copy]').forEach(function (el) { el.hidden = false; });
  document.addEventListener('click', function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    if (target.closest('[data-print]')) { window.print(); return; }
    var copy = target.closest('[data-copy]');
    if (copy && copy.previousElementSibling && navigator.clipboard) {
      navigator.clipboard.writeText(copy.previousElementSibling.value);
      copy.setAttribute('aria-live', 'polite');
      var done = copy.getAttribute('data-copied');
      if (done) copy.textContent = done;
    }
  });
  document.addEventListener('submit', function (event) {
    var form = event.target;
    var question = form instanceof HTMLFormElement ? form.getAttribute('data-confirm') : null;
    if (question && !window.confirm(question)) event.preventDefault();
  });
  document.addEventListener('change', function (event) {
    var input = event.target;
    if (input instanceof HTMLElement && input.hasAttribute('data-autosubmit') && input.form) input.form.requestSubmit();
  });
})();
