// Groups by id: create, read, merge-patch, archive, list, and the review workflow.
#include <nlohmann/json.hpp>
#include "common/clock.h"
#include "common/limits.h"
#include "common/numbers.h"
#include "common/utf8.h"

#include "model/json_mapping.h"
#include "services/gateway/api_response.h"
#include "services/gateway/gateway.h"
#include "services/gateway/request_params.h"

namespace ibasho::gateway {

using nlohmann::json;
using registry::v1::Group;

void FilterForViewer(Group* group, const Principal& viewer) {
  if (viewer.is_admin() || viewer.EditsGroup(group->id())) return;
  auto* contacts = group->mutable_contacts();
  for (int i = contacts->size() - 1; i >= 0; --i) {
    registry::v1::Visibility v = contacts->Get(i).visibility();
    bool visible =
        v == registry::v1::VISIBILITY_PUBLIC || (v == registry::v1::VISIBILITY_NETWORK && viewer.role == Role::kEditor);
    if (!visible) contacts->DeleteSubrange(i, 1);
  }
}

google::protobuf::RepeatedPtrField<registry::v1::FieldChange> FilterDiffForViewer(
    const google::protobuf::RepeatedPtrField<registry::v1::FieldChange>& diff, const Group& after,
    const Principal& viewer) {
  if (viewer.is_admin() || viewer.EditsGroup(after.id())) return diff;
  google::protobuf::RepeatedPtrField<registry::v1::FieldChange> out;
  for (const auto& change : diff) {
    // "contacts[2].phone": shown only when that contact is public now (it was written by this
    // caller, who sees public contacts); a contact that is not, or was removed, stays unseen.
    if (change.path().rfind("contacts", 0) == 0) {
      int index = -1;
      size_t open = change.path().find('['), close = change.path().find(']');
      if (open != std::string::npos && close != std::string::npos && close > open)
        ParseInt(change.path().substr(open + 1, close - open - 1), &index);
      if (index < 0 || index >= after.contacts_size() ||
          after.contacts(index).visibility() != registry::v1::VISIBILITY_PUBLIC)
        continue;
    }
    *out.Add() = change;
  }
  return out;
}

HttpResponse Gateway::CreateGroup(const HttpRequest& req, const Principal& who) {
  if (!who.is_admin()) return Denied(who, "create groups");
  registry::v1::CreateGroupRequest cr;
  Status parsed = ParseJson(req.body, cr.mutable_group());
  if (!parsed.ok()) return BadRequest(parsed);
  // Ids are the registry's to give: a caller-chosen one could collide with or imitate another's.
  if (!cr.group().id().empty()) return BadRequest(InvalidArgument("id is assigned by the registry", "id"));
  *cr.mutable_actor() = who.actor();
  auto ctx = Context();
  Group g;
  grpc::Status s = registry_->CreateGroup(ctx.get(), cr, &g);
  if (!s.ok()) return FromGrpc(s);
  HttpResponse r = GroupResponse(201, g);
  r.headers.emplace_back("Location", "/v1/groups/" + g.id());
  return r;
}

HttpResponse Gateway::GetGroup(const std::string& id, const Principal& who) {
  registry::v1::GetGroupRequest gr;
  gr.set_id(id);
  auto ctx = Context();
  Group g;
  grpc::Status s = registry_->GetGroup(ctx.get(), gr, &g);
  if (!s.ok()) return FromGrpc(s);
  if (g.status() != registry::v1::LISTING_STATUS_PUBLISHED && !who.EditsGroup(id))
    return Error(404, "NOT_FOUND", "group " + id + " not found");
  FilterForViewer(&g, who);
  return GroupResponse(200, g);
}

HttpResponse Gateway::PatchGroup(const HttpRequest& req, const std::string& id, const Principal& who) {
  if (!who.EditsGroup(id)) return Denied(who, "edit this group");
  int if_match = ParseIfMatch(req.Header("if-match"));
  if (if_match < 0) return BadRequest(InvalidArgument("If-Match must be an ETag such as \"3\"", "If-Match"));
  if (if_match == 0 && !who.is_admin())
    return Error(428, "FAILED_PRECONDITION", "editors must send If-Match with the ETag they edited", "If-Match");
  json patch;
  if (Status parsed = ParseJsonBody(req.body, &patch); !parsed.ok()) return BadRequest(parsed);
  if (!patch.is_object()) return BadRequest(InvalidArgument("request body must be a JSON merge patch object"));
  for (const char* fixed : {"id", "version", "created_at", "updated_at"})
    if (patch.contains(fixed)) return BadRequest(InvalidArgument(std::string(fixed) + " cannot be changed", fixed));
  if (!who.is_admin())
    for (const char* admin_only : {"status", "source", "external_id"})
      if (patch.contains(admin_only))
        return Error(403, "PERMISSION_DENIED", std::string("only staff may change ") + admin_only, admin_only);
  // Without If-Match the patch applies to whatever is current: retry a lost race a few times.
  for (int attempt = 0; attempt < 3; ++attempt) {
    registry::v1::GetGroupRequest gr;
    gr.set_id(id);
    Group current;
    auto ctx = Context();
    grpc::Status s = registry_->GetGroup(ctx.get(), gr, &current);
    if (!s.ok()) return FromGrpc(s);
    if (if_match > 0 && current.version() != if_match) {
      HttpResponse r = Error(
          412, "FAILED_PRECONDITION",
          "the group changed since you read it: current version is " + std::to_string(current.version()), "If-Match");
      r.headers.emplace_back("ETag", Etag(current.version()));
      return r;
    }
    json merged = json::parse(ToJson(current));
    merged.merge_patch(patch);
    registry::v1::UpdateGroupRequest ur;
    Status parsed = ParseJson(merged.dump(), ur.mutable_group());
    if (!parsed.ok()) return BadRequest(parsed);
    ur.set_expected_version(current.version());
    // An editor's change to a published group waits for review; the listing stays as it is.
    ur.set_review(!who.is_admin() && current.status() == registry::v1::LISTING_STATUS_PUBLISHED);
    *ur.mutable_actor() = who.actor();
    Group updated;
    auto uctx = Context();
    s = registry_->UpdateGroup(uctx.get(), ur, &updated);
    if (s.error_code() == grpc::StatusCode::FAILED_PRECONDITION && if_match == 0) continue;
    if (!s.ok()) return FromGrpc(s);
    if (ur.review()) {
      json body = {{"status", "pending_review"},
                   {"message", "saved; the change is published after review by ward staff"},
                   {"revision", json::parse(ToJson(updated))}};
      HttpResponse r = Json(202, body.dump());
      r.headers.emplace_back("ETag", Etag(current.version()));
      return r;
    }
    return GroupResponse(200, updated);
  }
  return Error(409, "ABORTED", "the group is being changed by others; try again");
}

HttpResponse Gateway::DeleteGroup(const HttpRequest& req, const std::string& id, const Principal& who) {
  if (!who.is_admin()) return Denied(who, "archive groups");
  registry::v1::DeleteGroupRequest dr;
  dr.set_id(id);
  return Archive(req, std::move(dr), who);
}

HttpResponse Gateway::Archive(const HttpRequest& req, registry::v1::DeleteGroupRequest dr, const Principal& who) {
  int if_match = ParseIfMatch(req.Header("if-match"));
  if (if_match < 0) return BadRequest(InvalidArgument("If-Match must be an ETag such as \"3\"", "If-Match"));
  dr.set_expected_version(if_match);
  *dr.mutable_actor() = who.actor();
  auto ctx = Context();
  Group g;
  grpc::Status s = registry_->DeleteGroup(ctx.get(), dr, &g);
  if (!s.ok()) return FromGrpc(s);
  return GroupResponse(200, g);
}

HttpResponse Gateway::ListGroups(const HttpRequest& req, const Principal& who) {
  registry::v1::ListGroupsRequest lr;
  int page_size = 0;
  if (Status st = IntParam(req, "page_size", 1, limits::kMaxGroupsPageSize, &page_size); !st.ok())
    return BadRequest(st);
  lr.set_page_size(page_size);
  lr.set_page_token(req.Param("page_token"));
  lr.set_source(req.Param("source"));
  lr.set_modified_after(req.Param("modified_after"));
  auto ctx = Context();
  registry::v1::ListGroupsResponse resp;
  grpc::Status s = registry_->ListGroups(ctx.get(), lr, &resp);
  if (!s.ok()) return FromGrpc(s);
  auto* groups = resp.mutable_groups();
  for (int i = groups->size() - 1; i >= 0; --i) {
    const Group& g = groups->Get(i);
    // A partner sees every listing of its own source, archived ones too: what it must sync.
    if (g.status() != registry::v1::LISTING_STATUS_PUBLISHED && !who.EditsGroup(g.id()) &&
        !(who.role == Role::kPartner && who.WritesSource(g.source()))) {
      groups->DeleteSubrange(i, 1);
    } else {
      FilterForViewer(groups->Mutable(i), who);
    }
  }
  return Json(200, ToJson(resp));
}

HttpResponse Gateway::History(const std::string& id, const Principal& who) {
  if (!who.EditsGroup(id)) return Denied(who, "read this group's history");
  registry::v1::GetGroupRequest gr;
  gr.set_id(id);
  auto ctx = Context();
  registry::v1::HistoryResponse resp;
  grpc::Status s = registry_->GetHistory(ctx.get(), gr, &resp);
  if (!s.ok()) return FromGrpc(s);
  return Json(200, ToJson(resp, true));
}

HttpResponse Gateway::Pending(const std::string& id, const Principal& who) {
  if (!who.EditsGroup(id)) return Denied(who, "read this group's pending change");
  registry::v1::GetGroupRequest gr;
  gr.set_id(id);
  auto ctx = Context();
  Group g;
  grpc::Status s = registry_->GetPendingRevision(ctx.get(), gr, &g);
  if (!s.ok()) return FromGrpc(s);
  return Json(200, ToJson(g));
}

HttpResponse Gateway::Review(const HttpRequest& req, const std::string& id, bool publish, const Principal& who) {
  if (!who.is_admin()) return Denied(who, publish ? "publish changes" : "reject changes");
  registry::v1::ReviewRequest rr;
  rr.set_id(id);
  if (!req.body.empty()) {
    json body;
    if (Status parsed = ParseJsonBody(req.body, &body); !parsed.ok()) return BadRequest(parsed);
    if (!body.is_object()) return BadRequest(InvalidArgument("body must be a JSON object"));
    if (body.contains("reason")) {
      if (!body["reason"].is_string()) return BadRequest(InvalidArgument("reason must be a string", "reason"));
      rr.set_reason(body["reason"].get<std::string>());
    }
  }
  *rr.mutable_actor() = who.actor();
  auto ctx = Context();
  Group g;
  grpc::Status s =
      publish ? registry_->PublishRevision(ctx.get(), rr, &g) : registry_->RejectRevision(ctx.get(), rr, &g);
  if (!s.ok()) return FromGrpc(s);
  return GroupResponse(200, g);
}

HttpResponse Gateway::Verify(const std::string& id, const Principal& who) {
  if (!who.EditsGroup(id)) return Denied(who, "verify this group");
  registry::v1::VerifyGroupRequest vr;
  vr.set_id(id);
  *vr.mutable_actor() = who.actor();
  auto ctx = Context();
  Group g;
  grpc::Status s = registry_->VerifyGroup(ctx.get(), vr, &g);
  if (!s.ok()) return FromGrpc(s);
  return GroupResponse(200, g);
}

HttpResponse Gateway::Stale(const HttpRequest& req) {
  std::string older = req.Param("older_than", "365d");
  int days = 0;
  if (older.size() < 2 || older.back() != 'd' || !ParseInt(older.substr(0, older.size() - 1), &days) || days < 0 ||
      days > limits::kMaxStaleDays)
    return BadRequest(InvalidArgument(
        "older_than must be a number of days such as 365d (at most " + std::to_string(limits::kMaxStaleDays) + "d)",
        "older_than"));
  std::string cutoff = Rfc3339DaysAgo(days).substr(0, 10);
  registry::v1::ListStaleRequest lr;
  lr.set_before_date(cutoff);
  lr.set_limit(limits::kMaxStaleGroups);
  auto ctx = Context();
  registry::v1::ListGroupsResponse resp;
  grpc::Status s = registry_->ListStale(ctx.get(), lr, &resp);
  if (!s.ok()) return FromGrpc(s);
  json out = {{"verified_before", cutoff}, {"groups", json::array()}};
  for (const auto& g : resp.groups())
    out["groups"].push_back(
        {{"id", g.id()}, {"name", g.name()}, {"verified_at", g.verified_at()}, {"updated_at", g.updated_at()}});
  return Json(200, out.dump());
}

}  // namespace ibasho::gateway
