// FeedFollower: keeps the index in step with the registry by following its WatchChanges stream
// from the index's own stored cursor, applying each batch as one commit. Reconnects with backoff
// when the registry is away.
//
// Thread-safety: Start/Stop from one thread; following() from any.
#ifndef IBASHO_SERVICES_SEARCH_FEED_FOLLOWER_H_
#define IBASHO_SERVICES_SEARCH_FEED_FOLLOWER_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>

#include "ibasho/registry/v1/registry.grpc.pb.h"
#include "search/index/index_writer.h"

namespace ibasho::services {

class FeedFollower {
 public:
  // writer must outlive the follower, which owns it exclusively while running.
  FeedFollower(std::shared_ptr<grpc::Channel> registry, search::IndexWriter* writer);
  ~FeedFollower();

  void Start();
  void Stop();
  bool following() const { return following_; }
  // True once everything the feed held at the first connection has been applied; stays true
  // (a replica that loses the registry serves what it has).
  bool caught_up() const { return caught_up_; }

 private:
  void Run();
  // Rebuilds the index from a full listing after the feed was compacted past our cursor.
  Status Resync();

  std::unique_ptr<registry::v1::Registry::Stub> stub_;
  search::IndexWriter* writer_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> following_{false};
  std::atomic<bool> caught_up_{false};
  std::mutex ctx_mu_;
  grpc::ClientContext* ctx_ = nullptr;  // the open stream's context, guarded by ctx_mu_
};

}  // namespace ibasho::services

#endif  // IBASHO_SERVICES_SEARCH_FEED_FOLLOWER_H_
