#include "services/registry/registry_service.h"

#include <charconv>

#include "common/clock.h"
#include "common/crypto.h"
#include "common/limits.h"
#include "common/numbers.h"
#include "common/taxonomy.h"
#include "services/common/grpc_status.h"
#include "services/common/registry_secret.h"

namespace ibasho::services {

grpc::Status RegistryServiceImpl::Admit(const grpc::ServerContext* ctx) const {
  if (secret_.empty()) return grpc::Status::OK;
  auto it = ctx->client_metadata().find(kRegistrySecretHeader);
  std::string_view given =
      it == ctx->client_metadata().end() ? std::string_view() : std::string_view(it->second.data(), it->second.size());
  if (!ConstantTimeEquals(given, secret_))
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "registry calls need the shared secret");
  return grpc::Status::OK;
}
namespace {

using rv1::Group;

template <typename T>
grpc::Status Reply(StatusOr<T> result, T* out) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  *out = std::move(result).value();
  return grpc::Status::OK;
}

storage::Actor ActorOf(const rv1::Actor& a) { return {a.id(), a.name()}; }

// Parses a change cursor; "" is the beginning of the feed.
bool ParseCursor(const std::string& s, int64_t* out) {
  if (s.empty()) {
    *out = 0;
    return true;
  }
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size() && *out >= 0;
}

rv1::Token ToProto(const storage::TokenInfo& t) {
  rv1::Token out;
  out.set_id(t.id);
  out.set_name(t.name);
  out.set_role(t.role);
  for (const auto& g : t.groups) out.add_groups(g);
  out.set_source(t.source);
  out.set_created_at(t.created_at);
  out.set_revoked_at(t.revoked_at);
  return out;
}

}  // namespace

grpc::Status RegistryServiceImpl::CreateGroup(grpc::ServerContext* ctx, const rv1::CreateGroupRequest* req,
                                              Group* resp) {
  if (grpc::Status denied = Admit(ctx); !denied.ok()) return denied;
  return Reply(store_->Create(req->group(), ActorOf(req->actor())), resp);
}

grpc::Status RegistryServiceImpl::GetGroup(grpc::ServerContext* ctx, const rv1::GetGroupRequest* req, Group* resp) {
  if (grpc::Status denied = Admit(ctx); !denied.ok()) return denied;
  return Reply(store_->Get(req->id()), resp);
}

grpc::Status RegistryServiceImpl::UpdateGroup(grpc::ServerContext* ctx, const rv1::UpdateGroupRequest* req,
                                              Group* resp) {
  if (grpc::Status denied = Admit(ctx); !denied.ok()) return denied;
  if (req->group().id().empty()) return ToGrpcStatus(InvalidArgument("group.id is required", "id"));
  if (req->review())
    return Reply(store_->SubmitRevision(req->group(), req->expected_version(), ActorOf(req->actor())), resp);
  return Reply(store_->Update(req->group(), req->expected_version(), ActorOf(req->actor())), resp);
}

grpc::Status RegistryServiceImpl::DeleteGroup(grpc::ServerContext* ctx, const rv1::DeleteGroupRequest* req,
                                              Group* resp) {
  if (grpc::Status denied = Admit(ctx); !denied.ok()) return denied;
  std::string id = req->id();
  if (id.empty()) {
    auto g = store_->GetByExternalId(req->source(), req->external_id());
    if (!g.ok()) return ToGrpcStatus(g.status());
    id = g->id();
  }
  return Reply(store_->Archive(id, req->expected_version(), ActorOf(req->actor())), resp);
}

