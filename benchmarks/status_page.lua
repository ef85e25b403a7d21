-- The load for `status_page_p95_ms` (benchmarks/status.py), run by wrk: each connection is
-- one resident's phone opening /s/<code>, pausing about THINK_MS between two pages (0: back
-- to back). Nine pages in ten ask for a known code, one in ten for a guess (the page has the
-- same shape either way). wrk args after `--`: CODES_FILE THINK_MS.
-- The result is one line, `RESULT {json}`, that benchmarks/status.py reads.

local codes = {}
local think_ms = 0
local pages = 0
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("seed", threads)
end

function init(args)
  for line in io.lines(args[1]) do
    codes[#codes + 1] = line
  end
  think_ms = tonumber(args[2])
  math.randomseed(seed * 7919)
end

function request()
  pages = pages + 1
  local code
  if pages % 10 == 0 then
    code = string.format("ZZ%02d-%06d", seed, pages)
  else
    code = codes[math.random(#codes)]
  end
  return wrk.format("GET", "/s/" .. code)
end

function delay()
  if think_ms <= 0 then
    return 0
  end
  return math.random(math.floor(think_ms / 2), math.floor(think_ms * 3 / 2))
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'RESULT {"p50_ms": %.3f, "p95_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f, ' ..
    '"requests": %d, "not_2xx": %d, "socket_errors": %d}\n',
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.requests, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout))
end
