// Minimal command-line configuration: --name=value flags, each with an environment variable
// fallback and a default, so every service runs on its embedded defaults with no flags at all.
#ifndef IBASHO_COMMON_FLAGS_H_
#define IBASHO_COMMON_FLAGS_H_

#include <map>
#include <string>
#include <vector>

namespace ibasho {

class Flags {
 public:
  Flags(int argc, char** argv);
  // The --name flag, else the environment variable env (when non-empty), else fallback.
  std::string Get(const std::string& name, const char* env, const std::string& fallback) const;
  int GetInt(const std::string& name, const char* env, int fallback) const;
  // A comma-separated list ("a, b,c"), items trimmed, empty items dropped; empty by default.
  std::vector<std::string> GetList(const std::string& name, const char* env) const;

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace ibasho

#endif  // IBASHO_COMMON_FLAGS_H_
