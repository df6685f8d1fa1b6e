-- wrk script for bench/marketplace.py: every request is a random search page of urls.txt
-- (text, filters, sorting, pages), anonymous.
local next_thread = 1

function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
end

local urls = {}

function init(args)
  for line in io.lines(os.getenv("BENCH_DIR") .. "/urls.txt") do urls[#urls + 1] = line end
  math.randomseed(os.time() * 100 + tid)
end

function request()
  return wrk.format("GET", urls[math.random(#urls)])
end
