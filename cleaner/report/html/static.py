"""The inline style sheet and script of the HTML report (no file is fetched at view time)."""

from __future__ import annotations

# Chinese text needs a CJK font; the list covers Linux, macOS and Windows.
PAGE_STYLE = """
:root{--fg:#1f2328;--muted:#656d76;--line:#d0d7de;--bg:#f6f8fa;--del:#ffd7d5;--ins:#ccffd8}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1200px;padding:24px;color:var(--fg);line-height:1.45;
font:14px/1.45 system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","Source Han Sans SC",
"PingFang SC","Microsoft YaHei",sans-serif}
h1{margin:0 0 4px}h2{margin:32px 0 12px;border-bottom:1px solid var(--line);padding-bottom:4px}
h4{margin:12px 0 6px}.sub,.note,.more{color:var(--muted)}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:10px;
margin:16px 0}
.card{background:var(--bg);border:1px solid var(--line);border-radius:8px;padding:10px 12px}
.card .num{display:block;font-size:26px;font-weight:600}.card .label{color:var(--muted)}
.charts{display:flex;flex-wrap:wrap;gap:24px}figure{margin:0}
figcaption{font-weight:600;margin-bottom:6px}svg text{font-size:12px;fill:var(--fg)}
details{border:1px solid var(--line);border-radius:6px;margin:8px 0;padding:6px 10px}
summary{cursor:pointer;font-weight:500}.path{font-family:ui-monospace,monospace}
table{border-collapse:collapse;width:100%;margin:6px 0}
th,td{border:1px solid var(--line);padding:3px 6px;vertical-align:top;text-align:left}
th{background:var(--bg)}td.ln{color:var(--muted);text-align:right;width:1%;white-space:nowrap}
td.tx{white-space:pre-wrap;word-break:break-all}td.empty{background:var(--bg)}
table.diff td.tx{width:49%}tr.fold td{color:var(--muted);text-align:center;background:var(--bg)}
mark.del{background:var(--del)}mark.ins{background:var(--ins)}
.badge{color:#fff;border-radius:10px;padding:0 8px;white-space:nowrap}
.tag{color:var(--muted);font-size:12px}dl{display:grid;grid-template-columns:max-content 1fr;
gap:2px 12px;margin:8px 0}dt{color:var(--muted)}dd{margin:0}
.tools{display:flex;gap:12px;align-items:center;margin-bottom:8px}
.tools input[type=search]{padding:4px 8px;min-width:260px}#file-count{color:var(--muted)}
"""

# Filters the file list and folds or unfolds it; sets data-ready on <html> when done,
# which the browser test reads to know the script ran to the end without an error.
PAGE_SCRIPT = """
(function () {
  "use strict";
  var files = Array.prototype.slice.call(document.querySelectorAll("details.file"));
  var filter = document.getElementById("file-filter");
  var onlyFindings = document.getElementById("only-findings");
  var count = document.getElementById("file-count");
  function apply() {
    var needle = filter.value.trim().toLowerCase();
    var shown = 0;
    files.forEach(function (element) {
      var path = element.getAttribute("data-path").toLowerCase();
      var findings = Number(element.getAttribute("data-findings"));
      var visible = path.indexOf(needle) !== -1 && (!onlyFindings.checked || findings > 0);
      element.hidden = !visible;
      if (visible) { shown += 1; }
    });
    count.textContent = shown + " of " + files.length + " files shown";
  }
  function setOpen(open) {
    files.forEach(function (element) { if (!element.hidden) { element.open = open; } });
  }
  filter.addEventListener("input", apply);
  onlyFindings.addEventListener("change", apply);
  function button(id, open) {
    document.getElementById(id).addEventListener("click", function () { setOpen(open); });
  }
  button("expand-all", true);
  button("collapse-all", false);
  apply();
  document.documentElement.setAttribute("data-ready", "true");
})();
"""
