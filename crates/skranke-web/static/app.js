// Skranke's only script, and only a help: every form works without it.
// It tells people at once what the server would refuse (a file or a text
// that is too big), so nothing they typed is sent in vain, and it moves
// the focus to a form's list of problems when a page shows one.
(function () {
  "use strict";

  function errorFor(input) {
    var id = "e-" + input.id;
    var el = document.getElementById(id);
    if (!el) {
      el = document.createElement("p");
      el.id = id;
      el.className = "field-error";
      el.setAttribute("data-client", "");
      input.insertAdjacentElement("beforebegin", el);
    }
    return el;
  }

  function describe(input, message) {
    var el = errorFor(input);
    if (message) {
      el.textContent = message;
      el.hidden = false;
      input.setAttribute("aria-invalid", "true");
      var ids = (input.getAttribute("aria-describedby") || "").split(" ");
      if (ids.indexOf(el.id) < 0) {
        ids.push(el.id);
        input.setAttribute("aria-describedby", ids.join(" ").trim());
      }
    } else if (el.hasAttribute("data-client")) {
      el.hidden = true;
      input.removeAttribute("aria-invalid");
    }
  }

  // The problem with an input's value, or "".
  function problem(input) {
    if (input.type === "file" && input.dataset.maxBytes) {
      var max = Number(input.dataset.maxBytes);
      for (var i = 0; i < input.files.length; i++) {
        if (input.files[i].size > max) {
          return (input.dataset.tooBig || "").replace("{name}", input.files[i].name);
        }
      }
    }
    if (input.dataset.maxChars) {
      var n = Array.from(input.value).length;
      if (n > Number(input.dataset.maxChars)) {
        return (input.dataset.tooLong || "").replace("{count}", String(n));
      }
    }
    return "";
  }

  function check(input) {
    var p = problem(input);
    describe(input, p);
    return p === "";
  }

  document.addEventListener("change", function (e) {
    if (e.target.matches && e.target.matches("[data-max-bytes], [data-max-chars]")) {
      check(e.target);
    }
  });

  document.addEventListener("submit", function (e) {
    var inputs = e.target.querySelectorAll("[data-max-bytes], [data-max-chars]");
    var first = null;
    for (var i = 0; i < inputs.length; i++) {
      if (!check(inputs[i]) && !first) {
        first = inputs[i];
      }
    }
    if (first) {
      e.preventDefault();
      first.focus();
    }
  });

  // The report form shows the operational messages of the chosen service
  // (and those for every service); without the script it shows them all.
  function showOpsFor(select) {
    var list = document.getElementById("ops-for-report");
    if (!list) {
      return;
    }
    var items = list.querySelectorAll("li[data-services]");
    for (var i = 0; i < items.length; i++) {
      var ids = items[i].getAttribute("data-services").split(" ").filter(Boolean);
      items[i].hidden = select.value !== "" && ids.length > 0 && ids.indexOf(select.value) < 0;
    }
  }

  document.addEventListener("change", function (e) {
    if (e.target.id === "service_id") {
      showOpsFor(e.target);
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary");
    if (summary) {
      summary.focus();
    }
    var service = document.getElementById("service_id");
    if (service) {
      showOpsFor(service);
    }
  });
})();
