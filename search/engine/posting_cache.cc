#include "search/engine/posting_cache.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <tuple>
#include <type_traits>

#include "search/engine/bm25.h"
#include "search/index/index_schema.h"

namespace ibasho::search {
namespace {

// Cache keys of phrases start with a byte no index term starts with.
constexpr char kPhraseKeyMark = '\x01';

std::string PhraseKey(const std::vector<std::string>& terms) {
  std::string key(1, kPhraseKeyMark);
  for (const auto& t : terms) {
    key += t;
    key += '\0';
  }
  return key;
}

}  // namespace

bool PostingCache::SyncLocked(Xapian::Database& db, Xapian::rev revision) {
  if (have_revision_ && revision <= revision_) return revision == revision_;
  auto announced = [&](Xapian::rev r) {
    return std::any_of(deltas_.begin(), deltas_.end(), [&](const auto& d) { return d->revision == r; });
  };
  bool covered = have_revision_ && revision - revision_ <= deltas_.size();
  for (Xapian::rev r = revision_ + 1; covered && r <= revision; ++r) covered = announced(r);
  if (!covered) {
    entries_.clear();
    locations_ = previous_locations_ = nullptr;
    bytes_ = 0;
  }
  termfreqs_.clear();
  prefix_terms_.clear();
  revision_ = revision;
  have_revision_ = true;
  budget_ = Budget(db.get_doccount());
  Xapian::rev oldest_needed = revision_;
  for (const auto& [term, entry] : entries_) oldest_needed = std::min(oldest_needed, entry.revision);
  if (locations_) oldest_needed = std::min(oldest_needed, locations_revision_);
  while (!deltas_.empty() && deltas_.front()->revision <= oldest_needed) PopDeltaLocked(/*newest=*/false);
  return true;
}

void PostingCache::WillCommit(const IndexDelta& delta) {
  std::lock_guard<std::mutex> lock(mu_);
  while (!deltas_.empty() && deltas_.back()->revision >= delta.revision) PopDeltaLocked(/*newest=*/true);
  // Nothing cached needs it, or it is so large that reading the terms again is as cheap (a bulk
  // import): without it the cache starts over at that revision.
  const size_t bytes = delta.MemoryBytes();
  if ((entries_.empty() && !locations_) || bytes > budget_ / 8) return;
  deltas_.push_back(std::make_shared<const IndexDelta>(delta));
  delta_bytes_ += bytes;
  while (deltas_.size() > kMaxDeltas || delta_bytes_ > budget_ / 4) PopDeltaLocked(/*newest=*/false);
}

void PostingCache::PopDeltaLocked(bool newest) {
  delta_bytes_ -= (newest ? deltas_.back() : deltas_.front())->MemoryBytes();
  if (newest) {
    deltas_.pop_back();
  } else {
    deltas_.pop_front();
  }
}

void PostingCache::CommitFailed(Xapian::rev revision) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!deltas_.empty() && deltas_.back()->revision == revision) PopDeltaLocked(/*newest=*/true);
}

PostingCache::Stats PostingCache::stats() {
  std::lock_guard<std::mutex> lock(mu_);
  Stats now = stats_;
  now.bytes = bytes_;
  return now;
}

const IndexDelta* PostingCache::DeltaLocked(Xapian::rev revision) const {
  auto it = std::find_if(deltas_.begin(), deltas_.end(), [&](const auto& d) { return d->revision == revision; });
  return it == deltas_.end() ? nullptr : it->get();
}