grpc::Status RegistryServiceImpl::ListGroups(grpc::ServerContext* ctx, const rv1::ListGroupsRequest* req,
                                             rv1::ListGroupsResponse* resp) {
  if (grpc::Status denied = Admit(ctx); !denied.ok()) return denied;
  if (req->page_size() < 0 || req->page_size() > limits::kMaxGroupsPageSize)
    return ToGrpcStatus(
        InvalidArgument("page_size must be 1.." + std::to_string(limits::kMaxGroupsPageSize), "page_size"));
  storage::GroupFilter filter;
  filter.source = req->source();
  if (!req->modified_after().empty()) {
    std::chrono::system_clock::time_point after;
    if (!ParseRfc3339(req->modified_after(), &after))
      return ToGrpcStatus(
          InvalidArgument("modified_after must be RFC 3339 (2026-12-01T09:00:00+09:00) or a date", "modified_after"));
    filter.modified_after = FormatRfc3339(after);
  }
  filter.published_only = req->published_only();
  filter.name_contains = req->name_contains();
  if (req->offset() < 0) return ToGrpcStatus(InvalidArgument("offset must not be negative", "offset"));
  int64_t total = 0;
  auto page =
      store_->List(req->page_size(), req->page_token(), filter, req->offset(), req->with_total() ? &total : nullptr);
  if (!page.ok()) return ToGrpcStatus(page.status());
  for (auto& g : page->groups) *resp->add_groups() = std::move(g);
  resp->set_next_page_token(page->next_page_token);
  resp->set_feed_cursor(std::to_string(page->feed_cursor));
  resp->set_total_size(total);
  return grpc::Status::OK;
}

grpc::Status RegistryServiceImpl::UpsertGroup(grpc::ServerContext* ctx, const rv1::UpsertGroupRequest* req,
                                              rv1::UpsertGroupResponse* resp) {
  if (grpc::Status denied = Admit(ctx); !denied.ok()) return denied;
  std::vector<rv1::FieldChange> diff;
  auto r = store_->Upsert(req->source(), req->external_id(), req->group(), req->expected_version(),
                          ActorOf(req->actor()), req->dry_run(), &diff);
  if (!r.ok()) return ToGrpcStatus(r.status());
  using Result = storage::RegistryStore::UpsertResult;
  *resp->mutable_group() = std::move(r->first);
  resp->set_result(r->second == Result::kCreated   ? rv1::UPSERT_RESULT_CREATED
                   : r->second == Result::kUpdated ? rv1::UPSERT_RESULT_UPDATED
                                                   : rv1::UPSERT_RESULT_UNCHANGED);
  for (auto& c : diff) *resp->add_diff() = std::move(c);
  return grpc::Status::OK;
}

grpc::Status RegistryServiceImpl::UpsertGroups(grpc::ServerContext* ctx, const rv1::UpsertGroupsRequest* req,
                                               rv1::UpsertGroupsResponse* resp) {
  if (grpc::Status denied = Admit(ctx); !denied.ok()) return denied;
  for (const auto& item : req->items()) {
    auto* out = resp->add_items();
    grpc::Status s = UpsertGroup(ctx, &item, out->mutable_response());
    if (!s.ok()) {
      out->clear_response();
      out->set_error_code(GrpcCodeName(s.error_code()));
      out->set_error_message(s.error_message());
      out->set_error_field(FieldOf(s));
    }
  }
  return grpc::Status::OK;
}

grpc::Status RegistryServiceImpl::ListChanges(grpc::ServerContext* ctx, const rv1::ListChangesRequest* req,
                                              rv1::ListChangesResponse* resp) {
  if (grpc::Status denied = Admit(ctx); !denied.ok()) return denied;
  int64_t after = 0;
  if (!ParseCursor(req->after(), &after))
    return ToGrpcStatus(InvalidArgument("after is not a cursor this service issued", "after"));
  if (req->page_size() < 0 || req->page_size() > limits::kMaxChangesPageSize)
    return ToGrpcStatus(
        InvalidArgument("page_size must be 1.." + std::to_string(limits::kMaxChangesPageSize), "page_size"));
  auto events = store_->ChangesAfter(after, req->page_size() > 0 ? req->page_size() : limits::kDefaultChangesPageSize,
                                     req->include_groups());
  if (!events.ok()) return ToGrpcStatus(events.status());
  for (auto& ev : *events) {
    *resp->add_changes() = ev.change();
    if (req->include_groups()) *resp->add_events() = std::move(ev);
  }
  resp->set_next_cursor(resp->changes_size() > 0 ? resp->changes().rbegin()->cursor() : std::to_string(after));
  return grpc::Status::OK;
}

