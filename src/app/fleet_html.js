// archprompt report --format html: sorting and filtering of the table the page holds. The state
// of the view lives in the URL fragment (#state=unknown&framework=Axum&sort=-test_command), so a
// filtered view can be linked to. Nothing here builds markup from the data.
"use strict";
(() => {
  const table = document.getElementById("fleet");
  const body = table.tBodies[0];
  const nothing = document.getElementById("nothing");
  const rows = Array.from(body.rows).filter((row) => row !== nothing);
  const form = document.getElementById("filters");
  const shown = document.getElementById("shown");
  const controls = ["q", "framework", "field", "state"].map((id) => document.getElementById(id));
  const headers = Array.from(table.tHead.rows[0].cells);
  const ranks = { found: 0, absent: 1, unknown: 2 };
  let sort = { key: "", desc: false };

  // A fragment value a select does not offer is ignored, not trusted.
  const offers = (select, value) => Array.from(select.options).some((o) => o.value === value);

  function readFragment() {
    const params = new URLSearchParams(location.hash.slice(1));
    for (const control of controls) {
      const value = params.get(control.id) || "";
      control.value = control.tagName === "SELECT" && !offers(control, value) ? "" : value;
    }
    const key = params.get("sort") || "";
    const desc = key.startsWith("-");
    const name = desc ? key.slice(1) : key;
    sort = headers.some((th) => th.dataset.key === name) ? { key: name, desc } : { key: "", desc: false };
  }

  function writeFragment() {
    const params = new URLSearchParams();
    for (const control of controls) {
      if (control.value) params.set(control.id, control.value);
    }
    if (sort.key) params.set("sort", (sort.desc ? "-" : "") + sort.key);
    const hash = params.toString();
    history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search);
  }

  function fieldCell(row, field) {
    return Array.from(row.cells).find((cell) => cell.dataset.field === field);
  }

  function matches(row, q, framework, field, state) {
    if (framework && row.dataset.framework !== framework) return false;
    if (state === "failed" && row.dataset.status !== "failed") return false;
    if (state && state !== "failed") {
      const cells = Array.from(row.cells).filter((cell) => cell.dataset.field && (!field || cell.dataset.field === field));
      if (!cells.some((cell) => cell.classList.contains(state))) return false;
    }
    return !q || row.textContent.toLowerCase().includes(q);
  }

  function filter() {
    const [q, framework, field, state] = controls.map((c) => c.value);
    const needle = q.trim().toLowerCase();
    let count = 0;
    for (const row of rows) {
      const keep = matches(row, needle, framework, field, state);
      row.hidden = !keep;
      if (keep) count += 1;
    }
    nothing.hidden = count > 0;
    shown.textContent = `${count} of ${rows.length} repositories`;
    // The chosen field's column is outlined.
    for (const cell of table.querySelectorAll(".focus")) cell.classList.remove("focus");
    if (field) {
      headers.find((th) => th.dataset.key === field).classList.add("focus");
      for (const row of rows) fieldCell(row, field)?.classList.add("focus");
    }
  }

  // A field sorts found values by text (descending: reversed), then absent, unknown and failed rows.
  function sortKey(row) {
    if (sort.key === "repository") return [0, row.dataset.repo];
    const cell = fieldCell(row, sort.key);
    if (!cell) return [3, ""];
    const state = Object.keys(ranks).find((name) => cell.classList.contains(name));
    return [ranks[state], cell.querySelector(".value").textContent];
  }

  function order() {
    for (const th of headers) th.removeAttribute("aria-sort");
    let sorted = rows;
    if (sort.key) {
      const th = headers.find((h) => h.dataset.key === sort.key);
      th.setAttribute("aria-sort", sort.desc ? "descending" : "ascending");
      const text = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
      const keyed = rows.map((row) => [sortKey(row), row]);
      const sign = sort.desc ? -1 : 1;
      keyed.sort(([a], [b]) => a[0] - b[0] || sign * text.compare(a[1], b[1]));
      sorted = keyed.map(([, row]) => row);
    }
    for (const row of sorted) body.insertBefore(row, nothing);
  }

  function apply() {
    readFragment();
    order();
    filter();
  }

  for (const th of headers) {
    th.querySelector("button").addEventListener("click", () => {
      const key = th.dataset.key;
      sort = { key, desc: sort.key === key && !sort.desc };
      writeFragment();
      order();
    });
  }
  form.addEventListener("input", (event) => {
    if (event.target.id === "evidence") {
      for (const details of table.querySelectorAll("details")) details.open = event.target.checked;
      return;
    }
    writeFragment();
    filter();
  });
  form.addEventListener("submit", (event) => event.preventDefault());
  window.addEventListener("hashchange", apply);
  // The header row sticks under the filter bar, whatever its height.
  const stick = () => document.documentElement.style.setProperty("--bar", form.offsetHeight + "px");
  window.addEventListener("resize", stick);
  stick();
  apply();
})();
