// Whole-registry exports: the staff CSV and HSDS 3.0 JSON.
#include <nlohmann/json.hpp>
#include "common/limits.h"
#include "model/csv_export.h"
#include "model/hsds.h"

#include "model/json_mapping.h"
#include "services/gateway/api_response.h"
#include "services/gateway/gateway.h"
#include "services/gateway/request_params.h"

namespace ibasho::gateway {

using nlohmann::json;
using registry::v1::Group;

grpc::Status Gateway::ForEachGroup(const std::function<void(Group&)>& fn) {
  std::string token;
  do {
    registry::v1::ListGroupsRequest lr;
    lr.set_page_size(limits::kMaxGroupsPageSize);
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
    if (g.status() != registry::v1::LISTING_STATUS_PUBLISHED && !who.EditsGroup(g.id())) return;
    FilterForViewer(&g, who);
    orgs.push_back(model::GroupToHsds(g));
  });
  if (!s.ok()) return FromGrpc(s);
  return Json(
      200,
      json({{"hsds_version", "3.0"}, {"organizations", orgs}}).dump(-1, ' ', false, json::error_handler_t::replace));
}

}  // namespace ibasho::gateway
