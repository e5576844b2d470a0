#include "common/flags.h"

#include <cstdlib>

namespace ibasho {

Flags::Flags(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0) continue;
    auto eq = arg.find('=');
    if (eq == std::string::npos) {
      values_[arg.substr(2)] = "true";
    } else {
      values_[arg.substr(2, eq - 2)] = arg.substr(eq + 1);
    }
  }
}

std::string Flags::Get(const std::string& name, const char* env, const std::string& fallback) const {
  auto it = values_.find(name);
  if (it != values_.end()) return it->second;
  if (env) {
    const char* v = std::getenv(env);
    if (v && *v) return v;
  }
  return fallback;
}

int Flags::GetInt(const std::string& name, const char* env, int fallback) const {
  std::string v = Get(name, env, "");
  if (v.empty()) return fallback;
  try {
    return std::stoi(v);
  } catch (const std::exception&) {
    return fallback;
  }
}

std::vector<std::string> Flags::GetList(const std::string& name, const char* env) const {
  std::vector<std::string> out;
  std::string v = Get(name, env, "");
  size_t start = 0;
  while (start < v.size()) {
    size_t comma = v.find(',', start);
    if (comma == std::string::npos) comma = v.size();
    std::string item = v.substr(start, comma - start);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) out.push_back(std::move(item));
    start = comma + 1;
  }
  return out;
}

}  // namespace ibasho
