// Searcher's warm-up: the term data broad queries read, loaded before users ask for it.
#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

#include "search/engine/searcher.h"
#include "search/index/index_schema.h"

namespace ibasho::search {
namespace {

// Terms no text query or facet reads whole: ids (one document each) and the calendar's
// occurrence days (read by Events a day at a time).
bool NeverReadWhole(std::string_view term) {
  return term.starts_with(kTermActivityId) || term.starts_with(kTermGroupId) || term.starts_with(kTermOccurrence);
}

// Facet values (every broad query counts them from their bitmaps) and stated categories (browsing
// orders by them).
bool IsFacetValue(std::string_view term) {
  for (std::string_view prefix :
       {kTermCategory, kTermStatedCategory, kTermMunicipality, kTermWeekday, kTermFee, kTermAgeBand})
    if (term.starts_with(prefix)) return true;
  return false;
}

}  // namespace

StatusOr<Searcher::WarmStats> Searcher::Warm(double budget_share) {
  WarmStats stats;
  size_t max_bytes = 0;
  try {
    std::vector<std::pair<Xapian::doccount, std::string>> frequent;
    {
      Lease lease = Acquire();
      Xapian::Database& db = lease.db();
      db.reopen();
      const Xapian::doccount docs = db.get_doccount();
      if (docs == 0) return stats;
      max_bytes = static_cast<size_t>(budget_share * static_cast<double>(posting_cache_.Budget(docs)));
      posting_cache_.Locations(db);
      posting_cache_.Get(db, "");  // every document: filters without words start from it
      for (auto it = db.allterms_begin(); it != db.allterms_end(); ++it) {
        const std::string& term = *it;
        if (NeverReadWhole(term) || !posting_cache_.Worthwhile(it.get_termfreq(), docs)) continue;
        if (IsFacetValue(term)) {
          posting_cache_.Get(db, term);  // small (a bit per document) and read by every broad query
        } else {
          frequent.emplace_back(it.get_termfreq(), term);
        }
      }
    }
    std::sort(frequent.begin(), frequent.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (const auto& [termfreq, term] : frequent) {
      if (posting_cache_.stats().bytes >= max_bytes) break;
      Lease lease = Acquire();  // one term at a time: searches keep their readers
      lease.db().reopen();
      posting_cache_.Impacts(lease.db(), term);
      posting_cache_.Get(lease.db(), term);
      ++stats.terms;
    }
  } catch (const Xapian::Error& e) {
    return Status(StatusCode::kUnavailable, "warming the term cache failed: " + e.get_description());
  }
  stats.bytes = posting_cache_.stats().bytes;
  return stats;
}

}  // namespace ibasho::search
