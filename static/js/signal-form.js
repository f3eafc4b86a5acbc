// The phone form for signals. Without this script the form posts to the page and still
// works; with it, the signal goes to the API as JSON with the form's idempotency key, and a
// draft stays on the phone until the server has confirmed it. Resending a draft uses the
// same key, so the server files it once, however often the connection drops.
(function () {
  "use strict";

  var form = document.getElementById("signal-form");
  if (!form || !window.fetch || !window.localStorage) {
    return;
  }
  // One draft per signed-in user: a shared phone never offers one officer another's draft.
  var DRAFT = "ketenregie.signal-draft." + form.dataset.user;
  var RETRY_MS = 15000;
  var status = document.getElementById("draft-status");
  var statusText = document.getElementById("draft-text");
  var resend = document.getElementById("draft-resend");
  var discard = document.getElementById("draft-discard");
  var sendButton = document.getElementById("send");
  var retryTimer = null;
  var sending = false;

  function field(name) {
    return form.elements.namedItem(name);
  }

  function value(name) {
    var element = field(name);
    return element ? element.value.trim() : "";
  }

  function say(text, actions) {
    statusText.textContent = text;
    status.hidden = !text;
    resend.hidden = !actions;
    discard.hidden = !actions;
  }

  // The API body of api.md, built exactly as the page's own fallback builds it.
  function body() {
    var number = value("house_number");
    var location = {
      address: [value("street"), number].filter(Boolean).join(" "),
      postcode: value("postcode"),
    };
    if (value("lat") && value("lon")) {
      location.lat = Number(value("lat"));
      location.lon = Number(value("lon"));
    }
    var persons = [];
    for (var i = 0; i < 2; i += 1) {
      var person = {};
      ["name", "birth_date", "bsn"].forEach(function (part) {
        var v = value("persons_" + i + "_" + part);
        if (v) {
          person[part] = v;
        }
      });
      if (Object.keys(person).length) {
        person.role = value("persons_" + i + "_role") || "subject";
        persons.push(person);
      }
    }
    var observed = value("observed_at");
    var data = {
      category: value("category"),
      description: value("description"),
      // The phone's own offset, so the server reads the moment the reporter meant.
      observed_at: observed ? new Date(observed).toISOString() : "",
      location: location,
    };
    if (persons.length) {
      data.persons = persons;
    }
    return data;
  }

  function fieldsOf() {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (element) {
      if (element.name && element.name !== "csrfmiddlewaretoken") {
        values[element.name] = element.value;
      }
    });
    return values;
  }

  function saveDraft() {
    var draft = { key: value("idempotency_key"), fields: fieldsOf(), savedAt: Date.now() };
    localStorage.setItem(DRAFT, JSON.stringify(draft));
    return draft;
  }

  function loadDraft() {
    try {
      return JSON.parse(localStorage.getItem(DRAFT) || "null");
    } catch (error) {
      return null;
    }
  }

  function clearDraft() {
    localStorage.removeItem(DRAFT);
  }

  function restore(draft) {
    Object.keys(draft.fields).forEach(function (name) {
      var element = field(name);
      if (element && element.type !== "submit") {
        element.value = draft.fields[name];
      }
    });
  }

  var ERROR_FIELDS = {
    "location.address": "street",
    "location.postcode": "postcode",
    "location.wijk": "postcode",
    "location.buurt": "postcode",
    "location.lat": "locate",
    "location.lon": "locate",
  };

  function clearErrors() {
    Array.prototype.forEach.call(form.querySelectorAll(".error.js"), function (node) {
      node.remove();
    });
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (node) {
      node.removeAttribute("aria-invalid");
    });
  }

  function showErrors(errors, personBlocks) {
    clearErrors();
    var first = null;
    Object.keys(errors).forEach(function (name) {
      var target = ERROR_FIELDS[name];
      var parts = name.split(".");
      if (!target && parts[0] === "persons") {
        var block = personBlocks[Number(parts[1])];
        target = "persons_" + block + "_" + (parts[2] || "name");
        form.querySelector("details.persons").open = true;
      }
      var element = field(target || name) || sendButton;
      errors[name].forEach(function (message) {
        var p = document.createElement("p");
        p.className = "error js";
        p.textContent = message;
        element.insertAdjacentElement("afterend", p);
      });
      element.setAttribute("aria-invalid", "true");
      first = first || element;
    });
    if (first && first.focus) {
      first.focus();
    }
  }

  function personBlocksOf() {
    var blocks = [];
    for (var i = 0; i < 2; i += 1) {
      if (value("persons_" + i + "_name") || value("persons_" + i + "_birth_date") ||
          value("persons_" + i + "_bsn")) {
        blocks.push(i);
      }
    }
    return blocks;
  }

  function scheduleRetry() {
    if (retryTimer === null) {
      retryTimer = window.setTimeout(function () {
        retryTimer = null;
        send();
      }, RETRY_MS);
    }
  }

  function send() {
    if (sending) {
      return;
    }
    sending = true;
    sendButton.disabled = true;
    var draft = saveDraft();
    say(form.dataset.msgSending, false);
    var blocks = personBlocksOf();
    fetch(form.dataset.api, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "Idempotency-Key": draft.key,
        "X-CSRFToken": value("csrfmiddlewaretoken"),
      },
      body: JSON.stringify(body()),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data };
      });
    }).then(function (answer) {
      sending = false;
      sendButton.disabled = false;
      if (answer.status === 201) {
        clearDraft();
        window.location.assign(form.dataset.receipt.replace(
          "00000000-0000-0000-0000-000000000000", answer.data.id));
      } else if (answer.status === 400 && answer.data.errors) {
        say(form.dataset.msgInvalid, false);
        showErrors(answer.data.errors, blocks);
      } else if (answer.status === 401 || answer.status === 403) {
        // Signed out meanwhile: the draft waits here; signing in again brings it back.
        window.location.assign("/aanmelden/?next=" + encodeURIComponent(window.location.pathname));
      } else if (answer.status === 409) {
        say((answer.data.errors && answer.data.errors.non_field_errors || [""])[0], false);
      } else {
        say(form.dataset.msgError, true);
        scheduleRetry();
      }
    }, function () {
      // No answer at all: the network is away. Keep the draft; try again when it returns.
      sending = false;
      sendButton.disabled = false;
      say(form.dataset.msgOffline, true);
      scheduleRetry();
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    send();
  });
  resend.addEventListener("click", send);
  discard.addEventListener("click", function () {
    clearDraft();
    window.location.reload();
  });
  window.addEventListener("online", function () {
    if (loadDraft()) {
      send();
    }
  });

  // Postcode and house number fill in the street, wijk and buurt where the table knows them.
  var area = document.getElementById("area");
  function lookup() {
    var postcode = value("postcode").replace(/\s+/g, "");
    if (!/^[1-9][0-9]{3}[A-Za-z]{2}$/.test(postcode)) {
      area.textContent = "";
      return;
    }
    var number = (value("house_number").match(/^[0-9]+/) || [""])[0];
    var url = form.dataset.lookup + "?postcode=" + encodeURIComponent(postcode) +
      (number ? "&number=" + number : "");
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (response.status === 404) {
          area.textContent = form.dataset.msgUnknown;
          return null;
        }
        return response.ok ? response.json() : null;
      })
      .then(function (found) {
        if (!found) {
          return;
        }
        if (!value("street")) {
          field("street").value = found.street;
        }
        area.textContent = form.dataset.msgArea
          .replace("{buurt}", found.buurt_name).replace("{wijk}", found.wijk_name);
      })
      .catch(function () { /* offline: the reporter types the street */ });
  }
  field("postcode").addEventListener("change", lookup);
  field("house_number").addEventListener("change", lookup);

  // Optional: the phone's position, rounded by the server to about a hundred metres.
  var locate = document.getElementById("locate");
  var locationStatus = document.getElementById("location-status");
  if (navigator.geolocation) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (position) {
        field("lat").value = position.coords.latitude.toFixed(5);
        field("lon").value = position.coords.longitude.toFixed(5);
        locationStatus.textContent = form.dataset.msgLocation;
      }, function () {
        locationStatus.textContent = form.dataset.msgNolocation;
      }, { enableHighAccuracy: true, timeout: 10000 });
    });
  }

  // The page was rendered with the server's local time; a phone reads the field in its own
  // time zone, so a fresh form starts from the phone's own clock instead.
  function localNow() {
    var now = new Date();
    now.setSeconds(0, 0);
    return new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  }
  var observed = field("observed_at");
  var waiting = loadDraft();
  if (!waiting && !form.querySelector(".error")) {
    observed.value = localNow();
  }
  observed.max = localNow();
  if (waiting) {
    restore(waiting);
    say(form.dataset.msgDraft, true);
    if (navigator.onLine) {
      send();
    }
  }
}());
