// ibasho-gateway: the HTTP/JSON front for the ward website, the LINE bot and partner systems.
#include <malloc.h>
#include <spdlog/spdlog.h>

#include "common/flags.h"
#include "common/install_paths.h"
#include "services/common/channel.h"
#include "services/common/registry_secret.h"
#include "services/common/server_main.h"
#include "services/gateway/gateway.h"
#include "services/gateway/http_server.h"

int main(int argc, char** argv) {
  using namespace ibasho;
  services::InitProcess();
  // Sixteen worker threads would otherwise each grow their own malloc arena: the gateway's
  // allocations are small and short-lived, two arenas serve them with a flat footprint.
  mallopt(M_ARENA_MAX, 2);
  Flags flags(argc, argv,
              "ibasho-gateway: the HTTP/JSON API (search, groups, partner sync, HSDS) over the registry and search");
  gateway::HttpServerOptions http;
  http.address = flags.Get("address", "IBASHO_GATEWAY_ADDRESS", "127.0.0.1", "address to listen on");
  http.port = flags.GetInt("port", "IBASHO_GATEWAY_PORT", 8080, "HTTP port (0: any free port)");
  http.max_connections = flags.GetInt("max_connections", "IBASHO_MAX_CONNECTIONS", http.max_connections,
                                      "open connections beyond this get 503 and are closed");
  http.worker_threads = flags.GetInt("worker_threads", "IBASHO_WORKER_THREADS", http.worker_threads,
                                     "requests handled at once (they wait on gRPC calls)");
  http.header_timeout = std::chrono::milliseconds(flags.GetInt("header_timeout_ms", "IBASHO_HEADER_TIMEOUT_MS",
                                                               static_cast<int>(http.header_timeout.count()),
                                                               "time for a request head (and keep-alive idle)"));
  http.body_timeout =
      std::chrono::milliseconds(flags.GetInt("body_timeout_ms", "IBASHO_BODY_TIMEOUT_MS",
                                             static_cast<int>(http.body_timeout.count()), "time for a request body"));
  http.drain_timeout = std::chrono::milliseconds(flags.GetInt("drain_timeout_ms", "IBASHO_DRAIN_TIMEOUT_MS",
                                                              static_cast<int>(http.drain_timeout.count()),
                                                              "on SIGTERM, time for requests in flight to finish"));
  std::string registry =
      flags.Get("registry", "IBASHO_REGISTRY_ADDR", "127.0.0.1:50051", "the registry's gRPC address");
  std::vector<std::string> search = flags.GetList("search", "IBASHO_SEARCH_ADDR",
                                                  "search replicas' gRPC addresses, comma-separated (default "
                                                  "127.0.0.1:50052); a dns:/// name is balanced round-robin");
  if (search.empty()) search.push_back("127.0.0.1:50052");
  gateway::GatewayOptions options;
  options.admin_token =
      flags.Get("admin_token", "IBASHO_ADMIN_TOKEN", "", "a bootstrap admin Bearer token (prefer IBASHO_ADMIN_TOKEN)");
  options.rate_limit_per_ip = flags.GetInt("rate_limit_per_ip", "IBASHO_RATE_LIMIT_PER_IP", 0,
                                           "requests per second per client address (0: no limit)");
  options.rate_limit_per_token = flags.GetInt("rate_limit_per_token", "IBASHO_RATE_LIMIT_PER_TOKEN", 0,
                                              "requests per second per token (0: no limit)");
  options.trusted_proxies = flags.GetList("trusted_proxies", "IBASHO_TRUSTED_PROXIES",
                                          "comma-separated proxy addresses whose X-Forwarded-For is believed");
  options.cors_origins = flags.GetList("cors_origins", "IBASHO_CORS_ORIGINS",
                                       "comma-separated origins whose pages may call the API (* for any)");
  options.metrics_public =
      flags.GetBool("metrics_public", "serve /metrics to every client (default: loopback and private networks only)");
  options.public_url = flags.Get("public_url", "IBASHO_PUBLIC_URL", "",
                                 "where the public reaches this gateway (default http://ADDRESS:PORT)");
  options.web_root = flags.Get("web_root", "IBASHO_WEB_ROOT", DataPath("web", IBASHO_WEB_BUILD_DIR),
                               "the built web client (index.html, assets/) served at /");
  options.tile_url = flags.Get("tile_url", "IBASHO_TILE_URL", options.tile_url,
                               "map tiles for the web page ({z}/{x}/{y}; its origin is allowed by the page's CSP)");
  options.tile_attribution = flags.Get("tile_attribution", "IBASHO_TILE_ATTRIBUTION", options.tile_attribution,
                                       "the map's attribution text, as the tile server asks");
  const std::string secret_file = flags.Get("registry_secret_file", "IBASHO_REGISTRY_SECRET_FILE",
                                            services::kDefaultRegistrySecretFile, "the registry's shared secret");
  flags.Finish();
  if (options.public_url.empty()) options.public_url = "http://" + http.address + ":" + std::to_string(http.port);
  while (!options.public_url.empty() && options.public_url.back() == '/') options.public_url.pop_back();
  if (options.admin_token.empty()) spdlog::warn("gateway: no admin token configured; writes are disabled");

  auto secret = services::ReadRegistrySecret(secret_file);
  if (!secret.ok()) {
    spdlog::error("gateway: {}", secret.status().ToString());
    return 1;
  }
  std::vector<gateway::SearchReplicas::Replica> replicas;
  for (const auto& address : search) replicas.push_back({address, services::MakeChannel(address)});
  gateway::Gateway gw(options, services::MakeRegistryChannel(registry, *secret), std::move(replicas));
  gateway::HttpServer server(
      http, [&gw](const gateway::HttpRequest& r) { return gw.Handle(r); },
      [&gw](const gateway::HttpRequest& r) { return gw.CheckHead(r); });
  gw.SetServerStats([&server] { return server.stats(); });
  Status started = server.Start();
  if (!started.ok()) {
    spdlog::error("gateway: {}", started.ToString());
    return 1;
  }
  spdlog::info("gateway listening on http://{}:{}", http.address, server.port());
  services::WaitForTerminationSignal();
  spdlog::info("gateway shutting down: finishing requests in flight");
  server.Stop();
  spdlog::info("gateway stopped");
  return 0;
}
