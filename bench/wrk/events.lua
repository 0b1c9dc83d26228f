-- POST /v1/shipments/{id}/events: one new event for a random shipment per request. Each event
-- is unique (thread and counter in the message), so none is absorbed as a repeat; occurred_at
-- is in 2025, after the generated histories, so each append moves the shipment's status.
--   wrk ... -s events.lua URL -- IDS_FILE KEY
local common = require "common"
local ids, headers
local counter = 0
local statuses_cycle = {"in_transit", "out_for_delivery", "delivered", "available_for_pickup"}

function init(args)
  ids = common.lines(args[1])
  headers = common.headers(args[2], {["Content-Type"] = "application/json"})
  common.seed(31337)
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"events":[{"status":"%s","message":"bench %d-%d","occurred_at":"2025-%02d-%02dT%02d:%02d:%02dZ",' ..
    '"location":{"city":"Denver","state":"CO","zip":"80202","country":"US"}}]}',
    statuses_cycle[counter % 4 + 1], tid or 0, counter,
    1 + math.random(0, 11), 1 + math.random(0, 27), math.random(0, 23), math.random(0, 59), math.random(0, 59))
  return wrk.format("POST", "/v1/shipments/" .. ids[math.random(#ids)] .. "/events", headers, body)
end
