#include "services/gateway/gateway.h"

#include <charconv>
#include <cmath>

#include <nlohmann/json.hpp>

#include "common/utf8.h"
#include "common/json_mapping.h"

namespace ibasho::gateway {
namespace {

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

int HttpStatusFor(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::INVALID_ARGUMENT: return 400;
    case grpc::StatusCode::NOT_FOUND: return 404;
    case grpc::StatusCode::ALREADY_EXISTS: return 409;
    case grpc::StatusCode::FAILED_PRECONDITION: return 412;
    case grpc::StatusCode::OUT_OF_RANGE: return 410;
    case grpc::StatusCode::PERMISSION_DENIED: return 403;
    case grpc::StatusCode::UNAUTHENTICATED: return 401;
    case grpc::StatusCode::UNAVAILABLE: return 503;
    case grpc::StatusCode::DEADLINE_EXCEEDED: return 504;
    default: return 500;
  }
}

const char* CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::NOT_FOUND: return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS: return "ALREADY_EXISTS";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case grpc::StatusCode::OUT_OF_RANGE: return "OUT_OF_RANGE";
    case grpc::StatusCode::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::StatusCode::UNAUTHENTICATED: return "UNAUTHENTICATED";
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    default: return "INTERNAL";
  }
}

HttpResponse FromGrpc(const grpc::Status& s) {
  std::string message = s.error_message();
  if (s.error_code() == grpc::StatusCode::UNAVAILABLE) message = "a backend service is unavailable (" + message + "); try again shortly";
  return Error(HttpStatusFor(s.error_code()), CodeName(s.error_code()), message, s.error_details());
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

bool ParseDouble(const std::string& s, double* out) {
  try {
    size_t used = 0;
    *out = std::stod(s, &used);
    return used == s.size() && std::isfinite(*out);
  } catch (const std::exception&) {
    return false;
  }
}

HttpResponse GroupResponse(int status, const Group& g) {
  HttpResponse r = Json(status, ToJson(g));
  r.headers.emplace_back("ETag", Etag(g.version()));
  return r;
}

bool ConstantTimeEquals(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
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

void StripPrivateFields(Group* group) {
  auto* contacts = group->mutable_contacts();
  for (int i = contacts->size() - 1; i >= 0; --i)
    if (contacts->Get(i).visibility() != "public") contacts->DeleteSubrange(i, 1);
}

Gateway::Gateway(GatewayOptions options, std::shared_ptr<grpc::Channel> registry, std::shared_ptr<grpc::Channel> search)
    : options_(std::move(options)),
      registry_(registry::v1::Registry::NewStub(registry)),
      search_(search::v1::Search::NewStub(search)) {}

std::unique_ptr<grpc::ClientContext> Gateway::Context() const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + options_.rpc_deadline);
  // Ride out a backend restart: wait for the channel to reconnect (within the deadline) instead
  // of failing fast while it is between attempts.
  ctx->set_wait_for_ready(true);
  return ctx;
}

Gateway::Caller Gateway::Authenticate(const HttpRequest& req) const {
  std::string auth = req.Header("authorization");
  const std::string prefix = "Bearer ";
  if (options_.admin_token.empty() || auth.rfind(prefix, 0) != 0) return Caller::kAnonymous;
  return ConstantTimeEquals(auth.substr(prefix.size()), options_.admin_token) ? Caller::kAdmin : Caller::kAnonymous;
}

HttpResponse Gateway::Handle(const HttpRequest& req) {
  const std::string& m = req.method;
  std::vector<std::string> p = SplitPath(req.path);
  bool writes = m == "POST" || m == "PATCH" || m == "PUT" || m == "DELETE";
  if (writes && Authenticate(req) != Caller::kAdmin) {
    HttpResponse r = req.Header("authorization").empty()
                         ? Error(401, "UNAUTHENTICATED", "writes need Authorization: Bearer <token>")
                         : Error(403, "PERMISSION_DENIED", "this token may not write");
    r.headers.emplace_back("WWW-Authenticate", "Bearer");
    return r;
  }
  if (m == "GET" && req.path == "/healthz") return Json(200, R"({"status":"ok"})");
  if (m == "GET" && req.path == "/readyz") return Ready();
  if (p.size() >= 1 && p[0] == "v1") {
    if (p.size() == 2 && p[1] == "search" && m == "GET") return Search(req);
    if (p.size() == 2 && p[1] == "suggest" && m == "GET") return Suggest(req);
    if (p.size() == 2 && p[1] == "categories" && m == "GET") return Categories();
    if (p.size() == 2 && p[1] == "changes" && m == "GET") return Changes(req);
    if (p.size() == 2 && p[1] == "groups") {
      if (m == "GET") return ListGroups(req);
      if (m == "POST") return CreateGroup(req);
    }
    if (p.size() == 3 && p[1] == "groups") {
      if (m == "GET") return GetGroup(req, p[2]);
      if (m == "PATCH") return PatchGroup(req, p[2]);
      if (m == "DELETE") return DeleteGroup(req, p[2]);
    }
    if (p.size() == 5 && p[1] == "sources" && p[3] == "groups" && m == "PUT") return PutSourceGroup(req, p[2], p[4]);
  }
  return Error(404, "NOT_FOUND", "no route for " + m + " " + req.path);
}

