import Hummingbird

/// The console's only style sheet and script, compiled into the binary: no CDN, no build step, works offline.
enum ConsoleAssets {
    static func response(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static let css = """
        :root { --ok: #1a7f37; --bad: #cf222e; --run: #0969da; --wait: #9a6700; --line: #d0d7de; --muted: #57606a; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; background: #fff; }
        header { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; padding: .6rem 1rem; border-bottom: 1px solid var(--line); background: #f6f8fa; }
        header nav { display: flex; gap: .8rem; }
        header nav a { text-decoration: none; color: inherit; padding: .1rem .2rem; }
        header nav a[aria-current=page] { border-bottom: 2px solid var(--run); font-weight: 600; }
        .live { margin-left: auto; color: var(--muted); font-size: .85em; }
        main { padding: 1rem; max-width: 80rem; }
        h1 { font-size: 1.35rem; margin: .2rem 0 1rem; word-break: break-word; }
        h2 { font-size: 1.1rem; margin: 1.4rem 0 .5rem; }
        table.grid { border-collapse: collapse; width: 100%; display: block; overflow-x: auto; }
        table.grid th, table.grid td { border-bottom: 1px solid var(--line); padding: .35rem .5rem; text-align: left; vertical-align: top; white-space: nowrap; }
        table.grid td.num, table.grid th.num { text-align: right; font-variant-numeric: tabular-nums; }
        td.bad a, li.bad { color: var(--bad); }
        td.empty { color: var(--muted); font-style: italic; }
        tr.stale td { color: var(--muted); background: #fff8c5; }
        .name { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; word-break: break-all; }
        code.args { font-size: .85em; white-space: pre-wrap; word-break: break-all; }
        pre { background: #f6f8fa; border: 1px solid var(--line); padding: .6rem; overflow-x: auto; font-size: .85em; }
        .badge { display: inline-block; padding: 0 .4rem; border-radius: 1rem; font-size: .8em; border: 1px solid var(--line); }
        .badge.ok { color: var(--ok); border-color: var(--ok); }
        .badge.bad { color: var(--bad); border-color: var(--bad); }
        .badge.run { color: var(--run); border-color: var(--run); }
        .badge.wait, .badge.warn { color: var(--wait); border-color: var(--wait); }
        form.filters { display: flex; flex-wrap: wrap; gap: .5rem .8rem; align-items: end; margin-bottom: .8rem; }
        form.filters label { display: flex; flex-direction: column; font-size: .8em; color: var(--muted); }
        input, select, button { font: inherit; padding: .25rem .45rem; }
        button { cursor: pointer; border: 1px solid var(--line); background: #f6f8fa; border-radius: 6px; }
        button.danger { color: var(--bad); }
        .bulk { display: flex; flex-wrap: wrap; gap: .4rem; align-items: center; margin: .4rem 0 .8rem; font-size: .9em; }
        .actions { margin-bottom: 1rem; display: flex; gap: .5rem; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
        dl.facts dt { color: var(--muted); }
        dl.facts dd { margin: 0; word-break: break-word; }
        ol.timeline { padding-left: 1.2rem; }
        details.error-detail { border-left: 3px solid var(--bad); padding: .2rem .6rem; margin: .6rem 0; }
        details.error-detail summary { cursor: pointer; font-weight: 600; color: var(--bad); word-break: break-word; }
        figure.chart { margin: 0; max-width: 40rem; }
        figure.chart svg { width: 100%; height: auto; }
        figure.chart rect.ok, .key.ok { fill: var(--ok); background: var(--ok); }
        figure.chart rect.bad, .key.bad { fill: var(--bad); background: var(--bad); }
        figure.chart line.axis { stroke: var(--line); }
        figure.chart text { font-size: 10px; fill: var(--muted); }
        .key { display: inline-block; width: .7em; height: .7em; }
        figcaption { font-size: .85em; color: var(--muted); }
        .error { color: var(--bad); }
        #flash { padding: .5rem 1rem; background: #ddf4ff; border-bottom: 1px solid var(--line); }
        #flash.bad { background: #ffebe9; }
        .pager { margin-top: .8rem; }
        @media (max-width: 40rem) { main { padding: .6rem; } table.grid th, table.grid td { padding: .3rem; } }
        """

    /// Live refresh (a short poll that replaces the page's content, paused by the button or while tasks are
    /// selected), and the actions, which go through the JSON API with the page's CSRF token.
    static let js = """
        "use strict";
        (function () {
          const meta = (name) => (document.querySelector(`meta[name="${name}"]`) || {}).content || "";
          const token = meta("csrf-token"), base = meta("console-base");
          const every = Math.max(1, parseInt(meta("refresh-seconds"), 10) || 5) * 1000;
          let paused = localStorage.getItem("offload-console-paused") === "1";
          const pauseButton = document.getElementById("pause");
          const updated = document.getElementById("updated");
          function showPause() {
            pauseButton.textContent = paused ? "Resume" : "Pause";
            pauseButton.setAttribute("aria-pressed", paused ? "true" : "false");
            updated.textContent = paused ? "paused" : "live";
          }
          pauseButton.addEventListener("click", () => {
            paused = !paused;
            localStorage.setItem("offload-console-paused", paused ? "1" : "0");
            showPause();
          });
          showPause();
          function busy() {
            return document.querySelector("input.select:checked") !== null
              || (document.activeElement && ["INPUT", "SELECT"].includes(document.activeElement.tagName));
          }
          async function refresh() {
            const response = await fetch(location.href, { headers: { "Accept": "text/html" }, credentials: "same-origin" });
            if (!response.ok) { return; }
            const page = new DOMParser().parseFromString(await response.text(), "text/html");
            const fresh = page.getElementById("content");
            if (fresh) {
              document.getElementById("content").replaceChildren(...fresh.childNodes);
              updated.textContent = "live · " + new Date().toLocaleTimeString();
            }
          }
          setInterval(() => { if (!paused && !busy() && !document.hidden) { refresh().catch(() => {}); } }, every);
          function flash(text, bad) {
            let box = document.getElementById("flash");
            if (!box) { box = document.createElement("div"); box.id = "flash"; document.body.insertBefore(box, document.querySelector("main")); }
            box.textContent = text;
            box.className = bad ? "bad" : "";
          }
          async function post(path, body) {
            const response = await fetch(base + (path.startsWith("/") ? path : "/api/v1/tasks/" + path), {
              method: "POST", credentials: "same-origin",
              headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
              body: body === undefined ? "{}" : JSON.stringify(body),
            });
            const answer = await response.json().catch(() => ({}));
            if (!response.ok) { throw new Error(answer.error || response.statusText); }
            return answer;
          }
          async function act(label, path, body) {
            if (!confirm(label + "?")) { return; }
            try {
              const answer = await post(path, body);
              const skipped = (answer.skipped || []).length;
              if (answer.queue !== undefined) {
                flash(`${answer.queue}: ${answer.paused ? "paused" : "resumed"}` + (answer.changed ? "" : " (it already was)"), false);
              } else {
                flash(`${answer.action}: ${answer.touched.length} task(s) touched` + (skipped ? `, ${skipped} skipped` : ""), false);
              }
            } catch (error) {
              flash("Failed: " + error.message, true);
            }
            await refresh().catch(() => {});
          }
          document.addEventListener("click", (event) => {
            const target = event.target;
            if (!(target instanceof HTMLElement)) { return; }
            if (target.id === "select-all") {
              document.querySelectorAll("input.select").forEach((box) => { box.checked = target.checked; });
            } else if (target.dataset.queueAction) {
              const queue = target.dataset.queue;
              act(`${target.textContent} queue ${queue}`, `/api/v1/queues/${encodeURIComponent(queue)}/${target.dataset.queueAction}`);
            } else if (target.dataset.action) {
              act(`${target.textContent} task ${target.dataset.id}`, `${target.dataset.id}/${target.dataset.action}`);
            } else if (target.dataset.bulk) {
              const ids = [...document.querySelectorAll("input.select:checked")].map((box) => parseInt(box.value, 10));
              if (ids.length === 0) { flash("Select tasks first.", true); return; }
              act(`${target.textContent} ${ids.length} selected task(s)`, "bulk/" + target.dataset.bulk, { ids });
            } else if (target.dataset.bulkFilter) {
              const filter = JSON.parse(target.closest(".bulk").dataset.filter || "{}");
              act(`${target.textContent} every task matching the filter (up to 1000)`, "bulk/" + target.dataset.bulkFilter, { filter });
            }
          });
        })();
        """
}
