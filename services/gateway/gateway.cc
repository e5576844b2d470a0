#include "services/gateway/gateway.h"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

#include "model/csv_export.h"
#include "model/group_diff.h"
#include "model/hsds.h"
#include "model/open_data.h"
#include "common/clock.h"
#include "model/json_mapping.h"
#include "common/utf8.h"
#include "services/common/grpc_status.h"
#include "services/gateway/search_json.h"

namespace ibasho::gateway {
namespace {

using nlohmann::json;
using registry::v1::Group;

HttpResponse Json(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

HttpResponse Error(int status, const std::string& code, const std::string& message, const std::string& field = "") {
  return Json(status, ErrorJson(code, message, field));
}

HttpResponse BadRequest(const Status& s) { return Error(400, "INVALID_ARGUMENT", s.message(), s.field()); }

// 401 for anonymous callers, 403 for callers whose token does not allow the route.
HttpResponse Denied(const Principal& who, const std::string& what) {
  if (who.role == Role::kAnonymous) {
    HttpResponse r = Error(401, "UNAUTHENTICATED", what + " needs Authorization: Bearer <token>", "Authorization");
    r.headers.emplace_back("WWW-Authenticate", "Bearer");
    return r;
  }
  return Error(403, "PERMISSION_DENIED", std::string("a ") + RoleName(who.role) + " token may not " + what);
}

int HttpStatusFor(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::INVALID_ARGUMENT:
      return 400;
    case grpc::StatusCode::NOT_FOUND:
      return 404;
    case grpc::StatusCode::ALREADY_EXISTS:
      return 409;
    case grpc::StatusCode::FAILED_PRECONDITION:
      return 412;
    case grpc::StatusCode::OUT_OF_RANGE:
      return 410;
    case grpc::StatusCode::PERMISSION_DENIED:
      return 403;
    case grpc::StatusCode::UNAUTHENTICATED:
      return 401;
    case grpc::StatusCode::UNAVAILABLE:
      return 503;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return 504;
    default:
      return 500;
  }
}

HttpResponse FromGrpc(const grpc::Status& s) {
  std::string message = s.error_message();
  if (s.error_code() == grpc::StatusCode::UNAVAILABLE)
    message = "a backend service is unavailable (" + message + "); try again shortly";
  return Error(HttpStatusFor(s.error_code()), services::GrpcCodeName(s.error_code()), message, s.error_details());
}

HttpResponse FromStatus(const Status& s) {
  if (s.code() == StatusCode::kInvalidArgument) return BadRequest(s);
  int http = s.code() == StatusCode::kUnauthenticated ? 401 : s.code() == StatusCode::kUnavailable ? 503 : 500;
  return Error(http, StatusCodeName(s.code()), s.message(), s.field());
}

std::string Etag(int version) { return "\"" + std::to_string(version) + "\""; }

// Parses an If-Match value ("3", W/"3"); 0 when absent, -1 when malformed.
int ParseIfMatch(std::string v) {
  if (v.empty()) return 0;
  if (v.rfind("W/", 0) == 0) v = v.substr(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  int out = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || ptr != v.data() + v.size() || out <= 0) return -1;
  return out;
}

bool ParseInt(const std::string& s, int* out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return !s.empty() && ec == std::errc() && ptr == s.data() + s.size();
}

// An optional whole-number parameter within [min, max]: leaves *out untouched when absent, and
// names the parameter when it is malformed or out of range.
Status IntParam(const HttpRequest& req, const std::string& name, int min, int max, int* out, bool* present = nullptr) {
  if (present) *present = req.query.count(name) > 0;
  if (!req.query.count(name)) return Status::Ok();
  int n = 0;
  if (!ParseInt(req.Param(name), &n) || n < min || n > max)
    return InvalidArgument(name + " must be a whole number from " + std::to_string(min) + " to " + std::to_string(max),
                           name);
  *out = n;
  return Status::Ok();
}

bool ParseDouble(const std::string& s, double* out) {
  try {
    size_t used = 0;
    *out = std::stod(s, &used);
    return used == s.size() && std::isfinite(*out);
  } catch (const std::exception&) {
    return false;
  }
}

bool IsTrue(const std::string& v) { return v == "true" || v == "1"; }

HttpResponse GroupResponse(int status, const Group& g) {
  HttpResponse r = Json(status, ToJson(g));
  r.headers.emplace_back("ETag", Etag(g.version()));
  return r;
}

std::vector<std::string> SplitPath(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 1;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    if (slash > start) parts.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

}  // namespace

void FilterForViewer(Group* group, const Principal& viewer) {
  if (viewer.is_admin() || viewer.EditsGroup(group->id())) return;
  auto* contacts = group->mutable_contacts();
  for (int i = contacts->size() - 1; i >= 0; --i) {
    const std::string& v = contacts->Get(i).visibility();
    bool visible = v == "public" || (v == "network" && viewer.role == Role::kEditor);
    if (!visible) contacts->DeleteSubrange(i, 1);
  }
}

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

HttpResponse Gateway::Search(const HttpRequest& req) {
  for (const auto& [k, v] : req.query)
    if (!IsValidUtf8(v)) return BadRequest(InvalidArgument("parameter is not valid UTF-8", k));
  search::v1::SearchRequest sr;
  sr.set_q(req.Param("q"));
  for (const auto& v : req.Params("category")) sr.add_category(v);
  for (const auto& v : req.Params("municipality")) sr.add_municipality(v);
  for (const auto& v : req.Params("weekday")) sr.add_weekday(v);
  for (const auto& v : req.Params("fee")) sr.add_fee(v);
  int age = 0, page_size = 0;
  bool has_age = false;
  if (Status st = IntParam(req, "age", 0, 120, &age, &has_age); !st.ok()) return BadRequest(st);
  if (has_age) sr.set_age(age);
  if (Status st = IntParam(req, "page_size", 1, 100, &page_size); !st.ok()) return BadRequest(st);
  sr.set_page_size(page_size);
  sr.set_page_token(req.Param("page_token"));
  std::string near = req.Param("near");
  if (!near.empty()) {
    size_t comma = near.find(',');
    double lat = 0, lon = 0;
    if (comma == std::string::npos || !ParseDouble(near.substr(0, comma), &lat) ||
        !ParseDouble(near.substr(comma + 1), &lon))
      return BadRequest(InvalidArgument("near must be LAT,LON in degrees", "near"));
    sr.set_has_near(true);
    sr.set_lat(lat);
    sr.set_lon(lon);
  }
  if (req.query.count("radius_m")) {
    double r = 0;
    if (!ParseDouble(req.Param("radius_m"), &r) || r <= 0)
      return BadRequest(InvalidArgument("radius_m must be a positive number of metres", "radius_m"));
    sr.set_radius_m(r);
  }
  sr.set_sort(req.Param("sort"));
  sr.set_open_on(req.Param("open_on"));
  sr.set_today(req.Param("today"));
  sr.set_literal(IsTrue(req.Param("literal")));
  auto ctx = Context();
  search::v1::SearchResponse resp;
  grpc::Status s = search_->Search(ctx.get(), sr, &resp);
  if (!s.ok()) return FromGrpc(s);
  return Json(200, SearchResponseJson(resp));
}

HttpResponse Gateway::Suggest(const HttpRequest& req) {
  if (!IsValidUtf8(req.Param("q"))) return BadRequest(InvalidArgument("q is not valid UTF-8", "q"));
  search::v1::SuggestRequest sr;
  sr.set_q(req.Param("q"));
  int limit = 0;
  if (Status st = IntParam(req, "limit", 1, 20, &limit); !st.ok()) return BadRequest(st);
  sr.set_limit(limit);
  auto ctx = Context();
  search::v1::SuggestResponse resp;
  grpc::Status s = search_->Suggest(ctx.get(), sr, &resp);
  if (!s.ok()) return FromGrpc(s);
  return Json(200, ToJson(resp, true));
}

HttpResponse Gateway::Categories() {
  auto ctx = Context();
  registry::v1::ListCategoriesResponse resp;
  grpc::Status s = registry_->ListCategories(ctx.get(), {}, &resp);
  if (!s.ok()) return FromGrpc(s);
  return Json(200, ToJson(resp));
}

HttpResponse Gateway::Changes(const HttpRequest& req) {
  registry::v1::ListChangesRequest lr;
  lr.set_after(req.Param("after"));
  int page_size = 0;
  if (Status st = IntParam(req, "page_size", 1, 1000, &page_size); !st.ok()) return BadRequest(st);
  lr.set_page_size(page_size);
  auto ctx = Context();
  registry::v1::ListChangesResponse resp;
  grpc::Status s = registry_->ListChanges(ctx.get(), lr, &resp);
  if (!s.ok()) return FromGrpc(s);
  return Json(200, ToJson(resp, true));
}

HttpResponse Gateway::CreateGroup(const HttpRequest& req, const Principal& who) {
  if (!who.is_admin()) return Denied(who, "create groups");
  registry::v1::CreateGroupRequest cr;
  Status parsed = ParseJson(req.body, cr.mutable_group());
  if (!parsed.ok()) return BadRequest(parsed);
  *cr.mutable_actor() = who.actor();
  auto ctx = Context();
  Group g;
  grpc::Status s = registry_->CreateGroup(ctx.get(), cr, &g);
  if (!s.ok()) return FromGrpc(s);
  HttpResponse r = GroupResponse(201, g);
  r.headers.emplace_back("Location", "/v1/groups/" + g.id());
  return r;
}

HttpResponse Gateway::GetGroup(const std::string& id, const Principal& who) {
  registry::v1::GetGroupRequest gr;
  gr.set_id(id);
  auto ctx = Context();
  Group g;
  grpc::Status s = registry_->GetGroup(ctx.get(), gr, &g);
  if (!s.ok()) return FromGrpc(s);
  if (g.status() != "published" && !who.EditsGroup(id)) return Error(404, "NOT_FOUND", "group " + id + " not found");
  FilterForViewer(&g, who);
  return GroupResponse(200, g);
}

HttpResponse Gateway::PatchGroup(const HttpRequest& req, const std::string& id, const Principal& who) {
  if (!who.EditsGroup(id)) return Denied(who, "edit this group");
  int if_match = ParseIfMatch(req.Header("if-match"));
  if (if_match < 0) return BadRequest(InvalidArgument("If-Match must be an ETag such as \"3\"", "If-Match"));
  if (if_match == 0 && !who.is_admin())
    return Error(428, "FAILED_PRECONDITION", "editors must send If-Match with the ETag they edited", "If-Match");
  if (!IsValidUtf8(req.body)) return BadRequest(InvalidArgument("request body is not valid UTF-8"));
  json patch = json::parse(req.body, nullptr, false);
  if (patch.is_discarded()) return BadRequest(InvalidArgument("request body is not valid JSON"));
  if (!patch.is_object()) return BadRequest(InvalidArgument("request body must be a JSON merge patch object"));
  for (const char* fixed : {"id", "version", "created_at", "updated_at"})
    if (patch.contains(fixed)) return BadRequest(InvalidArgument(std::string(fixed) + " cannot be changed", fixed));
  if (!who.is_admin())
    for (const char* admin_only : {"status", "source", "external_id"})
      if (patch.contains(admin_only))
        return Error(403, "PERMISSION_DENIED", std::string("only staff may change ") + admin_only, admin_only);
  // Without If-Match the patch applies to whatever is current: retry a lost race a few times.
  for (int attempt = 0; attempt < 3; ++attempt) {
    registry::v1::GetGroupRequest gr;
    gr.set_id(id);
    Group current;
    auto ctx = Context();
    grpc::Status s = registry_->GetGroup(ctx.get(), gr, &current);
    if (!s.ok()) return FromGrpc(s);
    if (if_match > 0 && current.version() != if_match) {
      HttpResponse r = Error(
          412, "FAILED_PRECONDITION",
          "the group changed since you read it: current version is " + std::to_string(current.version()), "If-Match");
      r.headers.emplace_back("ETag", Etag(current.version()));
      return r;
    }
    json merged = json::parse(ToJson(current));
    merged.merge_patch(patch);
    registry::v1::UpdateGroupRequest ur;
    Status parsed = ParseJson(merged.dump(), ur.mutable_group());
    if (!parsed.ok()) return BadRequest(parsed);
    ur.set_expected_version(current.version());
    // An editor's change to a published group waits for review; the listing stays as it is.
    ur.set_review(!who.is_admin() && current.status() == "published");
    *ur.mutable_actor() = who.actor();
    Group updated;
    auto uctx = Context();
    s = registry_->UpdateGroup(uctx.get(), ur, &updated);
    if (s.error_code() == grpc::StatusCode::FAILED_PRECONDITION && if_match == 0) continue;
    if (!s.ok()) return FromGrpc(s);
    if (ur.review()) {
      json body = {{"status", "pending_review"},
                   {"message", "saved; the change is published after review by ward staff"},
                   {"revision", json::parse(ToJson(updated))}};
      HttpResponse r = Json(202, body.dump());
      r.headers.emplace_back("ETag", Etag(current.version()));
      return r;
    }
    return GroupResponse(200, updated);
  }
  return Error(409, "ABORTED", "the group is being changed by others; try again");
}

HttpResponse Gateway::DeleteGroup(const HttpRequest& req, const std::string& id, const Principal& who) {
  if (!who.is_admin()) return Denied(who, "archive groups");
  int if_match = ParseIfMatch(req.Header("if-match"));
  if (if_match < 0) return BadRequest(InvalidArgument("If-Match must be an ETag such as \"3\"", "If-Match"));
  registry::v1::DeleteGroupRequest dr;
  dr.set_id(id);
  dr.set_expected_version(if_match);
  *dr.mutable_actor() = who.actor();
  auto ctx = Context();
  Group g;
  grpc::Status s = registry_->DeleteGroup(ctx.get(), dr, &g);
  if (!s.ok()) return FromGrpc(s);
  return GroupResponse(200, g);
}

HttpResponse Gateway::ListGroups(const HttpRequest& req, const Principal& who) {
  registry::v1::ListGroupsRequest lr;
  int page_size = 0;
  if (Status st = IntParam(req, "page_size", 1, 500, &page_size); !st.ok()) return BadRequest(st);
  lr.set_page_size(page_size);
  lr.set_page_token(req.Param("page_token"));
  auto ctx = Context();
  registry::v1::ListGroupsResponse resp;
  grpc::Status s = registry_->ListGroups(ctx.get(), lr, &resp);
  if (!s.ok()) return FromGrpc(s);
  auto* groups = resp.mutable_groups();
  for (int i = groups->size() - 1; i >= 0; --i) {
    if (groups->Get(i).status() != "published" && !who.EditsGroup(groups->Get(i).id())) {
      groups->DeleteSubrange(i, 1);
    } else {
      FilterForViewer(groups->Mutable(i), who);
    }
  }
  return Json(200, ToJson(resp));
}

HttpResponse Gateway::History(const std::string& id, const Principal& who) {
  if (!who.EditsGroup(id)) return Denied(who, "read this group's history");
  registry::v1::GetGroupRequest gr;
  gr.set_id(id);
  auto ctx = Context();
  registry::v1::HistoryResponse resp;
  grpc::Status s = registry_->GetHistory(ctx.get(), gr, &resp);
  if (!s.ok()) return FromGrpc(s);
  return Json(200, ToJson(resp, true));
}

HttpResponse Gateway::Pending(const std::string& id, const Principal& who) {
  if (!who.EditsGroup(id)) return Denied(who, "read this group's pending change");
  registry::v1::GetGroupRequest gr;
  gr.set_id(id);
  auto ctx = Context();
  Group g;
  grpc::Status s = registry_->GetPendingRevision(ctx.get(), gr, &g);
  if (!s.ok()) return FromGrpc(s);
  return Json(200, ToJson(g));
}

HttpResponse Gateway::Review(const HttpRequest& req, const std::string& id, bool publish, const Principal& who) {
  if (!who.is_admin()) return Denied(who, publish ? "publish changes" : "reject changes");
  registry::v1::ReviewRequest rr;
  rr.set_id(id);
  if (!req.body.empty()) {
    json body = json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) return BadRequest(InvalidArgument("body must be a JSON object"));
    if (body.contains("reason") && body["reason"].is_string()) rr.set_reason(body["reason"]);
  }
  *rr.mutable_actor() = who.actor();
  auto ctx = Context();
  Group g;
  grpc::Status s =
      publish ? registry_->PublishRevision(ctx.get(), rr, &g) : registry_->RejectRevision(ctx.get(), rr, &g);
  if (!s.ok()) return FromGrpc(s);
  return GroupResponse(200, g);
}

HttpResponse Gateway::Verify(const std::string& id, const Principal& who) {
  if (!who.EditsGroup(id)) return Denied(who, "verify this group");
  registry::v1::VerifyGroupRequest vr;
  vr.set_id(id);
  *vr.mutable_actor() = who.actor();
  auto ctx = Context();
  Group g;
  grpc::Status s = registry_->VerifyGroup(ctx.get(), vr, &g);
  if (!s.ok()) return FromGrpc(s);
  return GroupResponse(200, g);
}

HttpResponse Gateway::Stale(const HttpRequest& req) {
  std::string older = req.Param("older_than", "365d");
  int days = 0;
  if (older.size() < 2 || older.back() != 'd' || !ParseInt(older.substr(0, older.size() - 1), &days) || days < 0)
    return BadRequest(InvalidArgument("older_than must be a number of days such as 365d", "older_than"));
  std::string cutoff = Rfc3339DaysAgo(days).substr(0, 10);
  registry::v1::ListStaleRequest lr;
  lr.set_before_date(cutoff);
  lr.set_limit(1000);
  auto ctx = Context();
  registry::v1::ListGroupsResponse resp;
  grpc::Status s = registry_->ListStale(ctx.get(), lr, &resp);
  if (!s.ok()) return FromGrpc(s);
  json out = {{"verified_before", cutoff}, {"groups", json::array()}};
  for (const auto& g : resp.groups())
    out["groups"].push_back(
        {{"id", g.id()}, {"name", g.name()}, {"verified_at", g.verified_at()}, {"updated_at", g.updated_at()}});
  return Json(200, out.dump());
}

HttpResponse Gateway::PutSourceGroup(const HttpRequest& req, const std::string& source, const std::string& external_id,
                                     const Principal& who) {
  if (!who.WritesSource(source)) return Denied(who, "write source " + source);
  int if_match = ParseIfMatch(req.Header("if-match"));
  if (if_match < 0) return BadRequest(InvalidArgument("If-Match must be an ETag such as \"3\"", "If-Match"));
  registry::v1::UpsertGroupRequest ur;
  Status parsed = ParseJson(req.body, ur.mutable_group());
  if (!parsed.ok()) return BadRequest(parsed);
  ur.set_source(source);
  ur.set_external_id(external_id);
  ur.set_expected_version(if_match);
  ur.set_dry_run(IsTrue(req.Param("dry_run")));
  *ur.mutable_actor() = who.actor();
  auto ctx = Context();
  registry::v1::UpsertGroupResponse resp;
  grpc::Status s = registry_->UpsertGroup(ctx.get(), ur, &resp);
  if (!s.ok()) return FromGrpc(s);
  json body = {{"result", resp.result()},
               {"dry_run", ur.dry_run()},
               {"diff", model::DiffToJson(resp.diff())},
               {"group", json::parse(ToJson(resp.group()))}};
  HttpResponse r = Json(resp.result() == "created" && !ur.dry_run() ? 201 : 200, body.dump());
  if (!ur.dry_run()) r.headers.emplace_back("ETag", Etag(resp.group().version()));
  return r;
}

HttpResponse Gateway::DeleteSourceGroup(const HttpRequest& req, const std::string& source,
                                        const std::string& external_id, const Principal& who) {
  if (!who.WritesSource(source)) return Denied(who, "write source " + source);
  int if_match = ParseIfMatch(req.Header("if-match"));
  if (if_match < 0) return BadRequest(InvalidArgument("If-Match must be an ETag such as \"3\"", "If-Match"));
  registry::v1::DeleteGroupRequest dr;
  dr.set_source(source);
  dr.set_external_id(external_id);
  dr.set_expected_version(if_match);
  *dr.mutable_actor() = who.actor();
  auto ctx = Context();
  Group g;
  grpc::Status s = registry_->DeleteGroup(ctx.get(), dr, &g);
  if (!s.ok()) return FromGrpc(s);
  return GroupResponse(200, g);
}

HttpResponse Gateway::Batch(const HttpRequest& req, const std::string& source, const Principal& who) {
  if (!who.WritesSource(source)) return Denied(who, "write source " + source);
  if (!IsValidUtf8(req.body)) return BadRequest(InvalidArgument("request body is not valid UTF-8"));
  json body = json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("groups") || !body["groups"].is_array())
    return BadRequest(InvalidArgument("body must be {\"groups\": [ {\"external_id\": …, …}, … ]}", "groups"));
  if (static_cast<int>(body["groups"].size()) > options_.max_batch_items)
    return BadRequest(
        InvalidArgument("at most " + std::to_string(options_.max_batch_items) + " groups per batch", "groups"));
  bool dry_run = IsTrue(req.Param("dry_run")) || body.value("dry_run", false);
  json results = json::array();
  std::map<std::string, int> counts;
  registry::v1::UpsertGroupsRequest batch;
  std::vector<size_t> sent;  // index in the request of each item sent to the registry
  for (size_t i = 0; i < body["groups"].size(); ++i) {
    const auto& item = body["groups"][i];
    std::string path = "groups[" + std::to_string(i) + "]";
    std::string external_id = item.is_object() ? item.value("external_id", "") : "";
    results.push_back({{"index", i}, {"external_id", external_id}});
    registry::v1::UpsertGroupRequest ur;
    Status parsed = item.is_object() ? ParseJson(item.dump(), ur.mutable_group()) : InvalidArgument("not an object");
    if (parsed.ok() && external_id.empty()) parsed = InvalidArgument("external_id is required", "external_id");
    if (!parsed.ok()) {
      results[i]["result"] = "rejected";
      results[i]["error"] = {{"code", "INVALID_ARGUMENT"},
                             {"message", parsed.message()},
                             {"field", parsed.field().empty() ? path : path + "." + parsed.field()}};
      ++counts["rejected"];
      continue;
    }
    ur.set_source(source);
    ur.set_external_id(external_id);
    ur.set_dry_run(dry_run);
    *ur.mutable_actor() = who.actor();
    *batch.add_items() = std::move(ur);
    sent.push_back(i);
  }
  if (!sent.empty()) {
    auto ctx = Context();
    registry::v1::UpsertGroupsResponse resp;
    grpc::Status s = registry_->UpsertGroups(ctx.get(), batch, &resp);
    if (!s.ok()) return FromGrpc(s);
    for (size_t k = 0; k < sent.size() && k < static_cast<size_t>(resp.items_size()); ++k) {
      const auto& item = resp.items(k);
      json& r = results[sent[k]];
      std::string path = "groups[" + std::to_string(sent[k]) + "]";
      if (!item.error_code().empty()) {
        r["result"] = "rejected";
        r["error"] = {{"code", item.error_code()},
                      {"message", item.error_message()},
                      {"field", item.error_field().empty() ? path : path + "." + item.error_field()}};
        ++counts["rejected"];
        continue;
      }
      r["result"] = item.response().result();
      r["id"] = item.response().group().id();
      r["version"] = item.response().group().version();
      if (dry_run || item.response().result() == "updated") r["diff"] = model::DiffToJson(item.response().diff());
      ++counts[item.response().result()];
    }
  }
  json out = {{"dry_run", dry_run},
              {"results", results},
              {"created", counts["created"]},
              {"updated", counts["updated"]},
              {"unchanged", counts["unchanged"]},
              {"rejected", counts["rejected"]}};
  return Json(200, out.dump(-1, ' ', false, json::error_handler_t::replace));
}

