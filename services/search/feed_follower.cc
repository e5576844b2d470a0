#include "services/search/feed_follower.h"

#include <spdlog/spdlog.h>

#include "common/limits.h"
#include "common/numbers.h"

namespace ibasho::services {

FeedFollower::FeedFollower(std::shared_ptr<grpc::Channel> registry, search::IndexWriter* writer,
                           const FeedFollowerOptions& options)
    : stub_(registry::v1::Registry::NewStub(registry)), writer_(writer), options_(options) {}

FeedFollower::~FeedFollower() { Stop(); }

void FeedFollower::Start() {
  applier_ = std::thread([this] { ApplyLoop(); });
  reader_ = std::thread([this] { ReadLoop(); });
}

void FeedFollower::Stop() {
  stop_ = true;
  CancelStream();
  {
    std::lock_guard<std::mutex> lock(queue_mu_);  // no waiter can miss the wake-up
  }
  queue_cv_.notify_all();
  if (reader_.joinable()) reader_.join();
  if (applier_.joinable()) applier_.join();
}

void FeedFollower::CancelStream() {
  std::lock_guard<std::mutex> lock(ctx_mu_);
  if (ctx_) ctx_->TryCancel();
}

void FeedFollower::ReadLoop() {
  int backoff_ms = 100;
  while (!stop_) {
    grpc::ClientContext ctx;
    {
      std::lock_guard<std::mutex> lock(ctx_mu_);
      if (stop_) break;
      ctx_ = &ctx;
    }
    registry::v1::WatchChangesRequest req;
    req.set_after(std::to_string(writer_->AppliedCursor()));
    auto reader = stub_->WatchChanges(&ctx, req);
    Pending p;
    while (!stop_ && reader->Read(&p.batch)) {
      if (!following_) spdlog::info("search: following the registry from cursor {}", req.after());
      following_ = true;
      backoff_ms = 100;
      p.caught_up_marker = p.batch.caught_up();
      if (p.batch.events_size() == 0 && !p.caught_up_marker) continue;
      if (!Enqueue(std::move(p))) {
        ctx.TryCancel();
        break;
      }
      p = Pending();
    }
    grpc::Status status = reader->Finish();
    {
      std::lock_guard<std::mutex> lock(ctx_mu_);
      ctx_ = nullptr;
    }
    following_ = false;
    if (stop_) break;
    bool apply_failed = false;
    {
      std::lock_guard<std::mutex> lock(queue_mu_);
      std::swap(apply_failed, apply_failed_);
    }
    if (status.error_code() == grpc::StatusCode::OUT_OF_RANGE) {
      spdlog::warn("search: {}; rebuilding the index from a full listing", status.error_message());
      Status s = Resync();
      if (!s.ok()) spdlog::error("search: resync failed: {}", s.ToString());
      continue;
    }
    if (!apply_failed) spdlog::warn("search: change feed ended ({}); reconnecting", status.error_message());
    std::this_thread::sleep_for(std::chrono::milliseconds(backoff_ms));
    backoff_ms = std::min(backoff_ms * 2, 2000);
  }
}

bool FeedFollower::Enqueue(Pending p) {
  std::unique_lock<std::mutex> lock(queue_mu_);
  queue_cv_.wait(lock, [&] { return stop_ || apply_failed_ || queued_events_ < options_.max_pending_events; });
  if (stop_ || apply_failed_) return false;
  queued_events_ += p.batch.events_size();
  queue_.push_back(std::move(p));
  lock.unlock();
  queue_cv_.notify_all();
  return true;
}

registry::v1::ChangeBatch FeedFollower::TakeQueuedLocked(bool* marker) {
  registry::v1::ChangeBatch merged;
  *marker = false;
  while (!queue_.empty()) {
    Pending& p = queue_.front();
    const auto merged_events = static_cast<size_t>(merged.events_size());
    if (merged_events > 0 &&
        merged_events + static_cast<size_t>(p.batch.events_size()) > options_.max_events_per_commit)
      break;
    *marker = *marker || p.caught_up_marker;
    queued_events_ -= p.batch.events_size();
    for (auto& ev : *p.batch.mutable_events()) *merged.add_events() = std::move(ev);
    queue_.pop_front();
  }
  return merged;
}

void FeedFollower::ApplyLoop() {
  using Clock = std::chrono::steady_clock;
  Clock::time_point last_commit;  // long ago
  while (!stop_) {
    std::unique_lock<std::mutex> lock(queue_mu_);
    queue_cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    // Batches soon after a commit wait out the interval together (the reader keeps queueing).
    Clock::time_point due = last_commit + options_.min_commit_interval;
    if (Clock::now() < due) queue_cv_.wait_until(lock, due, [&] { return stop_.load(); });
    if (stop_) break;
    bool marker = false;
    registry::v1::ChangeBatch merged = TakeQueuedLocked(&marker);
    lock.unlock();
    queue_cv_.notify_all();  // room for the reader
    Status s = Status::Ok();
    if (merged.events_size() > 0) {
      std::lock_guard<std::mutex> writing(writer_mu_);
      s = writer_->Apply(merged);
      last_commit = Clock::now();
    }
    if (!s.ok()) {
      spdlog::error("search: {}", s.ToString());
      {
        std::lock_guard<std::mutex> failed(queue_mu_);
        apply_failed_ = true;  // what is queued was read after the failed batch: read it again
        queue_.clear();
        queued_events_ = 0;
      }
      queue_cv_.notify_all();
      CancelStream();
      continue;
    }
    if (marker && !caught_up_) {
      spdlog::info("search: caught up with the registry at cursor {}", writer_->AppliedCursor());
      caught_up_ = true;
    }
  }
}

Status FeedFollower::Resync() {
  std::vector<registry::v1::Group> groups;
  std::string token, feed_cursor;
  do {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    registry::v1::ListGroupsRequest req;
    req.set_page_size(limits::kMaxGroupsPageSize);
    req.set_page_token(token);
    registry::v1::ListGroupsResponse resp;
    grpc::Status s = stub_->ListGroups(&ctx, req, &resp);
    if (!s.ok()) return Status(StatusCode::kUnavailable, s.error_message());
    if (feed_cursor.empty()) feed_cursor = resp.feed_cursor();
    for (auto& g : *resp.mutable_groups()) groups.push_back(std::move(g));
    token = resp.next_page_token();
  } while (!token.empty() && !stop_);
  // Changes made while listing are replayed from the first page's cursor: harmless, state-based.
  int64_t cursor = 0;
  if (!feed_cursor.empty() && !ParseInt64(feed_cursor, &cursor))
    return Internal("registry sent a malformed feed cursor \"" + feed_cursor + "\"");
  {
    std::lock_guard<std::mutex> lock(queue_mu_);  // what was queued is older than the listing
    queue_.clear();
    queued_events_ = 0;
  }
  std::lock_guard<std::mutex> writing(writer_mu_);
  return writer_->ReplaceAll(groups, cursor);
}

}  // namespace ibasho::services
