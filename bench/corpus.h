// Corpora for benchmarks: the real one (sample listings + every こども食堂 open-data file, imported
// as published) and, for scale, deterministic synthetic listings built on it.
#ifndef IBASHO_BENCH_CORPUS_H_
#define IBASHO_BENCH_CORPUS_H_

#include <string>
#include <vector>

#include "ibasho/registry/v1/registry.pb.h"

namespace ibasho::bench {

// Groups with registry-style ids (g…, a…), defaults applied and validated as the registry would.
// Dies with a message when a file is missing.
std::vector<registry::v1::Group> LoadRealCorpus(const std::string& source_dir, const std::string& opendata_dir);

// "source:external_id", the stable key judgments use.
std::string GroupKey(const registry::v1::Group& g);

// A ChangeBatch that upserts the groups (cursors from first_cursor on).
registry::v1::ChangeBatch AsChangeBatch(const std::vector<registry::v1::Group>& groups, int64_t first_cursor);

// Every activity as a flat document for the peer engines.
struct FlatDoc {
  std::string key;  // group key
  std::string activity_id;
  std::string body;  // name, kana, title, descriptions, place, schedule, fee, category labels
  std::vector<std::string> categories;
  std::string municipality;
  std::vector<std::string> weekdays;
  double lat = 0, lon = 0;
  bool free = false;
};
std::vector<FlatDoc> Flatten(const std::vector<registry::v1::Group>& groups);

}  // namespace ibasho::bench

#endif  // IBASHO_BENCH_CORPUS_H_