HttpResponse Gateway::Import(const HttpRequest& req, const std::string& source, const Principal& who) {
  if (!who.WritesSource(source)) return Denied(who, "write source " + source);
  bool dry_run = IsTrue(req.Param("dry_run"));
  std::string content_type = req.Header("content-type");
  std::vector<Group> groups;
  std::vector<int> lines;
  json report = {{"source", source}, {"dry_run", dry_run}};
  json rejected = json::array();
  if (content_type.find("json") != std::string::npos) {
    // HSDS 3.0: an array of organizations, or {"organizations": [...]}.
    json body = json::parse(req.body, nullptr, false);
    if (body.is_discarded()) return BadRequest(InvalidArgument("request body is not valid JSON"));
    json orgs = body.is_array() ? body : body.value("organizations", json::array());
    report["format"] = "hsds";
    report["rows_read"] = orgs.size();
    int i = 0;
    for (const auto& org : orgs) {
      auto g = model::GroupFromHsds(org);
      if (!g.ok()) {
        rejected.push_back({{"item", i}, {"reason", g.status().message()}, {"field", g.status().field()}});
      } else if (g->external_id().empty()) {
        rejected.push_back({{"item", i}, {"reason", "an organization needs an id"}, {"field", "id"}});
      } else {
        groups.push_back(std::move(g).value());
        lines.push_back(i);
      }
      ++i;
    }
  } else {
    model::OpenDataOptions options;
    options.source = source;
    auto parsed = model::ParseOpenDataCsv(req.body, req.Param("filename", source + ".csv"), options);
    if (!parsed.ok()) return BadRequest(parsed.status());
    report["format"] = parsed->format;
    report["encoding"] = parsed->encoding;
    report["rows_read"] = parsed->rows_read;
    report["blank_rows"] = parsed->blank_rows;
    for (const auto& r : parsed->rejected) rejected.push_back({{"line", r.line}, {"reason", r.reason}});
    json skipped = json::array();
    for (const auto& r : parsed->skipped) skipped.push_back({{"line", r.line}, {"reason", r.reason}});
    json warnings = json::array();
    for (const auto& r : parsed->warnings) warnings.push_back({{"line", r.line}, {"reason", r.reason}});
    report["skipped"] = skipped;
    report["warnings"] = warnings;
    groups = std::move(parsed->groups);
    lines = std::move(parsed->group_lines);
  }
  std::map<std::string, int> counts;
  for (size_t start = 0; start < groups.size(); start += 500) {
    registry::v1::UpsertGroupsRequest batch;
    size_t end = std::min(groups.size(), start + 500);
    for (size_t i = start; i < end; ++i) {
      auto* ur = batch.add_items();
      ur->set_source(source);
      ur->set_external_id(groups[i].external_id());
      *ur->mutable_group() = std::move(groups[i]);
      ur->set_dry_run(dry_run);
      *ur->mutable_actor() = who.actor();
    }
    auto ctx = Context();
    registry::v1::UpsertGroupsResponse resp;
    grpc::Status s = registry_->UpsertGroups(ctx.get(), batch, &resp);
    if (!s.ok()) return FromGrpc(s);
    for (int k = 0; k < resp.items_size(); ++k) {
      const auto& item = resp.items(k);
      if (!item.error_code().empty()) {
        rejected.push_back(
            {{"line", lines[start + k]}, {"reason", item.error_message()}, {"field", item.error_field()}});
      } else {
        ++counts[item.response().result()];
      }
    }
  }
  report["created"] = counts["created"];
  report["updated"] = counts["updated"];
  report["unchanged"] = counts["unchanged"];
  report["rejected"] = rejected;
  return Json(200, report.dump(-1, ' ', false, json::error_handler_t::replace));
}