bool PostingCache::PatchLocked(Xapian::Database& db, const std::string& term, Entry* entry) {
  if (!term.empty() && term[0] == kPhraseKeyMark) return false;  // positions are not in the deltas
  // The deltas since the entry's revision, folded into one change: the ids gone (removed at any
  // point) and, for each id, its last addition not removed again afterwards.
  std::vector<Xapian::docid> gone;
  std::map<Xapian::docid, const IndexDelta::AddedDocument*> arrived;
  for (Xapian::rev r = entry->revision + 1; r <= revision_; ++r) {
    const IndexDelta* delta = DeltaLocked(r);
    if (!delta) return false;
    for (Xapian::docid id : delta->removed) {
      gone.push_back(id);
      arrived.erase(id);
    }
    for (const auto& doc : delta->added) arrived[doc.id] = &doc;
  }
  std::sort(gone.begin(), gone.end());
  gone.erase(std::unique(gone.begin(), gone.end()), gone.end());
  // term's wdf in an added document, or nullopt when the document does not have it.
  auto wdf_in = [&](const IndexDelta::AddedDocument& doc) -> std::optional<Xapian::termcount> {
    if (term.empty()) return 0;
    auto it = std::lower_bound(doc.terms.begin(), doc.terms.end(), term,
                               [](const auto& e, const std::string& t) { return e.first < t; });
    if (it == doc.terms.end() || it->first != term) return std::nullopt;
    return it->second;
  };
  std::vector<std::pair<Xapian::docid, Xapian::termcount>> joining;  // (id, wdf), ascending ids
  std::vector<Xapian::termcount> joining_length;
  for (const auto& [id, doc] : arrived) {
    if (auto wdf = wdf_in(*doc)) {
      joining.emplace_back(id, *wdf);
      joining_length.push_back(doc->length);
    }
  }
  entry->previous_revision = entry->revision;
  entry->previous_docs = entry->docs;
  entry->previous_impacts = entry->impacts;
  const std::shared_ptr<const DocSet> before = entry->docs;  // kept alive while entry->docs changes
  auto leaving = [&](const TermImpacts& listed) {            // whether any gone id is one of the term's
    for (Xapian::docid id : gone)
      if (before ? before->Contains(id) : listed.Lists(id)) return true;
    return false;
  };

  if (entry->docs) {
    DocSet docs = entry->docs->Resized(db.get_lastdocid());
    for (Xapian::docid id : gone) docs.Remove(id);
    for (const auto& [id, wdf] : joining) docs.Add(id);
    entry->docs = std::make_shared<const DocSet>(std::move(docs));
  }
  const bool impacts_leaving = entry->impacts && leaving(*entry->impacts);
  if (entry->impacts && (!joining.empty() || impacts_leaving)) {
    const Xapian::doccount termfreq = term.empty() ? db.get_doccount() : db.get_termfreq(term);
    const TermImpacts& old = *entry->impacts;
    auto drifted = [](double then, double now) { return then == 0 ? now != 0 : std::abs(now - then) / then > 0.01; };
    // Weights whose statistics drifted, or additions below listed ids (not made by the writer),
    // are read again; a chain grown long is joined into one segment in memory.
    constexpr size_t kMaxSegments = 16;
    if (drifted(old.doccount, db.get_doccount()) || drifted(old.average_length, db.get_avlength()) ||
        drifted(old.termfreq, termfreq) || (!joining.empty() && joining.front().first <= old.LastDoc())) {
      entry->impacts = nullptr;  // read again with the current statistics when next asked for
    } else {
      const Bm25TermWeight weight(db, termfreq);
      auto now = std::make_shared<TermImpacts>();
      now->base = entry->impacts;
      now->doccount = old.doccount;
      now->average_length = old.average_length;
      now->termfreq = old.termfreq;
      now->exact = old.exact && !impacts_leaving;
      now->segments = old.segments + 1;
      now->postings = old.postings + joining.size();
      for (size_t j = 0; j < joining.size(); ++j) {
        now->docs.push_back(joining[j].first);
        now->weights.push_back(static_cast<float>(weight(joining[j].second, joining_length[j])));
      }
      entry->impacts = now->segments > kMaxSegments ? JoinSegments(*now) : std::move(now);
    }
  }
  bytes_ -= entry->bytes;
  entry->bytes = (entry->docs ? entry->docs->MemoryBytes() : 0) + (entry->impacts ? entry->impacts->MemoryBytes() : 0);
  if (entry->previous_docs && entry->previous_docs != entry->docs) entry->bytes += entry->previous_docs->MemoryBytes();
  // The previous weight list is usually the base of the current chain: then it takes no more memory.
  if (entry->previous_impacts && entry->previous_impacts != entry->impacts &&
      !(entry->impacts && entry->impacts->base == entry->previous_impacts))
    entry->bytes += entry->previous_impacts->MemoryBytes();
  bytes_ += entry->bytes;
  entry->revision = revision_;
  ++stats_.patches;
  return true;
}

