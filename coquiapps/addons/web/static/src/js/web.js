/* CoquiAPPs web client: the little JavaScript it needs. */
(function () {
    "use strict";
    // The browser's time zone, for users who chose none: date-times are shown and typed in it.
    try {
        var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
        if (zone && /^[A-Za-z0-9_+\-\/]+$/.test(zone)) {  // IANA names are cookie-safe as they are
            document.cookie = "tz=" + zone + "; path=/; SameSite=Lax; max-age=31536000";
        }
    } catch (error) { /* no Intl: the server keeps UTC */ }
    // <time data-local datetime="...Z"> elements: shown in the browser's zone, named (pages for
    // visitors the server knows no zone of yet, e.g. an account owner opening a connect link).
    try {
        var localZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
        document.querySelectorAll("time[data-local]").forEach(function (node) {
            var when = new Date(node.getAttribute("datetime"));
            if (isNaN(when.getTime())) { return; }
            node.textContent = when.toLocaleString(document.documentElement.lang || undefined,
                {dateStyle: "medium", timeStyle: "medium"}) + " (" + localZone + ")";
        });
    } catch (error) { /* no Intl: the server's text stays */ }
    // Buttons and links with data-confirm ask before going on.
    document.addEventListener("click", function (event) {
        var target = event.target.closest("[data-confirm]");
        if (target && !window.confirm(target.getAttribute("data-confirm"))) {
            event.preventDefault();
            event.stopPropagation();
        }
    }, true);
    // Elements with data-copy put their text (or the value of their target) on the clipboard.
    document.addEventListener("click", function (event) {
        var button = event.target.closest("[data-copy]");
        if (!button || !navigator.clipboard) { return; }
        var source = document.getElementById(button.getAttribute("data-copy"));
        var text = source ? (source.value || source.textContent) : button.getAttribute("data-copy");
        navigator.clipboard.writeText(text).then(function () {
            button.classList.add("o_copied");
        });
        event.preventDefault();
    });
    // List rows open their record: a click anywhere on the row (but on its own links and
    // controls), or Enter on a focused row.
    function openRow(row, event) {
        var url = row.getAttribute("data-href");
        if (!url) { return; }
        if (event.ctrlKey || event.metaKey) { window.open(url, "_blank"); } else { window.location.assign(url); }
    }
    document.addEventListener("click", function (event) {
        var row = event.target.closest("tr[data-href]");
        if (!row || event.defaultPrevented || event.target.closest("a, button, input, select, textarea, label")) { return; }
        if (window.getSelection && String(window.getSelection())) { return; }  // selecting text, not opening
        openRow(row, event);
    });
    document.addEventListener("keydown", function (event) {
        var row = event.target.closest && event.target.closest("tr[data-href]");
        if (row && event.target === row && event.key === "Enter") {
            event.preventDefault();
            openRow(row, event);
        }
    });
})();