HttpResponse Gateway::Ready() {
  nlohmann::json out;
  bool ready = true;
  {
    auto ctx = Context();
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(1));
    registry::v1::ListCategoriesResponse resp;
    grpc::Status s = registry_->ListCategories(ctx.get(), {}, &resp);
    out["registry"] = s.ok() ? "ok" : s.error_message();
    ready &= s.ok();
  }
  {
    auto ctx = Context();
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(1));
    search::v1::IndexStatusResponse resp;
    grpc::Status s = search_->IndexStatus(ctx.get(), {}, &resp);
    out["search"] = s.ok() ? "ok" : s.error_message();
    if (s.ok()) {
      out["index"] = {{"doc_count", resp.doc_count()}, {"applied_cursor", resp.applied_cursor()},
                      {"following", resp.following()}};
    }
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
  int n = 0;
  if (req.query.count("age")) {
    if (!ParseInt(req.Param("age"), &n) || n < 0) return BadRequest(InvalidArgument("age must be a whole number of years", "age"));
    sr.set_age(n);
  }
  if (req.query.count("page_size")) {
    if (!ParseInt(req.Param("page_size"), &n) || n < 1 || n > 100)
      return BadRequest(InvalidArgument("page_size must be 1..100", "page_size"));
    sr.set_page_size(n);
  }
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
  std::string literal = req.Param("literal");
  sr.set_literal(literal == "true" || literal == "1");
  auto ctx = Context();
  search::v1::SearchResponse resp;
  grpc::Status s = search_->Search(ctx.get(), sr, &resp);
  if (!s.ok()) return FromGrpc(s);
  return Json(200, ToJson(resp, /*print_defaults=*/true));
}

