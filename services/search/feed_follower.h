// FeedFollower: keeps the index in step with the registry by following its WatchChanges stream
// from the index's own stored cursor. One thread reads the stream; another applies what it read,
// coalescing the batches that arrive within `min_commit_interval` of the last commit into one
// commit, so a steady write load costs a few commits a second instead of one per write. Reconnects
// with backoff when the registry is away.
//
// Thread-safety: Start/Stop from one thread; following() and caught_up() from any.
#ifndef IBASHO_SERVICES_SEARCH_FEED_FOLLOWER_H_
#define IBASHO_SERVICES_SEARCH_FEED_FOLLOWER_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "ibasho/registry/v1/registry.grpc.pb.h"
#include "search/index/index_writer.h"

namespace ibasho::services {

struct FeedFollowerOptions {
  // A batch that arrives sooner than this after the last commit waits for the rest of the interval
  // with whatever else arrives; one arriving later is applied at once. The freshness this costs is
  // at most the interval.
  std::chrono::milliseconds min_commit_interval{40};
  // Events in one commit, at most: a transaction is held in memory until it commits (a bulk import
  // in one commit would hold all of it).
  size_t max_events_per_commit = 256;
  // Events read but not yet applied, at most (the reader waits beyond that).
  size_t max_pending_events = 4096;
};

class FeedFollower {
 public:
  // writer must outlive the follower, which owns it exclusively while running.
  FeedFollower(std::shared_ptr<grpc::Channel> registry, search::IndexWriter* writer,
               const FeedFollowerOptions& options = {});
  ~FeedFollower();

  void Start();
  void Stop();
  bool following() const { return following_; }
  // True once everything the feed held at the first connection has been applied; stays true
  // (a replica that loses the registry serves what it has).
  bool caught_up() const { return caught_up_; }

 private:
  // A batch read from the stream, or the marker that the backlog was sent.
  struct Pending {
    registry::v1::ChangeBatch batch;
    bool caught_up_marker = false;
  };
  void ReadLoop();
  void ApplyLoop();
  // Waits for room, then queues p; false when stopping or the applier asked for a reconnect.
  bool Enqueue(Pending p);
  // Under the applier: what is queued, up to max_events_per_commit (at least one batch), as one
  // batch; *marker: a caught-up marker was among it.
  registry::v1::ChangeBatch TakeQueuedLocked(bool* marker);
  // Rebuilds the index from a full listing after the feed was compacted past our cursor.
  Status Resync();
  void CancelStream();

  std::unique_ptr<registry::v1::Registry::Stub> stub_;
  search::IndexWriter* writer_;
  FeedFollowerOptions options_;
  std::thread reader_, applier_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> following_{false};
  std::atomic<bool> caught_up_{false};
  std::mutex ctx_mu_;
  grpc::ClientContext* ctx_ = nullptr;  // the open stream's context, guarded by ctx_mu_

  std::mutex writer_mu_;  // held while the writer applies or resyncs
  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<Pending> queue_;  // guarded by queue_mu_
  size_t queued_events_ = 0;   // guarded by queue_mu_
  bool apply_failed_ = false;  // guarded by queue_mu_: the stream must restart from the applied cursor
};

}  // namespace ibasho::services

#endif  // IBASHO_SERVICES_SEARCH_FEED_FOLLOWER_H_