bool PostingCache::PatchLocationsLocked() {
  std::vector<std::pair<Xapian::docid, DocumentLocations::Point>> changes;
  for (Xapian::rev r = locations_revision_ + 1; r <= revision_; ++r) {
    const IndexDelta* delta = DeltaLocked(r);
    if (!delta) return false;
    // A replaced document is in both lists: removed first, then added.
    for (Xapian::docid id : delta->removed) changes.emplace_back(id, DocumentLocations::kNowhere);
    for (const auto& doc : delta->added) changes.emplace_back(doc.id, DocumentLocations::FromValue(doc.location));
  }
  std::shared_ptr<const DocumentLocations> now = locations_->WithChanges(changes);
  bytes_ -= LocationsBytesLocked();
  previous_locations_ = std::move(locations_);
  previous_locations_revision_ = locations_revision_;
  locations_ = std::move(now);
  locations_revision_ = revision_;
  bytes_ += LocationsBytesLocked();
  ++stats_.patches;
  return true;
}

size_t PostingCache::LocationsBytesLocked() const {
  if (!locations_) return 0;
  return locations_->MemoryBytes() + (previous_locations_ ? previous_locations_->MemoryBytesBeside(*locations_) : 0);
}

std::shared_ptr<const DocumentLocations> PostingCache::Locations(Xapian::Database& db) {
  const Xapian::rev revision = db.get_revision();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!SyncLocked(db, revision)) {  // a reader behind the newest revision
      if (previous_locations_ && previous_locations_revision_ == revision) return previous_locations_;
      // Newer locations differ only for documents removed since (and for higher ids, which the
      // reader does not have): fine for a query that raced a commit.
      if (locations_ && locations_revision_ >= revision) return locations_;
    } else if (locations_) {
      if (locations_revision_ == revision_ || PatchLocationsLocked()) return locations_;
      bytes_ -= LocationsBytesLocked();
      locations_ = previous_locations_ = nullptr;
    }
  }
  std::vector<DocumentLocations::Point> points(db.get_lastdocid() + 1, DocumentLocations::kNowhere);
  for (auto it = db.valuestream_begin(kSlotLatLon); it != db.valuestream_end(kSlotLatLon); ++it)
    points[it.get_docid()] = DocumentLocations::FromValue(*it);
  auto built = std::make_shared<const DocumentLocations>(std::move(points));
  std::lock_guard<std::mutex> lock(mu_);
  ++stats_.reads;
  if (revision != revision_ || locations_) return built;
  locations_ = built;
  locations_revision_ = revision_;
  bytes_ += built->MemoryBytes();
  EvictLocked();
  return built;
}

void PostingCache::EvictLocked() {
  while (bytes_ > budget_ && entries_.size() > 1) {
    auto oldest = std::min_element(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) {
      return a.second.last_used < b.second.last_used;
    });
    bytes_ -= oldest->second.bytes;
    entries_.erase(oldest);
  }
}

