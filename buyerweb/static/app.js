/* Lucky Draw buyer pages: the one small script. Every page works without it; this makes the
   ticket grid live (availability, total, lucky dip, booking without a reload) and moves the
   payment page on by itself. No framework, no external requests. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function pad(n, width) { n = String(n); while (n.length < width) n = "0" + n; return n; }
  function rupees(paise) { return "\u20b9" + Math.floor(paise / 100) + "." + pad(paise % 100, 2); }

  /* The page's language: the server puts this script's messages, translated, in #i18n. */
  var strings = {};
  try { strings = JSON.parse(($("#i18n") || {}).textContent || "{}"); } catch (e) { strings = {}; }
  function fill(text, params) {
    return text.replace(/%\((\w+)\)s/g, function (all, key) {
      return params && key in params ? String(params[key]) : all;
    });
  }
  function t(text, params) {
    var found = strings[text];
    return fill(typeof found === "string" && found ? found : text, params);
  }
  function tn(one, many, n, params) {
    var found = strings[one], forms = Array.isArray(found) ? found : [one, many];
    var p = { n: n }; for (var k in params || {}) p[k] = params[k];
    return fill((n === 1 ? forms[0] : forms[1]) || (n === 1 ? one : many), p);
  }

  function say(text, kind) {
    var box = $("#msg");
    if (!box) return;
    box.hidden = !text;
    box.textContent = text || "";
    box.className = "msg " + (kind || "error") + " flash";
    box.setAttribute("role", kind === "error" ? "alert" : "status");
    if (text) box.scrollIntoView({ block: "nearest" });
  }

  function getJSON(url) {
    return fetch(url, { cache: "no-store", credentials: "same-origin" }).then(function (r) {
      return r.json().then(function (data) { return { status: r.status, data: data }; });
    });
  }

  /* ------------------------------------------------------------------ ticket grid */
  function setupPick(form) {
    var max = +form.dataset.max, price = +form.dataset.price, width = +form.dataset.width;
    var lo = +form.dataset.lo, hi = +form.dataset.hi;
    var hiddenBox = $("#hidden-picks"), holdBtn = $("#hold-btn");
    var busy = false;

    function boxFor(n) { var cell = document.getElementById("t" + n); return cell ? $("input", cell) : null; }
    function selected() {
      var set = [];
      $all('input[name="t"]', form).forEach(function (el) {
        if ((el.type === "hidden" || el.checked) && set.indexOf(+el.value) < 0) set.push(+el.value);
      });
      return set.sort(function (a, b) { return a - b; });
    }
    function refreshTotal() {
      var sel = selected();
      $("#sel-count").textContent = sel.length;
      $("#sel-total").textContent = rupees(sel.length * price);
      $("#chips").textContent = sel.length ? sel.map(function (n) { return pad(n, width); }).join(", ")
                                           : t("Tap numbers to pick them.");
    }
    function unselect(n) {
      var box = boxFor(n);
      if (box) box.checked = false;
      $all('input[type="hidden"][name="t"]', hiddenBox).forEach(function (el) { if (+el.value === n) el.remove(); });
    }
    function markTaken(n, state) {
      var cell = document.getElementById("t" + n);
      if (!cell) return;
      var box = $("input", cell);
      box.checked = false; box.disabled = true;
      cell.classList.remove("held", "sold");
      cell.classList.add(state === "2" ? "sold" : "held", "gone");
      box.setAttribute("aria-describedby", state === "2" ? "w-sold" : "w-held");  // the word, held once in the grid
    }
    function markFree(n) {
      var cell = document.getElementById("t" + n);
      if (!cell) return;
      cell.classList.remove("held", "sold", "gone");
      var box = $("input", cell);
      box.disabled = false; box.removeAttribute("aria-describedby");
    }
    function takenText(list) {
      var shown = list.map(function (n) { return pad(n, width); }).join(", ");
      return tn("Ticket %(numbers)s was just taken by someone else, so it is no longer in your selection.",
                "Tickets %(numbers)s were just taken by someone else, so they are no longer in your selection.",
                list.length, { numbers: shown });
    }

    form.addEventListener("change", function (ev) {
      var el = ev.target;
      if (el.name !== "t" || el.type !== "checkbox") return;
      if (el.checked && selected().length > max) {
        el.checked = false;
        say(t("You can pick at most %(max)s numbers in one booking.", { max: max }), "error");
      }
      refreshTotal();
    });

    function applyStates(data) {
      var gone = [], sel = selected();
      var from = data.from || 1, states = data.states || "";
      for (var k = 0; k < states.length; k++) {
        var n = from + k, st = states.charAt(k), cell = document.getElementById("t" + n);
        if (!cell) continue;
        var isFree = !cell.classList.contains("held") && !cell.classList.contains("sold");
        if (st !== "0" && isFree) {
          if (sel.indexOf(n) >= 0) gone.push(n);
          markTaken(n, st);
        } else if (st !== "0") {
          cell.classList.toggle("sold", st === "2"); cell.classList.toggle("held", st === "1");
          $("input", cell).setAttribute("aria-describedby", st === "2" ? "w-sold" : "w-held");
        } else if (!isFree) {
          markFree(n);
        }
      }
      [["#free-count", data.free], ["#sold-count", data.sold], ["#held-count", data.held]].forEach(function (pair) {
        var el = $(pair[0]); if (el && typeof pair[1] === "number") el.textContent = pair[1];
      });
      if (data.state && data.state !== "open") {
        holdBtn.disabled = true;
        say(t("Sales are closed for this draw. No new bookings can be made."), "error");
      }
      if (gone.length) { say(takenText(gone), "error"); refreshTotal(); }
    }

    function poll() {
      if (document.hidden || busy) return;
      getJSON("/api/tickets?from=" + lo + "&to=" + hi).then(function (r) {
        if (r.status === 200) applyStates(r.data);
      }).catch(function () {});
    }
    setInterval(poll, 5000);
    document.addEventListener("visibilitychange", function () { if (!document.hidden) poll(); });

    function addPick(n) {
      var box = boxFor(n);
      if (box && !box.disabled) { box.checked = true; return; }
      var el = document.createElement("input");
      el.type = "hidden"; el.name = "t"; el.value = n;
      hiddenBox.appendChild(el);
    }

    function luckyDip() {
      var want = +$("#dip").value || 1, sel = selected(), room = max - sel.length;
      if (room <= 0) { say(t("You already have %(max)s numbers, the most for one booking.", { max: max }), "error"); return; }
      getJSON("/api/tickets").then(function (r) {
        if (r.status !== 200) throw new Error();
        var free = [], states = r.data.states;
        for (var k = 0; k < states.length; k++) if (states.charAt(k) === "0" && sel.indexOf(k + 1) < 0) free.push(k + 1);
        var count = Math.min(want, room, free.length), picks = [], rnd = new Uint32Array(1);
        while (picks.length < count) {
          crypto.getRandomValues(rnd);
          var j = rnd[0] % free.length;
          picks.push(free[j]); free.splice(j, 1);
        }
        if (!picks.length) { say(t("Sorry, there are no free numbers left."), "error"); return; }
        picks.sort(function (a, b) { return a - b; }).forEach(addPick);
        refreshTotal();
        say(t("Lucky dip picked %(numbers)s. Tap any number to change your picks.",
              { numbers: picks.map(function (n) { return pad(n, width); }).join(", ") }), "info");
        var first = boxFor(picks[0]); if (first) first.parentNode.scrollIntoView({ block: "center", behavior: "smooth" });
      }).catch(function () { say(t("Could not reach the server. Check your connection and try again."), "error"); });
    }

    function jump() {
      var n = parseInt($("#jump").value, 10);
      if (!(n >= lo && n <= hi)) return false;       // another range: let the server show it
      var cell = document.getElementById("t" + n);
      cell.scrollIntoView({ block: "center", behavior: "smooth" });
      $("input", cell).focus({ preventScroll: true });
      cell.classList.add("found");
      setTimeout(function () { cell.classList.remove("found"); }, 2000);
      return true;
    }

    function book() {
      var sel = selected();
      if (!sel.length) { say(t("Please pick at least one number."), "error"); return; }
      busy = true; holdBtn.disabled = true; holdBtn.textContent = t("Booking\u2026");
      fetch("/api/orders", {
        method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ name: form.dataset.name, mobile: form.dataset.mobile, tickets: sel })
      }).then(function (r) {
        return r.json().then(function (data) { return { status: r.status, data: data }; });
      }).then(function (r) {
        if (r.status === 201) { window.location.assign(r.data.pay_url); return; }
        if (r.status === 409 && r.data.taken) {
          r.data.taken.forEach(function (n) { unselect(n); markTaken(n, "1"); });
          refreshTotal();
        }
        say(r.data.error || t("The booking did not go through. Please try again."), "error");
        busy = false; holdBtn.disabled = false; holdBtn.textContent = t("Book & pay");
        if (r.status === 409) poll();
      }).catch(function () {
        say(t("Could not reach the server. Check your connection and try again."), "error");
        busy = false; holdBtn.disabled = false; holdBtn.textContent = t("Book & pay");
      });
    }

    var lastButton = null;  // for browsers without SubmitEvent.submitter
    form.addEventListener("click", function (ev) {
      var btn = ev.target.closest ? ev.target.closest('button[type="submit"]') : null;
      if (btn) lastButton = btn;
    });
    form.addEventListener("submit", function (ev) {
      var button = ev.submitter || lastButton;
      var action = button ? button.value : "hold";
      lastButton = null;
      if (action === "hold") { ev.preventDefault(); if (!busy) book(); }
      else if (action === "dip") { ev.preventDefault(); luckyDip(); }
      else if (action === "jump") { if (jump()) ev.preventDefault(); }
    });
    var jumpBox = $("#jump");
    jumpBox.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter") { ev.preventDefault(); $('button[value="jump"]', form).click(); }
    });
    var rangeSel = $("#range");
    if (rangeSel) rangeSel.addEventListener("change", function () { $("#range-go").click(); });
    if (form.dataset.focus) {
      var target = boxFor(+form.dataset.focus);
      if (target) {
        target.focus();
        target.parentNode.classList.add("found");
        setTimeout(function () { target.parentNode.classList.remove("found"); }, 2500);
      }
    }
    refreshTotal();

    /* The blocks of tickets away from the screen are not laid out at first (app.css), which also
       keeps them from screen readers until they near the screen. At the buyer's first move
       (a scroll, which a screen reader's moving on also makes, a key, a touch) lay out the rest,
       a block a frame, so that every ticket can be found. */
    var blocks = $all(".blk", form), moves = ["scroll", "keydown", "focusin", "pointerdown", "touchstart", "wheel"];
    function showNext() {
      var block = blocks.shift();
      if (!block) return;
      block.classList.add("shown");
      requestAnimationFrame(function () { setTimeout(showNext, 16); });
    }
    function firstMove() {
      moves.forEach(function (type) { window.removeEventListener(type, firstMove, true); });
      showNext();
    }
    moves.forEach(function (type) { window.addEventListener(type, firstMove, { capture: true, passive: true }); });
  }

  /* ------------------------------------------------------------------ payment page */
  function setupPay(status) {
    var sid = status.dataset.session, left = +status.dataset.seconds, clock = $("#countdown");
    var lastPoll = 0, done = false;

    function show(text, cls) {
      status.className = cls || "";
      status.innerHTML = '<span class="dot" aria-hidden="true"></span> ';
      status.appendChild(document.createTextNode(text));
    }
    function tick() {
      if (done) return;
      left = Math.max(0, left - 1);
      if (clock) clock.textContent = Math.floor(left / 60) + ":" + pad(left % 60, 2);
      if (left === 0 && Date.now() - lastPoll > 1500) check();
    }
    function check() {
      if (done) return;
      lastPoll = Date.now();
      getJSON("/api/check_payment/" + sid).then(function (r) {
        var d = r.data;
        if (r.status !== 200) { show(d.error || t("This booking could not be found."), "gone"); return; }
        if (d.status === "paid") {
          done = true; show(t("Payment received! Opening your receipt\u2026"), "paid");
          window.location.replace(d.receipt_url);
        } else if (d.status === "expired" || d.status === "cancelled") {
          done = true; window.location.reload();
        } else {
          left = d.seconds_left; show(t("Waiting for your payment\u2026 (checked just now)"));
        }
      }).catch(function () { show(t("No connection right now \u2014 still checking\u2026")); });
    }
    setInterval(tick, 1000);
    setInterval(function () { if (!document.hidden) check(); }, 3000);  // not while the UPI app is in front
    document.addEventListener("visibilitychange", function () { if (!document.hidden) check(); });
  }

  /* ------------------------------------------------------------------ copy and print */
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text; area.setAttribute("readonly", ""); area.style.position = "fixed"; area.style.opacity = "0";
      document.body.appendChild(area); area.select();
      var ok = false; try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      area.remove(); if (ok) resolve(); else reject();
    });
  }
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest ? ev.target.closest("[data-copy]") : null;
    if (btn) {
      var label = btn.dataset.label || btn.textContent || t("Copy");
      btn.dataset.label = label;
      copyText(btn.dataset.copy).then(function () {
        btn.textContent = btn.dataset.done || t("Copied"); btn.classList.add("done");
        setTimeout(function () { btn.textContent = label; btn.classList.remove("done"); }, 1800);
      }, function () {
        var val = btn.parentNode.querySelector(".val");  // no clipboard here: select the text instead
        if (val && window.getSelection) { var r = document.createRange(); r.selectNodeContents(val); var sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(r); }
      });
    }
    if (ev.target.closest && ev.target.closest("[data-print]")) window.print();
  });

  var pick = $("#pick"); if (pick) setupPick(pick);
  var status = $("#status[data-session]"); if (status) setupPay(status);
})();
