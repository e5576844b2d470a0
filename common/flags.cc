#include "common/flags.h"

#include <cstdio>
#include <cstdlib>

#include "common/numbers.h"

namespace ibasho {

Flags::Flags(int argc, char** argv, std::string usage) : usage_(std::move(usage)) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0 || arg == "--") {
      args_.push_back(arg);
      continue;
    }
    auto eq = arg.find('=');
    if (eq == std::string::npos) {
      values_[arg.substr(2)] = "true";
    } else {
      values_[arg.substr(2, eq - 2)] = arg.substr(eq + 1);
    }
  }
}

void Flags::Declare(const std::string& name, const char* env, const std::string& fallback, const std::string& help) {
  if (!declared_.count(name)) order_.push_back(name);
  declared_[name] = Declared{env ? env : "", fallback, help};
}

std::string Flags::Get(const std::string& name, const char* env, const std::string& fallback, const std::string& help) {
  Declare(name, env, fallback, help);
  auto it = values_.find(name);
  if (it != values_.end()) return it->second;
  if (env) {
    const char* v = std::getenv(env);
    if (v && *v) return v;
  }
  return fallback;
}

int Flags::GetInt(const std::string& name, const char* env, int fallback, const std::string& help) {
  std::string v = Get(name, env, std::to_string(fallback), help);
  int out = 0;
  if (!ParseInt(v, &out)) {
    bad_values_.push_back("--" + name + (env ? " (" + std::string(env) + ")" : "") + " must be a whole number, not \"" +
                          v + "\"");
    return fallback;
  }
  return out;
}

std::vector<std::string> Flags::GetList(const std::string& name, const char* env, const std::string& help) {
  std::vector<std::string> out;
  std::string v = Get(name, env, "", help);
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

bool Flags::GetBool(const std::string& name, const std::string& help) {
  std::string v = Get(name, nullptr, "false", help);
  if (v == "true" || v == "1") return true;
  if (v != "false" && v != "0")
    bad_values_.push_back("--" + name + " takes no value (or true/false), not \"" + v + "\"");
  return false;
}

std::vector<std::string> Flags::Problems() const {
  std::vector<std::string> out = bad_values_;
  for (const auto& [name, value] : values_)
    if (name != "help" && !declared_.count(name)) out.push_back("unknown flag --" + name + " (see --help)");
  return out;
}

std::string Flags::Help() const {
  std::string out = usage_.empty() ? "" : usage_ + "\n\n";
  out += "flags (each also read from its environment variable; a flag wins):\n";
  for (const auto& name : order_) {
    const Declared& d = declared_.at(name);
    out += "  --" + name + (d.env.empty() ? "" : "  [" + d.env + "]") + "\n";
    if (!d.help.empty()) out += "      " + d.help + "\n";
    if (!d.fallback.empty()) out += "      default: " + d.fallback + "\n";
  }
  out += "  --help\n      this text\n";
  return out;
}

void Flags::Finish() const {
  if (values_.count("help")) {
    std::fputs(Help().c_str(), stdout);
    std::exit(0);
  }
  std::vector<std::string> problems = Problems();
  if (problems.empty()) return;
  for (const auto& p : problems) std::fprintf(stderr, "%s\n", p.c_str());
  std::exit(2);
}

}  // namespace ibasho
