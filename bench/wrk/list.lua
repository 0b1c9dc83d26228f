-- GET /v1/shipments?page_size=20 (API.md's list: newest first, keyset cursors): every other
-- request the first page, the rest a page before a random shipment (before_id cursor).
--   wrk ... -s list.lua URL -- IDS_FILE KEY
local common = require "common"
local reqs = {}

function init(args)
  local ids = common.lines(args[1])
  local headers = common.headers(args[2])
  common.seed(99)
  for i = 1, 10000 do
    local path = "/v1/shipments?page_size=20"
    if i % 2 == 0 then path = path .. "&before_id=" .. ids[math.random(#ids)] end
    reqs[i] = wrk.format("GET", path, headers)
  end
end

function request()
  return reqs[math.random(#reqs)]
end
