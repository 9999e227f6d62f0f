// Call screen: the call clock, the turn's countdown, and reading the customer's words
// aloud where the browser has a voice for the language. The page works without it.
(function () {
  "use strict";
  var clock = document.getElementById("call-clock");
  var timer = document.getElementById("call-timer");
  var turn = document.getElementById("turn");
  var left = document.getElementById("turn-left");
  var shownAt = performance.now();

  function mmss(seconds) {
    return Math.floor(seconds / 60) + ":" + String(Math.floor(seconds % 60)).padStart(2, "0");
  }

  function tick() {
    var passed = (performance.now() - shownAt) / 1000;
    if (clock && timer) clock.textContent = mmss(Number(timer.dataset.started) + passed);
    if (left && turn) {
      var remaining = Math.max(0, Math.round(Number(turn.dataset.left) - passed));
      left.textContent = remaining;
      turn.classList.toggle("turn-late", remaining === 0);
    }
  }
  tick();
  setInterval(tick, 1000);

  var reply = document.getElementById("reply");
  if (reply) reply.focus();
  var lines = document.querySelector(".lines");
  if (lines && turn) turn.scrollIntoView({ block: "nearest" });

  var speak = document.getElementById("speak");
  if (!speak || !("speechSynthesis" in window)) return;
  function voiceFor(lang) {
    var prefix = lang.slice(0, 2);
    return window.speechSynthesis.getVoices().filter(function (v) {
      return v.lang && v.lang.toLowerCase().indexOf(prefix) === 0 && v.localService;
    })[0];
  }
  function offer() {
    if (voiceFor(speak.dataset.lang)) speak.hidden = false;
  }
  offer();
  window.speechSynthesis.addEventListener("voiceschanged", offer);
  speak.addEventListener("click", function () {
    var said = document.querySelectorAll(".line-customer .said");
    if (!said.length) return;
    var utterance = new SpeechSynthesisUtterance(said[said.length - 1].textContent);
    utterance.voice = voiceFor(speak.dataset.lang);
    utterance.lang = utterance.voice.lang;
    window.speechSynthesis.cancel();
    window.speechSynthesis.speak(utterance);
  });
})();
