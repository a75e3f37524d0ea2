// Linkage review: keyboard shortcuts (a same person, r different people, n next pair).
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var tag = (event.target && event.target.tagName) || "";
    if (/^(INPUT|TEXTAREA|SELECT)$/.test(tag) || event.target.isContentEditable) return;
    var button = document.querySelector('#decision-form button[data-key="' + event.key.toLowerCase() + '"]');
    if (button && !button.disabled) {
      event.preventDefault();
      button.click();
    }
  });
  document.body.dataset.shortcuts = "ready";
})();
