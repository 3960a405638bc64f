/* The query UI at /sparql: YASGUI over this endpoint, with the example questions.
 * Loaded as a file because the Content-Security-Policy forbids inline scripts. */
(function () {
  "use strict";
  var holder = document.getElementById("yasgui");
  if (!holder || typeof Yasgui === "undefined") {
    return;
  }
  var examples = JSON.parse(document.getElementById("kg-examples").textContent);
  var endpoint = holder.getAttribute("data-endpoint");
  var yasgui = new Yasgui(holder, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    // Each visit starts from the examples; nothing is kept in localStorage.
    persistenceId: null,
    // The prefix/class/property completers call prefix.cc and LOV on other sites.
    yasqe: { autocompleters: ["variables"] },
    endpointCatalogueOptions: {
      getData: function () {
        return [{ endpoint: endpoint }];
      },
    },
  });
  function show(example, newTab) {
    var tab = newTab
      ? yasgui.addTab(true, { name: example.name, requestConfig: { endpoint: endpoint } })
      : yasgui.getTab();
    tab.setQuery(example.query);
    return tab;
  }
  if (examples.length) {
    show(examples[0], false);
  }
  var buttons = document.querySelectorAll("button.example");
  Array.prototype.forEach.call(buttons, function (button) {
    button.addEventListener("click", function () {
      show(examples[Number(button.getAttribute("data-example"))], true);
    });
  });
  window.kgYasgui = yasgui;
})();
