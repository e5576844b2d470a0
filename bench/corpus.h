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

// The real corpus followed by deterministic synthetic listings (one activity each) up to
// `activities` in all: every category, Nerima and 30 other municipalities, weekly and monthly
// schedules, ages, fees, 60–250 characters of Japanese with orthographic variants. The same seed
// gives the same corpus.
std::vector<registry::v1::Group> SyntheticCorpus(const std::vector<registry::v1::Group>& real, size_t activities,
                                                 uint64_t seed = 20261126);

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

// A realistic query log: single words, hiragana and katakana, variants, two-word queries, worries,
// group names, rare words; ~40% with category / municipality / weekday filters, ~10% near a place.
struct LoggedQuery {
  std::string kind;  // word | kana | variant | two_words | worry | name | rare
  std::string q;
  std::vector<std::string> category, municipality, weekday;
  bool has_near = false;
  double lat = 0, lon = 0, radius_m = 0;
};
std::vector<LoggedQuery> QueryLog(const std::vector<registry::v1::Group>& corpus, size_t n, uint64_t seed = 7);

// The first n distinct query strings of the log without their filters: the shape of a search box
// (plain `q`, page of 10, default facets).
std::vector<LoggedQuery> PlainQueries(const std::vector<LoggedQuery>& log, size_t n);

// The query as a GET /v1/search target (facets are always computed).
std::string IbashoSearchTarget(const LoggedQuery& q);

}  // namespace ibasho::bench

#endif  // IBASHO_BENCH_CORPUS_H_
