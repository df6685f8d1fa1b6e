-- wrk script for bench/redeem/run.py: every request is a one-step redeem by a random shop
-- (its device token) of a random wallet (its signed QR code), with a new Idempotency-Key.
local next_thread = 1

function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
end

local tokens, codes = {}, {}
local counter = 0
local run = os.getenv("BENCH_RUN") or "run"

function init(args)
  local dir = os.getenv("BENCH_DIR")
  local shops = tonumber(os.getenv("BENCH_SHOPS") or "0")
  for line in io.lines(dir .. "/tokens.txt") do
    if shops == 0 or #tokens < shops then tokens[#tokens + 1] = line end
  end
  for line in io.lines(dir .. "/codes.txt") do codes[#codes + 1] = line end
  math.randomseed(os.time() * 100 + tid)
end

function request()
  counter = counter + 1
  local body = '{"code":"' .. codes[math.random(#codes)] .. '","amount":' .. math.random(100, 500) .. '}'
  return wrk.format("POST", "/api/v1/pos/redeem", {
    ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)],
    ["Idempotency-Key"] = run .. "-" .. tid .. "-" .. counter,
    ["Content-Type"] = "application/json",
  }, body)
end
