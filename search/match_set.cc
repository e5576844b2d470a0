#include "search/match_set.h"

#include <algorithm>

#include "search/bm25.h"

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
  return std::any_of(node.children.begin(), node.children.end(), HasPhrase);
}

bool IsTermLike(const QueryNode& node) { return node.kind == Kind::kTerm || node.kind == Kind::kBoost; }

}  // namespace

bool PostingCache::SyncLocked(Xapian::rev revision) {
  if (!have_revision_ || revision > revision_) {
    entries_.clear();
    termfreqs_.clear();
    prefix_terms_.clear();
    bytes_ = 0;
    revision_ = revision;
    have_revision_ = true;
  }
  return revision == revision_;
}

template <typename T>
std::shared_ptr<const T> PostingCache::Find(Xapian::rev revision, const std::string& term,
                                            std::shared_ptr<const T> Entry::*field) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!SyncLocked(revision)) return nullptr;
  auto it = entries_.find(term);
  if (it == entries_.end() || !(it->second.*field)) return nullptr;
  it->second.last_used = ++tick_;
  return it->second.*field;
}

template <typename T>
std::shared_ptr<const T> PostingCache::Store(Xapian::Database& db, Xapian::rev revision, const std::string& term,
                                             std::shared_ptr<const T> Entry::*field, std::shared_ptr<const T> built) {
  if (!Worthwhile(TermFreq(db, term), db.get_doccount())) return built;
  std::lock_guard<std::mutex> lock(mu_);
  if (revision != revision_) return built;
  Entry& entry = entries_[term];
  if (entry.*field) return entry.*field;
  entry.*field = built;
  entry.bytes += built->MemoryBytes();
  entry.last_used = ++tick_;
  bytes_ += built->MemoryBytes();
  while (bytes_ > options_.max_bytes && entries_.size() > 1) {
    auto oldest = std::min_element(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) {
      return a.second.last_used < b.second.last_used;
    });
    bytes_ -= oldest->second.bytes;
    entries_.erase(oldest);
  }
  return built;
}

std::shared_ptr<const DocSet> PostingCache::Get(Xapian::Database& db, const std::string& term) {
  const Xapian::rev revision = db.get_revision();
  if (auto found = Find(revision, term, &Entry::docs)) return found;
  auto docs = std::make_shared<DocSet>(db.get_lastdocid());
  for (auto it = db.postlist_begin(term); it != db.postlist_end(term); ++it) docs->Add(*it);
  return Store<DocSet>(db, revision, term, &Entry::docs, std::move(docs));
}

bool PostingCache::HasDocs(Xapian::Database& db, const std::string& term) {
  return Find(db.get_revision(), term, &Entry::docs) != nullptr;
}

std::shared_ptr<const TermImpacts> PostingCache::Impacts(Xapian::Database& db, const std::string& term) {
  const Xapian::rev revision = db.get_revision();
  if (auto found = Find(revision, term, &Entry::impacts)) return found;
  // One read of the posting list gives both the weights and the bitmap (ranked terms are matched too).
  auto impacts = std::make_shared<TermImpacts>();
  auto docs = std::make_shared<DocSet>(db.get_lastdocid());
  const Bm25TermWeight weight(db, TermFreq(db, term));
  for (auto it = db.postlist_begin(term); it != db.postlist_end(term); ++it) {
    impacts->docs.push_back(*it);
    impacts->weights.push_back(static_cast<float>(weight(it.get_wdf(), it.get_doclength())));
    docs->Add(*it);
  }
  Store<DocSet>(db, revision, term, &Entry::docs, std::move(docs));
  return Store<TermImpacts>(db, revision, term, &Entry::impacts, std::move(impacts));
}

