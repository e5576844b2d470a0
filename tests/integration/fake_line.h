// A stand-in for LINE's Messaging API on loopback, for the bot's tests: records every call and
// answers as LINE does (200; 409 for a retry key it already accepted), with scripted failures and
// delays. Thread-safe.
#ifndef IBASHO_TESTS_INTEGRATION_FAKE_LINE_H_
#define IBASHO_TESTS_INTEGRATION_FAKE_LINE_H_

#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "services/gateway/http_server.h"

namespace ibasho::testing {

class FakeLine {
 public:
  struct Call {
    std::string path;
    std::string authorization;
    std::string retry_key;
    nlohmann::json body;
    int status = 0;  // what the fake answered
  };

  FakeLine();
  ~FakeLine();
  int port() const { return server_->port(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }

  std::vector<Call> Calls(const std::string& path) const;
  // Waits until at least n calls to path were answered; false on timeout.
  bool WaitForCalls(const std::string& path, size_t n, std::chrono::milliseconds limit) const;
  // The next count sends (multicast or push) are answered with status (and Retry-After:
  // retry_after when > 0).
  void FailMulticasts(int count, int status, int retry_after = 0);
  // Send number n (1-based, counting every multicast and push) is answered after delay.
  void DelayMulticast(int n, std::chrono::milliseconds delay);
  // Users who received an accepted multicast or push, with how many each got.
  std::map<std::string, int> Deliveries() const;

 private:
  gateway::HttpResponse Handle(const gateway::HttpRequest& request);
  mutable std::mutex mu_;
  std::vector<Call> calls_;
  std::set<std::string> accepted_keys_;
  std::map<std::string, int> deliveries_;
  int failures_left_ = 0, failure_status_ = 0, failure_retry_after_ = 0;
  int multicasts_seen_ = 0, delayed_multicast_ = 0;
  std::chrono::milliseconds delay_{0};
  std::unique_ptr<gateway::HttpServer> server_;
};

}  // namespace ibasho::testing

#endif  // IBASHO_TESTS_INTEGRATION_FAKE_LINE_H_
