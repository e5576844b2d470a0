// The HSDS API (HSDA, Open Referral 3.0) read endpoints under /hsds: views over search and the
// registry. Ids are the stable UUIDs of model/hsds_ids.h; lists are HSDA "Page" envelopes.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>

#include "common/clock.h"
#include "common/limits.h"
#include "common/taxonomy.h"
#include "model/hsds.h"
#include "model/hsds_ids.h"
#include "services/gateway/api_response.h"
#include "services/gateway/gateway.h"
#include "services/gateway/request_params.h"

namespace ibasho::gateway {

using nlohmann::json;
using registry::v1::Activity;
using registry::v1::Group;

namespace {

constexpr int kDefaultPerPage = 20;

struct PageRequest {
  int page = 1;
  int per_page = kDefaultPerPage;
  int offset() const { return (page - 1) * per_page; }
};

StatusOr<PageRequest> ParsePage(const HttpRequest& req) {
  PageRequest p;
  if (Status s = IntParam(req, "page", 1, 1000000, &p.page); !s.ok()) return s;
  if (Status s = IntParam(req, "per_page", 1, limits::kMaxSearchPageSize, &p.per_page); !s.ok()) return s;
  return p;
}

HttpResponse Page(int64_t total, const PageRequest& p, json contents) {
  int64_t pages = total == 0 ? 0 : (total + p.per_page - 1) / p.per_page;
  json out = {{"total_items", total},      {"total_pages", pages},           {"page_number", p.page},
              {"size", contents.size()},   {"first_page", p.page == 1},      {"last_page", p.page >= pages},
              {"empty", contents.empty()}, {"contents", std::move(contents)}};
  return Json(200, out.dump(-1, ' ', false, json::error_handler_t::replace));
}

HttpResponse HsdsJson(const json& j) { return Json(200, j.dump(-1, ' ', false, json::error_handler_t::replace)); }

bool Contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

// The published activities of groups that pass the filters, in order.
std::vector<std::pair<const Group*, const Activity*>> PublishedActivities(const std::vector<Group>& groups,
                                                                          const std::string& category,
                                                                          const std::string& search) {
  std::vector<std::pair<const Group*, const Activity*>> out;
  for (const auto& g : groups) {
    if (g.status() != registry::v1::LISTING_STATUS_PUBLISHED) continue;
    for (const auto& a : g.activities()) {
      if (a.status() != registry::v1::LISTING_STATUS_PUBLISHED) continue;
      if (!category.empty() &&
          std::find(a.categories().begin(), a.categories().end(), category) == a.categories().end())
        continue;
      if (!search.empty() && !Contains(a.title(), search) && !Contains(a.description(), search) &&
          !Contains(g.name(), search))
        continue;
      out.emplace_back(&g, &a);
    }
  }
  return out;
}

}  // namespace

HttpResponse Gateway::HsdsRoot() {
  return HsdsJson({{"version", "3.0.0"},
                   {"profile", options_.public_url + "/hsds/profile"},
                   {"openapi_url", options_.public_url + "/v1/openapi.json"}});
}

HttpResponse Gateway::HsdsProfile() {
  return HsdsJson(
      {{"name", "ibasho"},
       {"description", "HSDS 3.0 with the fields ibasho needs for children's places in Japan"},
       {"base", "https://docs.openreferral.org/en/3.0/"},
       {"fields",
        {{"service.schedule_text", "the schedule as the group writes it (e.g. 毎月第2・第4土曜 10:00〜12:00)"},
         {"contact.visibility", "public | network | staff: who may see the contact; exports hold public ones"},
         {"contact.url", "a web page or form to reach the contact"}}},
       {"conventions",
        {{"ids", "stable version-8 UUIDs derived from the registry's ids"},
         {"schedules", "timezone 9 (Asia/Tokyo); a list of dates is one schedule per date"},
         {"cost_options", "currency JPY; amount 0 means free"},
         {"taxonomy", "the 'ibasho' category taxonomy (GET /hsds/taxonomy_terms)"}}}});
}

StatusOr<Group> Gateway::VisibleGroup(const std::string& group_id, const Principal& who) {
  registry::v1::GetGroupRequest gr;
  gr.set_id(group_id);
  auto ctx = Context();
  Group g;
  grpc::Status s = registry_->GetGroup(ctx.get(), gr, &g);
  if (s.error_code() == grpc::StatusCode::NOT_FOUND ||
      (s.ok() && g.status() != registry::v1::LISTING_STATUS_PUBLISHED && !who.EditsGroup(g.id())))
    return NotFound("not found");
  if (!s.ok()) return Unavailable(s.error_message());
  FilterForViewer(&g, who);
  return g;
}

HttpResponse Gateway::HsdsServices(const HttpRequest& req, const Principal& who, bool at_locations) {
  auto page = ParsePage(req);
  if (!page.ok()) return BadRequest(page.status());
  const std::string search = req.Param("search");
  std::string category;
  if (!req.Param("taxonomy_term_id").empty()) {
    category = model::CategoryOfTermUuid(req.Param("taxonomy_term_id"));
    if (category.empty()) return Page(0, *page, json::array());
  }
  std::string modified_after;
  if (!req.Param("modified_after").empty()) {
    std::chrono::system_clock::time_point t;
    if (!ParseRfc3339(req.Param("modified_after"), &t))
      return BadRequest(InvalidArgument("modified_after must be RFC 3339 or a date", "modified_after"));
    modified_after = FormatRfc3339(t);
  }
  auto render = [&](const Group& g, const Activity& a) {
    return at_locations ? model::ServiceAtLocationToHsds(g, a, IsTrue(req.Param("full")))
                        : model::ServiceToHsds(g, a, IsTrue(req.Param("full")));
  };

  // One organization, or what changed since a time: from the registry.
  if (!req.Param("organization_id").empty() || !modified_after.empty()) {
    std::vector<Group> groups;
    if (!req.Param("organization_id").empty()) {
      auto ref = model::ParseHsdsUuid(req.Param("organization_id"));
      if (!ref || ref->kind != model::HsdsKind::kOrganization) return Page(0, *page, json::array());
      auto g = VisibleGroup(ref->group_id, Principal{});
      if (g.ok() && g->updated_at() >= modified_after) groups.push_back(std::move(*g));
    } else {
      registry::v1::ListGroupsRequest lr;
      lr.set_modified_after(modified_after);
      lr.set_published_only(true);
      lr.set_page_size(limits::kMaxGroupsPageSize);
      do {
        auto ctx = Context();
        registry::v1::ListGroupsResponse resp;
        if (grpc::Status s = registry_->ListGroups(ctx.get(), lr, &resp); !s.ok()) return FromGrpc(s);
        for (auto& g : *resp.mutable_groups()) groups.push_back(std::move(g));
        lr.set_page_token(resp.next_page_token());
      } while (!lr.page_token().empty());
    }
    auto found = PublishedActivities(groups, category, search);
    json contents = json::array();
    for (size_t i = page->offset(); i < found.size() && contents.size() < static_cast<size_t>(page->per_page); ++i)
      contents.push_back(render(*found[i].first, *found[i].second));
    return Page(static_cast<int64_t>(found.size()), *page, std::move(contents));
  }

  // Otherwise search does the matching and the paging; the registry fills in each service.
  search::v1::SearchRequest sr;
  sr.set_q(search);
  if (!category.empty()) sr.add_category(category);
  sr.set_page_size(page->per_page);
  if (page->offset() > 0) sr.set_page_token(std::to_string(page->offset()));
  search::v1::SearchResponse found;
  grpc::Status searched = search_.Call([&](search::v1::Search::Stub& stub, grpc::ClientContext* ctx) {
    found.Clear();
    return stub.Search(ctx, sr, &found);
  });
  if (!searched.ok()) return FromGrpc(searched);
  std::map<std::string, StatusOr<Group>> groups;
  json contents = json::array();
  for (const auto& r : found.results()) {
    auto it = groups.find(r.group_id());
    if (it == groups.end()) it = groups.emplace(r.group_id(), VisibleGroup(r.group_id(), Principal{})).first;
    if (!it->second.ok()) continue;  // archived since it was indexed
    for (const auto& a : it->second->activities())
      if (a.id() == r.activity_id()) contents.push_back(render(*it->second, a));
  }
  return Page(found.total(), *page, std::move(contents));
}

HttpResponse Gateway::HsdsService(const std::string& id, const Principal& who, bool at_location) {
  auto ref = model::ParseHsdsUuid(id);
  auto kind = at_location ? model::HsdsKind::kServiceAtLocation : model::HsdsKind::kService;
  if (ref && ref->kind == kind) {
    auto g = VisibleGroup(ref->group_id, who);
    if (!g.ok() && g.status().code() == StatusCode::kUnavailable) return FromStatus(g.status());
    if (g.ok())
      for (const auto& a : g->activities())
        if (a.id() == ref->activity_id)
          return HsdsJson(at_location ? model::ServiceAtLocationToHsds(*g, a, true)
                                      : model::ServiceToHsds(*g, a, true));
  }
  return Error(404, "NOT_FOUND", std::string(at_location ? "service_at_location " : "service ") + id + " not found");
}

HttpResponse Gateway::HsdsOrganizations(const HttpRequest& req) {
  auto page = ParsePage(req);
  if (!page.ok()) return BadRequest(page.status());
  registry::v1::ListGroupsRequest lr;
  lr.set_published_only(true);
  lr.set_name_contains(req.Param("search"));
  lr.set_offset(page->offset());
  lr.set_page_size(page->per_page);
  lr.set_with_total(true);
  auto ctx = Context();
  registry::v1::ListGroupsResponse resp;
  if (grpc::Status s = registry_->ListGroups(ctx.get(), lr, &resp); !s.ok()) return FromGrpc(s);
  const bool full = IsTrue(req.Param("full")) || IsTrue(req.Param("full_service"));
  json contents = json::array();
  for (auto& g : *resp.mutable_groups()) {
    FilterForViewer(&g, Principal{});
    contents.push_back(full ? model::OrganizationToHsds(g) : model::OrganizationSummaryToHsds(g));
  }
  return Page(resp.total_size(), *page, std::move(contents));
}

HttpResponse Gateway::HsdsOrganization(const std::string& id, const Principal& who) {
  auto ref = model::ParseHsdsUuid(id);
  if (ref && ref->kind == model::HsdsKind::kOrganization) {
    auto g = VisibleGroup(ref->group_id, who);
    if (g.ok()) return HsdsJson(model::OrganizationToHsds(*g));
    if (g.status().code() == StatusCode::kUnavailable) return FromStatus(g.status());
  }
  return Error(404, "NOT_FOUND", "organization " + id + " not found");
}

HttpResponse Gateway::HsdsTaxonomies(const HttpRequest& req) {
  auto page = ParsePage(req);
  if (!page.ok()) return BadRequest(page.status());
  json contents = json::array();
  if (page->page == 1) contents.push_back(model::TaxonomyToHsds());
  return Page(1, *page, std::move(contents));
}

HttpResponse Gateway::HsdsTaxonomy(const std::string& id) {
  json taxonomy = model::TaxonomyToHsds();
  if (id != taxonomy["id"]) return Error(404, "NOT_FOUND", "taxonomy " + id + " not found");
  return HsdsJson(taxonomy);
}

HttpResponse Gateway::HsdsTaxonomyTerms(const HttpRequest& req) {
  auto page = ParsePage(req);
  if (!page.ok()) return BadRequest(page.status());
  const std::string taxonomy = req.Param("taxonomy_id"), search = req.Param("search");
  json all = json::array();
  if (taxonomy.empty() || taxonomy == model::TaxonomyToHsds()["id"])
    for (const auto& c : ibasho::Categories())
      if (search.empty() || Contains(c.code, search) || Contains(c.label, search))
        all.push_back(model::TaxonomyTermToHsds(c.code));
  json contents = json::array();
  for (size_t i = page->offset(); i < all.size() && contents.size() < static_cast<size_t>(page->per_page); ++i)
    contents.push_back(all[i]);
  return Page(static_cast<int64_t>(all.size()), *page, std::move(contents));
}

HttpResponse Gateway::HsdsTaxonomyTerm(const std::string& id) {
  std::string code = model::CategoryOfTermUuid(id);
  if (code.empty()) return Error(404, "NOT_FOUND", "taxonomy_term " + id + " not found");
  return HsdsJson(model::TaxonomyTermToHsds(code));
}

}  // namespace ibasho::gateway
