-- wrk script for bench/bookings.py --route api: every request POSTs the citizen's book-and-pay
-- API call as an app does (bearer token, Idempotency-Key, JSON body: the service, the day and
-- time, the two wallet amounts), one line of requests.txt after the other (the two threads
-- interleave).
local next_thread = 1

function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
end

local lines = {}
local index = 0

function init(args)
  for line in io.lines(os.getenv("BENCH_DIR") .. "/requests.txt") do
    local path, token, key, body = line:match("([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)")
    lines[#lines + 1] = { path, token, key, body }
  end
  index = tid - 1
end

function request()
  local item = lines[(index % #lines) + 1]
  index = index + 2
  return wrk.format("POST", item[1], {
    ["Authorization"] = "Bearer " .. item[2],
    ["Idempotency-Key"] = item[3],
    ["Content-Type"] = "application/json",
  }, item[4])
end
