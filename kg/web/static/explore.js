/* /explore: the filter form redraws the timeline and the network in place (the JSON
 * endpoints take the same parameters as the page) and keeps the address in step.
 * Without JavaScript the form reloads the page, whose lists show the same facts.
 * Loaded as a file: the CSP forbids inline scripts. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-explore-form]");
  if (!form || !window.kgNetwork || !window.kgTimeline) {
    return;
  }
  var net = document.querySelector("[data-network-url]");
  var tl = document.querySelector("[data-timeline-url]");
  // The drawn views replace the lists (which stay for readers without JavaScript).
  Array.prototype.forEach.call(document.querySelectorAll("[data-static-list]"), function (el) {
    el.hidden = true;
  });
  form.addEventListener("submit", function (evt) {
    if (!form.checkValidity()) {
      return;
    }
    evt.preventDefault();
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (value) {
        params.append(key, value);
      }
    });
    var query = params.toString() ? "?" + params.toString() : "";
    window.history.replaceState(null, "", form.getAttribute("action") + query);
    form.setAttribute("data-state", "loading");
    Promise.all([
      window.kgTimeline.render(tl, form.getAttribute("data-timeline-api") + query),
      window.kgNetwork.render(net, form.getAttribute("data-network-api") + query),
    ]).then(function () {
      form.setAttribute("data-state", "ready");
    });
  });
})();
