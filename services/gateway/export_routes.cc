// Whole-registry exports: the staff CSV and HSDS 3.0 JSON. The public HSDS document is built once
// per registry state (the change feed's cursor) and shared by every response until something
// changes; at most one export is built at a time and at most kMaxExportWaiters wait for it (more get
// 503), so exports cannot exhaust memory or workers. Documents are written group by group, never
// held as one JSON tree.
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

namespace {
constexpr int kMaxExportWaiters = 4;
}  // namespace

grpc::Status Gateway::ForEachGroup(const std::function<void(Group&)>& fn, std::string* feed_cursor) {
  std::string token;
  bool first = true;
  do {
    registry::v1::ListGroupsRequest lr;
    lr.set_page_size(limits::kMaxGroupsPageSize);
    lr.set_page_token(token);
    auto ctx = Context();
    registry::v1::ListGroupsResponse resp;
    grpc::Status s = registry_->ListGroups(ctx.get(), lr, &resp);
    if (!s.ok()) return s;
    if (first && feed_cursor) *feed_cursor = resp.feed_cursor();
    first = false;
    for (auto& g : *resp.mutable_groups()) fn(g);
    token = resp.next_page_token();
  } while (!token.empty());
  return grpc::Status::OK;
}

bool Gateway::FeedUnchangedSince(const std::string& cursor) {
  if (cursor.empty()) return false;
  registry::v1::ListChangesRequest lr;
  lr.set_after(cursor);
  lr.set_page_size(1);
  auto ctx = Context();
  registry::v1::ListChangesResponse resp;
  return registry_->ListChanges(ctx.get(), lr, &resp).ok() && resp.changes_size() == 0;
}

std::optional<HttpResponse> Gateway::ExportSlot(std::unique_lock<std::mutex>* build) {
  if (export_waiters_.fetch_add(1) >= kMaxExportWaiters) {
    --export_waiters_;
    HttpResponse r = Error(503, "UNAVAILABLE", "exports are being built for other callers; try again shortly");
    r.headers.emplace_back("Retry-After", "5");
    return r;
  }
  *build = std::unique_lock<std::mutex>(export_build_mu_);
  --export_waiters_;
  return std::nullopt;
}

HttpResponse Gateway::ExportCsv() {
  std::unique_lock<std::mutex> build;
  if (auto busy = ExportSlot(&build)) return *busy;
  std::vector<Group> groups;
  grpc::Status s = ForEachGroup([&](Group& g) { groups.push_back(std::move(g)); });
  if (!s.ok()) return FromGrpc(s);
  HttpResponse r;
  r.body = model::GroupsToCsv(groups);
  r.content_type = "text/csv; charset=utf-8";
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"ibasho-groups.csv\"");
  return r;
}

std::string Gateway::BuildHsds(const Principal& who, std::string* feed_cursor, grpc::Status* status) {
  std::string out = R"({"hsds_version":"3.0","organizations":[)";
  bool first = true;
  *status = ForEachGroup(
      [&](Group& g) {
        if (g.status() != registry::v1::LISTING_STATUS_PUBLISHED && !who.EditsGroup(g.id())) return;
        FilterForViewer(&g, who);
        if (!first) out += ',';
        first = false;
        out += model::OrganizationToHsds(g).dump(-1, ' ', false, json::error_handler_t::replace);
      },
      feed_cursor);
  out += "]}";
  return out;
}

HttpResponse Gateway::ExportHsds(const Principal& who) {
  // Anonymous callers and partners see the same public document; staff and editors their own.
  const bool public_view = !who.is_admin() && who.role != Role::kEditor;
  HttpResponse r;
  if (public_view) {
    std::lock_guard<std::mutex> lock(hsds_cache_mu_);
    if (hsds_cache_ && FeedUnchangedSince(hsds_cache_cursor_)) r.shared_body = hsds_cache_;
  }
  if (!r.shared_body) {
    std::unique_lock<std::mutex> build;
    if (auto busy = ExportSlot(&build)) return *busy;
    if (public_view) {  // built by another caller while this one waited?
      std::lock_guard<std::mutex> lock(hsds_cache_mu_);
      if (hsds_cache_ && FeedUnchangedSince(hsds_cache_cursor_)) r.shared_body = hsds_cache_;
    }
    if (!r.shared_body) {
      std::string cursor;
      grpc::Status s;
      auto body = std::make_shared<const std::string>(BuildHsds(who, &cursor, &s));
      if (!s.ok()) return FromGrpc(s);
      if (public_view) {
        std::lock_guard<std::mutex> lock(hsds_cache_mu_);
        hsds_cache_ = body;
        hsds_cache_cursor_ = cursor;
      }
      r.shared_body = std::move(body);
    }
  }
  return r;
}

}  // namespace ibasho::gateway
