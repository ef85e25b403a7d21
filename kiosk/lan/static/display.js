/* /display: the waiting hall's screen. Read-only: the current number of every counter, the
 * last calls, and each call spoken twice from recorded clips through one serial queue.
 *
 * What it keeps in localStorage: `ppp.display.last` = {server_id, seq}, the last call it has
 * announced (or deliberately passed over), so a reload or a TV reboot never announces an old
 * call again; forgotten when the kiosk's server_id changes (a replaced store).
 *
 * What tests observe: window.pppAudioLog (clip names in the order their `ended` fired) and a
 * `ppp:clip` CustomEvent per clip on document (detail: clip, call_id, seq, pass).
 */
(function () {
  "use strict";

  var STALE_MS = 120000; // a call older than this (kiosk time) is shown, never spoken
  var RECENT_MAX = 6;
  var SEEN_MAX = 500;
  var LAST_KEY = "ppp.display.last";

  var device = PPP.deviceId();
  var counters = [];
  var board = {}; // counter -> {number, seq}
  var boardSeq = -1; // the board as the kiosk had it after this seq: older calls do not touch it
  var recent = []; // newest first
  var latest = null; // the call on the big panel
  var seenIds = {};
  var seenOrder = [];
  var stored = readStored();
  var lastReceived = stored ? stored.seq : null; // what ?after= asks for
  var horizon = null; // calls up to this seq are history: shown, not spoken
  var serverId = stored ? stored.server_id : null;

  window.pppAudioLog = [];

  function readStored() {
    try {
      var value = JSON.parse(PPP.storageGet(LAST_KEY) || "null");
      if (value && typeof value.seq === "number" && typeof value.server_id === "string") return value;
    } catch (e) {
      /* a damaged value is forgotten */
    }
    return null;
  }

  function persistSeq(seq) {
    if (serverId === null) return;
    var current = readStored();
    if (current && current.server_id === serverId && current.seq >= seq) return;
    PPP.storageSet(LAST_KEY, JSON.stringify({ server_id: serverId, seq: seq }));
  }

  /* ---- the board ---- */

  var boardNode = document.getElementById("board");
  var tiles = {};

  function renderTiles() {
    boardNode.textContent = "";
    tiles = {};
    counters.forEach(function (counter) {
      var number = PPP.el("span", { className: "num", text: "—" });
      var tile = PPP.el("div", { className: "tile", "data-counter": counter }, [
        PPP.el("span", { className: "label", text: PPP.t("display.counter", { counter: counter }) }),
        number
      ]);
      tiles[counter] = { tile: tile, number: number };
      boardNode.appendChild(tile);
    });
    document.body.setAttribute("data-counters", String(counters.length));
    renderBoard();
  }

  function renderBoard() {
    counters.forEach(function (counter) {
      var entry = board[counter];
      var tile = tiles[counter];
      if (!tile) return;
      tile.number.textContent = entry && entry.number ? entry.number : "—";
      tile.tile.classList.toggle("latest", !!(latest && latest.counter === counter));
      tile.tile.classList.toggle("idle", !(entry && entry.number));
    });
  }

  function applyBoard(list, asOfSeq) {
    if (!list) return;
    boardSeq = Math.max(boardSeq, asOfSeq);
    var known = {};
    list.forEach(function (entry) {
      board[entry.counter] = { number: entry.number, seq: entry.seq };
      known[entry.counter] = true;
    });
    var missing = list.some(function (entry) {
      return counters.indexOf(entry.counter) < 0;
    });
    if (missing || counters.length === 0) {
      counters = list.map(function (entry) {
        return entry.counter;
      });
      renderTiles();
    } else {
      renderBoard();
    }
  }

  function renderNow() {
    var numberNode = document.getElementById("now-number");
    var counterNode = document.getElementById("now-counter");
    if (!latest) {
      numberNode.textContent = "—";
      counterNode.textContent = PPP.t("display.waiting");
      document.getElementById("now").classList.add("idle");
      return;
    }
    document.getElementById("now").classList.remove("idle");
    numberNode.textContent = latest.number;
    counterNode.textContent = PPP.t("display.counter", { counter: latest.counter });
  }

  function renderRecent() {
    var list = document.getElementById("recent");
    list.textContent = "";
    recent.forEach(function (call) {
      list.appendChild(
        PPP.el("li", { "data-call": call.call_id }, [
          PPP.el("span", { className: "r-number", text: call.number }),
          PPP.el("span", { className: "r-counter", text: PPP.t("display.counter", { counter: call.counter }) }),
          PPP.el("span", { className: "r-time", text: PPP.formatTime(call.at) })
        ])
      );
    });
  }

  function flash(counter) {
    var nodes = [document.getElementById("now")];
    if (tiles[counter]) nodes.push(tiles[counter].tile);
    nodes.forEach(function (node) {
      node.classList.remove("flash");
      void node.offsetWidth; // restart the animation for a call that follows a call
      node.classList.add("flash");
    });
    setTimeout(function () {
      nodes.forEach(function (node) {
        node.classList.remove("flash");
      });
    }, 3200);
  }

  /* ---- calls ---- */

  function remember(callId) {
    seenIds[callId] = true;
    seenOrder.push(callId);
    if (seenOrder.length > SEEN_MAX) delete seenIds[seenOrder.shift()];
  }

  function isFresh(call) {
    var at = Date.parse(call.at);
    return isNaN(at) || PPP.kioskNow() - at <= STALE_MS;
  }

  function onCall(call) {
    if (!call || seenIds[call.call_id]) return;
    remember(call.call_id);
    if (lastReceived === null || call.seq > lastReceived) lastReceived = call.seq;
    recent = [call]
      .concat(recent.filter(function (c) {
        return c.call_id !== call.call_id;
      }))
      .sort(function (a, b) {
        return b.seq - a.seq;
      })
      .slice(0, RECENT_MAX);
    if (!latest || call.seq >= latest.seq) latest = call;
    if (call.seq > boardSeq) board[call.counter] = { number: call.number, seq: call.seq };
    renderNow();
    renderBoard();
    renderRecent();
    var speak = horizon !== null && call.seq > horizon && isFresh(call) && call.clips && call.clips.length;
    if (speak) flash(call.counter);
    player.enqueue({ call: call, sequence: speak ? call.clips.concat(call.clips) : [], pos: 0 });
  }

  function onHello(hello) {
    var changed = serverId !== null && serverId !== hello.server_id;
    var rewound = lastReceived !== null && hello.last_seq < lastReceived;
    if (changed || rewound || serverId === null || lastReceived === null) {
      // A fresh display, a replaced store, or a store restored from an older copy: what the
      // kiosk already has is history; only calls after this moment are spoken.
      serverId = hello.server_id;
      boardSeq = -1;
      seenIds = {};
      seenOrder = [];
      lastReceived = hello.last_seq;
      horizon = hello.last_seq;
      persistSeqNow(hello.last_seq);
      if (changed || rewound) {
        recent = [];
        latest = null;
        renderRecent();
        renderNow();
      }
    } else if (horizon === null) {
      horizon = stored ? stored.seq : hello.last_seq; // a reload: speak only what came after
    }
    applyBoard(hello.board, hello.last_seq);
    health.resend();
    if (recent.length === 0 && hello.last_seq > 0) loadHistory(hello.last_seq);
  }

  function persistSeqNow(seq) {
    PPP.storageSet(LAST_KEY, JSON.stringify({ server_id: serverId, seq: seq }));
  }

  /* A display that starts fresh shows the last few calls too, without speaking them. */
  function loadHistory(lastSeq) {
    var after = Math.max(0, lastSeq - RECENT_MAX);
    PPP.request("GET", "/api/calls?after=" + after + "&limit=" + RECENT_MAX).then(
      function (result) {
        if (result.status !== 200 || !result.data) return;
        (result.data.calls || []).forEach(function (call) {
          if (call.seq <= lastSeq) onCall(call);
        });
      },
      function () {}
    );
  }

  /* ---- audio: one serial queue, each clip its own Audio element, reused ---- */

  var player = {
    queue: [],
    playing: false,
    blocked: false,
    pool: {},

    audioFor: function (clip) {
      var audio = this.pool[clip];
      if (!audio) {
        audio = new Audio("/voice/" + encodeURIComponent(clip) + ".wav");
        audio.preload = "auto";
        this.pool[clip] = audio;
      }
      return audio;
    },

    enqueue: function (item) {
      var self = this;
      item.sequence.forEach(function (clip) {
        self.audioFor(clip);
      });
      this.queue.push(item);
      this.pump();
    },

    pump: function () {
      var self = this;
      if (this.playing || this.blocked) return;
      var item = this.queue[0];
      if (!item) return;
      if (item.pos === 0 && item.sequence.length && !isFresh(item.call)) item.sequence = []; // waited too long
      if (item.pos >= item.sequence.length) {
        this.queue.shift();
        persistSeq(item.call.seq);
        this.pump();
        return;
      }
      this.playing = true;
      var clip = item.sequence[item.pos];
      this.playClip(clip).then(function (outcome) {
        self.playing = false;
        if (outcome === "blocked") {
          self.setBlocked(true);
          return; // the item stays at the head, at this clip, until the tap
        }
        if (outcome === "ended") {
          window.pppAudioLog.push(clip);
          document.dispatchEvent(
            new CustomEvent("ppp:clip", {
              bubbles: true,
              detail: {
                clip: clip,
                call_id: item.call.call_id,
                seq: item.call.seq,
                pass: item.pos < item.sequence.length / 2 ? 1 : 2
              }
            })
          );
        } else {
          health.report("error");
        }
        item.pos += 1;
        self.pump();
      });
    },

    playClip: function (clip) {
      var audio = this.audioFor(clip);
      return new Promise(function (resolve) {
        var done = false;
        var timer = null;
        function finish(outcome) {
          if (done) return;
          done = true;
          if (timer) clearTimeout(timer);
          audio.removeEventListener("ended", onEnded);
          audio.removeEventListener("error", onError);
          resolve(outcome);
        }
        function onEnded() {
          finish("ended");
        }
        function onError() {
          finish("error");
        }
        audio.addEventListener("ended", onEnded);
        audio.addEventListener("error", onError);
        try {
          audio.currentTime = 0;
        } catch (e) {
          /* not loaded yet: it starts at 0 anyway */
        }
        var started;
        try {
          started = audio.play();
        } catch (e) {
          finish("error");
          return;
        }
        Promise.resolve(started).then(
          function () {
            health.report("ok");
            // A clip that never ends (a stalled file) must not hold the hall's queue forever.
            var ms = isFinite(audio.duration) && audio.duration > 0 ? audio.duration * 1000 + 3000 : 15000;
            timer = setTimeout(function () {
              audio.pause();
              finish("error");
            }, ms);
          },
          function (error) {
            finish(error && error.name === "NotAllowedError" ? "blocked" : "error");
          }
        );
      });
    },

    setBlocked: function (blocked) {
      this.blocked = blocked;
      document.getElementById("sound-on").hidden = !blocked;
      document.body.classList.toggle("sound-blocked", blocked);
      if (blocked) health.report("blocked");
    },

    /* Called from the tap on "Aktifkan suara": a user gesture, so play() is allowed now. */
    unlock: function () {
      this.setBlocked(false);
      if (this.queue.length) this.pump();
      else probe();
    }
  };

  /* Try the autoplay policy before the first call, so the hall staff see "Aktifkan suara" while
   * they set the TV up, not when a resident's number is due. Silent (volume 0), not logged. */
  function probe() {
    var audio = new Audio("/voice/chime.wav");
    audio.volume = 0;
    var started;
    try {
      started = audio.play();
    } catch (e) {
      return;
    }
    Promise.resolve(started).then(
      function () {
        audio.pause();
        health.report("ok");
      },
      function (error) {
        if (error && error.name === "NotAllowedError" && !player.playing) player.setBlocked(true);
      }
    );
  }

  var health = {
    state: null,
    sent: null,
    report: function (state) {
      this.state = state;
      if (this.sent !== state) this.send();
    },
    resend: function () {
      if (this.state) this.send();
    },
    send: function () {
      var self = this;
      var state = this.state;
      PPP.request("POST", "/api/displays/" + encodeURIComponent(device) + "/health", { audio: state }).then(
        function (result) {
          if (result.status < 300) self.sent = state;
        },
        function () {
          self.sent = null; // sent again on the next hello
        }
      );
    }
  };

  document.getElementById("sound-on").addEventListener("click", function () {
    player.unlock();
  });

  /* ---- connection ---- */

  function setLost(lost) {
    document.getElementById("lost").hidden = !lost;
    document.body.classList.toggle("lost", lost);
  }

  function loadCounters(attempt) {
    PPP.request("GET", "/api/counters").then(
      function (result) {
        if (result.status !== 200 || !result.data) throw new PPP.NetworkError("HTTP " + result.status);
        document.getElementById("outpost").textContent = PPP.t("display.heading", { outpost: result.data.outpost });
        document.title = PPP.t("display.title") + " · PPP " + result.data.outpost;
        counters = result.data.counters.slice();
        renderTiles();
      },
      function () {
        setTimeout(function () {
          loadCounters(attempt + 1);
        }, PPP.backoffMs(attempt, 8000));
      }
    );
  }

  function tickClock() {
    document.getElementById("clock").textContent = PPP.formatTime(new Date(PPP.kioskNow())) + " WIB";
  }

  function keepAwake() {
    if (navigator.wakeLock && navigator.wakeLock.request) {
      navigator.wakeLock.request("screen").then(
        function () {},
        function () {}
      );
    }
  }

  PPP.applyI18n(document);
  renderNow();
  tickClock();
  setInterval(tickClock, 1000);
  keepAwake();
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") keepAwake();
  });
  loadCounters(0);
  probe();

  var stream = new PPP.CallStream({
    after: function () {
      return lastReceived;
    },
    hello: onHello,
    call: onCall,
    board: function (data) {
      applyBoard(data.board, lastReceived === null ? -1 : lastReceived);
    },
    poll: function (data) {
      (data.calls || []).forEach(onCall);
      applyBoard(data.board, data.last_seq);
    },
    state: function (connected) {
      setLost(!connected);
    }
  });
  stream.open();
  window.pppDisplay = {
    stream: stream,
    player: player,
    lastSeq: function () {
      return lastReceived;
    }
  };
})();
