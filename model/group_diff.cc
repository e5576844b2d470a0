#include "model/group_diff.h"

#include <map>
#include <set>
#include <string>

#include "model/json_mapping.h"

namespace ibasho::model {
namespace {

using registry::v1::FieldChange;
using registry::v1::Group;

void Flatten(const nlohmann::json& j, const std::string& path, std::map<std::string, std::string>* out) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) Flatten(v, path.empty() ? k : path + "." + k, out);
  } else if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i) Flatten(j[i], path + "[" + std::to_string(i) + "]", out);
  } else {
    (*out)[path] = j.dump();
  }
}

template <typename Changes>
nlohmann::json ToJsonArray(const Changes& diff) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : diff) out.push_back({{"path", c.path()}, {"before", c.before()}, {"after", c.after()}});
  return out;
}

}  // namespace

Group WithoutBookkeeping(Group g) {
  g.set_version(0);
  g.clear_created_at();
  g.clear_updated_at();
  return g;
}

bool SameContent(const Group& a, const Group& b) {
  return ToJson(WithoutBookkeeping(a)) == ToJson(WithoutBookkeeping(b));
}

std::vector<FieldChange> DiffGroups(const Group& before, const Group& after) {
  std::map<std::string, std::string> a, b;
  Flatten(nlohmann::json::parse(ToJson(WithoutBookkeeping(before))), "", &a);
  Flatten(nlohmann::json::parse(ToJson(WithoutBookkeeping(after))), "", &b);
  std::set<std::string> paths;
  for (const auto& [k, v] : a) paths.insert(k);
  for (const auto& [k, v] : b) paths.insert(k);
  std::vector<FieldChange> out;
  for (const auto& p : paths) {
    auto ia = a.find(p), ib = b.find(p);
    std::string va = ia == a.end() ? "" : ia->second, vb = ib == b.end() ? "" : ib->second;
    if (va == vb) continue;
    FieldChange c;
    c.set_path(p);
    c.set_before(va);
    c.set_after(vb);
    out.push_back(std::move(c));
  }
  return out;
}

nlohmann::json DiffToJson(const google::protobuf::RepeatedPtrField<FieldChange>& diff) { return ToJsonArray(diff); }
nlohmann::json DiffToJson(const std::vector<FieldChange>& diff) { return ToJsonArray(diff); }

std::vector<FieldChange> DiffFromJson(const nlohmann::json& j) {
  std::vector<FieldChange> out;
  if (!j.is_array()) return out;
  for (const auto& c : j) {
    if (!c.is_object() || !c.value("path", nlohmann::json()).is_string()) continue;
    FieldChange fc;
    fc.set_path(c["path"].get<std::string>());
    if (c.contains("before") && c["before"].is_string()) fc.set_before(c["before"].get<std::string>());
    if (c.contains("after") && c["after"].is_string()) fc.set_after(c["after"].get<std::string>());
    out.push_back(std::move(fc));
  }
  return out;
}

}  // namespace ibasho::model