template <typename T>
std::shared_ptr<const T> PostingCache::Find(Xapian::Database& db, Xapian::rev revision, const std::string& term,
                                            std::shared_ptr<const T> Entry::*field) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!SyncLocked(db, revision)) {
    // A reader behind the newest revision: the value as it was at its revision, when still kept.
    auto it = entries_.find(term);
    if (it == entries_.end()) return nullptr;
    const Entry& entry = it->second;
    if (entry.revision == revision) return entry.*field;
    if constexpr (std::is_same_v<T, DocSet>) {
      if (entry.previous_revision == revision) return entry.previous_docs;
      // A newer bitmap cut to the reader's ids differs only by documents removed since (the
      // writer gives added documents new, higher ids): fine for a query that raced a commit.
      if (entry.revision > revision && entry.docs)
        return std::make_shared<const DocSet>(entry.docs->Resized(db.get_lastdocid()));
      return nullptr;
    } else {
      if (entry.previous_revision == revision) return entry.previous_impacts;
      // A newer weight list lists the reader's documents too (removed ones stay listed until the
      // list is read again) and the documents added since, beyond the reader's ids, are ignored
      // by AddWeightsWithin().
      return entry.revision > revision ? entry.impacts : nullptr;
    }
  }
  auto it = entries_.find(term);
  if (it == entries_.end()) return nullptr;
  if (it->second.revision != revision_ && !PatchLocked(db, term, &it->second)) {
    bytes_ -= it->second.bytes;
    entries_.erase(it);
    return nullptr;
  }
  if (!(it->second.*field)) return nullptr;
  it->second.last_used = ++tick_;
  return it->second.*field;
}

