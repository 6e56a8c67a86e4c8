-- wrk script of the benchmark: signed-in requests, POSTs with CSRF tokens, a bounded number of requests.
--
-- Environment (set by bench/run.py):
--   BENCH_COOKIE   the Cookie header of a signed-in session (a Python step signs in first)
--   BENCH_HEADERS  extra headers, "Name: value|Name: value" (e.g. "HX-Request: true|HX-Target: after-branch")
--   BENCH_LINES    a file of requests, one a line: METHOD<TAB>PATH[<TAB>BODY]; "{token}" in a body becomes a
--                  fresh 40-character submission token. Thread t of n takes lines t, t+n, t+2n, …
--   BENCH_LIMIT    when set, each thread stops after that many responses and says BENCH-STOPPED
--                  (otherwise wrk's -d decides)
-- done() prints one line "BENCH {json}" that bench/run.py reads.

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local lines = {}
local position = 0
local answered = 0
local limit = tonumber(os.getenv("BENCH_LIMIT") or "0") or 0
local sent = 0

function init(args)
  local cookie = os.getenv("BENCH_COOKIE")
  if cookie and cookie ~= "" then
    wrk.headers["Cookie"] = cookie
  end
  wrk.headers["Accept-Encoding"] = "gzip, br"
  for pair in string.gmatch(os.getenv("BENCH_HEADERS") or "", "[^|]+") do
    local name, value = string.match(pair, "^%s*([^:]+):%s*(.*)$")
    if name then
      wrk.headers[name] = value
    end
  end
  local file = os.getenv("BENCH_LINES")
  if file and file ~= "" then
    local count = tonumber(os.getenv("BENCH_THREADS") or "1")
    local index = 0
    for line in io.lines(file) do
      if index % count == tid then
        table.insert(lines, line)
      end
      index = index + 1
    end
  end
end

function request()
  if #lines == 0 then
    return wrk.request()
  end
  position = position % #lines + 1
  local method, path, body = string.match(lines[position], "^([^\t]+)\t([^\t]+)\t?(.*)$")
  local headers = {}
  for name, value in pairs(wrk.headers) do  -- wrk.format uses the table given instead of wrk.headers
    headers[name] = value
  end
  if body ~= nil and body ~= "" then
    sent = sent + 1
    body = string.gsub(body, "{token}", string.format("bench%03d%032d", tid, sent))
    headers["Content-Type"] = "application/x-www-form-urlencoded"
  else
    body = nil
  end
  return wrk.format(method, path, headers, body)
end

local stopped = false

function response(status, headers, body)
  answered = answered + 1
  if limit > 0 and answered >= limit and not stopped then
    -- A thread that stops does not end wrk, which sleeps out -d: bench/run.py sends it SIGINT
    -- once every thread has said so.
    stopped = true
    io.write("BENCH-STOPPED\n")
    io.flush()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "status_errors": %d, ' ..
    '"socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), e.status,
    e.connect + e.read + e.write + e.timeout))
end
