#include "services/gateway/search_replicas.h"

#include <spdlog/spdlog.h>

#include "services/common/request_context.h"

namespace ibasho::gateway {
namespace {

bool Retryable(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::DEADLINE_EXCEEDED ||
         code == grpc::StatusCode::RESOURCE_EXHAUSTED;
}

}  // namespace

SearchReplicas::SearchReplicas(std::vector<Replica> replicas, SearchReplicasOptions options)
    : replicas_(std::move(replicas)), options_(options), health_(replicas_.size()) {
  for (size_t i = 0; i < replicas_.size(); ++i) {
    stubs_.push_back(search::v1::Search::NewStub(replicas_[i].channel));
    health_[i].address = replicas_[i].address;
  }
  Probe();  // a first picture before any request
  prober_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(stop_mu_);
    while (!stop_cv_.wait_for(lock, options_.probe_interval, [this] { return stopping_; })) {
      lock.unlock();
      Probe();
      lock.lock();
    }
  });
}

SearchReplicas::~SearchReplicas() {
  {
    std::lock_guard<std::mutex> lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (prober_.joinable()) prober_.join();
}

void SearchReplicas::Probe() {
  std::vector<Health> seen(replicas_.size());
  for (size_t i = 0; i < replicas_.size(); ++i) {
    seen[i].address = replicas_[i].address;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + options_.probe_deadline);
    grpc::Status s = stubs_[i]->IndexStatus(&ctx, {}, &seen[i].status);
    seen[i].reachable = s.ok();
    seen[i].caught_up = s.ok() && seen[i].status.caught_up();
    if (!s.ok()) seen[i].error = s.error_message();
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (size_t i = 0; i < seen.size(); ++i)
    if (seen[i].caught_up != health_[i].caught_up || seen[i].reachable != health_[i].reachable)
      spdlog::info("gateway: search replica {} is now {}", seen[i].address,
                   seen[i].caught_up   ? "ready"
                   : seen[i].reachable ? "catching up"
                                       : "unreachable");
  health_ = std::move(seen);
}

std::vector<SearchReplicas::Health> SearchReplicas::Healths() const {
  std::lock_guard<std::mutex> lock(mu_);
  return health_;
}

std::vector<size_t> SearchReplicas::Order() {
  const size_t n = replicas_.size();
  const size_t start = next_.fetch_add(1) % n;
  std::vector<size_t> ready, others;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (size_t k = 0; k < n; ++k) {
      size_t i = (start + k) % n;
      (health_[i].caught_up ? ready : others).push_back(i);
    }
  }
  ready.insert(ready.end(), others.begin(), others.end());
  return ready;
}

grpc::Status SearchReplicas::Call(
    const std::function<grpc::Status(search::v1::Search::Stub&, grpc::ClientContext*)>& call) {
  grpc::Status last(grpc::StatusCode::UNAVAILABLE, "no search replica");
  const std::vector<size_t> order = Order();
  for (size_t k = 0; k < order.size(); ++k) {
    const size_t i = order[k];
    grpc::Channel& channel = *replicas_[i].channel;
    const bool last_choice = k + 1 == order.size();
    if (channel.GetState(/*try_to_connect=*/true) != GRPC_CHANNEL_READY) {
      // Another replica may answer at once; only the last choice gets time to connect.
      if (!last_choice) continue;
      channel.WaitForConnected(std::chrono::system_clock::now() + options_.connect_wait);
    }
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + options_.rpc_deadline);
    services::AddRequestId(&ctx);
    last = call(*stubs_[i], &ctx);
    if (last.ok() || !Retryable(last.error_code())) return last;
  }
  return last;
}

}  // namespace ibasho::gateway
