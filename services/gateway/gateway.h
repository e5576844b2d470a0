// The REST/JSON API (v1) over the registry and search gRPC services. Authenticates callers
// (see auth.h for the roles), authorises each route, strips contact fields the caller may not see,
// and maps gRPC status to HTTP. Thread-safe: Handle may run on many connection threads at once.
#ifndef IBASHO_SERVICES_GATEWAY_GATEWAY_H_
#define IBASHO_SERVICES_GATEWAY_GATEWAY_H_

#include <grpcpp/grpcpp.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/limits.h"
#include "ibasho/registry/v1/registry.grpc.pb.h"
#include "ibasho/search/v1/search.grpc.pb.h"
#include "services/gateway/auth.h"
#include "services/gateway/http_metrics.h"
#include "services/gateway/http_server.h"
#include "services/gateway/rate_limiter.h"
#include "services/gateway/search_replicas.h"
#include "services/gateway/web_assets.h"

namespace ibasho::gateway {

struct GatewayOptions {
  std::string admin_token;  // bootstrap admin Bearer token; empty: only registry tokens
  std::chrono::milliseconds rpc_deadline{5000};
  // How long a call waits for a backend that is not connected (see Gateway::ContextFor).
  std::chrono::milliseconds connect_wait{500};
  // Requests per second (bursts of twice that) per client address and per token; 0: no limit.
  double rate_limit_per_ip = 0;
  double rate_limit_per_token = 0;
  // Addresses of reverse proxies whose X-Forwarded-For names the client; from anyone else the
  // header is ignored (it is the caller's to forge).
  std::vector<std::string> trusted_proxies;
  // Where the public reaches the gateway (links in HSDS and elsewhere), without a trailing slash.
  std::string public_url = "http://127.0.0.1:8080";
  // Serve /metrics to any client, not only those on loopback and private networks.
  bool metrics_public = false;
  // Origins whose pages may call the API from a browser (CORS) and embed the web page; "*"
  // allows any to call; empty: none.
  std::vector<std::string> cors_origins;
  // The built web client (index.html, assets/); empty or missing: / answers 503.
  std::string web_root;
  // Map tiles for the web page's map ({z}/{x}/{y}), and the attribution the tile server asks for.
  std::string tile_url = "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png";
  std::string tile_attribution = "地理院タイル";
  int max_batch_items = limits::kMaxBatchItems;
};

// What a partner sync did, by external id (see Gateway::ReplaceSource).
struct SyncReport {
  std::vector<std::string> created, updated, unchanged, archived;
  std::set<std::string> kept;   // every external id the file holds
  bool replaced = false;        // replace ran (archived is meaningful)
  std::string replace_skipped;  // why replace archived nothing, when it did not run
  void Add(const registry::v1::UpsertGroupResponse& result);
  void WriteTo(nlohmann::json* report) const;
};

class Gateway {
 public:
  // search: one or more replicas (see search_replicas.h).
  Gateway(GatewayOptions options, std::shared_ptr<grpc::Channel> registry, std::vector<SearchReplicas::Replica> search);
  // Answers a request, with its X-Request-Id, an access-log line and metrics. Thread-safe.
  HttpResponse Handle(const HttpRequest& request);
  // Where /metrics reads the HTTP server's own counters (set before serving; may stay unset).
  void SetServerStats(std::function<HttpServer::Stats()> stats) { server_stats_ = std::move(stats); }
  // Decides from the head alone, before the body is read: unknown routes (404/405), a body where
  // none is taken, a declared length over the route's limit (413), and a missing or bad token on
  // any route that reads a body (401/403). nullopt: read the body. Thread-safe.
  std::optional<HttpResponse> CheckHead(const HttpRequest& request);
  // Every route as "METHOD /path/{}/segments" ("{}" is a path parameter), for the check that
  // docs/openapi.yaml describes exactly these.
  static std::vector<std::string> RouteSignatures();

