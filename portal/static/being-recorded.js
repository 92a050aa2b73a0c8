// Progressive enhancement for a review page whose input is being recorded: ask the service every few seconds
// whether the review's run has recorded it, and show the page as it then stands. Without JavaScript the page
// offers a "Check again now" link instead; no timed refresh is used (WCAG 2.2.1).
(function () {
  var region = document.getElementById("being-recorded");
  if (!region || !window.fetch) { return; }
  var url = region.getAttribute("data-status-url");
  var every = 3000;
  function look() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (answer) { return answer.ok ? answer.json() : null; })
      .then(function (found) {
        if (found && found.status !== "received") { window.location.reload(); return; }
        window.setTimeout(look, every);
      })
      .catch(function () { window.setTimeout(look, every * 2); });
  }
  window.setTimeout(look, every);
})();
