// The web page in a real browser: starts the three services with the sample data and runs
// tests/web/browser_test.mjs (playwright-core driving Debian's chromium) against them, then again
// with search stopped. Map tiles point at a closed loopback port, so the page must cope without
// them and nothing leaves 127.0.0.1. Screenshots go to build/test-artifacts/web/.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

#include "tests/integration/cluster.h"

namespace ibasho {
namespace {

using testing::Cluster;
using testing::WaitUntil;

constexpr const char* kArtifacts = IBASHO_BINARY_DIR "/test-artifacts/web";

// Runs the browser suite for phase; its exit status (0: every check passed). Output goes to the
// test's log.
int RunBrowserSuite(const Cluster& c, const std::string& phase) {
  std::string cmd = "IBASHO_URL=http://127.0.0.1:" + std::to_string(c.http_port()) + " IBASHO_PHASE=" + phase +
                    " IBASHO_ARTIFACTS=" + kArtifacts +
                    " node --test --test-reporter=spec " IBASHO_SOURCE_DIR
                    "/tests/web/browser_test.mjs 2>&1";
  int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

TEST(WebBrowser, ThePageWorksForParentsInARealBrowser) {
  ASSERT_TRUE(std::filesystem::exists(IBASHO_BINARY_DIR "/clients/web/dist/index.html"))
      << "the web page was not built (npm missing?)";
  ASSERT_TRUE(std::filesystem::exists("/usr/bin/chromium")) << "scripts/install_deps.sh installs chromium";
  Cluster c({"--tile_url=http://127.0.0.1:9/{z}/{x}/{y}.png"});
  int rc = -1;
  c.Ctl("load " IBASHO_SOURCE_DIR "/data/sample/groups.json", &rc);
  ASSERT_EQ(rc, 0);
  ASSERT_TRUE(WaitUntil([&] { return c.Call("GET", "/v1/search?page_size=1").body.value("total", 0) >= 60; },
                        std::chrono::seconds(20)));
  EXPECT_EQ(RunBrowserSuite(c, "main"), 0);

  c.StopSearch(SIGKILL);
  EXPECT_EQ(RunBrowserSuite(c, "api-down"), 0);
}

}  // namespace
}  // namespace ibasho
