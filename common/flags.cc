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

}  // namespace ibasho