HttpResponse Gateway::Suggest(const HttpRequest& req) {
  if (!IsValidUtf8(req.Param("q"))) return BadRequest(InvalidArgument("q is not valid UTF-8", "q"));
  search::v1::SuggestRequest sr;
  sr.set_q(req.Param("q"));
  int n = 0;
  if (req.query.count("limit")) {
    if (!ParseInt(req.Param("limit"), &n) || n < 1 || n > 20)
      return BadRequest(InvalidArgument("limit must be 1..20", "limit"));
    sr.set_limit(n);
  }
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

HttpResponse Gateway::CreateGroup(const HttpRequest& req) {
  registry::v1::CreateGroupRequest cr;
  Status parsed = ParseJson(req.body, cr.mutable_group());
  if (!parsed.ok()) return BadRequest(parsed);
  auto ctx = Context();
  Group g;
  grpc::Status s = registry_->CreateGroup(ctx.get(), cr, &g);
  if (!s.ok()) return FromGrpc(s);
  HttpResponse r = GroupResponse(201, g);
  r.headers.emplace_back("Location", "/v1/groups/" + g.id());
  return r;
}

HttpResponse Gateway::GetGroup(const HttpRequest& req, const std::string& id) {
  registry::v1::GetGroupRequest gr;
  gr.set_id(id);
  auto ctx = Context();
  Group g;
  grpc::Status s = registry_->GetGroup(ctx.get(), gr, &g);
  if (!s.ok()) return FromGrpc(s);
  if (Authenticate(req) != Caller::kAdmin) {
    if (g.status() != "published") return Error(404, "NOT_FOUND", "group " + id + " not found");
    StripPrivateFields(&g);
  }
  return GroupResponse(200, g);
}

HttpResponse Gateway::PatchGroup(const HttpRequest& req, const std::string& id) {
  int if_match = ParseIfMatch(req.Header("if-match"));
  if (if_match < 0) return BadRequest(InvalidArgument("If-Match must be an ETag such as \"3\"", "If-Match"));
  if (!IsValidUtf8(req.body)) return BadRequest(InvalidArgument("request body is not valid UTF-8"));
  nlohmann::json patch = nlohmann::json::parse(req.body, nullptr, false);
  if (patch.is_discarded()) return BadRequest(InvalidArgument("request body is not valid JSON"));
  if (!patch.is_object()) return BadRequest(InvalidArgument("request body must be a JSON merge patch object"));
  for (const char* fixed : {"id", "version", "created_at", "updated_at"})
    if (patch.contains(fixed)) return BadRequest(InvalidArgument(std::string(fixed) + " cannot be changed", fixed));
  // Without If-Match the patch applies to whatever is current: retry a lost race a few times.
  for (int attempt = 0; attempt < 3; ++attempt) {
    registry::v1::GetGroupRequest gr;
    gr.set_id(id);
    Group current;
    auto ctx = Context();
    grpc::Status s = registry_->GetGroup(ctx.get(), gr, &current);
    if (!s.ok()) return FromGrpc(s);
    if (if_match > 0 && current.version() != if_match) {
      HttpResponse r = Error(412, "FAILED_PRECONDITION",
                             "the group changed since you read it: current version is " + std::to_string(current.version()),
                             "If-Match");
      r.headers.emplace_back("ETag", Etag(current.version()));
      return r;
    }
    nlohmann::json merged = nlohmann::json::parse(ToJson(current));
    merged.merge_patch(patch);
    registry::v1::UpdateGroupRequest ur;
    Status parsed = ParseJson(merged.dump(), ur.mutable_group());
    if (!parsed.ok()) return BadRequest(parsed);
    ur.set_expected_version(current.version());
    Group updated;
    auto uctx = Context();
    s = registry_->UpdateGroup(uctx.get(), ur, &updated);
    if (s.error_code() == grpc::StatusCode::FAILED_PRECONDITION && if_match == 0) continue;
    if (!s.ok()) return FromGrpc(s);
    return GroupResponse(200, updated);
  }
  return Error(409, "ABORTED", "the group is being changed by others; try again");
}

HttpResponse Gateway::DeleteGroup(const HttpRequest& req, const std::string& id) {
  int if_match = ParseIfMatch(req.Header("if-match"));
  if (if_match < 0) return BadRequest(InvalidArgument("If-Match must be an ETag such as \"3\"", "If-Match"));
  registry::v1::DeleteGroupRequest dr;
  dr.set_id(id);
  dr.set_expected_version(if_match);
  auto ctx = Context();
  Group g;
  grpc::Status s = registry_->DeleteGroup(ctx.get(), dr, &g);
  if (!s.ok()) return FromGrpc(s);
  return GroupResponse(200, g);
}

HttpResponse Gateway::ListGroups(const HttpRequest& req) {
  registry::v1::ListGroupsRequest lr;
  int n = 0;
  if (req.query.count("page_size")) {
    if (!ParseInt(req.Param("page_size"), &n) || n < 1 || n > 500)
      return BadRequest(InvalidArgument("page_size must be 1..500", "page_size"));
    lr.set_page_size(n);
  }
  lr.set_page_token(req.Param("page_token"));
  auto ctx = Context();
  registry::v1::ListGroupsResponse resp;
  grpc::Status s = registry_->ListGroups(ctx.get(), lr, &resp);
  if (!s.ok()) return FromGrpc(s);
  if (Authenticate(req) != Caller::kAdmin) {
    auto* groups = resp.mutable_groups();
    for (int i = groups->size() - 1; i >= 0; --i) {
      if (groups->Get(i).status() != "published") {
        groups->DeleteSubrange(i, 1);
      } else {
        StripPrivateFields(groups->Mutable(i));
      }
    }
  }
  return Json(200, ToJson(resp));
}

HttpResponse Gateway::PutSourceGroup(const HttpRequest& req, const std::string& source,
                                     const std::string& external_id) {
  int if_match = ParseIfMatch(req.Header("if-match"));
  if (if_match < 0) return BadRequest(InvalidArgument("If-Match must be an ETag such as \"3\"", "If-Match"));
  registry::v1::UpsertGroupRequest ur;
  Status parsed = ParseJson(req.body, ur.mutable_group());
  if (!parsed.ok()) return BadRequest(parsed);
  ur.set_source(source);
  ur.set_external_id(external_id);
  ur.set_expected_version(if_match);
  auto ctx = Context();
  registry::v1::UpsertGroupResponse resp;
  grpc::Status s = registry_->UpsertGroup(ctx.get(), ur, &resp);
  if (!s.ok()) return FromGrpc(s);
  HttpResponse r = Json(resp.result() == "created" ? 201 : 200, ToJson(resp));
  r.headers.emplace_back("ETag", Etag(resp.group().version()));
  return r;
}

HttpResponse Gateway::Changes(const HttpRequest& req) {
  registry::v1::ListChangesRequest lr;
  lr.set_after(req.Param("after"));
  int n = 0;
  if (req.query.count("page_size")) {
    if (!ParseInt(req.Param("page_size"), &n) || n < 1 || n > 1000)
      return BadRequest(InvalidArgument("page_size must be 1..1000", "page_size"));
    lr.set_page_size(n);
  }
  auto ctx = Context();
  registry::v1::ListChangesResponse resp;
  grpc::Status s = registry_->ListChanges(ctx.get(), lr, &resp);
  if (!s.ok()) return FromGrpc(s);
  return Json(200, ToJson(resp, true));
}

}  // namespace ibasho::gateway
