-- POST /v1/shipments (simulated carrier: each create also runs the carrier's rate quote).
-- Addresses and parcel vary so the quotes differ.
--   wrk ... -s create.lua URL -- KEY
local common = require "common"
local headers
local cities = {
  {"New York", "NY", "10001"}, {"Austin", "TX", "78701"}, {"Seattle", "WA", "98101"},
  {"Chicago", "IL", "60601"}, {"Miami", "FL", "33131"}, {"Denver", "CO", "80202"},
}
local counter = 0

function init(args)
  headers = common.headers(args[1], {["Content-Type"] = "application/json"})
  common.seed(2718)
end

local function address(name, c)
  return string.format('{"name":"%s","street1":"%d Main St","city":"%s","state":"%s","zip":"%s","country":"US"}',
    name, math.random(1, 9999), c[1], c[2], c[3])
end

function request()
  counter = counter + 1
  local from = cities[math.random(#cities)]
  local to = cities[math.random(#cities)]
  local body = string.format(
    '{"reference":"bench-create-%d-%d","from_address":%s,"to_address":%s,' ..
    '"parcel":{"length":%d,"width":%d,"height":%d,"weight":%.1f}}',
    tid or 0, counter, address("Ada Lovelace", from), address("Alan Turing", to),
    math.random(4, 24), math.random(4, 16), math.random(2, 12), math.random(10, 1600) / 10)
  return wrk.format("POST", "/v1/shipments", headers, body)
end
