-- wrk script for bench/marketplace.py: every request is a random search page of urls.txt
-- (text, filters, sorting, pages), anonymous. With MISS_SHARE > 0, that share of requests adds
-- a parameter the search ignores but the page cache keys on: the same search, never cached
-- before, so it costs a full render (a search nobody asked in the cache's lifetime).
local next_thread = 1

function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
end

local urls = {}
local miss_share = 0
local counter = 0

function init(args)
  for line in io.lines(os.getenv("BENCH_DIR") .. "/urls.txt") do urls[#urls + 1] = line end
  miss_share = tonumber(os.getenv("MISS_SHARE") or "0")
  math.randomseed(os.time() * 100 + tid)
end

function request()
  local url = urls[math.random(#urls)]
  if miss_share > 0 and math.random() < miss_share then
    counter = counter + 1
    url = url .. "&nuova=" .. tid .. "-" .. counter .. "-" .. math.random(1000000000)
  end
  return wrk.format("GET", url)
end
