#include "services/registry/registry_service.h"

#include <charconv>

#include "common/taxonomy.h"
#include "services/common/grpc_status.h"

namespace ibasho::services {
namespace {

using registry::v1::Group;

template <typename T>
grpc::Status Reply(StatusOr<T> result, T* out) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  *out = std::move(result).value();
  return grpc::Status::OK;
}

// Parses a change cursor; "" is the beginning of the feed.
bool ParseCursor(const std::string& s, int64_t* out) {
  if (s.empty()) {
    *out = 0;
    return true;
  }
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size() && *out >= 0;
}

}  // namespace

grpc::Status RegistryServiceImpl::CreateGroup(grpc::ServerContext*, const registry::v1::CreateGroupRequest* req,
                                              Group* resp) {
  return Reply(store_->Create(req->group()), resp);
}

grpc::Status RegistryServiceImpl::GetGroup(grpc::ServerContext*, const registry::v1::GetGroupRequest* req,
                                           Group* resp) {
  return Reply(store_->Get(req->id()), resp);
}

grpc::Status RegistryServiceImpl::UpdateGroup(grpc::ServerContext*, const registry::v1::UpdateGroupRequest* req,
                                              Group* resp) {
  if (req->group().id().empty()) return ToGrpcStatus(InvalidArgument("group.id is required", "id"));
  return Reply(store_->Update(req->group(), req->expected_version()), resp);
}

grpc::Status RegistryServiceImpl::DeleteGroup(grpc::ServerContext*, const registry::v1::DeleteGroupRequest* req,
                                              Group* resp) {
  return Reply(store_->Archive(req->id(), req->expected_version()), resp);
}

grpc::Status RegistryServiceImpl::ListGroups(grpc::ServerContext*, const registry::v1::ListGroupsRequest* req,
                                             registry::v1::ListGroupsResponse* resp) {
  if (req->page_size() < 0 || req->page_size() > 500)
    return ToGrpcStatus(InvalidArgument("page_size must be 1..500", "page_size"));
  auto page = store_->List(req->page_size(), req->page_token());
  if (!page.ok()) return ToGrpcStatus(page.status());
  for (auto& g : page->groups) *resp->add_groups() = std::move(g);
  resp->set_next_page_token(page->next_page_token);
  return grpc::Status::OK;
}

grpc::Status RegistryServiceImpl::UpsertGroup(grpc::ServerContext*, const registry::v1::UpsertGroupRequest* req,
                                              registry::v1::UpsertGroupResponse* resp) {
  auto r = store_->Upsert(req->source(), req->external_id(), req->group(), req->expected_version());
  if (!r.ok()) return ToGrpcStatus(r.status());
  using Result = storage::RegistryStore::UpsertResult;
  *resp->mutable_group() = std::move(r->first);
  resp->set_result(r->second == Result::kCreated ? "created" : r->second == Result::kUpdated ? "updated" : "unchanged");
  return grpc::Status::OK;
}

grpc::Status RegistryServiceImpl::ListChanges(grpc::ServerContext*, const registry::v1::ListChangesRequest* req,
                                              registry::v1::ListChangesResponse* resp) {
  int64_t after = 0;
  if (!ParseCursor(req->after(), &after))
    return ToGrpcStatus(InvalidArgument("after is not a cursor this service issued", "after"));
  if (req->page_size() < 0 || req->page_size() > 1000)
    return ToGrpcStatus(InvalidArgument("page_size must be 1..1000", "page_size"));
  auto events = store_->ChangesAfter(after, req->page_size() > 0 ? req->page_size() : 100, /*with_groups=*/false);
  if (!events.ok()) return ToGrpcStatus(events.status());
  for (auto& ev : *events) *resp->add_changes() = std::move(*ev.mutable_change());
  resp->set_next_cursor(resp->changes_size() > 0 ? resp->changes().rbegin()->cursor() : std::to_string(after));
  return grpc::Status::OK;
}

grpc::Status RegistryServiceImpl::WatchChanges(grpc::ServerContext* ctx, const registry::v1::WatchChangesRequest* req,
                                               grpc::ServerWriter<registry::v1::ChangeBatch>* writer) {
  int64_t cursor = 0;
  if (!ParseCursor(req->after(), &cursor))
    return ToGrpcStatus(InvalidArgument("after is not a cursor this service issued", "after"));
  int max_batch = req->max_batch() > 0 ? std::min(req->max_batch(), 1000) : 256;
  while (!ctx->IsCancelled() && !shutting_down_) {
    auto events = store_->ChangesAfter(cursor, max_batch, /*with_groups=*/true);
    if (!events.ok()) return ToGrpcStatus(events.status());
    if (events->empty()) {
      store_->WaitForChangeAfter(cursor, std::chrono::milliseconds(250));
      continue;
    }
    registry::v1::ChangeBatch batch;
    for (auto& ev : *events) *batch.add_events() = std::move(ev);
    cursor = std::stoll(batch.events().rbegin()->change().cursor());
    if (!writer->Write(batch)) break;  // the follower went away
  }
  return grpc::Status::OK;
}

grpc::Status RegistryServiceImpl::ListCategories(grpc::ServerContext*, const registry::v1::ListCategoriesRequest*,
                                                 registry::v1::ListCategoriesResponse* resp) {
  for (const auto& c : Categories()) {
    auto* out = resp->add_categories();
    out->set_code(c.code);
    out->set_label(c.label);
  }
  return grpc::Status::OK;
}

}  // namespace ibasho::services
