-- POST <BENCH_PATH> with [{"key":"k<i>","value":<BENCH_VALUE_FILE>}] over NKEYS keys, round robin.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
require("report")
local base = os.getenv("BENCH_PATH")
local n = tonumber(os.getenv("NKEYS") or "1000")
local reqs = {}
local i = 0

-- Built in init (per thread), where wrk.headers already holds the Host header.
init = function(args)
  local f = assert(io.open(os.getenv("BENCH_VALUE_FILE"), "rb"))
  local value = f:read("*a")
  f:close()
  local headers = {}
  for k, v in pairs(wrk.headers) do headers[k] = v end
  headers["Content-Type"] = "application/json"
  for k = 0, n - 1 do
    reqs[k] = wrk.format("POST", base, headers, '[{"key":"k' .. k .. '","value":' .. value .. '}]')
  end
end

request = function()
  i = (i + 1) % n
  return reqs[i]
end
done = report
