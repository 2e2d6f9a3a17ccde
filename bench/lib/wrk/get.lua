-- GET <BENCH_PATH><key> over NKEYS keys, round robin (wrk -t1: one counter for all connections).
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
require("report")
local base = os.getenv("BENCH_PATH")
local n = tonumber(os.getenv("NKEYS") or "1000")
local paths = {}
for i = 0, n - 1 do paths[i] = base .. "k" .. i end
local i = 0
request = function()
  i = (i + 1) % n
  return wrk.format("GET", paths[i])
end
done = report
