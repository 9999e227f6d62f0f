// HR's assign page: the teams matching the search box, asked of the server as one types
// (the page works without this: "Find teams" loads the page with the matches). The list
// keeps the team chosen already; the status line says what was found (role="status", so
// screen readers announce it).
(function () {
  "use strict";
  var search = document.getElementById("team-search");
  var input = document.getElementById("team_q");
  var select = document.getElementById("who");
  var teams = document.getElementById("who-teams");
  var status = document.getElementById("team-status");
  if (!search || !input || !select || !teams || !status || !window.fetch) return;
  var timer = null;
  var asked = 0;

  function show(body) {
    var chosen = select.value;
    var kept = null;
    if (chosen.indexOf("team:") === 0) kept = select.options[select.selectedIndex];
    while (teams.firstChild) teams.removeChild(teams.firstChild);
    body.options.forEach(function (team) {
      if (kept && team.value === kept.value) return;
      var option = document.createElement("option");
      option.value = team.value;
      option.textContent = team.label;
      teams.appendChild(option);
    });
    if (kept) teams.insertBefore(kept, teams.firstChild);
    select.value = chosen;
    status.textContent = body.status;
  }

  function find() {
    var number = ++asked;
    var url = search.dataset.source + "?team_q=" + encodeURIComponent(input.value.trim());
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (body) { if (number === asked) show(body); })
      .catch(function () { if (number === asked) status.textContent = status.dataset.failed; });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(find, 250);
  });
  search.addEventListener("submit", function (event) {
    event.preventDefault(); // the answer comes here; what was typed below stays
    clearTimeout(timer);
    find();
  });
})();
