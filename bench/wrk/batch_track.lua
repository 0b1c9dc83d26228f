-- POST batch-track with K random codes of the N deterministic ones ('TRK' .. %010d, n in 1..N),
-- the same for shipd and the peer (only the body's wrapping differs).
--   wrk ... -s batch_track.lua URL -- PATH N K STYLE [KEY]
--   shipd: /v1/shipments/batch-track N 100 shipd KEY   ({"tracking_codes": [...]})
--   peer:  /shipments/batch-track N 100 peer           ([...], as the seed's endpoint takes)
local common = require "common"
local reqs = {}

function init(args)
  local path, n, k, style = args[1], tonumber(args[2]), tonumber(args[3]), args[4]
  local headers = common.headers(args[5], {["Content-Type"] = "application/json"})
  common.seed(777)
  for i = 1, 2000 do
    local codes = {}
    for j = 1, k do codes[j] = string.format('"TRK%010d"', math.random(n)) end
    local list = "[" .. table.concat(codes, ",") .. "]"
    local body = style == "peer" and list or ('{"tracking_codes":' .. list .. '}')
    reqs[i] = wrk.format("POST", path, headers, body)
  end
end

function request()
  return reqs[math.random(#reqs)]
end
