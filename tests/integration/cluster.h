// The three real services (registry, search, gateway) as child processes on free loopback ports,
// with a real SQLite file and Xapian database in a temporary directory, and a small HTTP client.
#ifndef IBASHO_TESTS_INTEGRATION_CLUSTER_H_
#define IBASHO_TESTS_INTEGRATION_CLUSTER_H_

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/subprocess.h"
#include "common/url.h"
#include "testing/test_util.h"

namespace ibasho::testing {

struct HttpResult {
  int status = 0;  // -1 when the connection failed
  nlohmann::json body;
  std::string raw;
  std::string etag;
  std::string content_type;
  std::map<std::string, std::string> headers;  // lower-case names
};

class Cluster {
 public:
  static constexpr const char* kAdminToken = "test-admin-token";

  // Starts all three and waits until /readyz answers 200 (fails the test otherwise).
  // gateway_flags are added to the gateway's command line.
  explicit Cluster(std::vector<std::string> gateway_flags = {});
  void StartSearch();
  void StopSearch(int signal);
  void StartRegistry();
  void StopRegistry(int signal);
  // Sends signal to the gateway and returns its exit status (waits for it).
  int StopGateway(int signal);
  int http_port() const { return http_port_; }
  // Resident memory of a service ("registry", "search", "gateway") in KiB, -1 when it is gone.
  long RssKib(const std::string& name) const;

  HttpResult Call(const std::string& method, const std::string& target, const std::string& body = "",
                  std::map<std::string, std::string> headers = {});
  HttpResult As(const std::string& token, const std::string& method, const std::string& target,
                const std::string& body = "", std::map<std::string, std::string> headers = {});
  HttpResult Admin(const std::string& method, const std::string& target, const std::string& body = "",
                   std::map<std::string, std::string> headers = {}) {
    return As(kAdminToken, method, target, body, std::move(headers));
  }
  // GET /v1/search with q percent-encoded and page_size 100.
  HttpResult Search(const std::string& q, const std::string& extra = "");
  // Runs build/clients/ibashoctl with args (registry address added); returns its stdout.
  std::string Ctl(const std::string& args, int* exit_code = nullptr);
  // Creates a token with ibashoctl and returns its secret.
  std::string CreateToken(const std::string& args);

  const std::string& registry_address() const { return registry_addr_; }
  const std::string& search_address() const { return search_addr_; }
  std::string Log(const std::string& name) const { return ReadFile(dir_.File(name + ".log")); }
  const TempDir& dir() const { return dir_; }

 private:
  TempDir dir_;
  std::string registry_addr_, search_addr_;
  int http_port_ = 0;
  std::unique_ptr<Subprocess> registry_, search_, gateway_;
};

bool WaitUntil(const std::function<bool()>& condition, std::chrono::milliseconds limit);
bool HasTitle(const HttpResult& r, const std::string& title);

}  // namespace ibasho::testing

#endif  // IBASHO_TESTS_INTEGRATION_CLUSTER_H_
