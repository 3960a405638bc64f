/* The "who met whom" network: every element with data-network-url gets a cytoscape.js
 * graph of the JSON at that URL (kg.web.explore, /api/network). Node size shows the
 * number of (shared) meetings; clicking a person opens their page.
 * After rendering, the container carries data-state="ready" and data-rendered-nodes /
 * data-rendered-edges (the counts cytoscape holds), or data-state="error".
 * Loaded as a file: the Content-Security-Policy forbids inline scripts. */
(function () {
  "use strict";

  function elements(data) {
    var out = [];
    data.nodes.forEach(function (n) {
      out.push({
        group: "nodes",
        data: { id: n.id, label: n.label, href: n.href, weight: n.weight },
        classes: n.center ? "center" : "",
      });
    });
    data.edges.forEach(function (e, i) {
      out.push({
        group: "edges",
        data: { id: "e" + i, source: e.source, target: e.target, weight: e.weight },
      });
    });
    return out;
  }

  function render(holder, url) {
    holder.setAttribute("data-state", "loading");
    if (holder.kgCy) {
      holder.kgCy.destroy();
      holder.kgCy = null;
    }
    return fetch(url, { headers: { Accept: "application/json" } })
      .then(function (resp) {
        if (!resp.ok) {
          throw new Error("network: HTTP " + resp.status);
        }
        return resp.json();
      })
      .then(function (data) {
        var max = 1;
        data.nodes.forEach(function (n) {
          max = Math.max(max, n.weight);
        });
        holder.textContent = "";
        if (!data.nodes.length) {
          var p = document.createElement("p");
          p.className = "note";
          p.textContent = "No participants match.";
          holder.appendChild(p);
        }
        var cy = cytoscape({
          container: holder,
          elements: elements(data),
          style: [
            {
              selector: "node",
              style: {
                label: "data(label)",
                width: "mapData(weight, 0, " + max + ", 18, 54)",
                height: "mapData(weight, 0, " + max + ", 18, 54)",
                "background-color": "#c9a227",
                "font-size": 11,
                "text-valign": "bottom",
                "text-margin-y": 3,
              },
            },
            { selector: "node.center", style: { "background-color": "#8a2b2b" } },
            {
              selector: "edge",
              style: {
                width: "mapData(weight, 1, " + max + ", 1, 6)",
                "line-color": "#b9bec5",
                "curve-style": "haystack",
              },
            },
          ],
          layout: { name: data.nodes.length > 12 ? "cose" : "circle", animate: false, padding: 24 },
          userZoomingEnabled: false,
        });
        cy.on("tap", "node", function (evt) {
          var href = evt.target.data("href");
          if (href) {
            window.location.assign(href);
          }
        });
        holder.kgCy = cy;
        holder.setAttribute("data-rendered-nodes", String(cy.nodes().length));
        holder.setAttribute("data-rendered-edges", String(cy.edges().length));
        holder.setAttribute("data-state", "ready");
        return cy;
      })
      .catch(function (err) {
        holder.setAttribute("data-state", "error");
        holder.textContent = "The network could not be drawn (" + err.message + ").";
      });
  }

  window.kgNetwork = { render: render };
  if (typeof cytoscape === "undefined") {
    return;
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-network-url]"), function (el) {
    render(el, el.getAttribute("data-network-url"));
  });
})();
