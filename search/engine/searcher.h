// Searcher: answers search, suggest and status queries over the Xapian database, with exact facet
// counts. Holds a small pool of read-only database handles; each query takes one and reopens it,
// which is cheap when nothing was committed since, so results are current.
//
// Thread-safe: any number of threads may call Search/Suggest concurrently.
#ifndef IBASHO_SEARCH_ENGINE_SEARCHER_H_
#define IBASHO_SEARCH_ENGINE_SEARCHER_H_

#include <xapian.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "common/limits.h"
#include "common/status.h"
#include "ibasho/search/v1/search.pb.h"
#include "search/analysis/query_dictionary.h"
#include "search/analysis/query_translator.h"
#include "search/analysis/tokenizer.h"
#include "search/engine/facet_counter.h"
#include "search/engine/match_evaluator.h"
#include "search/engine/search_filters.h"
#include "search/query/query_builder.h"

namespace ibasho::search {

struct SearcherOptions {
  std::string index_path;
  int readers = 8;  // database handles in the pool
  int max_page_size = limits::kMaxSearchPageSize;
  int default_page_size = limits::kDefaultSearchPageSize;
  PostingCacheOptions posting_cache;
  FacetCountOptions facet_counting;
  // "Today" for next_occurrence when the request names none. Not owned; outlives the searcher.
  const Clock* clock = SystemClock();
  // Tries of one search when commits replace the revision it reads (Xapian keeps two).
  int max_attempts = 5;
  // Reads English and romaji queries as Japanese. Not owned; null: queries are taken as written.
  const QueryTranslator* translator = nullptr;
};

class Searcher {
 public:
  // The tokenizer and dictionary must outlive the searcher. The database must exist.
  static StatusOr<std::unique_ptr<Searcher>> Open(const SearcherOptions& options, const Tokenizer& tokenizer,
                                                  const QueryDictionary& dictionary);

  // InvalidArgument (naming the field) for bad parameters; Unavailable when Xapian fails (never
  // because the writer committed while the search read: it is retried on the new revision).
  StatusOr<v1::SearchResponse> Search(const v1::SearchRequest& request);
  StatusOr<v1::SuggestResponse> Suggest(const v1::SuggestRequest& request);
  // Sessions from..to of the activities Search would find for request.filters (searcher_events.cc).
  // InvalidArgument naming from, to, limit or a filter field.
  StatusOr<v1::EventsResponse> Events(const v1::EventsRequest& request);
  // One activity with its description, schedules and upcoming sessions; NotFound when the index
  // holds no activity with the id (drafts and archived listings are never indexed).
  StatusOr<v1::ActivityDetail> GetActivity(const v1::GetActivityRequest& request);
  StatusOr<uint32_t> DocCount();

  struct WarmStats {
    size_t terms = 0;  // terms whose bitmap and weights were read
    size_t bytes = 0;  // the posting cache holds afterwards
  };
  // Reads what broad queries need into the posting cache so the first searches after a start or a
  // bulk import cost what later ones do: document locations, the bitmaps of facet values, then the
  // bitmaps and BM25 weights of the most frequent terms, most frequent first, until the cache holds
  // budget_share of its budget (searcher_warm.cc). Safe beside searches; Unavailable when Xapian
  // fails.
  StatusOr<WarmStats> Warm(double budget_share);
  // Give this to the index writer (IndexWriter::set_listener) when it runs in the same process:
  // the searcher's cached term data then follows each commit instead of being read again.
  IndexChangeListener* change_listener() { return &posting_cache_; }
  PostingCache::Stats posting_cache_stats() { return posting_cache_.stats(); }

 private:
  struct Reader {
    std::mutex mu;
    std::unique_ptr<Xapian::Database> db;
    std::vector<float> scores;  // ranking scratch space (ranker.h), zero between queries
  };
  // A reader held for one query (released on destruction).
  class Lease {
   public:
    Lease(Reader* r, std::unique_lock<std::mutex> lock) : reader_(r), lock_(std::move(lock)) {}
    Xapian::Database& db() { return *reader_->db; }
    std::vector<float>& scores() { return reader_->scores; }

   private:
    Reader* reader_;
    std::unique_lock<std::mutex> lock_;
  };

  Searcher(const SearcherOptions& options, const Tokenizer& tokenizer, const QueryDictionary& dictionary);
  Lease Acquire();
  // Inside a catch block for a Xapian::Error: Aborted when a commit replaced the revision being
  // read (worth another try), Unavailable otherwise.
  static Status CurrentReadError(const std::string& what);
  // once() again while it fails with Aborted, up to max_attempts; then Unavailable.
  template <typename F>
  auto WithRetries(F once) -> decltype(once()) {
    auto result = once();
    for (int attempt = 1;
         attempt < options_.max_attempts && !result.ok() && result.status().code() == StatusCode::kAborted; ++attempt)
      result = once();
    if (!result.ok() && result.status().code() == StatusCode::kAborted)
      return Status(StatusCode::kUnavailable, result.status().message());
    return result;
  }
  StatusOr<v1::EventsResponse> EventsOnce(const v1::EventsRequest& request);
  StatusOr<v1::ActivityDetail> GetActivityOnce(const v1::GetActivityRequest& request);
  // The query with misspelt words replaced, or "" when nothing better is known.
  std::string SpellingCorrection(Xapian::Database& db, const std::string& normalized_q,
                                 const std::vector<std::string>& words) const;
  // One try at the revision a reader sees; Aborted when a commit replaced it meanwhile.
  StatusOr<v1::SearchResponse> SearchOnce(const v1::SearchRequest& request, bool may_correct);
  // The documents matching built and filters, relaxing the words when nothing matches them all;
  // fills resp's facets (and interpretation.relaxed); *used is the query that matched.
  DocSet MatchWithFallbacks(MatchEvaluator& evaluator, BuiltQuery& built, const SearchFilters& filters,
                            v1::SearchResponse* resp, const QueryNode** used);
  // The ids of the requested page of passing, in result order.
  std::vector<Xapian::docid> RankPage(Lease& lease, MatchEvaluator& evaluator, const v1::SearchRequest& req,
                                      const BuiltQuery& built, const QueryNode& used, const SearchFilters& filters,
                                      const DocSet& passing, int offset, int page_size);
  // The text to search for: the query, or its Japanese reading when it is English or romaji
  // (then recorded in *interpretation).
  std::string QueryText(const v1::SearchRequest& request, v1::Interpretation* interpretation) const;
  // The municipality of the index named name, or read as the kana name reads (ねりまく, ねりま →
  // 練馬区); "" when none or when the reading is shared by two.
  std::string MunicipalityNamed(MatchEvaluator& evaluator, const std::string& name);

  SearcherOptions options_;
  const Tokenizer& tokenizer_;
  const QueryDictionary& dictionary_;
  QueryBuilder builder_;
  std::vector<std::unique_ptr<Reader>> readers_;
  std::atomic<uint32_t> next_reader_{0};
  PostingCache posting_cache_;
  // Municipalities by katakana reading (with and without 区/市/町/村), for the municipality list
  // they were made from.
  std::mutex municipality_mu_;
  std::shared_ptr<const std::vector<std::string>> municipality_terms_;
  std::unordered_map<std::string, std::string> municipality_by_reading_;
};

}  // namespace ibasho::search

#endif  // IBASHO_SEARCH_ENGINE_SEARCHER_H_
