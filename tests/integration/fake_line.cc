#include "tests/integration/fake_line.h"

#include <thread>

#include "tests/integration/cluster.h"

namespace ibasho::testing {

FakeLine::FakeLine() {
  gateway::HttpServerOptions options;
  options.port = 0;
  options.worker_threads = 8;
  server_ = std::make_unique<gateway::HttpServer>(options, [this](const gateway::HttpRequest& r) { return Handle(r); });
  Status started = server_->Start();
  if (!started.ok()) std::abort();
}

FakeLine::~FakeLine() { server_->Stop(); }

gateway::HttpResponse FakeLine::Handle(const gateway::HttpRequest& req) {
  Call call;
  call.path = req.path;
  call.authorization = req.Header("authorization");
  call.retry_key = req.Header("x-line-retry-key");
  call.body = nlohmann::json::parse(req.body, nullptr, false);
  gateway::HttpResponse r;
  r.body = "{}";
  std::chrono::milliseconds delay{0};
  const bool sends = req.path == "/v2/bot/message/multicast" || req.path == "/v2/bot/message/push";
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (sends) {
      if (++multicasts_seen_ == delayed_multicast_) delay = delay_;
      if (failures_left_ > 0) {
        --failures_left_;
        r.status = failure_status_;
        r.body = R"({"message":"scripted failure"})";
        if (failure_retry_after_ > 0) r.headers.emplace_back("Retry-After", std::to_string(failure_retry_after_));
      }
    }
  }
  // A delayed call is decided after the delay, as a slow LINE would (its client may be gone).
  if (delay.count() > 0) std::this_thread::sleep_for(delay);
  std::lock_guard<std::mutex> lock(mu_);
  if (sends && r.status == 200) {
    if (!call.retry_key.empty() && !accepted_keys_.insert(call.retry_key).second) {
      r.status = 409;
      r.body = R"({"message":"The retry key is already accepted"})";
    } else if (call.body.is_object() && call.body.contains("to")) {
      const nlohmann::json& to = call.body["to"];  // a user id (push) or a list (multicast)
      if (to.is_string()) ++deliveries_[to.get<std::string>()];
      for (const auto& u : to.is_array() ? to : nlohmann::json::array()) ++deliveries_[u.get<std::string>()];
    }
  }
  call.status = r.status;
  calls_.push_back(std::move(call));
  return r;
}

std::vector<FakeLine::Call> FakeLine::Calls(const std::string& path) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Call> out;
  for (const auto& c : calls_)
    if (c.path == path) out.push_back(c);
  return out;
}

bool FakeLine::WaitForCalls(const std::string& path, size_t n, std::chrono::milliseconds limit) const {
  return WaitUntil([&] { return Calls(path).size() >= n; }, limit);
}

void FakeLine::FailMulticasts(int count, int status, int retry_after) {
  std::lock_guard<std::mutex> lock(mu_);
  failures_left_ = count;
  failure_status_ = status;
  failure_retry_after_ = retry_after;
}

void FakeLine::DelayMulticast(int n, std::chrono::milliseconds delay) {
  std::lock_guard<std::mutex> lock(mu_);
  delayed_multicast_ = n;
  delay_ = delay;
}

std::map<std::string, int> FakeLine::Deliveries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return deliveries_;
}

}  // namespace ibasho::testing