grpc::Status RegistryServiceImpl::WatchChanges(grpc::ServerContext* ctx, const rv1::WatchChangesRequest* req,
                                               grpc::ServerWriter<rv1::ChangeBatch>* writer) {
  if (grpc::Status denied = Admit(ctx); !denied.ok()) return denied;
  int64_t cursor = 0;
  if (!ParseCursor(req->after(), &cursor))
    return ToGrpcStatus(InvalidArgument("after is not a cursor this service issued", "after"));
  int max_batch =
      req->max_batch() > 0 ? std::min(req->max_batch(), limits::kMaxChangesPageSize) : limits::kDefaultWatchBatch;
  // An empty first batch tells the follower the stream is established.
  if (!writer->Write(rv1::ChangeBatch())) return grpc::Status::OK;
  bool caught_up = false;
  while (!ctx->IsCancelled() && !shutting_down_) {
    auto events = store_->ChangesAfter(cursor, max_batch, /*with_groups=*/true);
    if (!events.ok()) return ToGrpcStatus(events.status());
    if (events->empty()) {
      if (!caught_up) {  // the backlog is sent: say so once
        caught_up = true;
        rv1::ChangeBatch marker;
        marker.set_caught_up(true);
        if (!writer->Write(marker)) break;
      }
      store_->WaitForChangeAfter(cursor, std::chrono::milliseconds(250));
      continue;
    }
    rv1::ChangeBatch batch;
    for (auto& ev : *events) *batch.add_events() = std::move(ev);
    ParseInt64(batch.events().rbegin()->change().cursor(), &cursor);  // the store wrote it
    if (!writer->Write(batch)) break;                                 // the follower went away
  }
  return grpc::Status::OK;
}

grpc::Status RegistryServiceImpl::GetStatus(grpc::ServerContext* ctx, const rv1::GetStatusRequest*,
                                            rv1::RegistryStatus* resp) {
  if (grpc::Status denied = Admit(ctx); !denied.ok()) return denied;
  auto count = store_->GroupCount();
  if (!count.ok()) return ToGrpcStatus(count.status());
  resp->set_latest_cursor(std::to_string(store_->LatestSeq()));
  resp->set_database_bytes(store_->DatabaseBytes());
  resp->set_group_count(*count);
  return grpc::Status::OK;
}

grpc::Status RegistryServiceImpl::Backup(grpc::ServerContext* ctx, const rv1::BackupRequest* req,
                                         rv1::BackupResponse* resp) {
  if (grpc::Status denied = Admit(ctx); !denied.ok()) return denied;
  auto info = store_->Backup(req->path());
  if (!info.ok()) return ToGrpcStatus(info.status());
  resp->set_path(info->path);
  resp->set_bytes(info->bytes);
  resp->set_latest_cursor(std::to_string(info->latest_cursor));
  return grpc::Status::OK;
}

grpc::Status RegistryServiceImpl::ListCategories(grpc::ServerContext* ctx, const rv1::ListCategoriesRequest*,
                                                 rv1::ListCategoriesResponse* resp) {
  if (grpc::Status denied = Admit(ctx); !denied.ok()) return denied;
  for (const auto& c : Categories()) {
    auto* out = resp->add_categories();
    out->set_code(c.code);
    out->set_label(c.label);
  }
  return grpc::Status::OK;
}

grpc::Status RegistryServiceImpl::GetPendingRevision(grpc::ServerContext* ctx, const rv1::GetGroupRequest* req,
                                                     Group* resp) {
  if (grpc::Status denied = Admit(ctx); !denied.ok()) return denied;
  return Reply(store_->PendingRevision(req->id()), resp);
}

grpc::Status RegistryServiceImpl::PublishRevision(grpc::ServerContext* ctx, const rv1::ReviewRequest* req,
                                                  Group* resp) {
  if (grpc::Status denied = Admit(ctx); !denied.ok()) return denied;
  return Reply(store_->PublishRevision(req->id(), ActorOf(req->actor())), resp);
}

grpc::Status RegistryServiceImpl::RejectRevision(grpc::ServerContext* ctx, const rv1::ReviewRequest* req, Group* resp) {
  if (grpc::Status denied = Admit(ctx); !denied.ok()) return denied;
  Status s = store_->RejectRevision(req->id(), req->reason(), ActorOf(req->actor()));
  if (!s.ok()) return ToGrpcStatus(s);
  return Reply(store_->Get(req->id()), resp);
}

