/* The desk's countdowns ("in 3 hours 12 minutes"), kept current without reloading the page.
 * The server wrote the same words; desk/selectors.py `countdown` is the rule they follow. */
"use strict";
(function () {
  function unit(n, word) {
    return `${n} ${word}${n === 1 ? "" : "s"}`;
  }

  function countdown(seconds) {
    if (seconds <= 0) return "going out now";
    const all = Math.floor(seconds / 60);
    const days = Math.floor(all / 1440), hours = Math.floor(all / 60) % 24, minutes = all % 60;
    let parts;
    if (days) parts = [unit(days, "day")].concat(hours ? [unit(hours, "hour")] : []);
    else if (hours) parts = [unit(hours, "hour")].concat(minutes ? [unit(minutes, "minute")] : []);
    else if (minutes) parts = [unit(minutes, "minute")];
    else return "in less than a minute";
    return "in " + parts.join(" ");
  }

  function refresh() {
    document.querySelectorAll("time[data-countdown]").forEach((element) => {
      const seconds = (Date.parse(element.getAttribute("datetime")) - Date.now()) / 1000;
      element.textContent = countdown(Math.floor(seconds));
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    refresh();
    setInterval(refresh, 30000);
  });
})();
