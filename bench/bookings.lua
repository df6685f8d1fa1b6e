-- wrk script for bench/bookings.py: every request POSTs a citizen's booking page as the
-- browser does (session cookie, CSRF cookie and token, the form's key, the day and time, the
-- two wallet amounts), one line of requests.txt after the other (the two threads interleave).
local next_thread = 1

function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
end

local lines = {}
local index = 0

function init(args)
  for line in io.lines(os.getenv("BENCH_DIR") .. "/requests.txt") do
    local path, cookie, body = line:match("([^\t]*)\t([^\t]*)\t(.*)")
    lines[#lines + 1] = { path, cookie, body }
  end
  index = tid - 1
end

function request()
  local item = lines[(index % #lines) + 1]
  index = index + 2
  return wrk.format("POST", item[1], {
    ["Cookie"] = item[2],
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, item[3])
end
