// The physical limit the hot paths are compared with: a plain `http.createServer` that answers every
// request with the same bytes Flightboard served (read from the file given), the same content type
// and `cache-control`, nothing else. Prints `{"port":N}` once listening on loopback (a free port).
import { readFileSync } from "node:fs";
import { createServer } from "node:http";

const body = readFileSync(process.argv[2]);
const server = createServer((req, res) => {
  res.writeHead(200, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", "content-length": body.length });
  res.end(body);
});
server.keepAliveTimeout = 65_000;
server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ port: server.address().port })));
process.on("SIGTERM", () => process.exit(0));