 private:
  struct RouteEntry {
    const char* method;
    std::vector<const char*> pattern;  // path segments; "{}" matches any one
    size_t max_body_bytes;             // 0: takes no body
    HttpResponse (*handler)(Gateway&, const HttpRequest&, const std::vector<std::string>& args, const Principal&);
  };
  struct Matched {
    const RouteEntry* route = nullptr;
    std::vector<std::string> args;
    std::string allow;  // methods of routes with this path, when the method matched none
  };
  static const std::vector<RouteEntry>& Routes();
  // What a request turned out to be, for the access log and metrics.
  struct Outcome {
    std::string route = "unmatched";  // "GET /v1/groups/{}"
    Role role = Role::kAnonymous;
  };
  HttpResponse Route(const HttpRequest& request, Outcome* outcome);
  std::optional<HttpResponse> CheckHeadOnly(const HttpRequest& request, Outcome* outcome);
  // Adds X-Request-Id, writes the access-log line and counts the request.
  void Record(const HttpRequest& request, const Outcome& outcome, const std::string& request_id,
              std::chrono::steady_clock::time_point start, HttpResponse* response);
  static std::string Signature(const RouteEntry& route);
  HttpResponse Metrics();
  // Whether the client may read /metrics: anyone with metrics_public, else clients on loopback or
  // private networks (a scraper in the cluster, not the internet through a proxy).
  bool MetricsAllowed(const HttpRequest& request) const;
  // An OPTIONS request: the methods of the path, and a CORS preflight answer for allowed origins.
  HttpResponse Preflight(const HttpRequest& request);
  // The Access-Control-Allow-Origin value for a request's Origin; empty when it is not allowed.
  std::string AllowedOrigin(const std::string& origin) const;
  // What every response gets on its way out: CORS headers, Cache-Control, Japanese error messages.
  HttpResponse Finish(const HttpRequest& request, HttpResponse response);
  static Matched Match(const HttpRequest& request);
  static HttpResponse NoRoute(const HttpRequest& request, const Matched& matched);
  static HttpResponse Unauthenticated(const Status& status);
  static std::optional<HttpResponse> CheckText(const HttpRequest& request);
  // The client's address: the peer, or for a trusted proxy the last untrusted X-Forwarded-For hop.
  std::string ClientAddress(const HttpRequest& request) const;
  std::optional<HttpResponse> CheckRate(const HttpRequest& request);
  StatusOr<Principal> Caller(const HttpRequest& request);
  // A context for a call to the registry, with the deadline.
  std::unique_ptr<grpc::ClientContext> Context() const;

