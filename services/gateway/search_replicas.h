// The search processes a gateway reads from. Each replica builds its own index from the
// registry's change feed; a prober asks each for its IndexStatus every probe_interval. Reads go
// round-robin to replicas that answered and have caught up with the feed; a read that fails with
// UNAVAILABLE, DEADLINE_EXCEEDED or RESOURCE_EXHAUSTED is tried on the next replica, so losing
// one replica loses no request. Thread-safe.
#ifndef IBASHO_SERVICES_GATEWAY_SEARCH_REPLICAS_H_
#define IBASHO_SERVICES_GATEWAY_SEARCH_REPLICAS_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ibasho/search/v1/search.grpc.pb.h"

namespace ibasho::gateway {

struct SearchReplicasOptions {
  std::chrono::milliseconds probe_interval{500};
  std::chrono::milliseconds probe_deadline{300};
  std::chrono::milliseconds rpc_deadline{5000};
  // How long a call waits for a replica that is not connected (when it is the only choice left).
  std::chrono::milliseconds connect_wait{500};
};

class SearchReplicas {
 public:
  struct Replica {
    std::string address;
    std::shared_ptr<grpc::Channel> channel;
  };
  struct Health {
    std::string address;
    bool reachable = false;
    bool caught_up = false;
    search::v1::IndexStatusResponse status;  // the last answer
    std::string error;                       // why it is not reachable
  };

  // Starts the prober. replicas must not be empty.
  SearchReplicas(std::vector<Replica> replicas, SearchReplicasOptions options = {});
  ~SearchReplicas();  // stops the prober
  SearchReplicas(const SearchReplicas&) = delete;
  SearchReplicas& operator=(const SearchReplicas&) = delete;

  // Runs call with a replica's stub and a fresh context (deadline set), trying others as above.
  grpc::Status Call(const std::function<grpc::Status(search::v1::Search::Stub&, grpc::ClientContext*)>& call);
  // What the prober last saw of each replica.
  std::vector<Health> Healths() const;
  // Probes every replica now (readiness checks and scrapes want the current picture).
  void Probe();

 private:
  std::vector<size_t> Order();  // replicas to try, best first
  std::vector<Replica> replicas_;
  std::vector<std::unique_ptr<search::v1::Search::Stub>> stubs_;
  SearchReplicasOptions options_;
  std::atomic<size_t> next_{0};
  mutable std::mutex mu_;
  std::vector<Health> health_;  // guarded by mu_
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;  // guarded by stop_mu_
  std::thread prober_;
};

}  // namespace ibasho::gateway

#endif  // IBASHO_SERVICES_GATEWAY_SEARCH_REPLICAS_H_
