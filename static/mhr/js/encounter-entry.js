// The encounter entry form: "Now" buttons for the times and focus on the error summary.
// Progressive enhancement only: the form works the same without this file.
(function () {
  "use strict";
  var form = document.querySelector("form.mhr-entry-form");
  if (!form) { return; }
  var zone = form.getAttribute("data-time-zone") || undefined;

  // The current date and 24-hour time in the agency's zone, not the device's.
  function nowParts() {
    var parts = {};
    new Intl.DateTimeFormat("en-CA", {
      timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23"
    }).formatToParts(new Date()).forEach(function (part) { parts[part.type] = part.value; });
    return { date: parts.year + "-" + parts.month + "-" + parts.day, time: parts.hour + ":" + parts.minute };
  }

  function addNowButton(input, fill) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "usa-button usa-button--unstyled margin-top-1";
    button.textContent = "Now";
    var label = form.querySelector('label[for="' + input.id + '"]');
    var sr = document.createElement("span");
    sr.className = "usa-sr-only";
    sr.textContent = ": set " + (label ? label.textContent.replace("*", "").trim() : "time") + " to the current time";
    button.appendChild(sr);
    button.addEventListener("click", function () { fill(nowParts()); input.focus(); });
    input.insertAdjacentElement("afterend", button);
  }

  var receivedDate = form.querySelector("#id_received_date");
  var receivedTime = form.querySelector("#id_received_time");
  if (receivedTime) {
    addNowButton(receivedTime, function (now) {
      if (receivedDate) { receivedDate.value = now.date; }
      receivedTime.value = now.time;
    });
  }
  ["#id_arrived_at", "#id_cleared_at"].forEach(function (selector) {
    var input = form.querySelector(selector);
    if (!input) { return; }
    addNowButton(input, function (now) {
      // A bare time means the day the call was received; otherwise give the date too.
      var sameDay = !receivedDate || !receivedDate.value || receivedDate.value === now.date;
      input.value = sameDay ? now.time : now.date + " " + now.time;
    });
  });

  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
