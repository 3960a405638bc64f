/* The meeting timeline: every element with data-timeline-url gets a vis-timeline of the
 * JSON at that URL (kg.web.explore, /api/timeline). Each item links to the meeting and
 * to the documents that record or refer to it.
 * After rendering, the container carries data-state="ready" and data-rendered-items,
 * or data-state="error". Loaded as a file: the CSP forbids inline scripts. */
(function () {
  "use strict";

  function anchor(href, text, cls) {
    var a = document.createElement(href ? "a" : "span");
    if (href) {
      a.href = href;
    }
    a.className = cls;
    a.textContent = text;
    return a;
  }

  function content(item) {
    var box = document.createElement("div");
    box.appendChild(anchor(item.href, item.label, "tl-meeting"));
    item.documents.forEach(function (d) {
      box.appendChild(document.createElement("br"));
      box.appendChild(anchor(d.href, d.label, "tl-document"));
    });
    return box;
  }

  function render(holder, url) {
    holder.setAttribute("data-state", "loading");
    if (holder.kgTimeline) {
      holder.kgTimeline.destroy();
      holder.kgTimeline = null;
    }
    return fetch(url, { headers: { Accept: "application/json" } })
      .then(function (resp) {
        if (!resp.ok) {
          throw new Error("timeline: HTTP " + resp.status);
        }
        return resp.json();
      })
      .then(function (data) {
        holder.textContent = "";
        if (!data.items.length) {
          var p = document.createElement("p");
          p.className = "note";
          p.textContent = "No dated meetings match.";
          holder.appendChild(p);
          holder.setAttribute("data-rendered-items", "0");
          holder.setAttribute("data-state", "ready");
          return null;
        }
        var items = data.items.map(function (m) {
          var it = { id: m.id, start: m.start, content: content(m), title: m.label };
          if (m.end) {
            it.end = m.end + "T23:59:59";
          }
          return it;
        });
        var tl = new vis.Timeline(holder, items, {
          stack: true,
          zoomable: true,
          zoomKey: "ctrlKey",
          margin: { item: 6 },
          orientation: "top",
        });
        holder.kgTimeline = tl;
        holder.setAttribute("data-rendered-items", String(items.length));
        holder.setAttribute("data-state", "ready");
        return tl;
      })
      .catch(function (err) {
        holder.setAttribute("data-state", "error");
        holder.textContent = "The timeline could not be drawn (" + err.message + ").";
      });
  }

  window.kgTimeline = { render: render };
  if (typeof vis === "undefined") {
    return;
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-timeline-url]"), function (el) {
    render(el, el.getAttribute("data-timeline-url"));
  });
})();
