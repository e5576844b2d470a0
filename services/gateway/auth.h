// Who is calling the gateway, and what they may do.
//   admin   — ward / network staff: everything
//   editor  — a group's own people: read their groups in full, edit them (reviewed once published)
//   partner — a system syncing one source: upsert and delete that source's groups
//   anonymous — published listings, public contact fields
#ifndef IBASHO_SERVICES_GATEWAY_AUTH_H_
#define IBASHO_SERVICES_GATEWAY_AUTH_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "common/status.h"
#include "ibasho/registry/v1/registry.grpc.pb.h"

namespace ibasho::gateway {

enum class Role { kAnonymous, kEditor, kPartner, kAdmin };

struct Principal {
  Role role = Role::kAnonymous;
  std::string id;                // token id; "admin" for the bootstrap token
  std::string name;              // who holds the token
  std::set<std::string> groups;  // editor: editable groups
  std::string source;            // partner: writable source

  bool is_admin() const { return role == Role::kAdmin; }
  bool EditsGroup(const std::string& group_id) const {
    return is_admin() || (role == Role::kEditor && groups.count(group_id));
  }
  bool WritesSource(const std::string& s) const { return is_admin() || (role == Role::kPartner && source == s); }
  registry::v1::Actor actor() const;
};

const char* RoleName(Role role);

// Resolves Authorization headers. Thread-safe.
class Authenticator {
 public:
  // bootstrap_admin_token: accepted as admin without the registry (may be empty).
  // context makes each Authenticate call's ClientContext (deadline, fail-fast policy).
  Authenticator(std::string bootstrap_admin_token, registry::v1::Registry::Stub* registry,
                std::function<std::unique_ptr<grpc::ClientContext>()> context,
                std::chrono::seconds cache_ttl = std::chrono::seconds(10));

  // No header: anonymous. "Bearer <secret>": the token's principal, or Unauthenticated when the
  // secret is unknown or revoked (a wrong token is an error, never silently anonymous).
  StatusOr<Principal> Resolve(const std::string& authorization_header);

 private:
  std::string bootstrap_;
  registry::v1::Registry::Stub* registry_;
  std::function<std::unique_ptr<grpc::ClientContext>()> context_;
  std::chrono::seconds ttl_;
  std::mutex mu_;
  std::map<std::string, std::pair<Principal, std::chrono::steady_clock::time_point>> cache_;  // by secret
};

}  // namespace ibasho::gateway

#endif  // IBASHO_SERVICES_GATEWAY_AUTH_H_
