// Partner writes by (source, external_id): single upserts, batches and file imports.
#include <nlohmann/json.hpp>
#include "common/limits.h"
#include "common/utf8.h"
#include "model/group_diff.h"
#include "model/hsds.h"
#include "model/open_data.h"
#include "services/common/batch_upsert.h"

#include "model/json_mapping.h"
#include "services/gateway/api_response.h"
#include "services/gateway/gateway.h"
#include "services/gateway/request_params.h"

namespace ibasho::gateway {

using nlohmann::json;
using registry::v1::Group;

void SyncReport::Add(const registry::v1::UpsertGroupResponse& r) {
  const std::string& id = r.group().external_id();
  switch (r.result()) {
    case registry::v1::UPSERT_RESULT_CREATED:
      created.push_back(id);
      break;
    case registry::v1::UPSERT_RESULT_UPDATED:
      updated.push_back(id);
      break;
    default:
      unchanged.push_back(id);
  }
  kept.insert(id);
}

void SyncReport::WriteTo(json* report) const {
  (*report)["external_ids"] = {
      {"created", created}, {"updated", updated}, {"unchanged", unchanged}, {"archived", archived}};
  if (replaced) (*report)["archived"] = archived.size();
  if (!replace_skipped.empty()) (*report)["replace_skipped"] = replace_skipped;
}

grpc::Status Gateway::ReplaceSource(const std::string& source, int rejected, bool dry_run, const Principal& who,
                                    SyncReport* sync) {
  // A rejected row's listing would look missing and be archived; an empty file would archive all.
  if (rejected > 0) {
    sync->replace_skipped =
        std::to_string(rejected) + " rows were rejected, so nothing was archived; fix them and send again";
    return grpc::Status::OK;
  }
  if (sync->kept.empty()) {
    sync->replace_skipped = "the file has no rows, so nothing was archived; archive listings one by one instead";
    return grpc::Status::OK;
  }
  sync->replaced = true;
  std::vector<std::string> missing;
  registry::v1::ListGroupsRequest lr;
  lr.set_source(source);
  lr.set_page_size(limits::kMaxGroupsPageSize);
  do {
    auto ctx = Context();
    registry::v1::ListGroupsResponse page;
    if (grpc::Status s = registry_->ListGroups(ctx.get(), lr, &page); !s.ok()) return s;
    for (const auto& g : page.groups())
      if (g.status() != registry::v1::LISTING_STATUS_ARCHIVED && !sync->kept.count(g.external_id()))
        missing.push_back(g.external_id());
    lr.set_page_token(page.next_page_token());
  } while (!lr.page_token().empty());
  for (const auto& external_id : missing) {
    if (!dry_run) {
      registry::v1::DeleteGroupRequest dr;
      dr.set_source(source);
      dr.set_external_id(external_id);
      *dr.mutable_actor() = who.actor();
      auto ctx = Context();
      registry::v1::Group archived;
      if (grpc::Status s = registry_->DeleteGroup(ctx.get(), dr, &archived); !s.ok()) return s;
    }
    sync->archived.push_back(external_id);
  }
  return grpc::Status::OK;
}

HttpResponse Gateway::PutSourceGroup(const HttpRequest& req, const std::string& source, const std::string& external_id,
                                     const Principal& who) {
  if (!who.WritesSource(source)) return Denied(who, "write source " + source);
  int if_match = ParseIfMatch(req.Header("if-match"));
  if (if_match < 0) return BadRequest(InvalidArgument("If-Match must be an ETag such as \"3\"", "If-Match"));
  registry::v1::UpsertGroupRequest ur;
  Status parsed = ParseJson(req.body, ur.mutable_group());
  if (!parsed.ok()) return BadRequest(parsed);
  ur.set_source(source);
  ur.set_external_id(external_id);
  ur.set_expected_version(if_match);
  ur.set_dry_run(IsTrue(req.Param("dry_run")));
  *ur.mutable_actor() = who.actor();
  auto ctx = Context();
  registry::v1::UpsertGroupResponse resp;
  grpc::Status s = registry_->UpsertGroup(ctx.get(), ur, &resp);
  if (!s.ok()) return FromGrpc(s);
  registry::v1::Group shown = resp.group();
  FilterForViewer(&shown, who);
  json body = {{"result", EnumWord(resp.result())},
               {"dry_run", ur.dry_run()},
               {"diff", model::DiffToJson(FilterDiffForViewer(resp.diff(), resp.group(), who))},
               {"group", json::parse(ToJson(shown))}};
  HttpResponse r = Json(resp.result() == registry::v1::UPSERT_RESULT_CREATED && !ur.dry_run() ? 201 : 200, body.dump());
  if (!ur.dry_run()) r.headers.emplace_back("ETag", Etag(resp.group().version()));
  return r;
}

HttpResponse Gateway::DeleteSourceGroup(const HttpRequest& req, const std::string& source,
                                        const std::string& external_id, const Principal& who) {
  if (!who.WritesSource(source)) return Denied(who, "write source " + source);
  registry::v1::DeleteGroupRequest dr;
  dr.set_source(source);
  dr.set_external_id(external_id);
  return Archive(req, std::move(dr), who);
}

HttpResponse Gateway::Batch(const HttpRequest& req, const std::string& source, const Principal& who) {
  if (!who.WritesSource(source)) return Denied(who, "write source " + source);
  json body;
  if (Status parsed = ParseJsonBody(req.body, &body); !parsed.ok()) return BadRequest(parsed);
  if (!body.is_object() || !body.contains("groups") || !body["groups"].is_array())
    return BadRequest(InvalidArgument("body must be {\"groups\": [ {\"external_id\": …, …}, … ]}", "groups"));
  if (static_cast<int>(body["groups"].size()) > options_.max_batch_items)
    return BadRequest(
        InvalidArgument("at most " + std::to_string(options_.max_batch_items) + " groups per batch", "groups"));
  if (body.contains("dry_run") && !body["dry_run"].is_boolean())
    return BadRequest(InvalidArgument("dry_run must be true or false", "dry_run"));
  bool dry_run = IsTrue(req.Param("dry_run")) || body.value("dry_run", false);
  const bool replace = IsTrue(req.Param("replace"));
  SyncReport sync;
  json results = json::array();
  std::map<std::string, int> counts;
  std::vector<registry::v1::UpsertGroupRequest> requests;
  std::vector<size_t> sent;  // index in the request of each item sent to the registry
  for (size_t i = 0; i < body["groups"].size(); ++i) {
    const auto& item = body["groups"][i];
    std::string path = "groups[" + std::to_string(i) + "]";
    const json* id = item.is_object() && item.contains("external_id") ? &item["external_id"] : nullptr;
    std::string external_id = id && id->is_string() ? id->get<std::string>() : "";
    results.push_back({{"index", i}, {"external_id", external_id}});
    registry::v1::UpsertGroupRequest ur;
    Status parsed = item.is_object() ? ParseJson(item.dump(), ur.mutable_group()) : InvalidArgument("not an object");
    if (parsed.ok() && id && !id->is_string()) parsed = InvalidArgument("external_id must be a string", "external_id");
    if (parsed.ok() && external_id.empty()) parsed = InvalidArgument("external_id is required", "external_id");
    if (!parsed.ok()) {
      results[i]["result"] = "rejected";
      results[i]["error"] = {{"code", "INVALID_ARGUMENT"},
                             {"message", parsed.message()},
                             {"field", parsed.field().empty() ? path : path + "." + parsed.field()}};
      ++counts["rejected"];
      continue;
    }
    ur.set_source(source);
    ur.set_external_id(external_id);
    ur.set_dry_run(dry_run);
    *ur.mutable_actor() = who.actor();
    requests.push_back(std::move(ur));
    sent.push_back(i);
  }
  services::UpsertTally tally;
  grpc::Status s = services::UpsertInBatches(
      *registry_, std::move(requests), [this] { return Context(); },
      [&](size_t k, const registry::v1::UpsertGroupsResponse::Item& item) {
        json& r = results[sent[k]];
        std::string path = "groups[" + std::to_string(sent[k]) + "]";
        if (!item.error_code().empty()) {
          r["result"] = "rejected";
          r["error"] = {{"code", item.error_code()},
                        {"message", item.error_message()},
                        {"field", item.error_field().empty() ? path : path + "." + item.error_field()}};
          return;
        }
        r["result"] = EnumWord(item.response().result());
        sync.Add(item.response());
        r["id"] = item.response().group().id();
        r["version"] = item.response().group().version();
        if (dry_run || item.response().result() == registry::v1::UPSERT_RESULT_UPDATED)
          r["diff"] = model::DiffToJson(FilterDiffForViewer(item.response().diff(), item.response().group(), who));
      },
      &tally);
  if (!s.ok() && tally.created + tally.updated + tally.unchanged == 0) return FromGrpc(s);
  counts["created"] += tally.created;
  counts["updated"] += tally.updated;
  counts["unchanged"] += tally.unchanged;
  counts["rejected"] += tally.rejected;
  json out = {{"dry_run", dry_run},
              {"results", results},
              {"created", counts["created"]},
              {"updated", counts["updated"]},
              {"unchanged", counts["unchanged"]},
              {"rejected", counts["rejected"]}};
  if (replace) {
    if (grpc::Status archived = ReplaceSource(source, counts["rejected"], dry_run, who, &sync); !archived.ok())
      return FromGrpc(archived);
  }
  sync.WriteTo(&out);
  return Json(200, out.dump(-1, ' ', false, json::error_handler_t::replace));
}

HttpResponse Gateway::Import(const HttpRequest& req, const std::string& source, const Principal& who) {
  if (!who.WritesSource(source)) return Denied(who, "write source " + source);
  bool dry_run = IsTrue(req.Param("dry_run"));
  const bool replace = IsTrue(req.Param("replace"));
  SyncReport sync;
  std::string content_type = req.Header("content-type");
  std::vector<Group> groups;
  std::vector<int> lines;
  json report = {{"source", source}, {"dry_run", dry_run}};
  json rejected = json::array();
  if (content_type.find("json") != std::string::npos) {
    // HSDS 3.0: an array of organizations, or {"organizations": [...]}.
    json body;
    if (Status parsed = ParseJsonBody(req.body, &body); !parsed.ok()) return BadRequest(parsed);
    json orgs = body.is_array() ? body : body.is_object() ? body.value("organizations", json()) : json();
    if (!orgs.is_array())
      return BadRequest(InvalidArgument("body must be an array of HSDS organizations or {\"organizations\": [...]}",
                                        "organizations"));
    report["format"] = "hsds";
    report["rows_read"] = orgs.size();
    int i = 0;
    for (const auto& org : orgs) {
      auto g = model::GroupFromHsds(org);
      if (!g.ok()) {
        rejected.push_back({{"item", i}, {"reason", g.status().message()}, {"field", g.status().field()}});
      } else if (g->external_id().empty()) {
        rejected.push_back({{"item", i}, {"reason", "an organization needs an id"}, {"field", "id"}});
      } else {
        groups.push_back(std::move(g).value());
        lines.push_back(i);
      }
      ++i;
    }
  } else {
    model::OpenDataOptions options;
    options.source = source;
    auto parsed = model::ParseOpenDataCsv(req.body, req.Param("filename", source + ".csv"), options);
    if (!parsed.ok()) return BadRequest(parsed.status());
    report["format"] = parsed->format;
    report["encoding"] = parsed->encoding;
    report["rows_read"] = parsed->rows_read;
    report["blank_rows"] = parsed->blank_rows;
    for (const auto& r : parsed->rejected) rejected.push_back({{"line", r.line}, {"reason", r.reason}});
    json skipped = json::array();
    for (const auto& r : parsed->skipped) skipped.push_back({{"line", r.line}, {"reason", r.reason}});
    json warnings = json::array();
    for (const auto& r : parsed->warnings) warnings.push_back({{"line", r.line}, {"reason", r.reason}});
    report["skipped"] = skipped;
    report["warnings"] = warnings;
    groups = std::move(parsed->groups);
    lines = std::move(parsed->group_lines);
  }
  std::vector<registry::v1::UpsertGroupRequest> requests;
  requests.reserve(groups.size());
  for (auto& g : groups) {
    auto& ur = requests.emplace_back();
    ur.set_source(source);
    ur.set_external_id(g.external_id());
    *ur.mutable_group() = std::move(g);
    ur.set_dry_run(dry_run);
    *ur.mutable_actor() = who.actor();
  }
  services::UpsertTally tally;
  grpc::Status s = services::UpsertInBatches(
      *registry_, std::move(requests), [this] { return Context(); },
      [&](size_t i, const registry::v1::UpsertGroupsResponse::Item& item) {
        if (!item.error_code().empty())
          rejected.push_back({{"line", lines[i]}, {"reason", item.error_message()}, {"field", item.error_field()}});
        else
          sync.Add(item.response());
      },
      &tally);
  if (!s.ok() && tally.created + tally.updated + tally.unchanged == 0) return FromGrpc(s);
  std::map<std::string, int> counts = {
      {"created", tally.created}, {"updated", tally.updated}, {"unchanged", tally.unchanged}};
  report["created"] = counts["created"];
  report["updated"] = counts["updated"];
  report["unchanged"] = counts["unchanged"];
  report["rejected"] = rejected;
  if (replace) {
    if (grpc::Status archived = ReplaceSource(source, static_cast<int>(rejected.size()), dry_run, who, &sync);
        !archived.ok())
      return FromGrpc(archived);
  }
  sync.WriteTo(&report);
  return Json(200, report.dump(-1, ' ', false, json::error_handler_t::replace));
}

}  // namespace ibasho::gateway
