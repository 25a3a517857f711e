-- wrk script: POST the body in BENCH_BODY with BENCH_CONTENT_TYPE (and, for the binary tensor extension,
-- Inference-Header-Content-Length from BENCH_HEADER_LENGTH) on every request.
wrk.method = "POST"
local f = assert(io.open(os.getenv("BENCH_BODY"), "rb"))
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = os.getenv("BENCH_CONTENT_TYPE") or "application/json"
local header_length = os.getenv("BENCH_HEADER_LENGTH")
if header_length and header_length ~= "" then
  wrk.headers["Inference-Header-Content-Length"] = header_length
end