grpc::Status RegistryServiceImpl::GetHistory(grpc::ServerContext* ctx, const rv1::GetGroupRequest* req,
                                             rv1::HistoryResponse* resp) {
  if (grpc::Status denied = Admit(ctx); !denied.ok()) return denied;
  auto entries = store_->History(req->id());
  if (!entries.ok()) return ToGrpcStatus(entries.status());
  for (auto& e : *entries) *resp->add_entries() = std::move(e);
  return grpc::Status::OK;
}

grpc::Status RegistryServiceImpl::ListStale(grpc::ServerContext* ctx, const rv1::ListStaleRequest* req,
                                            rv1::ListGroupsResponse* resp) {
  if (grpc::Status denied = Admit(ctx); !denied.ok()) return denied;
  auto groups = store_->Stale(req->before_date(), req->limit());
  if (!groups.ok()) return ToGrpcStatus(groups.status());
  for (auto& g : *groups) *resp->add_groups() = std::move(g);
  return grpc::Status::OK;
}

grpc::Status RegistryServiceImpl::VerifyGroup(grpc::ServerContext* ctx, const rv1::VerifyGroupRequest* req,
                                              Group* resp) {
  if (grpc::Status denied = Admit(ctx); !denied.ok()) return denied;
  return Reply(store_->Verify(req->id(), req->date().empty() ? TokyoToday() : req->date(), ActorOf(req->actor())),
               resp);
}

grpc::Status RegistryServiceImpl::CompactChanges(grpc::ServerContext* ctx, const rv1::CompactChangesRequest* req,
                                                 rv1::CompactChangesResponse* resp) {
  if (grpc::Status denied = Admit(ctx); !denied.ok()) return denied;
  auto dropped = store_->CompactChanges(req->cutoff());
  if (!dropped.ok()) return ToGrpcStatus(dropped.status());
  resp->set_dropped(*dropped);
  resp->set_compacted_through(std::to_string(store_->CompactedThrough()));
  return grpc::Status::OK;
}

grpc::Status RegistryServiceImpl::CreateToken(grpc::ServerContext* ctx, const rv1::CreateTokenRequest* req,
                                              rv1::CreateTokenResponse* resp) {
  if (grpc::Status denied = Admit(ctx); !denied.ok()) return denied;
  storage::TokenInfo info;
  info.name = req->token().name();
  info.role = req->token().role();
  info.groups.assign(req->token().groups().begin(), req->token().groups().end());
  info.source = req->token().source();
  auto created = store_->CreateToken(std::move(info));
  if (!created.ok()) return ToGrpcStatus(created.status());
  *resp->mutable_token() = ToProto(created->first);
  resp->set_secret(created->second);
  return grpc::Status::OK;
}

grpc::Status RegistryServiceImpl::RevokeToken(grpc::ServerContext* ctx, const rv1::RevokeTokenRequest* req,
                                              rv1::Token* resp) {
  if (grpc::Status denied = Admit(ctx); !denied.ok()) return denied;
  Status s = store_->RevokeToken(req->id());
  if (!s.ok()) return ToGrpcStatus(s);
  resp->set_id(req->id());
  return grpc::Status::OK;
}

grpc::Status RegistryServiceImpl::ListTokens(grpc::ServerContext* ctx, const rv1::ListTokensRequest*,
                                             rv1::ListTokensResponse* resp) {
  if (grpc::Status denied = Admit(ctx); !denied.ok()) return denied;
  auto tokens = store_->ListTokens();
  if (!tokens.ok()) return ToGrpcStatus(tokens.status());
  for (const auto& t : *tokens) *resp->add_tokens() = ToProto(t);
  return grpc::Status::OK;
}

grpc::Status RegistryServiceImpl::Authenticate(grpc::ServerContext* ctx, const rv1::AuthenticateRequest* req,
                                               rv1::Token* resp) {
  if (grpc::Status denied = Admit(ctx); !denied.ok()) return denied;
  auto t = store_->Authenticate(req->secret());
  if (!t.ok()) return ToGrpcStatus(t.status());
  *resp = ToProto(*t);
  return grpc::Status::OK;
}

}  // namespace ibasho::services