Xapian::doccount PostingCache::TermFreq(Xapian::Database& db, const std::string& term) {
  const Xapian::rev revision = db.get_revision();
  bool cacheable;
  {
    std::lock_guard<std::mutex> lock(mu_);
    cacheable = SyncLocked(revision);
    if (cacheable) {
      auto it = termfreqs_.find(term);
      if (it != termfreqs_.end()) return it->second;
    }
  }
  const Xapian::doccount freq = term.empty() ? db.get_doccount() : db.get_termfreq(term);
  if (cacheable) {
    std::lock_guard<std::mutex> lock(mu_);
    if (termfreqs_.size() >= kMaxTermFreqs) termfreqs_.clear();  // a bound, not an eviction policy
    if (revision == revision_) termfreqs_.emplace(term, freq);
  }
  return freq;
}

std::shared_ptr<const std::vector<std::string>> PostingCache::TermsWithPrefix(Xapian::Database& db,
                                                                              const std::string& prefix) {
  const Xapian::rev revision = db.get_revision();
  bool cacheable;
  {
    std::lock_guard<std::mutex> lock(mu_);
    cacheable = SyncLocked(revision);
    if (cacheable) {
      auto it = prefix_terms_.find(prefix);
      if (it != prefix_terms_.end()) return it->second;
    }
  }
  auto terms = std::make_shared<std::vector<std::string>>(db.allterms_begin(prefix), db.allterms_end(prefix));
  if (cacheable) {
    std::lock_guard<std::mutex> lock(mu_);
    if (revision == revision_) prefix_terms_.emplace(prefix, terms);
  }
  return terms;
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

size_t MatchEvaluator::CountWithin(const std::string& term, const DocSet& within) {
  if (cache_.Worthwhile(cache_.TermFreq(db_, term), db_.get_doccount()))
    return within.CountIntersection(*TermDocs(term));
  size_t n = 0;
  for (auto it = db_.postlist_begin(term); it != db_.postlist_end(term); ++it) n += within.Contains(*it);
  return n;
}

size_t MatchEvaluator::UncachedPostings(const std::vector<std::string>& terms) {
  size_t postings = 0;
  for (const auto& t : terms)
    if (!cache_.HasDocs(db_, t)) postings += cache_.TermFreq(db_, t);
  return postings;
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

DocSet MatchEvaluator::EvalPhrase(const QueryNode& node, const DocSet* restrict) {
  // Only documents with every term can hold the phrase; Xapian checks positions on those.
  DocSet candidates = restrict ? * restrict : *TermDocs(node.terms[0]);
  for (const auto& t : node.terms) {
    candidates.IntersectWith(*TermDocs(t));
    if (candidates.Empty()) return candidates;
  }
  return Filter(ToXapian(node), nullptr, candidates);
}

DocSet MatchEvaluator::Eval(const QueryNode& node, const DocSet* restrict) {
  switch (node.kind) {
    case Kind::kNothing:
      return DocSet(max_docid_);
    case Kind::kTerm:
    case Kind::kBoost:
      return *TermDocs(node.terms[0]);
    case Kind::kPhrase:
      return EvalPhrase(node, restrict);
    case Kind::kAnd: {
      // Bitmap-only parts first, so the phrase checks see as few candidates as possible.
      std::vector<const QueryNode*> order;
      for (const auto& c : node.children)
        if (!HasPhrase(c)) order.push_back(&c);
      for (const auto& c : node.children)
        if (HasPhrase(c)) order.push_back(&c);
      DocSet acc = Eval(*order[0], restrict);
      for (size_t i = 1; i < order.size() && !acc.Empty(); ++i) {
        if (IsTermLike(*order[i])) {
          acc.IntersectWith(*TermDocs(order[i]->terms[0]));
        } else {
          acc.IntersectWith(Eval(*order[i], &acc));
        }
      }
      return acc;
    }
    case Kind::kOr: {
      DocSet acc(max_docid_);
      for (const auto& c : node.children) {
        if (HasPhrase(c)) continue;
        if (IsTermLike(c)) {
          acc.UnionWith(*TermDocs(c.terms[0]));
        } else {
          acc.UnionWith(Eval(c, restrict));
        }
      }
      for (const auto& c : node.children) {
        if (!HasPhrase(c)) continue;
        // Documents already matched need no phrase check.
        DocSet open = restrict ? * restrict : AllDocuments();
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
