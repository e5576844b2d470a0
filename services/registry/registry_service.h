// gRPC front of the RegistryStore. Callers are the project's own processes (the gateway, search,
// ibashoctl), which prove it with the shared secret (services/common/registry_secret.h) in each
// call's metadata; the gateway authenticates and authorises people and passes who they are as
// Actor. Every method answers UNAUTHENTICATED without the secret, before touching the store.
#ifndef IBASHO_SERVICES_REGISTRY_REGISTRY_SERVICE_H_
#define IBASHO_SERVICES_REGISTRY_REGISTRY_SERVICE_H_

#include <atomic>

#include "ibasho/registry/v1/registry.grpc.pb.h"
#include "storage/registry_store.h"

namespace ibasho::services {

namespace rv1 = registry::v1;

class RegistryServiceImpl final : public rv1::Registry::Service {
 public:
  // store must outlive the service.
  // secret: required of every call; empty accepts anyone (tests of the service alone).
  RegistryServiceImpl(storage::RegistryStore* store, std::string secret) : store_(store), secret_(std::move(secret)) {}
  // Ends open WatchChanges streams (they return within their poll interval).
  void Shutdown() { shutting_down_ = true; }

  grpc::Status CreateGroup(grpc::ServerContext*, const rv1::CreateGroupRequest*, rv1::Group*) override;
  grpc::Status GetGroup(grpc::ServerContext*, const rv1::GetGroupRequest*, rv1::Group*) override;
  grpc::Status UpdateGroup(grpc::ServerContext*, const rv1::UpdateGroupRequest*, rv1::Group*) override;
  grpc::Status DeleteGroup(grpc::ServerContext*, const rv1::DeleteGroupRequest*, rv1::Group*) override;
  grpc::Status ListGroups(grpc::ServerContext*, const rv1::ListGroupsRequest*, rv1::ListGroupsResponse*) override;
  grpc::Status UpsertGroup(grpc::ServerContext*, const rv1::UpsertGroupRequest*, rv1::UpsertGroupResponse*) override;
  grpc::Status UpsertGroups(grpc::ServerContext*, const rv1::UpsertGroupsRequest*, rv1::UpsertGroupsResponse*) override;
  grpc::Status ListChanges(grpc::ServerContext*, const rv1::ListChangesRequest*, rv1::ListChangesResponse*) override;
  grpc::Status WatchChanges(grpc::ServerContext*, const rv1::WatchChangesRequest*,
                            grpc::ServerWriter<rv1::ChangeBatch>*) override;
  grpc::Status ListCategories(grpc::ServerContext*, const rv1::ListCategoriesRequest*,
                              rv1::ListCategoriesResponse*) override;
  grpc::Status GetPendingRevision(grpc::ServerContext*, const rv1::GetGroupRequest*, rv1::Group*) override;
  grpc::Status PublishRevision(grpc::ServerContext*, const rv1::ReviewRequest*, rv1::Group*) override;
  grpc::Status RejectRevision(grpc::ServerContext*, const rv1::ReviewRequest*, rv1::Group*) override;
  grpc::Status GetHistory(grpc::ServerContext*, const rv1::GetGroupRequest*, rv1::HistoryResponse*) override;
  grpc::Status ListStale(grpc::ServerContext*, const rv1::ListStaleRequest*, rv1::ListGroupsResponse*) override;
  grpc::Status VerifyGroup(grpc::ServerContext*, const rv1::VerifyGroupRequest*, rv1::Group*) override;
  grpc::Status CompactChanges(grpc::ServerContext*, const rv1::CompactChangesRequest*,
                              rv1::CompactChangesResponse*) override;
  grpc::Status GetStatus(grpc::ServerContext*, const rv1::GetStatusRequest*, rv1::RegistryStatus*) override;
  grpc::Status Backup(grpc::ServerContext*, const rv1::BackupRequest*, rv1::BackupResponse*) override;
  grpc::Status CreateToken(grpc::ServerContext*, const rv1::CreateTokenRequest*, rv1::CreateTokenResponse*) override;
  grpc::Status RevokeToken(grpc::ServerContext*, const rv1::RevokeTokenRequest*, rv1::Token*) override;
  grpc::Status ListTokens(grpc::ServerContext*, const rv1::ListTokensRequest*, rv1::ListTokensResponse*) override;
  grpc::Status Authenticate(grpc::ServerContext*, const rv1::AuthenticateRequest*, rv1::Token*) override;

 private:
  grpc::Status Admit(const grpc::ServerContext* ctx) const;

  storage::RegistryStore* store_;
  const std::string secret_;
  std::atomic<bool> shutting_down_{false};
};

}  // namespace ibasho::services

#endif  // IBASHO_SERVICES_REGISTRY_REGISTRY_SERVICE_H_
