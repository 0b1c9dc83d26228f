-- GET one shipment by a random id; the same script for shipd and the peer.
--   wrk ... -s get.lua URL -- PATH_PREFIX IDS_FILE [KEY]
--   shipd: /v1/shipments/ ids.txt KEY       peer: /shipments/ peer-ids.txt
local common = require "common"
local reqs = {}

function init(args)
  local prefix, ids = args[1], common.lines(args[2])
  local headers = common.headers(args[3])
  common.seed(4242)
  -- Requests built up front: the load generator shares the cores, keep its work small.
  for i = 1, 20000 do
    reqs[i] = wrk.format("GET", prefix .. ids[math.random(#ids)], headers)
  end
end

function request()
  return reqs[math.random(#reqs)]
end
