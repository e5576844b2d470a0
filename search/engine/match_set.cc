#include "search/engine/match_set.h"

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

using Kind = QueryNode::Kind;

// Collects the ids of the documents a match visits.
class DocSetCollector : public Xapian::MatchSpy {
 public:
  explicit DocSetCollector(DocSet* out) : out_(out) {}
  void operator()(const Xapian::Document& doc, double) override { out_->Add(doc.get_docid()); }

 private:
  DocSet* out_;
};

// Whether evaluating node needs Xapian's matcher (positions) rather than bitmaps alone.
bool HasPhrase(const QueryNode& node) {
  if (node.kind == Kind::kPhrase) return true;
  if (node.kind == Kind::kAndMaybe) return HasPhrase(node.children[0]);  // the rest does not decide
  return std::any_of(node.children.begin(), node.children.end(), HasPhrase);
}

bool IsTermLike(const QueryNode& node) { return node.kind == Kind::kTerm || node.kind == Kind::kBoost; }

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

// The chain as one segment: dense when it starts with a dense segment, sparse otherwise.
std::shared_ptr<const TermImpacts> Joined(const TermImpacts& chain) {
  auto one = std::make_shared<TermImpacts>();
  one->doccount = chain.doccount;
  one->average_length = chain.average_length;
  one->termfreq = chain.termfreq;
  one->exact = chain.exact;
  one->postings = chain.postings;
  if (chain.HasDenseSegment()) {
    one->dense.assign(size_t{chain.LastDoc()} + 1, 0.0f);
    chain.ForEachSegment([&](const TermImpacts& segment) {
      std::copy(segment.dense.begin(), segment.dense.end(), one->dense.begin());
      for (size_t i = 0; i < segment.docs.size(); ++i) one->dense[segment.docs[i]] = segment.weights[i];
    });
  } else {
    one->docs.reserve(chain.postings);
    one->weights.reserve(chain.postings);
    chain.ForEachSegment([&](const TermImpacts& segment) {
      one->docs.insert(one->docs.end(), segment.docs.begin(), segment.docs.end());
      one->weights.insert(one->weights.end(), segment.weights.begin(), segment.weights.end());
    });
  }
  return one;
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
      entry->impacts = now->segments > kMaxSegments ? Joined(*now) : std::move(now);
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
    for (auto it = db.postlist_begin(term); it != db.postlist_end(term); ++it) docs->Add(*it);
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.reads;
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
    ++stats_.reads;
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

void DocSetPostingSource::Advance(Xapian::docid from) {
  current_ = docs_.NextFrom(from);
  at_end_ = current_ == 0;
}

MatchEvaluator::MatchEvaluator(Xapian::Database& db, PostingCache& cache)
    : db_(db), cache_(cache), max_docid_(db.get_lastdocid()) {}

DocSet MatchEvaluator::AnyTerm(const std::vector<std::string>& terms) {
  DocSet out(max_docid_);
  for (const auto& t : terms) out.UnionWith(*TermDocs(t));
  return out;
}

bool MatchEvaluator::LookUpMembers(const std::string& term, const DocSet& within, bool cached,
                                   size_t postings_per_look_up) {
  return !cached && within.Count() * postings_per_look_up < cache_.TermFreq(db_, term);
}

DocSet MatchEvaluator::TermDocsWithin(const std::string& term, const DocSet& within) {
  DocSet out(max_docid_);
  if (within.Empty()) return out;
  // A look-up (a skip in the posting list) costs about as much as reading this many postings.
  constexpr size_t kPostingsPerLookUp = 256;
  // Look-ups repeated query after query end in one read, which caches the bitmap.
  const uint64_t cost = uint64_t{within.Count()} * kPostingsPerLookUp;
  if (!LookUpMembers(term, within, cache_.HasDocs(db_, term), kPostingsPerLookUp) ||
      cache_.LookUpsReachList(term, cost, cache_.TermFreq(db_, term))) {
    out = *TermDocs(term);
    out.IntersectWith(within);
    return out;
  }
  Xapian::PostingIterator it = db_.postlist_begin(term);
  const Xapian::PostingIterator end = db_.postlist_end(term);
  within.ForEach([&](Xapian::docid id) {
    if (it == end) return;
    it.skip_to(id);
    if (it != end && *it == id) out.Add(id);
  });
  return out;
}

void MatchEvaluator::AddWeightsWithin(const std::string& term, const DocSet& within, double scale,
                                      std::vector<float>* scores) {
  std::vector<float>& to = *scores;
  const float factor = static_cast<float>(scale);
  // A weight needs the document's length too; and a list read once serves later queries.
  constexpr size_t kPostingsPerWeightLookUp = 1024;
  if (LookUpMembers(term, within, cache_.HasImpacts(db_, term), kPostingsPerWeightLookUp)) {
    for (const auto& [id, weight] : LookUpWeights(term, within)) to[id] += factor * weight;
    return;
  }
  std::shared_ptr<const TermImpacts> impacts = TermImpactsOf(term);
  const bool few = within.Count() * 16 < impacts->postings;
  impacts->ForEachSegment([&](const TermImpacts& segment) {
    if (!segment.dense.empty()) {
      // A weight per id: runs of 64 members are added without looking at ids (vectorised).
      const std::vector<float>& dense = segment.dense;
      within.ForEachWord([&](Xapian::docid first, uint64_t bits) {
        if (bits == ~uint64_t{0} && first + 64 <= dense.size()) {
          for (Xapian::docid id = first; id < first + 64; ++id) to[id] += factor * dense[id];
          return;
        }
        for (; bits; bits &= bits - 1) {
          const Xapian::docid id = first + static_cast<Xapian::docid>(std::countr_zero(bits));
          if (id < dense.size()) to[id] += factor * dense[id];
        }
      });
      return;
    }
    const std::vector<Xapian::docid>& docs = segment.docs;
    const std::vector<float>& weights = segment.weights;
    if (few) {
      // Few members: look each up in the list rather than walk the whole list, galloping from
      // where the previous member was (members are usually close to each other in the list).
      size_t from = 0;
      within.ForEach([&](Xapian::docid id) {
        size_t step = 1, below = from;
        while (below + step < docs.size() && docs[below + step] < id) {
          below += step;
          step *= 2;
        }
        const auto end = docs.begin() + static_cast<std::ptrdiff_t>(std::min(below + step + 1, docs.size()));
        from = static_cast<size_t>(std::lower_bound(docs.begin() + static_cast<std::ptrdiff_t>(below), end, id) -
                                   docs.begin());
        if (from < docs.size() && docs[from] == id) to[id] += factor * weights[from];
      });
      return;
    }
    // The whole list, without a branch on membership (about half the documents may be members),
    // up to the last id within can hold (a newer list may go beyond).
    const size_t end =
        static_cast<size_t>(std::upper_bound(docs.begin(), docs.end(), within.max_docid()) - docs.begin());
    for (size_t i = 0; i < end; ++i) to[docs[i]] += static_cast<float>(within.Contains(docs[i])) * factor * weights[i];
  });
}

std::vector<std::pair<Xapian::docid, float>> MatchEvaluator::LookUpWeights(const std::string& term,
                                                                           const DocSet& within) {
  std::vector<std::pair<Xapian::docid, float>> out;
  const Bm25TermWeight weight(db_, cache_.TermFreq(db_, term));
  Xapian::PostingIterator it = db_.postlist_begin(term);
  const Xapian::PostingIterator end = db_.postlist_end(term);
  within.ForEach([&](Xapian::docid id) {
    if (it == end) return;
    it.skip_to(id);
    if (it != end && *it == id) out.emplace_back(id, static_cast<float>(weight(it.get_wdf(), it.get_doclength())));
  });
  return out;
}

Xapian::doccount MatchEvaluator::MaxMatches(const QueryNode& node) {
  switch (node.kind) {
    case Kind::kNothing:
      return 0;
    case Kind::kTerm:
    case Kind::kBoost:
      return cache_.TermFreq(db_, node.terms[0]);
    case Kind::kPhrase: {
      Xapian::doccount n = std::numeric_limits<Xapian::doccount>::max();
      for (const auto& t : node.terms) n = std::min(n, cache_.TermFreq(db_, t));
      return n;
    }
    case Kind::kAnd: {
      Xapian::doccount n = std::numeric_limits<Xapian::doccount>::max();
      for (const auto& c : node.children) n = std::min(n, MaxMatches(c));
      return n;
    }
    case Kind::kOr: {
      uint64_t n = 0;
      for (const auto& c : node.children) n += MaxMatches(c);
      return static_cast<Xapian::doccount>(std::min<uint64_t>(n, max_docid_));
    }
    case Kind::kAndMaybe:
      return MaxMatches(node.children[0]);
  }
  return 0;
}

size_t MatchEvaluator::CountWithin(const std::string& term, const DocSet& within) {
  if (cache_.Worthwhile(cache_.TermFreq(db_, term), db_.get_doccount()))
    return within.CountIntersection(*TermDocs(term));
  size_t n = 0;
  for (auto it = db_.postlist_begin(term); it != db_.postlist_end(term); ++it) n += within.Contains(*it);
  return n;
}

MatchEvaluator::Uncached MatchEvaluator::UncachedPostings(const std::vector<std::string>& terms) {
  Uncached out;
  Xapian::doccount longest = 0;
  for (const auto& t : terms) {
    const Xapian::doccount freq = cache_.TermFreq(db_, t);
    if (!cache_.Worthwhile(freq, db_.get_doccount()) || cache_.HasDocs(db_, t)) continue;
    out.postings += freq;
    if (freq > longest) {
      longest = freq;
      out.longest = t;
    }
  }
  return out;
}

DocSet MatchEvaluator::WithinDistance(const Xapian::LatLongCoord& centre, double radius_m, const DocSet& within) {
  if (within.Empty()) return DocSet(max_docid_);
  return cache_.Locations(db_)->Within(centre, radius_m, within);
}

DocSet MatchEvaluator::Filter(const Xapian::Query& query, const Xapian::MatchDecider* decider, const DocSet& within) {
  if (within.Empty()) return within;
  DocSetPostingSource source(within);
  Xapian::Query restricted(&source);
  if (!query.empty()) restricted = Xapian::Query(Xapian::Query::OP_FILTER, query, restricted);
  DocSet out(max_docid_);
  DocSetCollector collect(&out);
  Xapian::Enquire enquire(db_);
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  enquire.set_docid_order(Xapian::Enquire::DONT_CARE);
  enquire.add_matchspy(&collect);
  enquire.set_query(restricted);
  enquire.get_mset(0, 0, db_.get_doccount(), nullptr, decider);
  return out;
}

DocSet MatchEvaluator::EvalPhrase(const QueryNode& node, const DocSet* focus) {
  PostingCache::PhraseChecks known;
  if (check_positions_) {
    known = cache_.Phrase(db_, node.terms);
    if (known.complete) {
      DocSet out = known.holding->ToDocSet(max_docid_);
      if (focus) out.IntersectWith(*focus);
      return out;
    }
  }
  // Only documents with every term can hold the phrase; Xapian checks positions on those. Cached
  // bitmaps first, then the shortest lists, so that the long uncached lists are looked up only
  // on the few candidates left.
  struct Part {
    bool uncached;
    Xapian::doccount freq;
    const std::string* term;
    auto Key() const { return std::tie(uncached, freq, *term); }
  };
  std::vector<Part> parts;
  for (const auto& t : node.terms) parts.push_back({!cache_.HasDocs(db_, t), cache_.TermFreq(db_, t), &t});
  std::sort(parts.begin(), parts.end(), [](const Part& a, const Part& b) { return a.Key() < b.Key(); });
  parts.erase(std::unique(parts.begin(), parts.end(), [](const Part& a, const Part& b) { return *a.term == *b.term; }),
              parts.end());
  auto with_every_term = [&](DocSet docs) {
    for (const Part& part : parts) {
      docs = TermDocsWithin(*part.term, docs);
      if (docs.Empty()) break;
    }
    return docs;
  };
  DocSet candidates = with_every_term(focus ? *focus : *TermDocs(*parts.front().term));
  if (!check_positions_ || candidates.Empty()) return candidates;

  // Candidates checked by earlier queries at this revision are not checked again.
  DocSet unknown = candidates;
  if (known.checked) known.checked->SubtractFrom(&unknown);
  // found (documents just checked and holding the phrase) with what earlier checks found.
  auto with_known = [&](DocSet found) {
    if (known.holding) known.holding->AddTo(&found);
    return found;
  };
  auto among_candidates = [&](DocSet holding) {
    holding.IntersectWith(candidates);
    return holding;
  };
  if (unknown.Empty()) return among_candidates(with_known(DocSet(max_docid_)));
  const size_t n = unknown.Count();
  if (n < cache_.options().min_phrase_candidates_to_keep)
    return among_candidates(with_known(Filter(ToXapian(node), nullptr, unknown)));
  // Checking many candidates is costly: then check every document that could hold the phrase,
  // when that is not much more work, else these candidates; either way, keep what was found for
  // the other queries at this revision.
  PostingCache::PhraseChecks now;
  DocSet to_check = focus ? with_every_term(*TermDocs(*parts.front().term)) : candidates;
  if (known.checked) known.checked->SubtractFrom(&to_check);
  now.complete = to_check.Count() <= 4 * n;
  if (!now.complete) to_check = std::move(unknown);
  DocSet holding = with_known(Filter(ToXapian(node), nullptr, to_check));
  if (!now.complete) {
    if (known.checked) known.checked->AddTo(&to_check);
    now.checked = std::make_shared<const CompactDocSet>(to_check);
  }
  now.holding = std::make_shared<const CompactDocSet>(holding);
  cache_.KeepPhrase(db_, node.terms, now);
  return among_candidates(std::move(holding));
}

DocSet MatchEvaluator::EvaluateIgnoringPositions(const QueryNode& node, const DocSet* within) {
  struct Restore {
    bool& flag;
    ~Restore() { flag = true; }
  } restore{check_positions_};
  check_positions_ = false;
  return Eval(node, within);
}

DocSet MatchEvaluator::Eval(const QueryNode& node, const DocSet* focus) {
  switch (node.kind) {
    case Kind::kNothing:
      return DocSet(max_docid_);
    case Kind::kTerm:
    case Kind::kBoost:
      return TermDocsFor(node.terms[0], focus);
    case Kind::kPhrase:
      return EvalPhrase(node, focus);
    case Kind::kAnd: {
      // The most selective bitmap-only parts first, so that the long posting lists of the others
      // may be looked up only where needed and the phrase checks see as few candidates as possible.
      std::vector<std::pair<Xapian::doccount, const QueryNode*>> sized;
      for (const auto& c : node.children)
        if (!HasPhrase(c)) sized.emplace_back(MaxMatches(c), &c);
      std::stable_sort(sized.begin(), sized.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      std::vector<const QueryNode*> order;
      for (const auto& [size, c] : sized) order.push_back(c);
      for (const auto& c : node.children)
        if (HasPhrase(c)) order.push_back(&c);
      DocSet acc = Eval(*order[0], focus);
      for (size_t i = 1; i < order.size() && !acc.Empty(); ++i) {
        if (IsTermLike(*order[i])) {
          acc = TermDocsWithin(order[i]->terms[0], acc);
        } else {
          acc.IntersectWith(Eval(*order[i], &acc));
        }
      }
      return acc;
    }
    case Kind::kAndMaybe:
      return Eval(node.children[0], focus);
    case Kind::kOr: {
      DocSet acc(max_docid_);
      for (const auto& c : node.children) {
        if (HasPhrase(c)) continue;
        if (IsTermLike(c)) {
          acc.UnionWith(TermDocsFor(c.terms[0], focus));
        } else {
          acc.UnionWith(Eval(c, focus));
        }
      }
      for (const auto& c : node.children) {
        if (!HasPhrase(c)) continue;
        // Documents already matched need no phrase check.
        DocSet open = focus ? *focus : AllDocuments();
        open.Subtract(acc);
        if (open.Empty()) break;
        acc.UnionWith(Eval(c, &open));
      }
      return acc;
    }
  }
  return DocSet(max_docid_);
}

}  // namespace ibasho::search
