#include "bench/corpus.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "clients/importers/open_data.h"
#include "common/json_mapping.h"
#include "common/taxonomy.h"
#include "storage/group_validator.h"

namespace ibasho::bench {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "cannot read " << path << "\n";
    std::exit(2);
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::string GroupKey(const registry::v1::Group& g) { return g.source() + ":" + g.external_id(); }

std::vector<registry::v1::Group> LoadRealCorpus(const std::string& source_dir, const std::string& opendata_dir) {
  std::vector<registry::v1::Group> groups;
  auto sample = nlohmann::json::parse(ReadFile(source_dir + "/data/sample/groups.json"));
  for (const auto& item : sample["groups"]) {
    registry::v1::Group g;
    if (!ParseJson(item.dump(), &g).ok()) continue;
    g.set_source(sample.value("source", "sample"));
    groups.push_back(std::move(g));
  }
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(opendata_dir + "/kodomo-shokudo"))
    if (e.path().extension() == ".csv" && e.path().string().find("_tsuika") == std::string::npos)
      files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    std::string companion_path = path.substr(0, path.rfind('.')) + "_tsuika.csv";
    std::string companion = std::filesystem::exists(companion_path) ? ReadFile(companion_path) : "";
    auto parsed = importers::ParseOpenDataCsv(ReadFile(path), path, {}, companion);
    if (!parsed.ok()) continue;
    for (auto& g : parsed->groups) groups.push_back(std::move(g));
  }
  int n = 0;
  std::vector<registry::v1::Group> out;
  for (auto& g : groups) {
    storage::ApplyDefaults(&g);
    if (!storage::ValidateGroup(g).ok()) continue;
    g.set_id("g" + std::to_string(++n));
    g.set_version(1);
    int k = 0;
    for (auto& a : *g.mutable_activities()) a.set_id("a" + std::to_string(n) + "_" + std::to_string(++k));
    out.push_back(std::move(g));
  }
  return out;
}

registry::v1::ChangeBatch AsChangeBatch(const std::vector<registry::v1::Group>& groups, int64_t first_cursor) {
  registry::v1::ChangeBatch batch;
  int64_t cursor = first_cursor;
  for (const auto& g : groups) {
    auto* ev = batch.add_events();
    ev->mutable_change()->set_cursor(std::to_string(cursor++));
    ev->mutable_change()->set_group_id(g.id());
    ev->mutable_change()->set_op("upsert");
    *ev->mutable_group() = g;
  }
  return batch;
}

std::vector<FlatDoc> Flatten(const std::vector<registry::v1::Group>& groups) {
  std::vector<FlatDoc> docs;
  for (const auto& g : groups) {
    for (const auto& a : g.activities()) {
      FlatDoc d;
      d.key = GroupKey(g);
      d.activity_id = a.id();
      std::vector<std::string> parts = {g.name(), g.name_kana(), a.title(), a.description(), g.description(),
                                        a.location().name(), a.location().address(), a.schedule_text(), a.fee().text()};
      for (const auto& c : a.categories()) {
        if (const char* label = CategoryLabel(c)) parts.push_back(label);
        d.categories.push_back(c);
      }
      for (const auto& p : parts)
        if (!p.empty()) d.body += (d.body.empty() ? "" : " ") + p;
      d.municipality = a.location().municipality();
      std::set<std::string> wd;
      for (const auto& s : a.schedules())
        for (const auto& day : s.byday()) wd.insert(day);
      d.weekdays.assign(wd.begin(), wd.end());
      d.lat = a.location().lat();
      d.lon = a.location().lon();
      d.free = a.fee().free();
      docs.push_back(std::move(d));
    }
  }
  return docs;
}

}  // namespace ibasho::bench
