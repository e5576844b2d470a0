#include "services/common/batch_upsert.h"

#include <algorithm>

#include "common/limits.h"
#include "services/common/grpc_status.h"

namespace ibasho::services {

using registry::v1::UpsertGroupsResponse;

grpc::Status UpsertInBatches(registry::v1::Registry::StubInterface& registry,
                             std::vector<registry::v1::UpsertGroupRequest> requests,
                             const std::function<std::unique_ptr<grpc::ClientContext>()>& context,
                             const UpsertItemFn& on_item, UpsertTally* tally) {
  grpc::Status first_failure = grpc::Status::OK;
  const size_t chunk = static_cast<size_t>(limits::kMaxUpsertBatch);
  for (size_t start = 0; start < requests.size(); start += chunk) {
    size_t end = std::min(requests.size(), start + chunk);
    UpsertGroupsResponse resp;
    if (first_failure.ok()) {
      registry::v1::UpsertGroupsRequest batch;
      for (size_t i = start; i < end; ++i) *batch.add_items() = std::move(requests[i]);
      auto ctx = context();
      grpc::Status s = registry.UpsertGroups(ctx.get(), batch, &resp);
      if (!s.ok()) first_failure = s;
    }
    for (size_t i = start; i < end; ++i) {
      UpsertGroupsResponse::Item failed;
      const UpsertGroupsResponse::Item* item = nullptr;
      int k = static_cast<int>(i - start);
      if (first_failure.ok() && k < resp.items_size()) {
        item = &resp.items(k);
      } else {
        failed.set_error_code(first_failure.ok() ? "INTERNAL" : GrpcCodeName(first_failure.error_code()));
        failed.set_error_message(first_failure.ok() ? "the registry did not answer for this item"
                                                    : first_failure.error_message());
        item = &failed;
      }
      if (!item->error_code().empty()) {
        ++tally->rejected;
      } else if (item->response().result() == registry::v1::UPSERT_RESULT_CREATED) {
        ++tally->created;
      } else if (item->response().result() == registry::v1::UPSERT_RESULT_UPDATED) {
        ++tally->updated;
      } else {
        ++tally->unchanged;
      }
      if (on_item) on_item(i, *item);
    }
  }
  return first_failure;
}

}  // namespace ibasho::services
