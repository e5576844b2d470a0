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

  // Starts all three (search_replicas search processes, each with its own index) and waits until
  // /readyz answers 200 (fails the test otherwise). gateway_flags are added to the gateway's
  // command line.
  // registry_db: a database file to start the registry on (a copy is used; empty: a new one).
  explicit Cluster(std::vector<std::string> gateway_flags = {}, int search_replicas = 1,
                   const std::string& registry_db = "");
  void StartSearch(int replica = 0);
  void StopSearch(int signal, int replica = 0);
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
  const std::string& search_address(int replica = 0) const { return search_addrs_[replica]; }
  std::string Log(const std::string& name) const { return ReadFile(dir_.File(name + ".log")); }
  const TempDir& dir() const { return dir_; }

 private:
  TempDir dir_;
  std::string registry_addr_;
  std::vector<std::string> search_addrs_;
  int http_port_ = 0;
  std::unique_ptr<Subprocess> registry_, gateway_;
  std::vector<std::unique_ptr<Subprocess>> searches_;
};

bool WaitUntil(const std::function<bool()>& condition, std::chrono::milliseconds limit);
bool HasTitle(const HttpResult& r, const std::string& title);

}  // namespace ibasho::testing

#endif  // IBASHO_TESTS_INTEGRATION_CLUSTER_H_
