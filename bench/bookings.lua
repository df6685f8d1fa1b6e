-- wrk script for bench/bookings.py, one line of requests.txt after the other (the two threads
-- interleave). A line of three fields (--route page) POSTs a citizen's booking page as the
-- browser does (session cookie, CSRF cookie and token, the form's key, the day and time, the
-- two wallet amounts); a line of four (--route api) POSTs the citizen's book-and-pay API call
-- as an app does (bearer token, Idempotency-Key, JSON body).
local next_thread = 1

function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
end

local lines = {}
local index = 0

function init(args)
  for line in io.lines(os.getenv("BENCH_DIR") .. "/requests.txt") do
    local fields = {}
    for field in (line .. "\t"):gmatch("([^\t]*)\t") do
      fields[#fields + 1] = field
    end
    lines[#lines + 1] = fields
  end
  index = tid - 1
end

function request()
  local item = lines[(index % #lines) + 1]
  index = index + 2
  if #item == 4 then
    return wrk.format("POST", item[1], {
      ["Authorization"] = "Bearer " .. item[2],
      ["Idempotency-Key"] = item[3],
      ["Content-Type"] = "application/json",
    }, item[4])
  end
  return wrk.format("POST", item[1], {
    ["Cookie"] = item[2],
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, item[3])
end
