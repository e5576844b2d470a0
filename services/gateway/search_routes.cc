// Public reads: search, suggestions, categories and the change feed. Paths and parameters are
// known to be UTF-8 (Gateway::CheckText ran before any route).
#include <nlohmann/json.hpp>
#include "common/limits.h"
#include "common/numbers.h"
#include "services/gateway/search_json.h"

#include "model/json_mapping.h"
#include "services/gateway/api_response.h"
#include "services/gateway/gateway.h"
#include "services/gateway/request_params.h"

namespace ibasho::gateway {

using nlohmann::json;
using registry::v1::Group;

namespace {

// Search answers are the same for every caller and change within a second of a write: a short
// shared cache life keeps them fresh; the category list changes with a release.
constexpr int kSearchMaxAge = 10;
constexpr int kCategoriesMaxAge = 3600;

}  // namespace

HttpResponse Gateway::Search(const HttpRequest& req) {
  StatusOr<search::v1::SearchRequest> parsed = SearchRequestOf(req);
  if (!parsed.ok()) return BadRequest(parsed.status());
  const search::v1::SearchRequest& sr = *parsed;
  search::v1::SearchResponse resp;
  grpc::Status s = search_.Call([&](search::v1::Search::Stub& stub, grpc::ClientContext* ctx) {
    resp.Clear();
    return stub.Search(ctx, sr, &resp);
  });
  if (!s.ok()) return FromGrpc(s);
  return SharedForSeconds(Json(200, SearchResponseJson(resp)), kSearchMaxAge);
}

HttpResponse Gateway::Suggest(const HttpRequest& req) {
  search::v1::SuggestRequest sr;
  sr.set_q(req.Param("q"));
  int limit = 0;
  if (Status st = IntParam(req, "limit", 1, limits::kMaxSuggestions, &limit); !st.ok()) return BadRequest(st);
  sr.set_limit(limit);
  search::v1::SuggestResponse resp;
  grpc::Status s = search_.Call([&](search::v1::Search::Stub& stub, grpc::ClientContext* ctx) {
    resp.Clear();
    return stub.Suggest(ctx, sr, &resp);
  });
  if (!s.ok()) return FromGrpc(s);
  return SharedForSeconds(Json(200, ToJson(resp, true)), kSearchMaxAge);
}

HttpResponse Gateway::Categories() {
  auto ctx = Context();
  registry::v1::ListCategoriesResponse resp;
  grpc::Status s = registry_->ListCategories(ctx.get(), {}, &resp);
  if (!s.ok()) return FromGrpc(s);
  return SharedForSeconds(Json(200, ToJson(resp)), kCategoriesMaxAge);
}

HttpResponse Gateway::Changes(const HttpRequest& req, const Principal& who) {
  registry::v1::ListChangesRequest lr;
  lr.set_after(req.Param("after"));
  const std::string include = req.Param("include");
  if (!include.empty() && include != "group")
    return BadRequest(
        InvalidArgument("include may only be \"group\" (each change with the group's public body)", "include"));
  // Callers who may not see unpublished listings get their changes as deletes: a follower drops
  // what it may have had, and learns nothing of drafts.
  const bool mask_unpublished = !who.is_admin();
  const bool with_groups = include == "group";
  lr.set_include_groups(mask_unpublished || with_groups);
  int page_size = 0;
  if (Status st = IntParam(req, "page_size", 1, limits::kMaxChangesPageSize, &page_size); !st.ok())
    return BadRequest(st);
  lr.set_page_size(page_size);
  auto ctx = Context();
  registry::v1::ListChangesResponse resp;
  grpc::Status s = registry_->ListChanges(ctx.get(), lr, &resp);
  if (!s.ok()) return FromGrpc(s);
  std::vector<std::string> bodies(resp.changes_size());
  for (int i = 0; i < resp.changes_size() && i < resp.events_size(); ++i) {
    Group* g = resp.mutable_events(i)->mutable_group();
    registry::v1::Change* c = resp.mutable_changes(i);
    if (mask_unpublished && c->op() == registry::v1::CHANGE_OP_UPSERT &&
        g->status() != registry::v1::LISTING_STATUS_PUBLISHED && !who.EditsGroup(g->id()))
      c->set_op(registry::v1::CHANGE_OP_DELETE);
    if (with_groups && c->op() == registry::v1::CHANGE_OP_UPSERT && !g->id().empty()) {
      FilterForViewer(g, who);
      bodies[i] = ToJson(*g);
    }
  }
  json out = json::parse(ToJson(resp, true));
  out.erase("events");
  if (with_groups && out.contains("changes"))
    for (size_t i = 0; i < out["changes"].size() && i < bodies.size(); ++i)
      if (!bodies[i].empty()) out["changes"][i]["group"] = json::parse(bodies[i]);
  return Json(200, out.dump(-1, ' ', false, json::error_handler_t::replace));
}

}  // namespace ibasho::gateway
