// ibasho-gateway: the HTTP/JSON front for the ward website, the LINE bot and partner systems.
#include <spdlog/spdlog.h>

#include "common/flags.h"
#include "services/common/channel.h"
#include "services/common/server_main.h"
#include "services/gateway/gateway.h"
#include "services/gateway/http_server.h"

int main(int argc, char** argv) {
  using namespace ibasho;
  services::InitProcess();
  Flags flags(argc, argv);
  gateway::HttpServerOptions http;
  http.address = flags.Get("address", "IBASHO_GATEWAY_ADDRESS", "127.0.0.1");
  http.port = flags.GetInt("port", "IBASHO_GATEWAY_PORT", 8080);
  std::string registry = flags.Get("registry", "IBASHO_REGISTRY_ADDR", "127.0.0.1:50051");
  std::string search = flags.Get("search", "IBASHO_SEARCH_ADDR", "127.0.0.1:50052");
  gateway::GatewayOptions options;
  options.admin_token = flags.Get("admin_token", "IBASHO_ADMIN_TOKEN", "");
  if (options.admin_token.empty()) spdlog::warn("gateway: no admin token configured; writes are disabled");

  gateway::Gateway gw(options, services::MakeChannel(registry), services::MakeChannel(search));
  gateway::HttpServer server(http, [&gw](const gateway::HttpRequest& r) { return gw.Handle(r); });
  Status started = server.Start();
  if (!started.ok()) {
    spdlog::error("gateway: {}", started.ToString());
    return 1;
  }
  spdlog::info("gateway listening on http://{}:{}", http.address, server.port());
  services::WaitForTerminationSignal();
  spdlog::info("gateway shutting down");
  server.Stop();
  return 0;
}
