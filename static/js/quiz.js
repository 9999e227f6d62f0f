// Quiz page: autosave each answer as it is given, retry when the connection drops, and
// count down to the server's deadline. Without this script the page still works: every
// button saves the page's answers on the server.
(function () {
  "use strict";

  var form = document.getElementById("quiz-form");
  var state = document.getElementById("save-state");
  var timerBox = document.getElementById("timer");

  // ---- autosave ------------------------------------------------------------------------
  var pending = {}; // position -> true while an answer waits to be sent
  var refused = {}; // position -> true while its answer is refused (too long)
  var sending = false;
  var retryDelay = 2000;
  var retryTimer = null;
  var offline = false;

  function setState(key) {
    if (!state) return;
    state.textContent = state.dataset[key];
    state.classList.toggle("save-offline", key === "offline" || key === "refused");
  }

  function csrfToken() {
    var field = form.querySelector("input[name=csrf_token]");
    return field ? field.value : "";
  }

  function fieldsetFor(position) {
    return form.querySelector('fieldset[data-position="' + position + '"]');
  }

  function payload(position) {
    var data = new URLSearchParams();
    data.append("position", position);
    var fields = fieldsetFor(position).querySelectorAll("input, select, textarea");
    fields.forEach(function (field) {
      if (!field.name || field.name === "shown") return;
      if ((field.type === "radio" || field.type === "checkbox") && !field.checked) return;
      data.append(field.name, field.value);
    });
    return data;
  }

  function markNavigator(position, answered) {
    var item = document.getElementById("nav-" + position);
    if (!item) return;
    var flag = fieldsetFor(position).querySelector('input[name="flag' + position + '"]');
    item.classList.toggle("answered", answered);
    item.classList.toggle("flagged", Boolean(flag && flag.checked));
  }

  function showError(position, message) {
    var box = document.getElementById("q" + position + "-error");
    var input = document.getElementById("q" + position + "-input");
    if (!box) return;
    box.textContent = message;
    box.hidden = !message;
    if (input) {
      if (message) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    }
    if (message) refused[position] = true; else delete refused[position];
    if (message) setState("refused");
  }

  function sendNext() {
    var positions = Object.keys(pending);
    if (sending || positions.length === 0) return;
    var position = positions[0];
    delete pending[position];
    sending = true;
    setState("saving");
    fetch(form.dataset.autosave, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" },
      body: payload(position)
    }).then(function (response) {
      if (response.status === 409) {
        return response.json().then(function (body) { window.location.assign(body.result_url); });
      }
      if (response.status === 422) { // refused (too long): nothing saved, say why, no retry
        return response.json().then(function (body) {
          showError(position, body.error);
          sending = false;
          sendNext();
        });
      }
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json().then(function (body) {
        showError(position, "");
        markNavigator(position, body.answered);
        offline = false;
        retryDelay = 2000;
        sending = false;
        if (Object.keys(pending).length) sendNext();
        else setState(Object.keys(refused).length ? "refused" : "saved");
      });
    }).catch(function () {
      pending[position] = true; // keep it, send it again
      sending = false;
      offline = true;
      setState("offline");
      clearTimeout(retryTimer);
      retryTimer = setTimeout(sendNext, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 15000);
    });
  }

  function queue(event) {
    var fieldset = event.target.closest("fieldset[data-position]");
    if (!fieldset) return;
    pending[fieldset.dataset.position] = true;
    if (!offline) sendNext();
  }

  var typing = null;
  if (form && form.dataset.autosave) {
    form.addEventListener("change", queue);
    form.addEventListener("input", function (event) {
      if (event.target.type !== "text") return;
      clearTimeout(typing);
      typing = setTimeout(function () { queue(event); }, 800);
    });
    window.addEventListener("online", function () { retryDelay = 2000; sendNext(); });
    // Send every answer on the page now and then, in case a change event was missed.
    setInterval(function () {
      form.querySelectorAll("fieldset[data-position]").forEach(function (fieldset) {
        pending[fieldset.dataset.position] = true;
      });
      sendNext();
    }, 30000);
  }

  // ---- countdown -----------------------------------------------------------------------
  if (!timerBox) return;
  var clock = timerBox.querySelector(".timer-clock");
  var announce = document.getElementById("timer-announce");
  // The server said how many seconds were left when it sent the page; the client's own
  // clock only measures time passing, so a wrong clock on the PC changes nothing.
  var endsAt = performance.now() + Number(timerBox.dataset.remaining) * 1000;
  var thresholds = [600, 300, 60, 30]; // heard by screen readers, not every second
  var handedIn = false;

  function say(seconds) {
    var minutes = seconds >= 60;
    var template = minutes ? timerBox.dataset.labelMinutes : timerBox.dataset.labelSeconds;
    announce.textContent = template.replace("{n}", minutes ? Math.round(seconds / 60) : seconds);
  }

  function tick() {
    var left = Math.max(0, Math.round((endsAt - performance.now()) / 1000));
    clock.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
    timerBox.classList.toggle("timer-low", left <= 60);
    while (thresholds.length && left <= thresholds[0]) {
      var mark = thresholds.shift();
      if (left > mark - 5) say(mark);
    }
    if (left === 0 && !handedIn) {
      handedIn = true;
      var submitForm = document.getElementById(timerBox.dataset.submitForm);
      var sent = false;
      var handIn = function () {
        if (sent) return;
        sent = true;
        submitForm.submit();
      };
      var waitForSaves = setInterval(function () {
        if (!sending && Object.keys(pending).length === 0) {
          clearInterval(waitForSaves);
          handIn();
        }
      }, 200);
      setTimeout(handIn, 10000); // the server grades what it has by then
      return;
    }
    setTimeout(tick, 1000 - (performance.now() % 1000));
  }
  tick();
})();
