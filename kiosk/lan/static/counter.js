/* /counter: the operator's page on a counter PC, a tablet or a phone.
 *
 * Sign in with the PIN, pick the counter (kept in localStorage `ppp.counter`), see the
 * counter's list live (refetched on the stream's `queue` events) and act on it. Every press
 * makes one action_id and every retry of that press resends it (PPP.sendAction), so the kiosk
 * does the press once however flaky the LAN is.
 */
(function () {
  "use strict";

  var t = PPP.t;
  var device = PPP.deviceId();
  var state = {
    csrf: null,
    operator: null,
    outpost: "",
    counters: [],
    counter: null,
    queue: null,
    services: null,
    busy: false,
    lastSeq: null,
    displays: null,
    pin: "",
    pinMessage: null, // {id, en} from the kiosk, or a key of ours
    status: null, // {text: () => string, kind}
    undo: null // {ticket, deadline, timer}
  };
  var stream = null;

  function $(id) {
    return document.getElementById(id);
  }

  function localized(message) {
    if (!message) return "";
    if (typeof message === "string") return t(message);
    return message[PPP.language()] || message.id || "";
  }

  function serviceName(ticket) {
    var name = ticket && ticket.service_name;
    return name ? name[PPP.language()] || name.id || "" : "";
  }

  /* ---- screens ---- */

  function show(section) {
    ["signin", "pick", "desk"].forEach(function (id) {
      $(id).hidden = id !== section;
    });
    $("sign-out").hidden = section === "signin";
    renderHeading();
  }

  function renderHeading() {
    var heading = $("heading");
    if (state.counter && !$("desk").hidden) {
      heading.textContent = t("counter.heading", { counter: state.counter, outpost: state.outpost });
    } else {
      heading.textContent = t("counter.title") + (state.outpost ? " · PPP " + state.outpost : "");
    }
    document.title = heading.textContent;
    $("who").textContent = state.operator ? t("counter.signed_in", { name: state.operator.name }) : "";
  }

  function setStatus(kind, textFn) {
    state.status = textFn ? { kind: kind, text: textFn } : null;
    renderStatus();
  }

  function renderStatus() {
    var node = $("status");
    node.className = "status" + (state.status ? " " + state.status.kind : "");
    node.textContent = state.status ? state.status.text() : "";
  }

  /* ---- sign-in ---- */

  function renderPin() {
    var dots = $("pin-dots");
    dots.textContent = "";
    var count = Math.max(6, state.pin.length);
    for (var i = 0; i < count; i++) dots.appendChild(PPP.el("span", { className: i < state.pin.length ? "on" : "" }));
    $("pin-message").textContent = localized(state.pinMessage);
  }

  function pressDigit(digit) {
    if (state.pin.length >= 12) return;
    state.pin += digit;
    state.pinMessage = null;
    renderPin();
  }

  function erase() {
    state.pin = state.pin.slice(0, -1);
    renderPin();
  }

  function submitPin() {
    if (state.busy) return;
    if (!state.pin) {
      state.pinMessage = "counter.pin_empty";
      renderPin();
      return;
    }
    var pin = state.pin;
    state.pin = "";
    state.busy = true;
    state.pinMessage = "counter.pin_checking";
    renderPin();
    PPP.request("POST", "/api/session", { pin: pin, device: device }).then(
      function (result) {
        state.busy = false;
        if (result.status === 200 && result.data) {
          state.pinMessage = null;
          renderPin();
          signedIn(result.data);
          return;
        }
        state.pinMessage = (result.data && result.data.message) || "result.error";
        renderPin();
      },
      function () {
        state.busy = false;
        state.pinMessage = "conn.lost";
        renderPin();
      }
    );
  }

  function showSignin(message) {
    state.csrf = null;
    state.operator = null;
    state.pin = "";
    state.pinMessage = message || null;
    closeDialog();
    hideUndo();
    renderPin();
    show("signin");
  }

  function signedIn(data) {
    state.csrf = data.csrf;
    state.operator = data.operator;
    loadCounters(0);
  }

  function signOut() {
    PPP.request("DELETE", "/api/session", undefined, { csrf: state.csrf }).then(
      function () {},
      function () {}
    );
    showSignin(null);
  }

  /* ---- counters ---- */

  function loadCounters(attempt) {
    PPP.request("GET", "/api/counters").then(
      function (result) {
        if (result.status !== 200 || !result.data) throw new PPP.NetworkError("HTTP " + result.status);
        state.counters = result.data.counters;
        state.outpost = result.data.outpost || "";
        var saved = PPP.storageGet("ppp.counter");
        if (saved && state.counters.indexOf(saved) >= 0) openDesk(saved);
        else showPick();
      },
      function () {
        setTimeout(function () {
          loadCounters(attempt + 1);
        }, PPP.backoffMs(attempt, 8000));
      }
    );
  }

  function showPick() {
    var grid = $("pick-grid");
    grid.textContent = "";
    state.counters.forEach(function (counter) {
      grid.appendChild(
        PPP.el("button", {
          type: "button",
          className: counter === state.counter ? "current" : "",
          "data-counter": counter,
          text: t("counter.counter_n", { counter: counter }),
          onclick: function () {
            openDesk(counter);
          }
        })
      );
    });
    show("pick");
  }

  function openDesk(counter) {
    if (counter !== state.counter) {
      state.queue = null;
      setStatus(null, null);
    }
    state.counter = counter;
    PPP.storageSet("ppp.counter", counter);
    show("desk");
    renderQueue();
    refreshQueue();
    openStream();
  }

  /* ---- the counter's list ---- */

  var fetching = false;
  var fetchAgain = false;

  function refreshQueue() {
    if (!state.counter || !state.csrf) return;
    if (fetching) {
      fetchAgain = true;
      return;
    }
    fetching = true;
    var counter = state.counter;
    PPP.request("GET", "/api/counters/" + encodeURIComponent(counter) + "/queue").then(
      function (result) {
        fetching = false;
        if (result.status === 401) {
          showSignin("result.signed_out");
          return;
        }
        if (result.status === 200 && result.data && counter === state.counter) {
          var same = JSON.stringify(result.data) === JSON.stringify(state.queue);
          state.queue = result.data;
          if (!same) renderQueue(); // an unchanged list is not redrawn under a finger
        }
        if (fetchAgain) {
          fetchAgain = false;
          refreshQueue();
        }
      },
      function () {
        fetching = false; // the stream's hello refetches once the kiosk answers again
      }
    );
  }

  function ticketRow(ticket, showStatus) {
    var details = [serviceName(ticket), t("counter.issued_at", { time: PPP.formatTime(ticket.issued_at) })];
    if (ticket.has_request) details.push(t("counter.has_request"));
    return PPP.el("li", {}, [
      PPP.el(
        "button",
        {
          type: "button",
          className: "ticket",
          "data-ticket": ticket.id,
          onclick: function () {
            ticketDialog(ticket);
          }
        },
        [
          PPP.el("span", { className: "num", text: ticket.number }),
          PPP.el("span", { className: "what" }, [
            document.createTextNode(serviceName(ticket)),
            PPP.el("small", { text: details.slice(1).join(" · ") })
          ]),
          showStatus ? PPP.el("span", { className: "state", text: t("status." + ticket.status) }) : null
        ]
      )
    ]);
  }

  function renderQueue() {
    var queue = state.queue;
    var called = queue && queue.called;
    $("called-number").textContent = called ? called.number : "—";
    $("called-detail").textContent = called
      ? serviceName(called) + (called.called_at ? " · " + t("counter.called_at", { time: PPP.formatTime(called.called_at) }) : "")
      : queue
        ? t("counter.none_called")
        : t("counter.loading");
    var waiting = $("waiting");
    waiting.textContent = "";
    var list = (queue && queue.waiting) || [];
    $("waiting-title").textContent = t("counter.waiting_title", { count: list.length });
    if (queue && list.length === 0) waiting.appendChild(PPP.el("li", { className: "empty", text: t("counter.nobody") }));
    list.forEach(function (ticket) {
      waiting.appendChild(ticketRow(ticket, false));
    });
    var recent = $("recent");
    recent.textContent = "";
    $("recent-title").hidden = !(queue && queue.recent && queue.recent.length);
    ((queue && queue.recent) || []).forEach(function (ticket) {
      recent.appendChild(ticketRow(ticket, true));
    });
    renderButtons();
  }

  function renderButtons() {
    var called = state.queue && state.queue.called;
    $("call-next").disabled = state.busy || !state.queue;
    ["recall", "served", "no-show", "void", "reprint"].forEach(function (id) {
      $(id).disabled = state.busy || !called;
    });
    $("walk-in").disabled = state.busy;
  }

  /* ---- the displays' audio health ---- */

  function applyHealth(displays) {
    if (displays) state.displays = displays;
    renderHealth();
  }

  function renderHealth() {
    var node = $("health");
    var displays = state.displays || [];
    var word;
    var kind;
    if (displays.length === 0) {
      word = t("health.none");
      kind = "none";
    } else {
      var ok = displays.filter(function (d) {
        return d.audio === "ok";
      }).length;
      var blocked = displays.some(function (d) {
        return d.audio === "blocked";
      });
      kind = ok === displays.length ? "ok" : blocked ? "blocked" : "error";
      word = t("health." + kind);
      if (displays.length > 1) word += " " + t("health.count", { ok: ok, total: displays.length });
    }
    node.className = "health " + kind;
    node.setAttribute("data-audio", kind);
    node.textContent = "";
    node.appendChild(document.createTextNode(t("health.label") + " "));
    node.appendChild(PPP.el("b", { text: word }));
  }

  /* ---- the stream ---- */

  function openStream() {
    if (stream) return;
    stream = new PPP.CallStream({
      after: function () {
        return state.lastSeq;
      },
      hello: function (hello) {
        state.lastSeq = hello.last_seq;
        if (hello.displays) applyHealth(hello.displays);
        refreshQueue();
      },
      call: function (call) {
        if (state.lastSeq === null || call.seq > state.lastSeq) state.lastSeq = call.seq;
        if (call.counter === state.counter) refreshQueue();
      },
      queue: function (data) {
        if (!data.counter || data.counter === state.counter) refreshQueue();
      },
      board: function () {},
      health: function (data) {
        applyHealth(data.displays);
      },
      poll: function (data) {
        if (data.last_seq !== state.lastSeq) {
          state.lastSeq = data.last_seq;
          refreshQueue();
        }
      },
      state: function (connected) {
        $("lost").hidden = connected;
        document.body.classList.toggle("lost", !connected);
      }
    });
    stream.open();
  }

  /* ---- actions ---- */

  /* One press: one action_id, resent unchanged on every retry. `done(data)` gets the 200
   * answer; `conflict(result)` may handle a 409 itself (returns true). */
  function act(path, body, done, conflict) {
    if (state.busy) return;
    state.busy = true;
    renderButtons();
    setStatus("", function () {
      return t("result.working");
    });
    var payload = Object.assign({ action_id: PPP.randomId() }, body || {});
    var refreshedCsrf = false;
    function send() {
      return PPP.sendAction(path, payload, {
        csrf: function () {
          return state.csrf;
        },
        onRetry: function () {
          setStatus("error", function () {
            return t("result.retrying");
          });
        }
      }).then(function (result) {
        if (result.status === 403 && result.data && result.data.error === "csrf" && !refreshedCsrf) {
          refreshedCsrf = true; // a kiosk restart may have renewed the token: fetch it, resend
          return PPP.request("GET", "/api/session").then(function (session) {
            if (session.status !== 200) return session;
            state.csrf = session.data.csrf;
            return send();
          });
        }
        return result;
      });
    }
    send()
      .then(
        function (result) {
          state.busy = false;
          if (result.status === 200) {
            done(result.data || {});
          } else if (result.status === 401) {
            showSignin("result.signed_out");
            return;
          } else if (!(result.status === 409 && conflict && conflict(result))) {
            var message = result.data && result.data.message;
            setStatus("error", function () {
              return localized(message) || t("result.error");
            });
          }
        },
        function () {
          state.busy = false;
          setStatus("error", function () {
            return t("result.gave_up");
          });
        }
      )
      .then(function () {
        renderButtons();
        refreshQueue();
      });
  }

  function ticketPath(ticket, action) {
    return "/api/tickets/" + encodeURIComponent(ticket.id) + "/" + action;
  }

  function okStatus(key, ticket) {
    var number = ticket ? ticket.number : "";
    var counter = state.counter;
    setStatus("ok", function () {
      return t(key, { number: number, counter: counter });
    });
  }

  function callNext(allowSecond) {
    act(
      "/api/counters/" + encodeURIComponent(state.counter) + "/call-next",
      { allow_second: !!allowSecond },
      function (data) {
        if (data.ticket) okStatus("result.called", data.ticket);
        else okStatus("result.nobody", null);
      },
      function (result) {
        if (!result.data || result.data.error !== "already_called") return false;
        setStatus(null, null);
        var number = result.data.ticket ? result.data.ticket.number : "";
        openDialog(t("action.call_next"), [PPP.el("p", { text: t("dialog.already_called", { number: number }) })], [
          {
            label: t("action.call_anyway"),
            className: "primary",
            id: "call-anyway",
            onclick: function () {
              closeDialog();
              callNext(true); // a new press: a new action_id
            }
          },
          { label: t("action.back"), onclick: closeDialog }
        ]);
        return true;
      }
    );
  }

  function calledTicket() {
    return state.queue && state.queue.called;
  }

  function recall(ticket) {
    act(ticketPath(ticket, "recall"), {}, function (data) {
      okStatus("result.recalled", data.ticket || ticket);
    });
  }

  function served(ticket) {
    act(ticketPath(ticket, "served"), {}, function (data) {
      okStatus("result.served", data.ticket || ticket);
    });
  }

  function noShow(ticket) {
    act(ticketPath(ticket, "no-show"), {}, function (data) {
      okStatus("result.no_show", data.ticket || ticket);
      showUndo(data.ticket || ticket, typeof data.undo_s === "number" ? data.undo_s : 5);
    });
  }

  function confirmVoid(ticket) {
    openDialog(t("action.void"), [PPP.el("p", { text: t("dialog.void", { number: ticket.number }) })], [
      {
        label: t("action.void_yes", { number: ticket.number }),
        className: "danger solid",
        id: "void-yes",
        onclick: function () {
          closeDialog();
          act(ticketPath(ticket, "void"), {}, function (data) {
            okStatus("result.voided", data.ticket || ticket);
          });
        }
      },
      { label: t("action.back"), onclick: closeDialog }
    ]);
  }

  function reprint(ticket) {
    act(ticketPath(ticket, "reprint"), {}, function (data) {
      okStatus("result.reprinted", data.ticket || ticket);
    });
  }

  /* ---- undo a no-show ---- */

  function showUndo(ticket, seconds) {
    hideUndo();
    state.undo = { ticket: ticket, deadline: Date.now() + seconds * 1000, timer: null };
    $("undo-text").textContent = t("result.no_show", { number: ticket.number });
    $("undo").hidden = false;
    tickUndo();
    state.undo.timer = setInterval(tickUndo, 250);
  }

  function tickUndo() {
    if (!state.undo) return;
    var left = Math.ceil((state.undo.deadline - Date.now()) / 1000);
    if (left <= 0) {
      hideUndo();
      return;
    }
    $("undo-button").textContent = t("action.undo", { seconds: left });
    $("undo-text").textContent = t("result.no_show", { number: state.undo.ticket.number });
  }

  function hideUndo() {
    if (state.undo && state.undo.timer) clearInterval(state.undo.timer);
    state.undo = null;
    $("undo").hidden = true;
  }

  function undoNoShow() {
    if (!state.undo) return;
    var ticket = state.undo.ticket;
    hideUndo();
    act(ticketPath(ticket, "undo-no-show"), {}, function (data) {
      okStatus("result.no_show_undone", data.ticket || ticket);
    });
  }

  /* ---- dialogs ---- */

  function openDialog(title, bodyNodes, buttons, wide) {
    var dialog = $("dialog");
    dialog.textContent = "";
    dialog.className = "dialog" + (wide ? " wide" : "");
    dialog.setAttribute("tabindex", "-1");
    dialog.appendChild(PPP.el("h2", { id: "dialog-title", text: title }));
    bodyNodes.forEach(function (node) {
      dialog.appendChild(node);
    });
    if (buttons && buttons.length) {
      var row = PPP.el("div", { className: "row" });
      buttons.forEach(function (button) {
        var attrs = { type: "button", className: "btn " + (button.className || ""), text: button.label, onclick: button.onclick };
        if (button.id) attrs.id = button.id;
        row.appendChild(PPP.el("button", attrs));
      });
      dialog.appendChild(row);
    }
    $("overlay").hidden = false;
    dialog.scrollTop = 0;
    dialog.focus({ preventScroll: true }); // the title stays in view; Tab reaches the buttons
  }

  function closeDialog() {
    $("overlay").hidden = true;
    $("dialog").textContent = "";
  }

  function ticketDialog(ticket) {
    var buttons = [
      {
        label: t("action.reprint"),
        id: "row-reprint",
        onclick: function () {
          closeDialog();
          reprint(ticket);
        }
      }
    ];
    if (ticket.status === "waiting" || ticket.status === "called") {
      buttons.push({
        label: t("action.void"),
        className: "danger",
        id: "row-void",
        onclick: function () {
          confirmVoid(ticket);
        }
      });
    }
    buttons.push({ label: t("action.back"), onclick: closeDialog });
    var detail = serviceName(ticket) + " · " + t("status." + ticket.status) + " · " + t("counter.issued_at", { time: PPP.formatTime(ticket.issued_at) });
    openDialog(t("dialog.ticket", { number: ticket.number }), [PPP.el("p", { text: detail })], buttons);
  }

  function walkIn() {
    function open(services) {
      var mine = services.filter(function (s) {
        return s.counter === state.counter;
      });
      var others = services.filter(function (s) {
        return s.counter !== state.counter;
      });
      function choices(list) {
        return PPP.el(
          "div",
          { className: "choices" },
          list.map(function (service) {
            return PPP.el("button", {
              type: "button",
              className: "btn",
              "data-service": service.code,
              text: service.letter + " · " + (service.name[PPP.language()] || service.name.id),
              onclick: function () {
                closeDialog();
                act(
                  "/api/counters/" + encodeURIComponent(state.counter) + "/walk-in",
                  { service_code: service.code },
                  function (data) {
                    okStatus("result.walk_in", data.ticket);
                  }
                );
              }
            });
          })
        );
      }
      var body = [choices(mine)];
      if (others.length) body.push(PPP.el("h3", { text: t("dialog.walk_in_other") }), choices(others));
      openDialog(t("dialog.walk_in"), body, [{ label: t("action.back"), onclick: closeDialog }]);
    }
    ensureServices().then(function (services) {
      if (services) open(services);
      else
        setStatus("error", function () {
          return t("conn.lost");
        });
    });
  }

  /* The catalogue's services (for walk-in tickets and the report's own-counter rows). */
  function ensureServices() {
    if (state.services) return Promise.resolve(state.services);
    return PPP.request("GET", "/api/services").then(
      function (result) {
        if (result.status === 200 && result.data) state.services = result.data.services;
        return state.services;
      },
      function () {
        return null;
      }
    );
  }

  function report() {
    ensureServices()
      .then(function () {
        return PPP.request("GET", "/api/report");
      })
      .then(
      function (result) {
        if (result.status === 401) {
          showSignin("result.signed_out");
          return;
        }
        if (result.status !== 200 || !result.data) return;
        var data = result.data;
        var head = PPP.el(
          "tr",
          {},
          ["report.service", "report.issued", "report.served", "report.no_show", "report.voided", "report.waiting", "report.mean_wait", "report.p90_wait"].map(
            function (key) {
              return PPP.el("th", { scope: "col", text: t(key) });
            }
          )
        );
        function minutes(value) {
          return value === null || value === undefined ? "—" : t("report.minutes", { minutes: Math.round(value) });
        }
        function isMine(code) {
          return (state.services || []).some(function (service) {
            return service.code === code && service.counter === state.counter;
          });
        }
        var ordered = (data.services || []).slice().sort(function (a, b) {
          return (isMine(b.code) ? 1 : 0) - (isMine(a.code) ? 1 : 0); // this counter's first
        });
        var rows = ordered.map(function (s) {
          var name = s.name && typeof s.name === "object" ? s.name[PPP.language()] || s.name.id : s.name || s.code;
          return PPP.el("tr", { className: isMine(s.code) ? "mine" : "" }, [
            PPP.el("td", { text: name }),
            PPP.el("td", { text: String(s.issued) }),
            PPP.el("td", { text: String(s.served) }),
            PPP.el("td", { text: String(s.no_show) }),
            PPP.el("td", { text: String(s.voided) }),
            PPP.el("td", { text: String(s.waiting) }),
            PPP.el("td", { text: minutes(s.mean_wait_min) }),
            PPP.el("td", { text: minutes(s.p90_wait_min) })
          ]);
        });
        var table = PPP.el("table", { className: "report", id: "report-table" }, [PPP.el("thead", {}, [head]), PPP.el("tbody", {}, rows)]);
        openDialog(
          t("report.title", { day: data.day }),
          [
            PPP.el("div", { className: "report-wrap" }, [table]),
            PPP.el("p", { text: t("report.total", { issued: data.total_issued, served: data.total_served }) })
          ],
          [{ label: t("action.close"), onclick: closeDialog }],
          true
        );
      },
      function () {
        setStatus("error", function () {
          return t("conn.lost");
        });
      }
    );
  }

  /* ---- wiring ---- */

  function bind() {
    var pad = $("pad");
    pad.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) return;
      if (button.hasAttribute("data-digit")) pressDigit(button.getAttribute("data-digit"));
    });
    $("pin-erase").addEventListener("click", erase);
    $("pin-ok").addEventListener("click", submitPin);
    document.addEventListener("keydown", function (event) {
      if (!$("overlay").hidden && event.key === "Escape") {
        closeDialog();
        return;
      }
      if ($("signin").hidden) return;
      if (/^[0-9]$/.test(event.key)) pressDigit(event.key);
      else if (event.key === "Backspace") erase();
      else if (event.key === "Enter") submitPin();
    });
    $("sign-out").addEventListener("click", signOut);
    $("change-counter").addEventListener("click", showPick);
    $("call-next").addEventListener("click", function () {
      callNext(false);
    });
    $("recall").addEventListener("click", function () {
      if (calledTicket()) recall(calledTicket());
    });
    $("served").addEventListener("click", function () {
      if (calledTicket()) served(calledTicket());
    });
    $("no-show").addEventListener("click", function () {
      if (calledTicket()) noShow(calledTicket());
    });
    $("void").addEventListener("click", function () {
      if (calledTicket()) confirmVoid(calledTicket());
    });
    $("reprint").addEventListener("click", function () {
      if (calledTicket()) reprint(calledTicket());
    });
    $("walk-in").addEventListener("click", walkIn);
    $("report").addEventListener("click", report);
    $("undo-button").addEventListener("click", undoNoShow);
    $("overlay").addEventListener("click", function (event) {
      if (event.target === $("overlay")) closeDialog();
    });
    PPP.bindLanguageToggle($("lang"));
    PPP.onLanguage(function () {
      renderHeading();
      renderPin();
      renderQueue();
      renderStatus();
      renderHealth();
      tickUndo();
      if (!$("pick").hidden) showPick();
      closeDialog();
    });
  }

  function start(attempt) {
    PPP.request("GET", "/api/session").then(
      function (result) {
        $("lost").hidden = true;
        if (result.status === 200 && result.data) signedIn(result.data);
        else showSignin(null);
      },
      function () {
        $("lost").hidden = false;
        setTimeout(function () {
          start(attempt + 1);
        }, PPP.backoffMs(attempt, 8000));
      }
    );
  }

  PPP.applyI18n(document);
  bind();
  renderPin();
  renderHealth();
  start(0);
})();
