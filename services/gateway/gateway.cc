#include "services/gateway/gateway.h"

#include <nlohmann/json.hpp>

#include "services/gateway/api_response.h"
#include "services/gateway/request_params.h"

namespace ibasho::gateway {

using nlohmann::json;

Gateway::Gateway(GatewayOptions options, std::shared_ptr<grpc::Channel> registry, std::shared_ptr<grpc::Channel> search)
    : options_(std::move(options)),
      registry_(registry::v1::Registry::NewStub(registry)),
      search_(search::v1::Search::NewStub(search)),
      auth_(options_.admin_token, registry_.get()) {}

std::unique_ptr<grpc::ClientContext> Gateway::Context() const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + options_.rpc_deadline);
  // Ride out a backend restart: wait for the channel to reconnect (within the deadline) instead
  // of failing fast while it is between attempts.
  ctx->set_wait_for_ready(true);
  return ctx;
}

HttpResponse Gateway::Handle(const HttpRequest& req) {
  if (req.method == "GET" && req.path == "/healthz") return Json(200, R"({"status":"ok"})");
  if (req.method == "GET" && req.path == "/readyz") return Ready();
  auto who = auth_.Resolve(req.Header("authorization"));
  if (!who.ok()) {
    HttpResponse r = FromStatus(who.status());
    if (r.status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer");
    return r;
  }
  return Route(req, *who);
}

HttpResponse Gateway::Route(const HttpRequest& req, const Principal& who) {
  const std::string& m = req.method;
  std::vector<std::string> p = SplitPath(req.path);
  if (p.empty() || p[0] != "v1") return Error(404, "NOT_FOUND", "no route for " + m + " " + req.path);
  size_t n = p.size();
  if (n == 2 && m == "GET") {
    if (p[1] == "search") return Search(req);
    if (p[1] == "suggest") return Suggest(req);
    if (p[1] == "categories") return Categories();
    if (p[1] == "changes") return Changes(req);
  }
  if (n >= 2 && p[1] == "groups") {
    if (n == 2 && m == "GET") return ListGroups(req, who);
    if (n == 2 && m == "POST") return CreateGroup(req, who);
    if (n == 3 && m == "GET") return GetGroup(p[2], who);
    if (n == 3 && m == "PATCH") return PatchGroup(req, p[2], who);
    if (n == 3 && m == "DELETE") return DeleteGroup(req, p[2], who);
    if (n == 4 && m == "GET" && p[3] == "history") return History(p[2], who);
    if (n == 4 && m == "GET" && p[3] == "pending") return Pending(p[2], who);
    if (n == 4 && m == "POST" && p[3] == "publish") return Review(req, p[2], true, who);
    if (n == 4 && m == "POST" && p[3] == "reject") return Review(req, p[2], false, who);
    if (n == 4 && m == "POST" && p[3] == "verify") return Verify(p[2], who);
  }
  if (n >= 3 && p[1] == "sources") {
    if (n == 5 && p[3] == "groups" && m == "PUT") return PutSourceGroup(req, p[2], p[4], who);
    if (n == 5 && p[3] == "groups" && m == "DELETE") return DeleteSourceGroup(req, p[2], p[4], who);
    if (n == 4 && p[3] == "groups:batch" && m == "POST") return Batch(req, p[2], who);
    if (n == 4 && p[3] == "import" && m == "POST") return Import(req, p[2], who);
  }
  if (n == 3 && p[1] == "admin" && p[2] == "stale" && m == "GET")
    return who.is_admin() ? Stale(req) : Denied(who, "list stale groups");
  if (n == 3 && p[1] == "export" && m == "GET") {
    if (p[2] == "groups.csv") return who.is_admin() ? ExportCsv() : Denied(who, "export the staff CSV");
    if (p[2] == "hsds.json") return ExportHsds(who);
  }
  return Error(404, "NOT_FOUND", "no route for " + m + " " + req.path);
}

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
  {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(1));
    search::v1::IndexStatusResponse resp;
    grpc::Status s = search_->IndexStatus(&ctx, {}, &resp);
    out["search"] = s.ok() ? "ok" : s.error_message();
    if (s.ok())
      out["index"] = {
          {"doc_count", resp.doc_count()}, {"applied_cursor", resp.applied_cursor()}, {"following", resp.following()}};
    ready &= s.ok();
  }
  out["status"] = ready ? "ready" : "not ready";
  return Json(ready ? 200 : 503, out.dump());
}

}  // namespace ibasho::gateway
