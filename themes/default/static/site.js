// Small enhancements; every page works without them.
(function () {
  "use strict";
  var pad = function (n) { return (n < 10 ? "0" : "") + n; };
  var now = new Date();
  var today = now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
  var address = location.href.split("#")[0];

  // The citation names this page's address and today's date (the build cannot know either).
  var reference = document.getElementById("reference");
  if (reference && reference.dataset.template && /^https?:/.test(address)) {
    reference.textContent = reference.dataset.template.replace("{url}", address).replace("{date}", today);
  } else if (reference && reference.dataset.template && reference.dataset.template.indexOf("{url}") < 0) {
    reference.textContent = reference.dataset.template.replace("{date}", today);
  }

  // Copy buttons: shown only where copying works.
  if (navigator.clipboard) {
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      var source = document.getElementById(button.dataset.copy);
      if (!source) { return; }
      var label = button.textContent;
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(source.textContent.trim()).then(function () {
          button.textContent = button.dataset.done;
          setTimeout(function () { button.textContent = label; }, 2000);
        });
      });
    });
  }

  // The source view takes the whole width on a phone: start it closed there.
  if (window.matchMedia && window.matchMedia("(max-width: 67.99em)").matches) {
    document.querySelectorAll(".source details").forEach(function (details) {
      if (!location.hash || !details.querySelector(location.hash.replace(/[^\w#-]/g, ""))) {
        details.open = false;
      }
    });
  }
})();
