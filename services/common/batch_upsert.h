// Sends many partner upserts to the registry in UpsertGroups calls of at most
// limits::kMaxUpsertBatch items, and tallies what happened. Used by the gateway's batch and import
// routes and by ibashoctl, so all three count and report the same way.
#ifndef IBASHO_SERVICES_COMMON_BATCH_UPSERT_H_
#define IBASHO_SERVICES_COMMON_BATCH_UPSERT_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ibasho/registry/v1/registry.grpc.pb.h"

namespace ibasho::services {

struct UpsertTally {
  int created = 0;
  int updated = 0;
  int unchanged = 0;
  int rejected = 0;
};

// Called once per request, in order, with its index in the requests and the registry's answer
// for it (error_code set when it was rejected, by validation or because its call failed).
using UpsertItemFn = std::function<void(size_t index, const registry::v1::UpsertGroupsResponse::Item& item)>;

// Sends requests in order. context() makes each call's ClientContext (deadline, metadata). When
// a call fails, its items are reported as rejected with the call's error, the remaining batches
// are not sent (reported the same way), and the first failure is returned; earlier batches stay
// written. on_item may be null.
grpc::Status UpsertInBatches(registry::v1::Registry::StubInterface& registry,
                             std::vector<registry::v1::UpsertGroupRequest> requests,
                             const std::function<std::unique_ptr<grpc::ClientContext>()>& context,
                             const UpsertItemFn& on_item, UpsertTally* tally);

}  // namespace ibasho::services

#endif  // IBASHO_SERVICES_COMMON_BATCH_UPSERT_H_
