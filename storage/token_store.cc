// API tokens: only the SHA-256 of a secret is stored; secrets and ids come from the CSPRNG.
#include <SQLiteCpp/SQLiteCpp.h>

#include <nlohmann/json.hpp>

#include "common/crypto.h"
#include "model/json_mapping.h"
#include "storage/registry_store.h"
#include "storage/store_impl.h"

namespace ibasho::storage {
namespace {

using registry::v1::Role;

TokenInfo ReadToken(SQLite::Statement& q) {
  TokenInfo t;
  t.id = q.getColumn(0).getString();
  t.name = q.getColumn(1).getString();
  if (!EnumFromWord(q.getColumn(2).getString(), &t.role)) t.role = Role::ROLE_UNSPECIFIED;  // CHECK forbids
  for (const auto& g : nlohmann::json::parse(q.getColumn(3).getString())) t.groups.push_back(g);
  t.source = q.getColumn(4).getString();
  t.created_at = q.getColumn(5).getString();
  t.revoked_at = q.getColumn(6).getString();
  return t;
}

}  // namespace

StatusOr<std::pair<TokenInfo, std::string>> RegistryStore::CreateToken(TokenInfo info) {
  if (info.role != Role::ROLE_ADMIN && info.role != Role::ROLE_EDITOR && info.role != Role::ROLE_PARTNER)
    return InvalidArgument("role must be admin, editor or partner", "role");
  if (info.name.empty()) return InvalidArgument("a token needs a name (who holds it)", "name");
  if (info.role == Role::ROLE_EDITOR && info.groups.empty())
    return InvalidArgument("an editor token needs its groups", "groups");
  if (info.role == Role::ROLE_PARTNER && info.source.empty())
    return InvalidArgument("a partner token needs its source", "source");
  return impl_->Guarded("token creation", [&]() -> StatusOr<std::pair<TokenInfo, std::string>> {
    for (const auto& gid : info.groups)
      if (!impl_->Load(gid).ok()) return InvalidArgument("no group " + gid, "groups");
    info.id = RandomId("t_");
    info.created_at = impl_->Now();
    std::string secret = "ibs_" + RandomHex(24);
    SQLite::Statement ins(*impl_->db,
                          "INSERT INTO tokens(id, secret_sha256, name, role, groups, source, created_at) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?)");
    ins.bind(1, info.id);
    ins.bind(2, Sha256Hex(secret));
    ins.bind(3, info.name);
    ins.bind(4, EnumWord(info.role));  // the column keeps the API words
    ins.bind(5, nlohmann::json(info.groups).dump());
    ins.bind(6, info.source);
    ins.bind(7, info.created_at);
    ins.exec();
    return std::make_pair(std::move(info), std::move(secret));
  });
}

Status RegistryStore::RevokeToken(const std::string& id) {
  return impl_->Guarded("revoke", [&]() -> Status {
    SQLite::Statement upd(*impl_->db, "UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at = ''");
    upd.bind(1, impl_->Now());
    upd.bind(2, id);
    if (upd.exec() == 0) return NotFound("no valid token " + id);
    return Status::Ok();
  });
}

StatusOr<std::vector<TokenInfo>> RegistryStore::ListTokens() {
  return impl_->Guarded("token listing", [&]() -> StatusOr<std::vector<TokenInfo>> {
    SQLite::Statement q(
        *impl_->db, "SELECT id, name, role, groups, source, created_at, revoked_at FROM tokens ORDER BY created_at");
    std::vector<TokenInfo> out;
    while (q.executeStep()) out.push_back(ReadToken(q));
    return out;
  });
}

StatusOr<TokenInfo> RegistryStore::Authenticate(const std::string& secret) {
  return impl_->Guarded("authentication", [&]() -> StatusOr<TokenInfo> {
    SQLite::Statement q(*impl_->db,
                        "SELECT id, name, role, groups, source, created_at, revoked_at FROM tokens "
                        "WHERE secret_sha256 = ? AND revoked_at = ''");
    q.bind(1, Sha256Hex(secret));
    if (!q.executeStep()) return Status(StatusCode::kUnauthenticated, "unknown or revoked token");
    return ReadToken(q);
  });
}

}  // namespace ibasho::storage
