-- Shared by every bench/wrk script (loaded with require "common"; bench/run.sh sets LUA_PATH).
-- Counts responses by HTTP status in each wrk thread (response hook) and prints one line the
-- harness parses, from the main Lua state at the end:
--   RESULT requests=.. errors=.. non2xx=.. rps=.. p50_ms=.. p99_ms=.. statuses=200:123,503:4
-- errors = wrk's socket errors (connect, read, write, timeout); non2xx = responses outside
-- 200-299 as counted by the hook. The target is zero for both.
local M = {}

local threads = {}
local next_id = 1

-- Called by wrk in the main state once per thread before it starts.
function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

-- The status counts of this thread (a wrk thread's own Lua state).
statuses = {}

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total, non2xx, counted = {}, 0, 0
  for _, t in ipairs(threads) do
    local s = t:get("statuses") or {}
    for code, n in pairs(s) do
      total[code] = (total[code] or 0) + n
      counted = counted + n
      if code < 200 or code > 299 then non2xx = non2xx + n end
    end
  end
  local parts = {}
  for code, n in pairs(total) do parts[#parts + 1] = code .. ":" .. n end
  table.sort(parts)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d errors=%d non2xx=%d rps=%.1f p50_ms=%.2f p99_ms=%.2f statuses=%s\n",
    summary.requests, e.connect + e.read + e.write + e.timeout, non2xx,
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    #parts > 0 and table.concat(parts, ",") or "none"))
end

-- Lines of a file, in order.
function M.lines(path)
  local t = {}
  for line in io.lines(path) do
    if line ~= "" then t[#t + 1] = line end
  end
  assert(#t > 0, "no lines in " .. path)
  return t
end

-- Headers with the API key when there is one ("" or nil: none, as for the peer).
function M.headers(key, extra)
  local h = {}
  if key and key ~= "" then h["Authorization"] = "Bearer " .. key end
  for k, v in pairs(extra or {}) do h[k] = v end
  return h
end

-- A different random sequence in every thread.
function M.seed(base)
  math.randomseed(base + (tid or 0) * 7919)
end

return M
