/* CoResponse client behaviour. No inline scripts (CSP); htmx does the rest.
 *
 * Unsent encounter forms are kept on the device so a dead zone loses nothing, under the
 * rules of SECURITY.md: encrypted with AES-GCM under a key that lives only in the server
 * session (a new session cannot read old entries), kept at most 12 hours, wiped at log-out.
 */
(function () {
  "use strict";
  var PREFIX = "coresponse-draft:";
  var MAX_AGE_MS = 12 * 60 * 60 * 1000;
  var SKIPPED = { csrfmiddlewaretoken: true, version: true, action: true };

  function storedKeys() {
    var keys = [];
    for (var i = 0; i < localStorage.length; i += 1) {
      var name = localStorage.key(i);
      if (name && name.indexOf(PREFIX) === 0) keys.push(name);
    }
    return keys;
  }

  function wipeAll() { storedKeys().forEach(function (name) { localStorage.removeItem(name); }); }

  function toBytes(base64) { return Uint8Array.from(atob(base64), function (c) { return c.charCodeAt(0); }); }
  function toBase64(bytes) { return btoa(String.fromCharCode.apply(null, new Uint8Array(bytes))); }

  function importKey(base64) {
    return crypto.subtle.importKey("raw", toBytes(base64), "AES-GCM", false, ["encrypt", "decrypt"]);
  }

  function serialize(form) {
    var pairs = [];
    new FormData(form).forEach(function (value, name) {
      if (!SKIPPED[name] && typeof value === "string") pairs.push([name, value]);
    });
    return pairs;
  }

  function restore(form, pairs) {
    var names = {};
    pairs.forEach(function (pair) { names[pair[0]] = true; });
    Array.prototype.forEach.call(form.elements, function (element) {
      if (names[element.name] && (element.type === "checkbox" || element.type === "radio")) element.checked = false;
    });
    pairs.forEach(function (pair) {
      var elements = form.querySelectorAll('[name="' + CSS.escape(pair[0]) + '"]');
      if (elements.length === 0 && pair[0] === "person") {
        var holder = form.querySelector("#lookup-results");
        if (holder) {
          var input = document.createElement("input");
          input.type = "radio"; input.name = "person"; input.value = pair[1]; input.checked = true;
          var label = document.createElement("label");
          label.className = "candidate"; label.appendChild(input);
          label.appendChild(document.createTextNode(" Person chosen before the connection dropped"));
          holder.appendChild(label);
        }
        return;
      }
      Array.prototype.forEach.call(elements, function (element) {
        if (element.type === "checkbox" || element.type === "radio") {
          if (element.value === pair[1]) element.checked = true;
        } else {
          element.value = pair[1];
        }
      });
    });
  }

  function setupDrafts(form) {
    var keyPromise = importKey(form.dataset.draftKey);
    var clientKey = form.dataset.clientKey;
    var timer = null;

    function save() {
      var iv = crypto.getRandomValues(new Uint8Array(12));
      var plain = new TextEncoder().encode(JSON.stringify(serialize(form)));
      return keyPromise.then(function (key) {
        return crypto.subtle.encrypt({ name: "AES-GCM", iv: iv }, key, plain);
      }).then(function (cipher) {
        localStorage.setItem(PREFIX + clientKey, JSON.stringify({
          savedAt: Date.now(), iv: toBase64(iv), data: toBase64(cipher), path: location.pathname
        }));
      });
    }

    form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(save, 400); });
    form.addEventListener("change", function () { clearTimeout(timer); timer = setTimeout(save, 100); });
    form.addEventListener("submit", function () { save(); });

    if (form.dataset.hasErrors === "true") return;
    var candidates = storedKeys().map(function (name) {
      try { return { name: name, entry: JSON.parse(localStorage.getItem(name)) }; } catch (e) { return null; }
    }).filter(function (item) {
      if (!item || !item.entry || Date.now() - item.entry.savedAt > MAX_AGE_MS) {
        if (item) localStorage.removeItem(item.name);
        return false;
      }
      return item.entry.path === location.pathname;
    }).sort(function (a, b) { return b.entry.savedAt - a.entry.savedAt; });
    if (!candidates.length) return;
    var newest = candidates[0];
    keyPromise.then(function (key) {
      return crypto.subtle.decrypt({ name: "AES-GCM", iv: toBytes(newest.entry.iv) }, key, toBytes(newest.entry.data));
    }).then(function (plain) {
      var pairs = JSON.parse(new TextDecoder().decode(plain));
      var banner = document.querySelector(".restore");
      if (!banner) return;
      banner.hidden = false;
      var when = new Date(newest.entry.savedAt).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
      var button = banner.querySelector("[data-restore-draft]");
      button.textContent = "Restore the unsent entry from " + when;
      button.addEventListener("click", function () {
        restore(form, pairs);
        banner.hidden = true;
      });
    }).catch(function () {
      // Written under another session's key: unreadable by design, so remove it.
      localStorage.removeItem(newest.name);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (document.body.hasAttribute("data-wipe-drafts-now")) wipeAll();
    document.querySelectorAll("[data-wipe-drafts]").forEach(function (button) {
      button.addEventListener("click", wipeAll);
    });
    var saved = document.body.dataset.savedClientKey;
    if (saved) localStorage.removeItem(PREFIX + saved);
    var form = document.getElementById("encounter-form");
    if (form && form.dataset.draftKey && window.crypto && window.crypto.subtle) setupDrafts(form);
  });
}());
