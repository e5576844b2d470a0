// Whole-registry exports: the staff CSV and HSDS 3.0 JSON. Both stream: the registry is read a
// page at a time while the response is being sent (chunked), so no export holds the registry in
// memory. At most kMaxConcurrentExports stream at once; more callers get 503 with Retry-After.
#include <nlohmann/json.hpp>

#include "common/limits.h"
#include "model/csv_export.h"
#include "model/hsds.h"
#include "services/gateway/api_response.h"
#include "services/gateway/gateway.h"

namespace ibasho::gateway {

using nlohmann::json;
using registry::v1::Group;

namespace {

constexpr int kMaxConcurrentExports = 2;
constexpr int kExportRetryAfterSeconds = 5;

// One streaming export's place in the registry; holds an export slot until it is destroyed
// (with the response, however it ends).
struct ExportCursor {
  explicit ExportCursor(std::atomic<int>* active) : active(active) {}
  ~ExportCursor() { --*active; }
  std::atomic<int>* active;
  std::string page_token;
  bool started = false;
};

}  // namespace

HttpResponse Gateway::StreamGroups(std::string prefix, std::string suffix,
                                   std::function<void(Group& group, std::string* out)> render) {
  if (active_exports_.fetch_add(1) >= kMaxConcurrentExports) {
    --active_exports_;
    HttpResponse r = Error(503, "UNAVAILABLE", "other exports are being sent; try again shortly");
    r.headers.emplace_back("Retry-After", std::to_string(kExportRetryAfterSeconds));
    return r;
  }
  auto cursor = std::make_shared<ExportCursor>(&active_exports_);
  HttpResponse r;
  r.stream = [this, cursor, prefix = std::move(prefix), suffix = std::move(suffix),
              render = std::move(render)](std::string* chunk) {
    if (!cursor->started) {
      cursor->started = true;
      *chunk = prefix;
    }
    registry::v1::ListGroupsRequest lr;
    lr.set_page_size(limits::kMaxGroupsPageSize);
    lr.set_page_token(cursor->page_token);
    auto ctx = Context();
    registry::v1::ListGroupsResponse page;
    if (!registry_->ListGroups(ctx.get(), lr, &page).ok()) return StreamStep::kFailed;
    for (auto& g : *page.mutable_groups()) render(g, chunk);
    cursor->page_token = page.next_page_token();
    if (!cursor->page_token.empty()) return StreamStep::kMore;
    *chunk += suffix;
    return StreamStep::kDone;
  };
  return r;
}

HttpResponse Gateway::ExportCsv() {
  HttpResponse r =
      StreamGroups(model::CsvHeader(), "", [](Group& g, std::string* out) { *out += model::GroupCsvRows(g); });
  if (r.stream) {
    r.content_type = "text/csv; charset=utf-8";
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"ibasho-groups.csv\"");
  }
  return r;
}

HttpResponse Gateway::ExportHsds(const Principal& who) {
  auto first = std::make_shared<bool>(true);
  return StreamGroups(R"({"hsds_version":"3.0","organizations":[)", "]}", [who, first](Group& g, std::string* out) {
    if (g.status() != registry::v1::LISTING_STATUS_PUBLISHED && !who.EditsGroup(g.id())) return;
    FilterForViewer(&g, who);
    if (!*first) *out += ',';
    *first = false;
    *out += model::OrganizationToHsds(g).dump(-1, ' ', false, json::error_handler_t::replace);
  });
}

}  // namespace ibasho::gateway