  HttpResponse Search(const HttpRequest& request);
  HttpResponse Suggest(const HttpRequest& request);
  HttpResponse Categories();
  // Calendar routes (calendar_routes.cc). FetchEvents: the sessions for the request's filters and
  // from/to (to defaults to default_days after from), or the error response to send.
  std::optional<HttpResponse> FetchEvents(const HttpRequest& request, int default_days,
                                          search::v1::EventsResponse* events);
  grpc::Status FetchActivity(const std::string& activity_id, search::v1::ActivityDetail* detail);
  HttpResponse Events(const HttpRequest& request);
  // The web (web_routes.cc). LoadWeb: reads the web client and builds the pages' CSPs (constructor).
  void LoadWeb();
  // The page; for /a/{id} (activity_id set) with the activity's title.
  HttpResponse WebPage(const HttpRequest& request, const std::string& activity_id);
  HttpResponse WebFile(const HttpRequest& request);
  HttpResponse Guide(const HttpRequest& request);
  HttpResponse CalendarIcs(const HttpRequest& request);
  HttpResponse GetActivity(const std::string& activity_id);
  HttpResponse ActivityCalendarIcs(const std::string& activity_id);
  HttpResponse Ready();
  HttpResponse Changes(const HttpRequest& request, const Principal& who);
  HttpResponse CreateGroup(const HttpRequest& request, const Principal& who);
  HttpResponse GetGroup(const std::string& id, const Principal& who);
  HttpResponse PatchGroup(const HttpRequest& request, const std::string& id, const Principal& who);
  // Archives the group dr names (by id, or by source and external id), honouring If-Match.
  HttpResponse Archive(const HttpRequest& request, registry::v1::DeleteGroupRequest dr, const Principal& who);
  HttpResponse DeleteGroup(const HttpRequest& request, const std::string& id, const Principal& who);
  HttpResponse ListGroups(const HttpRequest& request, const Principal& who);
  HttpResponse History(const std::string& id, const Principal& who);
  HttpResponse Pending(const std::string& id, const Principal& who);
  HttpResponse Review(const HttpRequest& request, const std::string& id, bool publish, const Principal& who);
  HttpResponse Verify(const std::string& id, const Principal& who);
  HttpResponse Stale(const HttpRequest& request);
  HttpResponse PutSourceGroup(const HttpRequest& request, const std::string& source, const std::string& external_id,
                              const Principal& who);
  HttpResponse DeleteSourceGroup(const HttpRequest& request, const std::string& source, const std::string& external_id,
                                 const Principal& who);
  HttpResponse Batch(const HttpRequest& request, const std::string& source, const Principal& who);
  HttpResponse Import(const HttpRequest& request, const std::string& source, const Principal& who);
  // replace=true: archives the source's listings whose external ids the sync did not hold (only
  // listing them with dry_run). Does nothing when rows were rejected or the file was empty.
  grpc::Status ReplaceSource(const std::string& source, int rejected, bool dry_run, const Principal& who,
                             SyncReport* sync);
  // Streams every group, a registry page at a time: prefix, render's output for each, suffix.
  // A 503 when kMaxConcurrentExports (export_routes.cc) already stream.
  HttpResponse StreamGroups(std::string prefix, std::string suffix,
                            std::function<void(registry::v1::Group& group, std::string* out)> render);
  HttpResponse ExportCsv();
  // HSDA (hsds_routes.cc).
  HttpResponse HsdsRoot();
  HttpResponse HsdsProfile();
  HttpResponse HsdsServices(const HttpRequest& request, const Principal& who, bool at_locations);
  HttpResponse HsdsService(const std::string& id, const Principal& who, bool at_location);
  HttpResponse HsdsOrganizations(const HttpRequest& request);
  HttpResponse HsdsOrganization(const std::string& id, const Principal& who);
  HttpResponse HsdsTaxonomies(const HttpRequest& request);
  HttpResponse HsdsTaxonomy(const std::string& id);
  HttpResponse HsdsTaxonomyTerms(const HttpRequest& request);
  HttpResponse HsdsTaxonomyTerm(const std::string& id);
  // The group, when who may see it (published, or theirs), contacts filtered; NotFound otherwise,
  // Unavailable when the registry cannot be reached.
  StatusOr<registry::v1::Group> VisibleGroup(const std::string& group_id, const Principal& who);
  HttpResponse ExportHsds(const Principal& who);

  GatewayOptions options_;
  std::shared_ptr<grpc::Channel> registry_channel_;
  std::unique_ptr<registry::v1::Registry::Stub> registry_;
  SearchReplicas search_;
  HttpMetrics metrics_;
  std::function<HttpServer::Stats()> server_stats_;
  Authenticator auth_;
  RateLimiter per_ip_;
  RateLimiter per_token_;
  std::atomic<int> active_exports_{0};  // exports streaming now
  WebAssets web_;
  std::string page_csp_;   // Content-Security-Policy of the web page and its files
  std::string guide_csp_;  // of /guide (its inline style by hash)
};

// Removes what the viewer may not see: anonymous and partners see public contacts; editors also
// network ones (and everything of their own groups); admins everything.
void FilterForViewer(registry::v1::Group* group, const Principal& viewer);
// The diff entries the viewer may see of a change whose result is after: nothing about contacts
// that FilterForViewer would remove.
google::protobuf::RepeatedPtrField<registry::v1::FieldChange> FilterDiffForViewer(
    const google::protobuf::RepeatedPtrField<registry::v1::FieldChange>& diff, const registry::v1::Group& after,
    const Principal& viewer);

}  // namespace ibasho::gateway

#endif  // IBASHO_SERVICES_GATEWAY_GATEWAY_H_
