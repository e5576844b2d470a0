#include "services/gateway/auth.h"

#include "common/crypto.h"
#include "common/utf8.h"

namespace ibasho::gateway {

const char* RoleName(Role role) {
  switch (role) {
    case Role::kAdmin:
      return "admin";
    case Role::kEditor:
      return "editor";
    case Role::kPartner:
      return "partner";
    default:
      return "anonymous";
  }
}

registry::v1::Actor Principal::actor() const {
  registry::v1::Actor a;
  a.set_id(id.empty() ? RoleName(role) : id);
  a.set_name(name);
  return a;
}

Authenticator::Authenticator(std::string bootstrap_admin_token, registry::v1::Registry::Stub* registry,
                             std::function<std::unique_ptr<grpc::ClientContext>()> context,
                             std::chrono::seconds cache_ttl)
    : bootstrap_(std::move(bootstrap_admin_token)),
      registry_(registry),
      context_(std::move(context)),
      ttl_(cache_ttl) {}

StatusOr<Principal> Authenticator::Resolve(const std::string& header) {
  if (header.empty()) return Principal{};
  const std::string prefix = "Bearer ";
  if (header.rfind(prefix, 0) != 0)
    return Status(StatusCode::kUnauthenticated, "Authorization must be \"Bearer <token>\"", "Authorization");
  std::string secret = header.substr(prefix.size());
  // Secrets this service issues are short ASCII; anything else is not one (and cannot be sent as a
  // protobuf string).
  if (secret.empty() || secret.size() > 256 || !IsValidUtf8(secret))
    return Status(StatusCode::kUnauthenticated, "unknown or revoked token", "Authorization");
  if (!bootstrap_.empty() && ConstantTimeEquals(secret, bootstrap_)) {
    Principal p;
    p.role = Role::kAdmin;
    p.id = "admin";
    p.name = "bootstrap admin";
    return p;
  }
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(secret);
    if (it != cache_.end() && it->second.second > now) return it->second.first;
  }
  auto ctx = context_();
  registry::v1::AuthenticateRequest req;
  req.set_secret(secret);
  registry::v1::Token token;
  grpc::Status s = registry_->Authenticate(ctx.get(), req, &token);
  if (s.error_code() == grpc::StatusCode::UNAUTHENTICATED)
    return Status(StatusCode::kUnauthenticated, "unknown or revoked token", "Authorization");
  if (!s.ok()) return Status(StatusCode::kUnavailable, "cannot check the token: " + s.error_message());
  Principal p;
  switch (token.role()) {
    case registry::v1::ROLE_ADMIN:
      p.role = Role::kAdmin;
      break;
    case registry::v1::ROLE_EDITOR:
      p.role = Role::kEditor;
      break;
    case registry::v1::ROLE_PARTNER:
      p.role = Role::kPartner;
      break;
    default:
      return Status(StatusCode::kUnauthenticated, "token has no known role");
  }
  p.id = token.id();
  p.name = token.name();
  p.groups.insert(token.groups().begin(), token.groups().end());
  p.source = token.source();
  std::lock_guard<std::mutex> lock(mu_);
  if (cache_.size() > 10000) cache_.clear();
  cache_[secret] = {p, now + ttl_};
  return p;
}

}  // namespace ibasho::gateway
