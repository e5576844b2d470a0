// The SQLite FTS5 (trigram) peer behind a minimal HTTP server, for the performance comparison:
//   fts5_http_server --db=PATH --port=P
//   GET /search?q=&category=&municipality=&weekday=&near=LAT,LON&radius_m=
//   → {"total": N, "results": [group keys]} with category and municipality counts computed too.
#include <csignal>
#include <iostream>
#include <nlohmann/json.hpp>

#include "bench/peers.h"
#include "common/flags.h"
#include "services/common/server_main.h"
#include "services/gateway/http_server.h"

int main(int argc, char** argv) {
  using namespace ibasho;
  services::InitProcess();
  Flags flags(argc, argv);
  std::string db = flags.Get("db", nullptr, "");
  gateway::HttpServerOptions options;
  options.port = flags.GetInt("port", nullptr, 0);
  gateway::HttpServer server(options, [&db](const gateway::HttpRequest& req) {
    thread_local std::unique_ptr<bench::Fts5Engine> engine;
    if (!engine) engine = std::make_unique<bench::Fts5Engine>(db);
    bench::PeerQuery q;
    q.q = req.Param("q");
    q.category = req.Params("category");
    q.municipality = req.Params("municipality");
    q.weekday = req.Params("weekday");
    std::string near = req.Param("near");
    if (!near.empty() && near.find(',') != std::string::npos) {
      q.has_near = true;
      q.lat = std::stod(near.substr(0, near.find(',')));
      q.lon = std::stod(near.substr(near.find(',') + 1));
      q.radius_m = std::stod(req.Param("radius_m", "3000"));
    }
    auto hits = engine->Search(q, /*facets=*/true);
    gateway::HttpResponse r;
    r.status = hits.error ? 400 : 200;
    r.body = nlohmann::json({{"total", hits.total}, {"results", hits.keys}})
                 .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return r;
  });
  if (!server.Start().ok()) return 1;
  std::cout << "listening " << server.port() << std::endl;
  services::WaitForTerminationSignal();
  server.Stop();
  return 0;
}
