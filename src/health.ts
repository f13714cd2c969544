/**
 * A tiny HTTP endpoint for hosts: `/healthz` (200 when connected, 503 otherwise) and `/metrics`
 * (Prometheus text format). Optional: only when HEALTH_PORT is set.
 */
import { createServer, type Server } from "node:http";

export interface HealthSource {
  healthy(): boolean;
  metrics(): Record<string, number>;
}

export async function startHealthServer(port: number, source: HealthSource, host = "127.0.0.1"): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url === "/healthz") {
      const ok = source.healthy();
      res.writeHead(ok ? 200 : 503, { "content-type": "text/plain" }).end(ok ? "ok\n" : "unavailable\n");
      return;
    }
    if (req.url === "/metrics") {
      const lines = Object.entries(source.metrics()).map(([k, v]) => `westofthetracks_${k} ${v}`);
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(lines.join("\n") + "\n");
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
