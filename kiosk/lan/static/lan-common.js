/* PPP Kiosk, outpost LAN pages: what /counter and /display share.
 *
 * - PPP.t / PPP.applyI18n: the words of both pages, Bahasa Indonesia first, English second.
 * - PPP.request: JSON over fetch with a timeout; PPP.sendAction retries one press (one
 *   action_id) until the kiosk answers, so a retry after a dropped connection is safe.
 * - PPP.CallStream: the server-sent event stream with reconnect, backoff with jitter, replay
 *   with ?after=<last seq>, and a watchdog that polls /api/calls when the stream goes quiet.
 * - PPP.formatTime: times in WIB (Asia/Jakarta), whatever the device's own time zone.
 *
 * Plain JavaScript with no build step (docs/lan-api.md); no library.
 */
(function () {
  "use strict";

  var STRINGS = {
    id: {
      "lang.toggle": "English",
      "lang.toggle_name": "Ganti bahasa ke English",
      "conn.lost": "Terputus — menyambung lagi…",
      "conn.lost_detail": "Halaman ini menyambung lagi sendiri; tidak perlu dimuat ulang.",
      "index.title": "PPP Kiosk — jaringan pos",
      "index.counter": "Loket petugas",
      "index.counter_hint": "Untuk petugas: masuk dengan PIN, panggil antrean dari meja loket.",
      "index.display": "Layar ruang tunggu",
      "index.display_hint": "Untuk TV di ruang tunggu: nomor yang dipanggil, dengan suara.",
      "counter.title": "Loket Petugas",
      "counter.signin": "Masuk petugas",
      "counter.pin_prompt": "Ketik PIN petugas Anda",
      "counter.pin_empty": "Ketik PIN Anda dulu.",
      "counter.pin_checking": "Memeriksa PIN…",
      "counter.pin_erase": "Hapus satu angka",
      "counter.pin_ok": "Masuk",
      "counter.pick": "Pilih loket Anda",
      "counter.pick_hint": "Pilihan ini diingat di perangkat ini.",
      "counter.counter_n": "Loket {counter}",
      "counter.heading": "Loket {counter} · PPP {outpost}",
      "counter.signed_in": "{name}",
      "counter.sign_out": "Keluar",
      "counter.change_counter": "Ganti loket",
      "counter.now_calling": "Sedang dipanggil",
      "counter.none_called": "Belum ada nomor yang dipanggil.",
      "counter.called_at": "dipanggil {time} WIB",
      "counter.waiting_title": "Antrean menunggu ({count})",
      "counter.nobody": "Belum ada yang menunggu di loket ini.",
      "counter.recent_title": "Baru selesai",
      "counter.issued_at": "ambil {time} WIB",
      "counter.has_request": "ada permohonan",
      "counter.loading": "Memuat antrean…",
      "action.call_next": "Panggil berikutnya",
      "action.recall": "Panggil ulang",
      "action.served": "Selesai",
      "action.no_show": "Tidak hadir",
      "action.void": "Batalkan tiket",
      "action.reprint": "Cetak ulang",
      "action.walk_in": "Tiket baru",
      "action.report": "Laporan hari ini",
      "action.undo": "Batalkan ({seconds})",
      "action.call_anyway": "Tetap panggil",
      "action.back": "Kembali",
      "action.close": "Tutup",
      "action.void_yes": "Ya, batalkan {number}",
      "action.retry": "Coba lagi",
      "result.working": "Sedang diproses…",
      "result.retrying": "Kios belum menjawab — mencoba lagi…",
      "result.gave_up": "Kios tidak terjangkau. Tindakan belum tentu tercatat; periksa daftar, lalu coba lagi.",
      "result.called": "{number} dipanggil ke loket {counter}.",
      "result.nobody": "Tidak ada yang menunggu di loket ini.",
      "result.recalled": "{number} dipanggil ulang ke loket {counter}.",
      "result.served": "{number} selesai dilayani.",
      "result.no_show": "{number} dicatat tidak hadir.",
      "result.no_show_undone": "Tidak hadir dibatalkan: {number} kembali dipanggil.",
      "result.voided": "Tiket {number} dibatalkan.",
      "result.reprinted": "Tiket {number} dicetak ulang.",
      "result.walk_in": "Tiket {number} dicetak.",
      "result.signed_out": "Sesi berakhir. Silakan masuk lagi.",
      "result.error": "Tindakan gagal.",
      "dialog.already_called": "Loket ini masih memanggil {number}. Panggil nomor berikutnya juga?",
      "dialog.void": "Batalkan tiket {number}? Nomor ini tidak bisa dipanggil lagi.",
      "dialog.ticket": "Tiket {number}",
      "dialog.walk_in": "Tiket baru: pilih layanan",
      "dialog.walk_in_other": "Layanan loket lain",
      "report.title": "Laporan hari ini ({day})",
      "report.service": "Layanan",
      "report.issued": "Diambil",
      "report.served": "Dilayani",
      "report.no_show": "Tidak hadir",
      "report.voided": "Batal",
      "report.waiting": "Menunggu",
      "report.mean_wait": "Rata-rata tunggu",
      "report.p90_wait": "Tunggu terlama (90%)",
      "report.minutes": "{minutes} mnt",
      "report.total": "Jumlah: {issued} tiket diambil, {served} dilayani.",
      "status.waiting": "menunggu",
      "status.called": "dipanggil",
      "status.served": "selesai",
      "status.no_show": "tidak hadir",
      "status.void": "dibatalkan",
      "health.label": "Suara layar aula:",
      "health.none": "belum ada laporan",
      "health.ok": "aktif",
      "health.blocked": "diblokir — ketuk “Aktifkan suara” di layar aula",
      "health.error": "bermasalah",
      "health.count": "({ok} dari {total} layar aktif)",
      "display.title": "Layar Antrean"
    },
    en: {
      "lang.toggle": "Bahasa Indonesia",
      "lang.toggle_name": "Switch the language to Bahasa Indonesia",
      "conn.lost": "Disconnected — reconnecting…",
      "conn.lost_detail": "This page reconnects by itself; no need to reload it.",
      "index.title": "PPP Kiosk — outpost network",
      "index.counter": "Operator counter",
      "index.counter_hint": "For operators: sign in with your PIN, call the queue from your desk.",
      "index.display": "Waiting hall display",
      "index.display_hint": "For the hall TV: the numbers called, spoken aloud.",
      "counter.title": "Operator counter",
      "counter.signin": "Operator sign-in",
      "counter.pin_prompt": "Type your operator PIN",
      "counter.pin_empty": "Type your PIN first.",
      "counter.pin_checking": "Checking the PIN…",
      "counter.pin_erase": "Delete one digit",
      "counter.pin_ok": "Sign in",
      "counter.pick": "Choose your counter",
      "counter.pick_hint": "This device remembers the choice.",
      "counter.counter_n": "Counter {counter}",
      "counter.heading": "Counter {counter} · PPP {outpost}",
      "counter.signed_in": "{name}",
      "counter.sign_out": "Sign out",
      "counter.change_counter": "Change counter",
      "counter.now_calling": "Now calling",
      "counter.none_called": "No number called yet.",
      "counter.called_at": "called {time} WIB",
      "counter.waiting_title": "Waiting ({count})",
      "counter.nobody": "Nobody is waiting at this counter.",
      "counter.recent_title": "Recently done",
      "counter.issued_at": "taken {time} WIB",
      "counter.has_request": "has a request",
      "counter.loading": "Loading the queue…",
      "action.call_next": "Call next",
      "action.recall": "Call again",
      "action.served": "Served",
      "action.no_show": "No-show",
      "action.void": "Void ticket",
      "action.reprint": "Reprint",
      "action.walk_in": "New ticket",
      "action.report": "Today's report",
      "action.undo": "Undo ({seconds})",
      "action.call_anyway": "Call anyway",
      "action.back": "Back",
      "action.close": "Close",
      "action.void_yes": "Yes, void {number}",
      "action.retry": "Try again",
      "result.working": "Working…",
      "result.retrying": "The kiosk has not answered — trying again…",
      "result.gave_up": "The kiosk cannot be reached. The action may not be recorded; check the list, then try again.",
      "result.called": "{number} called to counter {counter}.",
      "result.nobody": "Nobody is waiting at this counter.",
      "result.recalled": "{number} called again to counter {counter}.",
      "result.served": "{number} marked served.",
      "result.no_show": "{number} marked as no-show.",
      "result.no_show_undone": "No-show undone: {number} is called again.",
      "result.voided": "Ticket {number} voided.",
      "result.reprinted": "Ticket {number} reprinted.",
      "result.walk_in": "Ticket {number} printed.",
      "result.signed_out": "The session ended. Please sign in again.",
      "result.error": "The action failed.",
      "dialog.already_called": "This counter is still calling {number}. Call the next number as well?",
      "dialog.void": "Void ticket {number}? This number cannot be called again.",
      "dialog.ticket": "Ticket {number}",
      "dialog.walk_in": "New ticket: choose the service",
      "dialog.walk_in_other": "Other counters' services",
      "report.title": "Today's report ({day})",
      "report.service": "Service",
      "report.issued": "Taken",
      "report.served": "Served",
      "report.no_show": "No-show",
      "report.voided": "Voided",
      "report.waiting": "Waiting",
      "report.mean_wait": "Mean wait",
      "report.p90_wait": "Longest wait (90%)",
      "report.minutes": "{minutes} min",
      "report.total": "Total: {issued} tickets taken, {served} served.",
      "status.waiting": "waiting",
      "status.called": "called",
      "status.served": "served",
      "status.no_show": "no-show",
      "status.void": "voided",
      "health.label": "Hall display sound:",
      "health.none": "no report yet",
      "health.ok": "on",
      "health.blocked": "blocked — tap “Turn on sound” on the hall display",
      "health.error": "failing",
      "health.count": "({ok} of {total} displays on)",
      "display.title": "Queue display"
    }
  };

  // The hall display speaks both languages at once (Bahasa Indonesia first, English under it),
  // whatever the page's language: its words are the same in either table.
  var HALL_DISPLAY = {
    "display.heading": "PPP {outpost}",
    "display.number": "Nomor antrean",
    "display.number_en": "Queue number",
    "display.go_to": "Silakan menuju",
    "display.go_to_en": "Please go to",
    "display.counter": "LOKET {counter}",
    "display.counter_en": "COUNTER {counter}",
    "display.waiting": "Menunggu panggilan",
    "display.recent": "Panggilan terakhir",
    "display.recent_en": "Last calls",
    "display.sound_on": "Aktifkan suara",
    "display.sound_on_en": "Turn on sound",
    "display.lost": "Terputus dari kios — menyambung lagi…",
    "display.lost_en": "Disconnected from the kiosk — reconnecting…"
  };
  Object.assign(STRINGS.id, HALL_DISPLAY);
  Object.assign(STRINGS.en, HALL_DISPLAY);

  function storageGet(key) {
    try {
      return window.localStorage.getItem(key);
    } catch (e) {
      return null; // private mode or storage disabled: the page still works, it only forgets
    }
  }

  function storageSet(key, value) {
    try {
      if (value === null || value === undefined) window.localStorage.removeItem(key);
      else window.localStorage.setItem(key, value);
    } catch (e) {
      /* see storageGet */
    }
  }

  var lang = storageGet("ppp.lang") === "en" ? "en" : "id";
  var languageListeners = [];

  function t(key, params) {
    var text = STRINGS[lang][key];
    if (text === undefined) text = STRINGS.id[key];
    if (text === undefined) return key;
    if (params) {
      text = text.replace(/\{(\w+)\}/g, function (whole, name) {
        return Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole;
      });
    }
    return text;
  }

  function applyI18n(root) {
    var scope = root || document;
    var nodes = scope.querySelectorAll("[data-i18n]");
    for (var i = 0; i < nodes.length; i++) nodes[i].textContent = t(nodes[i].getAttribute("data-i18n"));
    var labelled = scope.querySelectorAll("[data-i18n-label]");
    for (var j = 0; j < labelled.length; j++) {
      labelled[j].setAttribute("aria-label", t(labelled[j].getAttribute("data-i18n-label")));
    }
    document.documentElement.lang = lang;
  }

  function setLanguage(next) {
    lang = next === "en" ? "en" : "id";
    storageSet("ppp.lang", lang);
    applyI18n(document);
    for (var i = 0; i < languageListeners.length; i++) languageListeners[i](lang);
  }

  function randomId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    // Plain-HTTP pages on a LAN address are not a "secure context", where randomUUID is absent:
    // build a version-4 UUID from getRandomValues (available everywhere).
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = [];
    for (var i = 0; i < 16; i++) hex.push((bytes[i] + 0x100).toString(16).slice(1));
    return (
      hex.slice(0, 4).join("") + "-" + hex.slice(4, 6).join("") + "-" + hex.slice(6, 8).join("") + "-" +
      hex.slice(8, 10).join("") + "-" + hex.slice(10, 16).join("")
    );
  }

  function deviceId() {
    var id = storageGet("ppp.device");
    if (!id) {
      id = randomId();
      storageSet("ppp.device", id);
    }
    return id;
  }

  /* The kiosk's clock, estimated from the Date header of its answers: a hall TV's own clock
   * is often wrong, and the display shows the kiosk's time and judges how old a call is. */
  var clockOffsetMs = 0;

  function noteServerDate(response) {
    var header = response.headers.get("Date");
    if (!header) return;
    var server = Date.parse(header);
    if (!isNaN(server)) clockOffsetMs = server - Date.now();
  }

  function kioskNow() {
    return Date.now() + clockOffsetMs;
  }

  var WIB_OFFSET_MS = 7 * 3600 * 1000;

  function formatTime(value, withSeconds) {
    var date = value instanceof Date ? value : new Date(value);
    if (isNaN(date.getTime())) return "";
    var wib = new Date(date.getTime() + WIB_OFFSET_MS); // WIB has no daylight saving
    var pad = function (n) {
      return (n < 10 ? "0" : "") + n;
    };
    var sep = lang === "id" ? "." : ":"; // KBBI writes 14.05
    var text = pad(wib.getUTCHours()) + sep + pad(wib.getUTCMinutes());
    if (withSeconds) text += sep + pad(wib.getUTCSeconds());
    return text;
  }

  function NetworkError(message) {
    this.name = "NetworkError";
    this.message = message;
  }

  /* One HTTP exchange: resolves {status, data, response}; rejects with NetworkError when no
   * answer came (connection refused, dropped, timed out). */
  function request(method, path, body, options) {
    var opts = options || {};
    var headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (opts.csrf) headers["X-CSRF-Token"] = opts.csrf;
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = controller
      ? setTimeout(function () {
          controller.abort();
        }, opts.timeoutMs || 8000)
      : null;
    return fetch(path, {
      method: method,
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
      signal: controller ? controller.signal : undefined
    }).then(
      function (response) {
        if (timer) clearTimeout(timer);
        noteServerDate(response);
        return response.text().then(function (text) {
          var data = null;
          try {
            data = text ? JSON.parse(text) : null;
          } catch (e) {
            data = null;
          }
          return { status: response.status, data: data, response: response };
        });
      },
      function (error) {
        if (timer) clearTimeout(timer);
        throw new NetworkError(String(error && error.message ? error.message : error));
      }
    );
  }

  function sleep(ms) {
    return new Promise(function (resolve) {
      setTimeout(resolve, ms);
    });
  }

  /* Backoff with jitter: 0.5 s, 1 s, 2 s, 4 s, capped; each delay drawn from [50 %, 100 %]
   * so that twelve consoles and three displays do not knock on the kiosk in step. */
  function backoffMs(attempt, capMs) {
    var base = Math.min(capMs || 8000, 500 * Math.pow(2, attempt));
    return Math.round(base * (0.5 + Math.random() * 0.5));
  }

  /* A definitive answer is any answer in the contract's error shape or a 2xx/4xx; no answer,
   * or a gateway's bare 5xx, is retried with the SAME body (so the same action_id). */
  function isDefinitive(result) {
    if (result.status < 500) return true;
    return !!(result.data && typeof result.data.error === "string");
  }

  function sendAction(path, body, options) {
    var opts = options || {};
    var deadline = Date.now() + (opts.giveUpMs || 30000);
    var attempt = 0;
    function once() {
      return request("POST", path, body, { csrf: opts.csrf && opts.csrf() }).then(
        function (result) {
          if (isDefinitive(result)) return result;
          return retry(new NetworkError("HTTP " + result.status));
        },
        retry
      );
    }
    function retry(error) {
      if (Date.now() >= deadline) throw error;
      if (opts.onRetry) opts.onRetry(attempt);
      var delay = backoffMs(attempt++, 4000);
      return sleep(delay).then(once);
    }
    return once();
  }

  /* The call stream: EventSource on /api/stream, reopened by this client (never by the
   * browser's fixed 3 s retry) with backoff and jitter and ?after=<last seq>, so a page
   * catches up whatever the kiosk did while it was away. `handlers`:
   *   after() -> seq or null, hello(data), call(call), board(data), queue(data), health(data),
   *   state(connected: boolean), poll(calls answer) (the watchdog's catch-up). */
  function CallStream(handlers) {
    this.handlers = handlers;
    this.source = null;
    this.attempt = 0;
    this.connected = false;
    this.everConnected = false;
    this.lastMessageAt = Date.now();
    this.reconnectTimer = null;
    this.lostTimer = null;
    this.stopped = false;
    var self = this;
    this.watchdog = setInterval(function () {
      self.checkQuiet();
    }, 10000);
  }

  CallStream.QUIET_MS = 45000; // the kiosk pings every 15 s; comments are invisible to EventSource
  CallStream.LOST_GRACE_MS = 1000; // a reconnect faster than this is not worth a banner

  CallStream.prototype.open = function () {
    var self = this;
    if (this.stopped) return;
    var after = this.handlers.after ? this.handlers.after() : null;
    var url = "/api/stream" + (after !== null && after !== undefined ? "?after=" + encodeURIComponent(after) : "");
    var source = new EventSource(url);
    this.source = source;
    function listen(name, fn) {
      source.addEventListener(name, function (event) {
        if (source !== self.source) return; // a late event of a closed source
        self.lastMessageAt = Date.now();
        var data = null;
        try {
          data = JSON.parse(event.data);
        } catch (e) {
          return;
        }
        fn(data);
      });
    }
    listen("hello", function (data) {
      self.attempt = 0;
      self.setConnected(true);
      if (self.handlers.hello) self.handlers.hello(data);
    });
    listen("call", function (data) {
      if (self.handlers.call) self.handlers.call(data);
    });
    listen("board", function (data) {
      if (self.handlers.board) self.handlers.board(data);
    });
    listen("queue", function (data) {
      if (self.handlers.queue) self.handlers.queue(data);
    });
    listen("health", function (data) {
      if (self.handlers.health) self.handlers.health(data);
    });
    listen("ping", function () {});
    source.onerror = function () {
      if (source !== self.source) return;
      self.reconnect();
    };
  };

  CallStream.prototype.reconnect = function () {
    var self = this;
    if (this.source) this.source.close();
    this.source = null;
    this.setConnected(false);
    if (this.reconnectTimer || this.stopped) return;
    var delay = backoffMs(this.attempt++, 8000);
    this.reconnectTimer = setTimeout(function () {
      self.reconnectTimer = null;
      self.open();
    }, delay);
  };

  CallStream.prototype.setConnected = function (connected) {
    var self = this;
    if (connected) {
      this.everConnected = true;
      if (this.lostTimer) clearTimeout(this.lostTimer);
      this.lostTimer = null;
      if (!this.connected && this.handlers.state) this.handlers.state(true);
      this.connected = true;
      return;
    }
    var wasConnected = this.connected;
    this.connected = false;
    if (!this.lostTimer && (wasConnected || !this.everConnected)) {
      this.lostTimer = setTimeout(function () {
        self.lostTimer = null;
        if (!self.connected && self.handlers.state) self.handlers.state(false);
      }, CallStream.LOST_GRACE_MS);
    }
  };

  /* A LAN drop can leave the stream's socket half open: no error, no events. When the stream
   * has been quiet for a while, ask /api/calls for what came after our last seq; if the kiosk
   * had calls the stream never brought, the stream is dead: hand them over and reopen it. */
  CallStream.prototype.checkQuiet = function () {
    var self = this;
    if (!this.connected || Date.now() - this.lastMessageAt < CallStream.QUIET_MS) return;
    this.lastMessageAt = Date.now();
    var after = this.handlers.after ? this.handlers.after() : null;
    var path = "/api/calls?limit=50" + (after !== null && after !== undefined ? "&after=" + after : "");
    request("GET", path, undefined, { timeoutMs: 5000 }).then(
      function (result) {
        if (result.status !== 200 || !result.data) return;
        var missed = after !== null && after !== undefined && result.data.last_seq > after;
        if (self.handlers.poll) self.handlers.poll(result.data);
        if (missed) self.reconnect();
      },
      function () {
        self.reconnect();
      }
    );
  };

  CallStream.prototype.stop = function () {
    this.stopped = true;
    if (this.source) this.source.close();
    clearInterval(this.watchdog);
  };

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      for (var key in attrs) {
        if (!Object.prototype.hasOwnProperty.call(attrs, key)) continue;
        if (key === "text") node.textContent = attrs[key];
        else if (key === "className") node.className = attrs[key];
        else if (key.slice(0, 2) === "on") node.addEventListener(key.slice(2), attrs[key]);
        else node.setAttribute(key, attrs[key]);
      }
    }
    (children || []).forEach(function (child) {
      if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function bindLanguageToggle(button) {
    button.addEventListener("click", function () {
      setLanguage(lang === "id" ? "en" : "id");
    });
  }

  window.PPP = {
    STRINGS: STRINGS,
    t: t,
    applyI18n: applyI18n,
    setLanguage: setLanguage,
    language: function () {
      return lang;
    },
    onLanguage: function (fn) {
      languageListeners.push(fn);
    },
    bindLanguageToggle: bindLanguageToggle,
    storageGet: storageGet,
    storageSet: storageSet,
    randomId: randomId,
    deviceId: deviceId,
    kioskNow: kioskNow,
    formatTime: formatTime,
    request: request,
    sendAction: sendAction,
    NetworkError: NetworkError,
    backoffMs: backoffMs,
    sleep: sleep,
    CallStream: CallStream,
    el: el
  };
})();
