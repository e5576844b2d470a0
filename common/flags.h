// Command-line configuration: --name=value (or --name value) flags, each with an environment
// variable fallback and a default, so every service runs on its embedded defaults with no flags.
// Strict: every flag a program reads is declared by reading it (with its help text); Finish()
// then answers --help, and rejects unknown flags and malformed values, naming them.
#ifndef IBASHO_COMMON_FLAGS_H_
#define IBASHO_COMMON_FLAGS_H_

#include <map>
#include <string>
#include <vector>

namespace ibasho {

class Flags {
 public:
  // usage: what --help prints above the flags (the program and what it does).
  Flags(int argc, char** argv, std::string usage = "");
  // The --name flag, else the environment variable env (when non-empty), else fallback.
  std::string Get(const std::string& name, const char* env, const std::string& fallback, const std::string& help = "");
  // As Get, for a whole number; anything else is an error reported by Finish (fallback is used).
  int GetInt(const std::string& name, const char* env, int fallback, const std::string& help = "");
  // A comma-separated list ("a, b,c"), items trimmed, empty items dropped; empty by default.
  std::vector<std::string> GetList(const std::string& name, const char* env, const std::string& help = "");
  // True when --name or --name=true was given.
  bool GetBool(const std::string& name, const std::string& help = "");

  // After every Get: with --help prints Help() and exits 0; with an unknown flag or a malformed
  // value prints what is wrong and exits 2.
  void Finish() const;
  // Problems found so far ("unknown flag --portt"); empty when all is well.
  std::vector<std::string> Problems() const;
  std::string Help() const;
  // The arguments that are not flags, in order (subcommands, files).
  const std::vector<std::string>& args() const { return args_; }

 private:
  struct Declared {
    std::string env, fallback, help;
  };
  std::string usage_;
  std::map<std::string, std::string> values_;
  std::vector<std::string> args_;
  std::vector<std::string> order_;  // declared names, in the order they were read
  std::map<std::string, Declared> declared_;
  std::vector<std::string> bad_values_;
  void Declare(const std::string& name, const char* env, const std::string& fallback, const std::string& help);
};

}  // namespace ibasho

#endif  // IBASHO_COMMON_FLAGS_H_
