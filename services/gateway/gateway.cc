#include "services/gateway/gateway.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

#include "common/clock.h"
#include "common/crypto.h"
#include "common/numbers.h"
#include "common/utf8.h"
#include "services/common/request_context.h"
#include "services/gateway/api_error.h"
#include "services/gateway/api_response.h"
#include "services/gateway/openapi.h"
#include "services/gateway/request_params.h"

namespace ibasho::gateway {

using nlohmann::json;

namespace {

SearchReplicasOptions ReplicaOptions(const GatewayOptions& o) {
  SearchReplicasOptions r;
  r.rpc_deadline = o.rpc_deadline;
  r.connect_wait = o.connect_wait;
  return r;
}

}  // namespace

Gateway::Gateway(GatewayOptions options, std::shared_ptr<grpc::Channel> registry,
                 std::vector<SearchReplicas::Replica> search)
    : options_(std::move(options)),
      registry_channel_(registry),
      registry_(registry::v1::Registry::NewStub(registry)),
      search_(std::move(search), ReplicaOptions(options_)),
      auth_(options_.admin_token, registry_.get(), [this] { return Context(); }),
      per_ip_(RateLimiterOptions{options_.rate_limit_per_ip}),
      per_token_(RateLimiterOptions{options_.rate_limit_per_token}) {
  LoadWeb();
}

std::unique_ptr<grpc::ClientContext> Gateway::Context() const {
  grpc::Channel& channel = *registry_channel_;
  auto ctx = std::make_unique<grpc::ClientContext>();
  // A backend that is not connected gets connect_wait to come back (a restart reconnects well
  // within it). If it does not, the call fails at once as UNAVAILABLE, a 503 the caller may
  // retry, instead of holding a worker for the whole deadline.
  if (channel.GetState(/*try_to_connect=*/true) != GRPC_CHANNEL_READY)
    channel.WaitForConnected(std::chrono::system_clock::now() + options_.connect_wait);
  ctx->set_deadline(std::chrono::system_clock::now() + options_.rpc_deadline);
  ctx->set_wait_for_ready(false);
  services::AddRequestId(ctx.get());
  return ctx;
}

// The route table: method, path pattern ("{}" is one segment, passed to the handler in order),
// whether the route reads a request body and how large it may be.
const std::vector<Gateway::RouteEntry>& Gateway::Routes() {
  using A = std::vector<std::string>;
  constexpr size_t kJsonBody = size_t{1} << 20;
  constexpr size_t kFileBody = size_t{8} << 20;
  static const std::vector<RouteEntry> kRoutes = {
      {"GET",
       {"healthz"},
       0,
       [](Gateway&, const HttpRequest&, const A&, const Principal&) { return Json(200, R"({"status":"ok"})"); }},
      {"GET", {"readyz"}, 0, [](Gateway& g, const HttpRequest&, const A&, const Principal&) { return g.Ready(); }},
      {"GET",
       {"v1", "search"},
       0,
       [](Gateway& g, const HttpRequest& r, const A&, const Principal&) { return g.Search(r); }},
      {"GET",
       {"v1", "suggest"},
       0,
       [](Gateway& g, const HttpRequest& r, const A&, const Principal&) { return g.Suggest(r); }},
      {"GET",
       {"v1", "categories"},
       0,
       [](Gateway& g, const HttpRequest&, const A&, const Principal&) { return g.Categories(); }},
      {"GET",
       {"v1", "events"},
       0,
       [](Gateway& g, const HttpRequest& r, const A&, const Principal&) { return g.Events(r); }},
      {"GET",
       {"v1", "calendar.ics"},
       0,
       [](Gateway& g, const HttpRequest& r, const A&, const Principal&) { return g.CalendarIcs(r); }},
      {"GET",
       {"v1", "activities", "{}"},
       0,
       [](Gateway& g, const HttpRequest&, const A& a, const Principal&) { return g.GetActivity(a[0]); }},
      {"GET",
       {"v1", "activities", "{}", "calendar.ics"},
       0,
       [](Gateway& g, const HttpRequest&, const A& a, const Principal&) { return g.ActivityCalendarIcs(a[0]); }},
      {"GET",
       {"v1", "changes"},
       0,
       [](Gateway& g, const HttpRequest& r, const A&, const Principal& w) { return g.Changes(r, w); }},
      {"GET",
       {"v1", "groups"},
       0,
       [](Gateway& g, const HttpRequest& r, const A&, const Principal& w) { return g.ListGroups(r, w); }},
      {"POST",
       {"v1", "groups"},
       kJsonBody,
       [](Gateway& g, const HttpRequest& r, const A&, const Principal& w) { return g.CreateGroup(r, w); }},
      {"GET",
       {"v1", "groups", "{}"},
       0,
       [](Gateway& g, const HttpRequest&, const A& a, const Principal& w) { return g.GetGroup(a[0], w); }},
      {"PATCH",
       {"v1", "groups", "{}"},
       kJsonBody,
       [](Gateway& g, const HttpRequest& r, const A& a, const Principal& w) { return g.PatchGroup(r, a[0], w); }},
      {"DELETE",
       {"v1", "groups", "{}"},
       0,
       [](Gateway& g, const HttpRequest& r, const A& a, const Principal& w) { return g.DeleteGroup(r, a[0], w); }},
      {"GET",
       {"v1", "groups", "{}", "history"},
       0,
       [](Gateway& g, const HttpRequest&, const A& a, const Principal& w) { return g.History(a[0], w); }},
      {"GET",
       {"v1", "groups", "{}", "pending"},
       0,
       [](Gateway& g, const HttpRequest&, const A& a, const Principal& w) { return g.Pending(a[0], w); }},
      {"POST",
       {"v1", "groups", "{}", "publish"},
       kJsonBody,
       [](Gateway& g, const HttpRequest& r, const A& a, const Principal& w) { return g.Review(r, a[0], true, w); }},
      {"POST",
       {"v1", "groups", "{}", "reject"},
       kJsonBody,
       [](Gateway& g, const HttpRequest& r, const A& a, const Principal& w) { return g.Review(r, a[0], false, w); }},
      {"POST",
       {"v1", "groups", "{}", "verify"},
       0,
       [](Gateway& g, const HttpRequest&, const A& a, const Principal& w) { return g.Verify(a[0], w); }},
      {"PUT",
       {"v1", "sources", "{}", "groups", "{}"},
       kJsonBody,
       [](Gateway& g, const HttpRequest& r, const A& a, const Principal& w) {
         return g.PutSourceGroup(r, a[0], a[1], w);
       }},
      {"DELETE",
       {"v1", "sources", "{}", "groups", "{}"},
       0,
       [](Gateway& g, const HttpRequest& r, const A& a, const Principal& w) {
         return g.DeleteSourceGroup(r, a[0], a[1], w);
       }},
      {"POST",
       {"v1", "sources", "{}", "groups:batch"},
       kFileBody,
       [](Gateway& g, const HttpRequest& r, const A& a, const Principal& w) { return g.Batch(r, a[0], w); }},
      {"POST",
       {"v1", "sources", "{}", "import"},
       kFileBody,
       [](Gateway& g, const HttpRequest& r, const A& a, const Principal& w) { return g.Import(r, a[0], w); }},
      {"GET",
       {"v1", "admin", "stale"},
       0,
       [](Gateway& g, const HttpRequest& r, const A&, const Principal& w) {
         return w.is_admin() ? g.Stale(r) : Denied(w, "list stale groups");
       }},
      {"GET",
       {"v1", "export", "groups.csv"},
       0,
       [](Gateway& g, const HttpRequest&, const A&, const Principal& w) {
         return w.is_admin() ? g.ExportCsv() : Denied(w, "export the staff CSV");
       }},
      {"GET",
       {"metrics"},
       0,
       [](Gateway& g, const HttpRequest& r, const A&, const Principal&) {
         return g.MetricsAllowed(r) ? g.Metrics()
                                    : Error(403, "PERMISSION_DENIED", "metrics are served to local networks only");
       }},
      {"GET",
       {"v1", "openapi.json"},
       0,
       [](Gateway&, const HttpRequest&, const A&, const Principal&) {
         return SharedForSeconds(Json(200, kOpenApiJson), 3600);
       }},
      {"GET", {}, 0, [](Gateway& g, const HttpRequest& r, const A&, const Principal&) { return g.WebPage(r, ""); }},
      {"GET",
       {"a", "{}"},
       0,
       [](Gateway& g, const HttpRequest& r, const A& a, const Principal&) { return g.WebPage(r, a[0]); }},
      {"GET",
       {"assets", "{}"},
       0,
       [](Gateway& g, const HttpRequest& r, const A&, const Principal&) { return g.WebFile(r); }},
      {"GET",
       {"favicon.svg"},
       0,
       [](Gateway& g, const HttpRequest& r, const A&, const Principal&) { return g.WebFile(r); }},
      {"GET", {"guide"}, 0, [](Gateway& g, const HttpRequest& r, const A&, const Principal&) { return g.Guide(r); }},
      {"GET", {"hsds"}, 0, [](Gateway& g, const HttpRequest&, const A&, const Principal&) { return g.HsdsRoot(); }},
      {"GET",
       {"hsds", "profile"},
       0,
       [](Gateway& g, const HttpRequest&, const A&, const Principal&) { return g.HsdsProfile(); }},
      {"GET",
       {"hsds", "services"},
       0,
       [](Gateway& g, const HttpRequest& r, const A&, const Principal& w) { return g.HsdsServices(r, w, false); }},
      {"GET",
       {"hsds", "services", "{}"},
       0,
       [](Gateway& g, const HttpRequest&, const A& a, const Principal& w) { return g.HsdsService(a[0], w, false); }},
      {"GET",
       {"hsds", "service_at_locations"},
       0,
       [](Gateway& g, const HttpRequest& r, const A&, const Principal& w) { return g.HsdsServices(r, w, true); }},
      {"GET",
       {"hsds", "service_at_locations", "{}"},
       0,
       [](Gateway& g, const HttpRequest&, const A& a, const Principal& w) { return g.HsdsService(a[0], w, true); }},
      {"GET",
       {"hsds", "organizations"},
       0,
       [](Gateway& g, const HttpRequest& r, const A&, const Principal&) { return g.HsdsOrganizations(r); }},
      {"GET",
       {"hsds", "organizations", "{}"},
       0,
       [](Gateway& g, const HttpRequest&, const A& a, const Principal& w) { return g.HsdsOrganization(a[0], w); }},
      {"GET",
       {"hsds", "taxonomies"},
       0,
       [](Gateway& g, const HttpRequest& r, const A&, const Principal&) { return g.HsdsTaxonomies(r); }},
      {"GET",
       {"hsds", "taxonomies", "{}"},
       0,
       [](Gateway& g, const HttpRequest&, const A& a, const Principal&) { return g.HsdsTaxonomy(a[0]); }},
      {"GET",
       {"hsds", "taxonomy_terms"},
       0,
       [](Gateway& g, const HttpRequest& r, const A&, const Principal&) { return g.HsdsTaxonomyTerms(r); }},
      {"GET",
       {"hsds", "taxonomy_terms", "{}"},
       0,
       [](Gateway& g, const HttpRequest&, const A& a, const Principal&) { return g.HsdsTaxonomyTerm(a[0]); }},
      {"GET",
       {"v1", "export", "hsds.json"},
       0,
       [](Gateway& g, const HttpRequest&, const A&, const Principal& w) { return g.ExportHsds(w); }},
  };
  return kRoutes;
}

std::string Gateway::Signature(const RouteEntry& r) {
  std::string path;
  for (const char* segment : r.pattern) path += std::string("/") + segment;
  return std::string(r.method) + " " + (path.empty() ? "/" : path);
}

std::vector<std::string> Gateway::RouteSignatures() {
  std::vector<std::string> out;
  for (const RouteEntry& r : Routes()) out.push_back(Signature(r));
  return out;
}

Gateway::Matched Gateway::Match(const HttpRequest& req) {
  std::vector<std::string> parts = SplitPath(req.path);
  // HEAD is GET without the body (the server drops it).
  const std::string method = req.method == "HEAD" ? "GET" : req.method;
  Matched out;
  for (const RouteEntry& r : Routes()) {
    if (r.pattern.size() != parts.size()) continue;
    std::vector<std::string> args;
    bool same = true;
    for (size_t i = 0; i < parts.size() && same; ++i) {
      if (std::string_view(r.pattern[i]) == "{}") {
        args.push_back(parts[i]);
      } else {
        same = parts[i] == r.pattern[i];
      }
    }
    if (!same) continue;
    if (method == r.method) {
      out.route = &r;
      out.args = std::move(args);
      return out;
    }
    out.allow += (out.allow.empty() ? "" : ", ") + std::string(r.method);
    if (std::string_view(r.method) == "GET") out.allow += ", HEAD";
  }
  return out;
}

HttpResponse Gateway::NoRoute(const HttpRequest& req, const Matched& m) {
  if (m.allow.empty()) return Error(404, "NOT_FOUND", "no route for " + req.method + " " + req.path);
  HttpResponse r = Error(405, "UNIMPLEMENTED", req.method + " is not allowed here; use " + m.allow);
  r.headers.emplace_back("Allow", m.allow);
  return r;
}

StatusOr<Principal> Gateway::Caller(const HttpRequest& req) { return auth_.Resolve(req.Header("authorization")); }

HttpResponse Gateway::Unauthenticated(const Status& s) {
  HttpResponse r = FromStatus(s);
  if (r.status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer");
  return r;
}

// Every path segment and parameter is text: bytes that are not UTF-8 are the caller's error (they
// could not even be sent on to the registry or search).
std::optional<HttpResponse> Gateway::CheckText(const HttpRequest& req) {
  if (!IsValidUtf8(req.path)) return BadRequest(InvalidArgument("the path is not valid UTF-8", "path"));
  for (const auto& [name, value] : req.query)
    if (!IsValidUtf8(name) || !IsValidUtf8(value))
      return BadRequest(InvalidArgument("parameter is not valid UTF-8", IsValidUtf8(name) ? name : ""));
  return std::nullopt;
}

std::string Gateway::ClientAddress(const HttpRequest& req) const {
  const auto& proxies = options_.trusted_proxies;
  auto trusted = [&](const std::string& a) { return std::find(proxies.begin(), proxies.end(), a) != proxies.end(); };
  if (!trusted(req.peer)) return req.peer;
  // "client, proxy1, proxy2": from the right, skip our own proxies; the first other is the client.
  std::string chain = req.Header("x-forwarded-for");
  std::string client = req.peer;
  size_t end = chain.size();
  while (end > 0) {
    size_t comma = chain.rfind(',', end - 1);
    size_t start = comma == std::string::npos ? 0 : comma + 1;
    std::string hop = chain.substr(start, end - start);
    hop.erase(0, hop.find_first_not_of(" \t"));
    hop.erase(hop.find_last_not_of(" \t") + 1);
    if (!hop.empty()) {
      client = hop;
      if (!trusted(hop)) break;
    }
    if (comma == std::string::npos) break;
    end = comma;
  }
  return client;
}

std::optional<HttpResponse> Gateway::CheckRate(const HttpRequest& req) {
  if (req.path == "/healthz" || req.path == "/readyz" || req.path == "/metrics")
    return std::nullopt;  // probes and scrapes of the platform
  int wait = per_ip_.Take(ClientAddress(req));
  std::string auth = req.Header("authorization");
  if (wait == 0 && !auth.empty() && per_token_.enabled()) wait = per_token_.Take(Sha256Hex(auth));
  if (wait == 0) return std::nullopt;
  HttpResponse r = Error(429, "RESOURCE_EXHAUSTED", "too many requests; try again in " + std::to_string(wait) + " s");
  r.headers.emplace_back("Retry-After", std::to_string(wait));
  return r;
}

std::optional<HttpResponse> Gateway::CheckHead(const HttpRequest& req) {
  const auto start = std::chrono::steady_clock::now();
  Outcome outcome;
  std::optional<HttpResponse> early = CheckHeadOnly(req, &outcome);
  if (!early) return std::nullopt;
  HttpResponse r = Finish(req, std::move(*early));
  Record(req, outcome, services::AcceptOrMakeRequestId(req.Header("x-request-id")), start, &r);
  return r;
}

std::optional<HttpResponse> Gateway::CheckHeadOnly(const HttpRequest& req, Outcome* outcome) {
  if (auto limited = CheckRate(req)) return limited;
  if (auto bad = CheckText(req)) return bad;
  if (req.method == "OPTIONS" && !req.has_body) return std::nullopt;
  Matched m = Match(req);
  if (!m.route) return NoRoute(req, m);
  outcome->route = Signature(*m.route);
  if (!req.has_body) return std::nullopt;
  if (m.route->max_body_bytes == 0)
    return Error(400, "INVALID_ARGUMENT", req.method + " " + req.path + " takes no request body");
  auto length = req.headers.find("content-length");
  uint64_t declared = 0;
  if (length != req.headers.end() && ParseUint64(length->second, &declared) && declared > m.route->max_body_bytes)
    return Error(413, "INVALID_ARGUMENT",
                 "request body is too large (at most " + std::to_string(m.route->max_body_bytes) + " bytes here)");
  // Every route that reads a body needs a token: check it before reading what the caller sends.
  auto who = Caller(req);
  if (!who.ok()) return Unauthenticated(who.status());
  outcome->role = who->role;
  if (who->role == Role::kAnonymous) return Denied(*who, req.method + " " + req.path);
  return std::nullopt;
}

HttpResponse Gateway::Handle(const HttpRequest& req) {
  const auto start = std::chrono::steady_clock::now();
  const std::string request_id = services::AcceptOrMakeRequestId(req.Header("x-request-id"));
  services::RequestIdScope scope(request_id);  // carried to the registry and search
  Outcome outcome;
  HttpResponse r = Finish(req, Route(req, &outcome));
  Record(req, outcome, request_id, start, &r);
  return r;
}

void Gateway::Record(const HttpRequest& req, const Outcome& outcome, const std::string& request_id,
                     std::chrono::steady_clock::time_point start, HttpResponse* r) {
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r->headers.emplace_back("X-Request-Id", request_id);
  metrics_.Observe(outcome.route, r->status, seconds);
  // No tokens, no query strings (they may hold what a person typed), no bodies. Every field is
  // a safe token (an HTTP method, a route pattern, a role, a checked id) or a number.
  char latency[32];
  std::snprintf(latency, sizeof latency, "%.3f", seconds * 1000);
  services::WriteAccessLog("{\"time\":\"" + NowRfc3339() + "\",\"service\":\"gateway\",\"method\":\"" + req.method +
                           "\",\"route\":\"" + outcome.route + "\",\"status\":" + std::to_string(r->status) +
                           ",\"latency_ms\":" + latency + ",\"role\":\"" + RoleName(outcome.role) +
                           "\",\"request_id\":\"" + request_id + "\"}");
}

HttpResponse Gateway::Route(const HttpRequest& req, Outcome* outcome) {
  if (auto bad = CheckText(req)) return *bad;
  if (req.method == "OPTIONS") return Preflight(req);
  Matched m = Match(req);
  if (!m.route) return NoRoute(req, m);
  outcome->route = Signature(*m.route);
  if (req.body.size() > m.route->max_body_bytes)
    return Error(413, "INVALID_ARGUMENT",
                 "request body is too large (at most " + std::to_string(m.route->max_body_bytes) + " bytes here)");
  Principal anonymous;
  const std::string_view first = m.route->pattern.empty() ? "" : m.route->pattern[0];
  if (first == "healthz" || first == "readyz" || first == "metrics")
    return m.route->handler(*this, req, m.args, anonymous);
  auto who = Caller(req);
  if (!who.ok()) return Unauthenticated(who.status());
  outcome->role = who->role;
  return m.route->handler(*this, req, m.args, *who);
}

HttpResponse Gateway::Preflight(const HttpRequest& req) {
  HttpRequest probe = req;
  probe.method = "OPTIONS";
  Matched m = Match(probe);
  if (m.allow.empty()) return NoRoute(req, m);
  HttpResponse r = Json(204, "");
  r.headers.emplace_back("Allow", m.allow + ", OPTIONS");
  if (!AllowedOrigin(req.Header("origin")).empty() && !req.Header("access-control-request-method").empty()) {
    r.headers.emplace_back("Access-Control-Allow-Methods", m.allow);
    r.headers.emplace_back("Access-Control-Allow-Headers",
                           "Authorization, Content-Type, If-Match, Accept-Language, X-Request-Id");
    r.headers.emplace_back("Access-Control-Max-Age", "600");
  }
  return r;
}

std::string Gateway::AllowedOrigin(const std::string& origin) const {
  if (origin.empty()) return "";
  for (const std::string& allowed : options_.cors_origins) {
    if (allowed == "*") return "*";
    if (allowed == origin) return origin;
  }
  return "";
}

HttpResponse Gateway::Finish(const HttpRequest& req, HttpResponse r) {
  auto has = [&r](std::string_view name) {
    return std::any_of(r.headers.begin(), r.headers.end(), [&](const auto& h) { return h.first == name; });
  };
  if (!options_.cors_origins.empty()) {
    r.headers.emplace_back("Vary", "Origin");
    if (std::string origin = AllowedOrigin(req.Header("origin")); !origin.empty()) {
      r.headers.emplace_back("Access-Control-Allow-Origin", origin);
      r.headers.emplace_back("Access-Control-Expose-Headers", "ETag, Location, Retry-After, X-Request-Id");
    }
  }
  // What a caller with a token sees may hold contacts others may not: no cache keeps it.
  if (!has("Cache-Control"))
    r.headers.emplace_back("Cache-Control",
                           req.Header("authorization").empty() || r.status >= 400 ? "no-cache" : "private, no-store");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  if (r.status >= 400 && !r.shared_body && PrefersJapanese(req.Header("accept-language")))
    r.body = LocalizeErrorJson(r.body);
  return r;
}

}  // namespace ibasho::gateway