template <typename T>
std::shared_ptr<const T> PostingCache::Store(Xapian::Database& db, Xapian::rev revision, const std::string& term,
                                             std::shared_ptr<const T> Entry::*field, std::shared_ptr<const T> built) {
  if constexpr (std::is_same_v<T, DocSet>) {
    if (!Worthwhile(TermFreq(db, term), db.get_doccount())) return built;
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (revision != revision_) return built;
  auto [it, inserted] = entries_.try_emplace(term);
  Entry& entry = it->second;
  if (!inserted && entry.revision != revision_) {  // an older version of the other field: start afresh
    bytes_ -= entry.bytes;
    entry = Entry();
  }
  entry.revision = revision_;
  if (entry.*field) return entry.*field;
  entry.*field = built;
  entry.bytes += built->MemoryBytes();
  entry.last_used = ++tick_;
  bytes_ += built->MemoryBytes();
  EvictLocked();
  return built;
}

std::shared_ptr<const DocSet> PostingCache::Get(Xapian::Database& db, const std::string& term) {
  const Xapian::rev revision = db.get_revision();
  if (auto found = Find(db, revision, term, &Entry::docs)) return found;
  auto docs = std::make_shared<DocSet>(db.get_lastdocid());
  if (auto impacts = Find(db, revision, term, &Entry::impacts); impacts && impacts->exact) {
    impacts->ForEachSegment([&](const TermImpacts& segment) {
      for (Xapian::docid id : segment.docs) docs->Add(id);
      for (Xapian::docid id = 0; id < segment.dense.size(); ++id) docs->AddIf(id, segment.dense[id] != 0);
    });
  } else {
    bool any = false;
    for (auto it = db.postlist_begin(term); it != db.postlist_end(term); ++it, any = true) docs->Add(*it);
    std::lock_guard<std::mutex> lock(mu_);
    stats_.reads += any;
  }
  return Store<DocSet>(db, revision, term, &Entry::docs, std::move(docs));
}

bool PostingCache::LookUpsReachList(const std::string& term, uint64_t cost, Xapian::doccount termfreq) {
  std::lock_guard<std::mutex> lock(mu_);
  if (look_up_costs_.size() >= kMaxMemoized) look_up_costs_.clear();
  uint64_t& spent = look_up_costs_[term];
  spent += cost;
  if (spent < termfreq) return false;
  spent = 0;
  return true;
}

bool PostingCache::HasDocs(Xapian::Database& db, const std::string& term) {
  return Find(db, db.get_revision(), term, &Entry::docs) != nullptr;
}

PostingCache::PhraseChecks PostingCache::Phrase(Xapian::Database& db, const std::vector<std::string>& terms) {
  const Xapian::rev revision = db.get_revision();
  std::lock_guard<std::mutex> lock(mu_);
  if (!SyncLocked(db, revision)) return {};
  auto it = entries_.find(PhraseKey(terms));
  if (it == entries_.end()) return {};
  if (it->second.revision != revision_) {  // from an earlier revision: positions may have changed
    bytes_ -= it->second.bytes;
    entries_.erase(it);
    return {};
  }
  it->second.last_used = ++tick_;
  return it->second.phrase;
}

void PostingCache::KeepPhrase(Xapian::Database& db, const std::vector<std::string>& terms, PhraseChecks checks) {
  const Xapian::rev revision = db.get_revision();
  std::lock_guard<std::mutex> lock(mu_);
  if (!SyncLocked(db, revision)) return;
  Entry& entry = entries_[PhraseKey(terms)];
  bytes_ -= entry.bytes;
  entry = Entry();
  entry.revision = revision_;
  for (const auto* docs : {checks.checked.get(), checks.holding.get()})
    if (docs) entry.bytes += docs->MemoryBytes();
  entry.phrase = std::move(checks);
  entry.last_used = ++tick_;
  bytes_ += entry.bytes;
  EvictLocked();
}

bool PostingCache::HasImpacts(Xapian::Database& db, const std::string& term) {
  return Find(db, db.get_revision(), term, &Entry::impacts) != nullptr;
}

std::shared_ptr<const TermImpacts> PostingCache::Impacts(Xapian::Database& db, const std::string& term) {
  const Xapian::rev revision = db.get_revision();
  if (auto found = Find(db, revision, term, &Entry::impacts)) return found;
  // One read of the posting list gives both the weights and the bitmap (ranked terms are matched too).
  auto impacts = std::make_shared<TermImpacts>();
  auto docs = std::make_shared<DocSet>(db.get_lastdocid());
  impacts->termfreq = TermFreq(db, term);
  impacts->doccount = db.get_doccount();
  impacts->average_length = db.get_avlength();
  const Bm25TermWeight weight(db, impacts->termfreq);
  for (auto it = db.postlist_begin(term); it != db.postlist_end(term); ++it) {
    impacts->docs.push_back(*it);
    impacts->weights.push_back(static_cast<float>(weight(it.get_wdf(), it.get_doclength())));
    ++impacts->postings;
    docs->Add(*it);
  }
  // Dense when that is smaller, and when no weight is 0 (a boolean term), so 0 means "not listed".
  const auto& weights = impacts->weights;
  if (2 * impacts->postings > db.get_lastdocid() &&
      std::none_of(weights.begin(), weights.end(), [](float w) { return w == 0; })) {
    impacts->dense.assign(size_t{db.get_lastdocid()} + 1, 0.0f);
    for (size_t i = 0; i < impacts->docs.size(); ++i) impacts->dense[impacts->docs[i]] = impacts->weights[i];
    impacts->docs = {};
    impacts->weights = {};
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    stats_.reads += impacts->postings > 0;
  }
  Store<DocSet>(db, revision, term, &Entry::docs, std::move(docs));
  return Store<TermImpacts>(db, revision, term, &Entry::impacts, std::move(impacts));
}

template <typename Value, typename Compute>
Value PostingCache::Memoized(Xapian::Database& db, std::unordered_map<std::string, Value>* memo, const std::string& key,
                             Compute compute) {
  const Xapian::rev revision = db.get_revision();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!SyncLocked(db, revision)) return compute();
    auto it = memo->find(key);
    if (it != memo->end()) return it->second;
  }
  Value value = compute();
  std::lock_guard<std::mutex> lock(mu_);
  if (memo->size() >= kMaxMemoized) memo->clear();  // a bound, not an eviction policy
  if (revision == revision_) memo->emplace(key, value);
  return value;
}

Xapian::doccount PostingCache::TermFreq(Xapian::Database& db, const std::string& term) {
  return Memoized(db, &termfreqs_, term, [&] { return term.empty() ? db.get_doccount() : db.get_termfreq(term); });
}

std::shared_ptr<const std::vector<std::string>> PostingCache::TermsWithPrefix(Xapian::Database& db,
                                                                              const std::string& prefix) {
  return Memoized(db, &prefix_terms_, prefix, [&] {
    return std::shared_ptr<const std::vector<std::string>>(
        std::make_shared<std::vector<std::string>>(db.allterms_begin(prefix), db.allterms_end(prefix)));
  });
}

}  // namespace ibasho::search