grpc::Status Gateway::ForEachGroup(const std::function<void(Group&)>& fn) {
  std::string token;
  do {
    registry::v1::ListGroupsRequest lr;
    lr.set_page_size(500);
    lr.set_page_token(token);
    auto ctx = Context();
    registry::v1::ListGroupsResponse resp;
    grpc::Status s = registry_->ListGroups(ctx.get(), lr, &resp);
    if (!s.ok()) return s;
    for (auto& g : *resp.mutable_groups()) fn(g);
    token = resp.next_page_token();
  } while (!token.empty());
  return grpc::Status::OK;
}

HttpResponse Gateway::ExportCsv() {
  std::vector<Group> groups;
  grpc::Status s = ForEachGroup([&](Group& g) { groups.push_back(std::move(g)); });
  if (!s.ok()) return FromGrpc(s);
  HttpResponse r;
  r.body = model::GroupsToCsv(groups);
  r.content_type = "text/csv; charset=utf-8";
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"ibasho-groups.csv\"");
  return r;
}

HttpResponse Gateway::ExportHsds(const Principal& who) {
  json orgs = json::array();
  grpc::Status s = ForEachGroup([&](Group& g) {
    if (g.status() != "published" && !who.EditsGroup(g.id())) return;
    FilterForViewer(&g, who);
    orgs.push_back(model::GroupToHsds(g));
  });
  if (!s.ok()) return FromGrpc(s);
  return Json(
      200,
      json({{"hsds_version", "3.0"}, {"organizations", orgs}}).dump(-1, ' ', false, json::error_handler_t::replace));
}

}  // namespace ibasho::gateway
