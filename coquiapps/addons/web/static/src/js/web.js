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
})();
