#include "common/flags.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace ibasho {
namespace {

Flags Parse(std::vector<std::string> args) {
  std::vector<char*> argv = {const_cast<char*>("prog")};
  for (auto& a : args) argv.push_back(a.data());
  return Flags(static_cast<int>(argv.size()), argv.data(), "prog: does things");
}

TEST(Flags, FlagBeatsEnvironmentBeatsDefault) {
  setenv("IBASHO_TEST_FLAG_PORT", "9000", 1);
  Flags given = Parse({"--port=8081"});
  EXPECT_EQ(given.GetInt("port", "IBASHO_TEST_FLAG_PORT", 8080, "port"), 8081);
  Flags from_env = Parse({});
  EXPECT_EQ(from_env.GetInt("port", "IBASHO_TEST_FLAG_PORT", 8080, "port"), 9000);
  unsetenv("IBASHO_TEST_FLAG_PORT");
  Flags plain = Parse({});
  EXPECT_EQ(plain.GetInt("port", "IBASHO_TEST_FLAG_PORT", 8080, "port"), 8080);
  EXPECT_TRUE(plain.Problems().empty());
}

TEST(Flags, UnknownFlagsAndBadValuesAreProblems) {
  struct Case {
    std::vector<std::string> args;
    const char* problem;  // a part of the one problem; empty: none
  };
  const Case cases[] = {
      {{"--port=80"}, ""},
      {{"--portt=80"}, "unknown flag --portt"},
      {{"--port=eighty"}, "--port (IBASHO_TEST_NONE) must be a whole number, not \"eighty\""},
      {{"--port=80x"}, "must be a whole number"},
      {{"--port"}, "must be a whole number, not \"true\""},
      {{"--dry_run"}, ""},
      {{"--dry_run=maybe"}, "--dry_run takes no value"},
      {{"--help"}, ""},
  };
  for (const auto& c : cases) {
    Flags f = Parse(c.args);
    f.GetInt("port", "IBASHO_TEST_NONE", 8080, "port");
    f.GetBool("dry_run", "report only");
    auto problems = f.Problems();
    if (std::string(c.problem).empty()) {
      EXPECT_TRUE(problems.empty()) << c.args[0] << ": " << (problems.empty() ? "" : problems[0]);
    } else {
      ASSERT_EQ(problems.size(), 1u) << c.args[0];
      EXPECT_NE(problems[0].find(c.problem), std::string::npos) << problems[0];
    }
  }
}

TEST(Flags, ListsTrimAndDropEmptyItems) {
  Flags f = Parse({"--origins= https://a.example, ,https://b.example "});
  EXPECT_EQ(f.GetList("origins", nullptr, "origins"),
            (std::vector<std::string>{"https://a.example", "https://b.example"}));
}

TEST(Flags, HelpNamesEveryFlagItsVariableAndDefault) {
  Flags f = Parse({});
  f.Get("listen", "IBASHO_X_LISTEN", "127.0.0.1:1", "where to listen");
  f.GetInt("workers", nullptr, 4, "how many");
  std::string help = f.Help();
  EXPECT_NE(help.find("prog: does things"), std::string::npos);
  EXPECT_NE(help.find("--listen  [IBASHO_X_LISTEN]"), std::string::npos) << help;
  EXPECT_NE(help.find("where to listen"), std::string::npos);
  EXPECT_NE(help.find("default: 127.0.0.1:1"), std::string::npos);
  EXPECT_NE(help.find("--workers"), std::string::npos);
}

TEST(Flags, ArgumentsThatAreNotFlagsStayInOrder) {
  Flags f = Parse({"token", "--role=admin", "create"});
  EXPECT_EQ(f.args(), (std::vector<std::string>{"token", "create"}));
}

}  // namespace
}  // namespace ibasho
