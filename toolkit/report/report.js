// Filtering, sorting and keyboard navigation over the beads the page already shows. The page is complete
// without this script; it only reads the data-* attributes that the generator wrote on each <article>.
(function () {
  "use strict";
  var list = document.getElementById("beads");
  var controls = document.getElementById("controls");
  if (!list || !controls) return;
  var beads = Array.prototype.slice.call(list.querySelectorAll("article.bead"));
  var reasonSelect = document.getElementById("reason");
  var sortSelect = document.getElementById("sort");
  var shown = document.getElementById("shown");
  var keys = document.getElementById("keys");
  var current = null;

  function checkedSeverities() {
    var boxes = controls.querySelectorAll('input[name="severity"]');
    var wanted = {};
    Array.prototype.forEach.call(boxes, function (box) { wanted[box.value] = box.checked; });
    return wanted;
  }

  function hasReason(bead, kind) {
    return Array.prototype.some.call(bead.querySelectorAll("li.reason"), function (item) {
      return item.getAttribute("data-kind") === kind;
    });
  }

  function applyFilters() {
    var wanted = checkedSeverities();
    var reason = reasonSelect.value;
    var visible = 0;
    beads.forEach(function (bead) {
      var keep = wanted[bead.getAttribute("data-severity")] && (!reason || hasReason(bead, reason));
      bead.hidden = !keep;
      if (keep) visible += 1;
    });
    shown.textContent = visible + " of " + beads.length + " beads shown";
    if (current && current.hidden) setCurrent(null);
  }

  var SEVERITY_RANK = { none: 0, minor: 1, major: 2, critical: 3 };

  function divergenceOf(bead) { return parseFloat(bead.getAttribute("data-divergence")); }

  // "flagged": flagged beads first, worst first (severity, then divergence), then the rest in document
  // order, as the page is written; "document": document order; "divergence": highest first.
  function applySort() {
    var order = sortSelect.value;
    var ordered = beads.slice().sort(function (a, b) {
      if (order === "flagged") {
        var fa = a.getAttribute("data-flag") === "1", fb = b.getAttribute("data-flag") === "1";
        if (fa !== fb) return fa ? -1 : 1;
        if (fa) {
          var s = SEVERITY_RANK[b.getAttribute("data-severity")] - SEVERITY_RANK[a.getAttribute("data-severity")];
          if (s !== 0) return s;
          var f = divergenceOf(b) - divergenceOf(a);
          if (f !== 0) return f;
        }
      } else if (order === "divergence") {
        var d = divergenceOf(b) - divergenceOf(a);
        if (d !== 0) return d;
      }
      return parseInt(a.getAttribute("data-bead"), 10) - parseInt(b.getAttribute("data-bead"), 10);
    });
    ordered.forEach(function (bead) { list.appendChild(bead); });
  }

  function setCurrent(bead) {
    if (current) current.classList.remove("current");
    current = bead;
    if (!bead) return;
    bead.classList.add("current");
    bead.focus({ preventScroll: true });
    bead.scrollIntoView({ block: "start", behavior: "auto" });
    if (history.replaceState) history.replaceState(null, "", "#" + bead.id);
  }

  // Flags in the order they are shown now (after sorting), skipping filtered-out ones.
  function visibleFlags() {
    return Array.prototype.filter.call(list.children, function (node) {
      return node.matches("article.bead") && !node.hidden && node.getAttribute("data-flag") === "1";
    });
  }

  function move(step) {
    var flags = visibleFlags();
    if (!flags.length) { shown.textContent = "no flagged bead is shown"; return; }
    var at = flags.indexOf(current);
    var next = at < 0 ? (step > 0 ? 0 : flags.length - 1) : Math.min(flags.length - 1, Math.max(0, at + step));
    setCurrent(flags[next]);
  }

  // A click on the plot goes to the bead nearest to it along the document (among those shown). The image
  // may be letterboxed (object-fit: contain, anchored left), so its drawn width comes from its aspect ratio.
  function onPlotClick(event) {
    var img = event.currentTarget;
    var box = img.getBoundingClientRect();
    var scale = Math.min(box.width / img.naturalWidth, box.height / img.naturalHeight);
    var fx = (event.clientX - box.left) / (img.naturalWidth * scale);
    var d = img.dataset;
    var left = parseFloat(d.left), right = parseFloat(d.right);
    if (!(fx >= left && fx <= right)) return;
    var x = parseFloat(d.xmin) + (fx - left) / (right - left) * (parseFloat(d.xmax) - parseFloat(d.xmin));
    var best = null, distance = Infinity;
    beads.forEach(function (bead) {
      var gap = Math.abs(parseInt(bead.getAttribute("data-bead"), 10) - x);
      if (!bead.hidden && gap < distance) { best = bead; distance = gap; }
    });
    if (best) setCurrent(best);
  }

  function onKey(event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var tag = (event.target && event.target.tagName) || "";
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") return;
    var key = event.key;
    if (key === "j" || key === "n") move(1);
    else if (key === "k" || key === "p") move(-1);
    else if (key === "?") keys.hidden = !keys.hidden;
    else if (key === "Escape") keys.hidden = true;
    else return;
    event.preventDefault();
  }

  controls.addEventListener("change", function (event) {
    if (event.target === sortSelect) applySort(); else applyFilters();
  });
  document.getElementById("next").addEventListener("click", function () { move(1); });
  document.getElementById("prev").addEventListener("click", function () { move(-1); });
  document.addEventListener("keydown", onKey);
  Array.prototype.forEach.call(document.querySelectorAll(".plot img[data-left]"), function (plot) {
    plot.addEventListener("click", onPlotClick);
    plot.classList.add("clickable");
  });
  // On a phone the legend would push the first bead off the screen: it starts folded there.
  var legend = document.getElementById("legend");
  if (legend && window.matchMedia && window.matchMedia("(max-width: 50rem)").matches) legend.open = false;
  controls.hidden = false;
  applyFilters();
})();
