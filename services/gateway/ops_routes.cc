// Operations routes: readiness and Prometheus metrics.
#include <boost/asio/ip/address.hpp>
#include <nlohmann/json.hpp>

#include "common/numbers.h"
#include "services/gateway/api_response.h"
#include "services/gateway/gateway.h"

namespace ibasho::gateway {

using nlohmann::json;

HttpResponse Gateway::Ready() {
  json out;
  bool ready = true;
  {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(1));
    registry::v1::ListCategoriesResponse resp;
    grpc::Status s = registry_->ListCategories(&ctx, {}, &resp);
    out["registry"] = s.ok() ? "ok" : s.error_message();
    ready &= s.ok();
  }
  // Ready when at least one search replica answers and has caught up with the feed.
  bool any_search = false;
  json replicas = json::array();
  search_.Probe();
  for (const auto& h : search_.Healths()) {
    json one = {{"address", h.address}, {"reachable", h.reachable}, {"caught_up", h.caught_up}};
    if (h.reachable)
      one["index"] = {{"doc_count", h.status.doc_count()},
                      {"applied_cursor", h.status.applied_cursor()},
                      {"following", h.status.following()},
                      {"revision", h.status.revision()}};
    else
      one["error"] = h.error;
    any_search |= h.caught_up;
    replicas.push_back(std::move(one));
  }
  out["search"] = any_search ? "ok" : "no search replica has caught up with the registry";
  out["replicas"] = std::move(replicas);
  if (!out["replicas"].empty() && out["replicas"][0].contains("index")) out["index"] = out["replicas"][0]["index"];
  ready &= any_search;
  out["status"] = ready ? "ready" : "not ready";
  return Json(ready ? 200 : 503, out.dump());
}

namespace {

void Metric(std::string* out, const char* name, const char* type, const char* help, const std::string& samples) {
  *out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + samples;
}

std::string Sample(const char* name, int64_t value, const std::string& labels = "") {
  return std::string(name) + (labels.empty() ? "" : "{" + labels + "}") + " " + std::to_string(value) + "\n";
}

int64_t Cursor(const std::string& text) {
  int64_t cursor = 0;
  return ParseInt64(text, &cursor) ? cursor : 0;
}

}  // namespace

bool Gateway::MetricsAllowed(const HttpRequest& req) const {
  if (options_.metrics_public) return true;
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(ClientAddress(req), ec);
  if (ec) return false;
  if (address.is_v6() && address.to_v6().is_v4_mapped())
    address = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6());
  if (address.is_loopback()) return true;
  if (address.is_v4()) {
    const uint32_t a = address.to_v4().to_uint();
    return (a >> 24) == 10 || (a >> 20) == ((172u << 4) | 1) || (a >> 16) == ((192u << 8) | 168);
  }
  return (address.to_v6().to_bytes()[0] & 0xfe) == 0xfc;  // unique local fc00::/7
}

HttpResponse Gateway::Metrics() {
  std::string out = metrics_.Render();
  if (server_stats_) {
    HttpServer::Stats st = server_stats_();
    Metric(&out, "ibasho_http_connections", "gauge", "Open client connections.",
           Sample("ibasho_http_connections", st.connections));
    Metric(&out, "ibasho_http_requests_in_flight", "gauge", "Requests being handled or written.",
           Sample("ibasho_http_requests_in_flight", st.requests_in_flight));
    Metric(&out, "ibasho_http_admission_queue_depth", "gauge", "Requests waiting for a worker.",
           Sample("ibasho_http_admission_queue_depth", st.queued));
    Metric(&out, "ibasho_http_rejected_total", "counter", "Requests and connections answered 503 for capacity.",
           Sample("ibasho_http_rejected_total", st.rejected_connections, "reason=\"connections\"") +
               Sample("ibasho_http_rejected_total", st.rejected_requests, "reason=\"queue\""));
  }
  int64_t latest = -1;
  {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(1));
    registry::v1::RegistryStatus status;
    if (registry_->GetStatus(&ctx, {}, &status).ok()) {
      latest = Cursor(status.latest_cursor());
      Metric(&out, "ibasho_registry_feed_cursor", "gauge", "The registry's newest change-feed position.",
             Sample("ibasho_registry_feed_cursor", latest));
      Metric(&out, "ibasho_registry_database_bytes", "gauge", "The registry's SQLite file and write-ahead log.",
             Sample("ibasho_registry_database_bytes", status.database_bytes()));
      Metric(&out, "ibasho_registry_groups", "gauge", "Groups in the registry (every status).",
             Sample("ibasho_registry_groups", status.group_count()));
    }
    Metric(&out, "ibasho_registry_up", "gauge", "1 when the registry answered this scrape.",
           Sample("ibasho_registry_up", latest >= 0 ? 1 : 0));
  }
  std::string up, caught_up, applied, lag, docs, bytes, revision;
  search_.Probe();
  for (const auto& h : search_.Healths()) {
    const std::string label = "replica=\"" + PrometheusLabel(h.address) + "\"";
    up += Sample("ibasho_search_up", h.reachable ? 1 : 0, label);
    caught_up += Sample("ibasho_search_caught_up", h.caught_up ? 1 : 0, label);
    if (!h.reachable) continue;
    const int64_t cursor = Cursor(h.status.applied_cursor());
    applied += Sample("ibasho_index_applied_cursor", cursor, label);
    if (latest >= 0) lag += Sample("ibasho_index_lag", std::max<int64_t>(0, latest - cursor), label);
    docs += Sample("ibasho_index_documents", h.status.doc_count(), label);
    bytes += Sample("ibasho_index_bytes", h.status.index_bytes(), label);
    revision += Sample("ibasho_index_revision", h.status.revision(), label);
  }
  Metric(&out, "ibasho_search_up", "gauge", "1 when the search replica answered its last probe.", up);
  Metric(&out, "ibasho_search_caught_up", "gauge", "1 once the replica's index has caught up with the feed.",
         caught_up);
  Metric(&out, "ibasho_index_applied_cursor", "gauge", "The change-feed position the replica's index holds.", applied);
  Metric(&out, "ibasho_index_lag", "gauge", "Changes the replica's index is behind the registry.", lag);
  Metric(&out, "ibasho_index_documents", "gauge", "Activities in the replica's index.", docs);
  Metric(&out, "ibasho_index_bytes", "gauge", "The replica's index files on disk.", bytes);
  Metric(&out, "ibasho_index_revision", "counter",
         "Commits the replica's index has had (changes arriving together share one).", revision);
  HttpResponse r = Json(200, std::move(out));
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

}  // namespace ibasho::gateway
