#include "model/hsds_ids.h"

#include <cstdio>

#include "common/crypto.h"

namespace ibasho::model {
namespace {

constexpr size_t kHexDigits = 12;

bool IsLowerHex(std::string_view s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// The 12 hex digits of a registry id ("g_3f9a1c07b2de"); a hash of anything else.
std::string IdDigits(const std::string& id, char prefix) {
  if (id.empty()) return std::string(kHexDigits, '0');
  if (id.size() == kHexDigits + 2 && id[0] == prefix && id[1] == '_' && IsLowerHex(std::string_view(id).substr(2)))
    return id.substr(2);
  return Sha256Hex(id).substr(0, kHexDigits);
}

}  // namespace

std::string HsdsUuid(HsdsKind kind, const std::string& group_id, const std::string& activity_id, int index) {
  std::string g = IdDigits(group_id, 'g'), a = IdDigits(activity_id, 'a');
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s-%s-8%02x0-8%03x-%s", g.substr(0, 8).c_str(), g.substr(8).c_str(),
                static_cast<unsigned>(kind) & 0xff, static_cast<unsigned>(index) & 0xfff, a.c_str());
  return buf;
}

std::optional<HsdsRef> ParseHsdsUuid(std::string_view u) {
  if (u.size() != 36 || u[8] != '-' || u[13] != '-' || u[18] != '-' || u[23] != '-' || u[14] != '8' || u[17] != '0' ||
      u[19] != '8')
    return std::nullopt;
  std::string hex;
  for (char c : u)
    if (c != '-') hex += c;
  if (!IsLowerHex(hex)) return std::nullopt;
  int kind = std::stoi(hex.substr(13, 2), nullptr, 16);
  if (kind < static_cast<int>(HsdsKind::kOrganization) || kind > static_cast<int>(HsdsKind::kTaxonomyTerm))
    return std::nullopt;
  HsdsRef ref;
  ref.kind = static_cast<HsdsKind>(kind);
  ref.index = std::stoi(hex.substr(17, 3), nullptr, 16);
  std::string g = hex.substr(0, kHexDigits), a = hex.substr(20, kHexDigits);
  const std::string zeros(kHexDigits, '0');
  if (g != zeros) ref.group_id = "g_" + g;
  if (a != zeros) ref.activity_id = "a_" + a;
  return ref;
}

}  // namespace ibasho::model
