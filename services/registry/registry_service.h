// gRPC front of the RegistryStore. Trusts its caller (the gateway authenticates people); binds to
// loopback by default.
#ifndef IBASHO_SERVICES_REGISTRY_REGISTRY_SERVICE_H_
#define IBASHO_SERVICES_REGISTRY_REGISTRY_SERVICE_H_

#include <atomic>

#include "ibasho/registry/v1/registry.grpc.pb.h"
#include "storage/registry_store.h"

namespace ibasho::services {

class RegistryServiceImpl final : public registry::v1::Registry::Service {
 public:
  // store must outlive the service.
  explicit RegistryServiceImpl(storage::RegistryStore* store) : store_(store) {}
  // Ends open WatchChanges streams (they return within their poll interval).
  void Shutdown() { shutting_down_ = true; }

  grpc::Status CreateGroup(grpc::ServerContext*, const registry::v1::CreateGroupRequest*,
                           registry::v1::Group*) override;
  grpc::Status GetGroup(grpc::ServerContext*, const registry::v1::GetGroupRequest*, registry::v1::Group*) override;
  grpc::Status UpdateGroup(grpc::ServerContext*, const registry::v1::UpdateGroupRequest*,
                           registry::v1::Group*) override;
  grpc::Status DeleteGroup(grpc::ServerContext*, const registry::v1::DeleteGroupRequest*,
                           registry::v1::Group*) override;
  grpc::Status ListGroups(grpc::ServerContext*, const registry::v1::ListGroupsRequest*,
                          registry::v1::ListGroupsResponse*) override;
  grpc::Status UpsertGroup(grpc::ServerContext*, const registry::v1::UpsertGroupRequest*,
                           registry::v1::UpsertGroupResponse*) override;
  grpc::Status ListChanges(grpc::ServerContext*, const registry::v1::ListChangesRequest*,
                           registry::v1::ListChangesResponse*) override;
  grpc::Status WatchChanges(grpc::ServerContext*, const registry::v1::WatchChangesRequest*,
                            grpc::ServerWriter<registry::v1::ChangeBatch>*) override;
  grpc::Status ListCategories(grpc::ServerContext*, const registry::v1::ListCategoriesRequest*,
                              registry::v1::ListCategoriesResponse*) override;

 private:
  storage::RegistryStore* store_;
  std::atomic<bool> shutting_down_{false};
};

}  // namespace ibasho::services

#endif  // IBASHO_SERVICES_REGISTRY_REGISTRY_SERVICE_H_
