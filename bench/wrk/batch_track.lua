-- POST /v1/shipments/batch-track with 100 random tracking codes from codes.txt.
local codes = {}
local key = os.getenv("SHIPD_BENCH_KEY")
for line in io.lines(os.getenv("SHIPD_BENCH_CODES")) do codes[#codes + 1] = line end
math.randomseed(os.time())
request = function()
  local picked = {}
  for i = 1, 100 do picked[i] = '"' .. codes[math.random(#codes)] .. '"' end
  local body = '{"tracking_codes":[' .. table.concat(picked, ",") .. ']}'
  return wrk.format("POST", "/v1/shipments/batch-track",
    {["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json"}, body)
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors=%d non2xx=%d rps=%.1f p50_ms=%.2f p99_ms=%.2f\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
