#include "services/search/feed_follower.h"

#include <spdlog/spdlog.h>

#include "common/limits.h"
#include "common/numbers.h"

namespace ibasho::services {

FeedFollower::FeedFollower(std::shared_ptr<grpc::Channel> registry, search::IndexWriter* writer)
    : stub_(registry::v1::Registry::NewStub(registry)), writer_(writer) {}

FeedFollower::~FeedFollower() { Stop(); }

void FeedFollower::Start() {
  thread_ = std::thread([this] { Run(); });
}

void FeedFollower::Stop() {
  stop_ = true;
  {
    std::lock_guard<std::mutex> lock(ctx_mu_);
    if (ctx_) ctx_->TryCancel();
  }
  if (thread_.joinable()) thread_.join();
}

void FeedFollower::Run() {
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
    registry::v1::ChangeBatch batch;
    bool apply_failed = false;
    while (!stop_ && reader->Read(&batch)) {
      if (!following_) spdlog::info("search: following the registry from cursor {}", req.after());
      following_ = true;
      backoff_ms = 100;
      if (batch.caught_up() && !caught_up_) {
        spdlog::info("search: caught up with the registry at cursor {}", writer_->AppliedCursor());
        caught_up_ = true;
      }
      if (batch.events_size() == 0) continue;
      Status s = writer_->Apply(batch);
      if (!s.ok()) {
        spdlog::error("search: {}", s.ToString());
        apply_failed = true;
        ctx.TryCancel();
        break;
      }
    }
    grpc::Status status = reader->Finish();
    {
      std::lock_guard<std::mutex> lock(ctx_mu_);
      ctx_ = nullptr;
    }
    following_ = false;
    if (stop_) break;
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
  return writer_->ReplaceAll(groups, cursor);
}

}  // namespace ibasho::services
